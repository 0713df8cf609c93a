"""Corpus mode from Python: every figure of a manifest into Parquet, on one machine (threads) or
on a cluster (any engine that maps a function over rows: see ``examples/dask_corpus.py``).

Layout of ``out`` (the tables hold the same rows as ``figdig corpus``'s summary.csv and
points.csv)::

    out/parts/<id>.summary.json   one figure's summary row          (per figure, written atomically)
    out/parts/<id>.points.arrow   one figure's points, id first     (per figure, Arrow IPC, atomically)
    out/summary.parquet           one row per figure, manifest order
    out/points.parquet            every point, the figure's id first

A figure whose two part files exist is done and skipped, so an interrupted run resumes.
"""

from __future__ import annotations

import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Iterable, List, Optional, Union

import pandas as pd

SUMMARY_COLUMNS = ["figure", "path", "page", "status", "panels", "markers", "rows", "warnings", "skipped",
                   "reason"]


def _atomic(path: str, write) -> None:
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.tmp-{os.getpid()}-{uuid.uuid4().hex}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _write_text(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _part_table(points: pd.DataFrame):
    """One figure's points as an Arrow table, text columns as plain strings so that every
    figure's part has the same schema (categories differ from figure to figure)."""
    import pyarrow as pa

    table = pa.Table.from_pandas(points, preserve_index=False)
    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.string()))
    return table


def _write_part(path: str, points: pd.DataFrame) -> None:
    import pyarrow.feather as feather

    feather.write_feather(_part_table(points), path, compression="uncompressed")


def _read_json(path: str) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _parts(out: str, figure: str) -> tuple:
    d = os.path.join(out, "parts")
    return os.path.join(d, f"{figure}.summary.json"), os.path.join(d, f"{figure}.points.arrow")


def _summary_row(row: Dict[str, Any], status: str, reason: str, counts=None) -> Dict[str, Any]:
    panels, markers, rows, warnings, skipped = counts or (None,) * 5
    return {"figure": row["figure"], "path": row["path"], "page": row["page"], "status": status,
            "panels": panels, "markers": markers, "rows": rows, "warnings": warnings, "skipped": skipped,
            "reason": reason}


def extract_row(row: Dict[str, Any], out: str, filter: str = "replication") -> Dict[str, Any]:
    """Extract one manifest row (a dict with ``figure``, ``path``, ``resolved``, ``page``, as
    :func:`figdig.read_manifest` gives) into its part files under ``out``; return its summary
    row. A figure done before is not extracted again. Safe to run on any worker that sees ``out``."""
    import figdig

    summary_path, points_path = _parts(out, row["figure"])
    if os.path.exists(summary_path) and os.path.exists(points_path):
        return _read_json(summary_path)
    os.makedirs(os.path.dirname(summary_path), exist_ok=True)
    page = None if pd.isna(row["page"]) else int(row["page"])
    try:
        ex = figdig.extract(row["resolved"], page=page, filter=filter)
        status = ex.status
        reason = "no point has both an x and a y value" if status == "failed" else ""
        summary = _summary_row(row, status, reason, ex._native.counts())
        points = ex.points
    except figdig.FigdigError as e:
        # The command line's reason, without the path it puts in front.
        reason = str(e).removeprefix(f"{row['resolved']}: ")
        summary = _summary_row(row, "failed", reason)
        points = figdig._points_frame(figdig._EMPTY_COLUMNS)
    points.insert(0, "figure", row["figure"])
    _atomic(points_path, lambda p: _write_part(p, points))
    _atomic(summary_path, lambda p: _write_text(p, json.dumps(summary)))
    return summary


def assemble(rows: pd.DataFrame, out: str, summaries: Optional[Iterable[Dict[str, Any]]] = None,
             suffix: str = "") -> pd.DataFrame:
    """Write ``out/summary<suffix>.parquet`` and ``out/points<suffix>.parquet`` from the rows'
    part files, in manifest order; returns the summary table."""
    if summaries is None:
        summaries = [_read_json(_parts(out, f)[0]) for f in rows["figure"]]
    summary = pd.DataFrame(list(summaries), columns=SUMMARY_COLUMNS)
    for c in ["page", "panels", "markers", "rows", "warnings", "skipped"]:
        summary[c] = summary[c].astype("Int64")
    import pyarrow as pa
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    import figdig

    tables = [feather.read_table(_parts(out, f)[1]) for f in rows["figure"]]
    if not tables:
        empty = figdig._points_frame(figdig._EMPTY_COLUMNS)
        empty.insert(0, "figure", pd.Series([], dtype=object))
        tables = [_part_table(empty)]
    points = pa.concat_tables(tables)
    _atomic(os.path.join(out, f"summary{suffix}.parquet"), lambda p: summary.to_parquet(p, index=False))
    _atomic(os.path.join(out, f"points{suffix}.parquet"), lambda p: pq.write_table(points, p))
    return summary


def corpus(manifest: Union[str, "os.PathLike[str]"], out: Union[str, "os.PathLike[str]"],
           shard: Optional[str] = None, threads: Optional[int] = None,
           filter: str = "replication") -> pd.DataFrame:
    """``figdig corpus`` from Python, writing Parquet: every figure of ``manifest`` (CSV or JSON
    Lines) into ``out/summary.parquet`` and ``out/points.parquet`` (``shard="I/N"``: rows I, I+N,
    ... only, into ``summary.shard-I-of-N.parquet`` and ``points.shard-I-of-N.parquet``).
    Figures run on ``threads`` threads (default: one per CPU; the GIL is released). Resumable.

    Example::

        >>> summary = figdig.corpus("papers.csv", "corpus_out")
        >>> pd.read_parquet("corpus_out/points.parquet").groupby("figure").size()
    """
    import figdig

    out = os.fspath(out)
    rows = figdig.read_manifest(manifest)
    suffix = ""
    if shard is not None:
        i, n = _parse_shard(shard)
        rows = rows[rows["row"] % n == i]
        suffix = f".shard-{i}-of-{n}"
    os.makedirs(out, exist_ok=True)
    records: List[Dict[str, Any]] = rows.to_dict("records")
    with ThreadPoolExecutor(max_workers=threads or os.cpu_count() or 1) as pool:
        summaries = list(pool.map(lambda r: extract_row(r, out, filter), records))
    return assemble(rows, out, summaries, suffix)


def _parse_shard(shard: str) -> tuple:
    import figdig

    try:
        i, n = (int(x) for x in shard.split("/"))
    except ValueError:
        raise figdig.UsageError(f"`{shard}` is not I/N (e.g. 0/4)") from None
    if n <= 0 or not 0 <= i < n:
        raise figdig.UsageError(f"shard {i}/{n}: I must be 0 to N-1 (shards are numbered from 0)")
    return i, n

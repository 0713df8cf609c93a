"""figdig over a corpus on a Dask cluster: map ``figdig.extract`` over a manifest's figures on
the cluster's workers, each writing its figure's Parquet part, then assemble
``OUT/summary.parquet`` and ``OUT/points.parquet`` (the same rows as ``figdig corpus``'s
summary.csv and points.csv). Figures already done are skipped, so a run resumes.

Every worker must see the figures and ``OUT`` at the same paths (a shared file system) and have
figdig installed. Run on a local cluster of 2 workers::

    python examples/dask_corpus.py papers.csv --out corpus_out --workers 2

or on an existing cluster::

    python examples/dask_corpus.py papers.csv --out /shared/corpus_out --scheduler tcp://host:8786
"""

from __future__ import annotations

import argparse
import os

import pandas as pd
from dask.distributed import Client, LocalCluster

import figdig
from figdig.corpus import assemble, extract_row


def run(manifest: str, out: str, client: Client) -> pd.DataFrame:
    """Extract every figure of ``manifest`` on ``client``'s workers into ``out``; returns the
    summary table (one row per figure, manifest order)."""
    rows = figdig.read_manifest(manifest)
    os.makedirs(out, exist_ok=True)
    # One task per figure; each worker writes its figure's part files and returns its summary row.
    futures = client.map(extract_row, rows.to_dict("records"), out=os.path.abspath(out), pure=False)
    summaries = client.gather(futures)
    return assemble(rows, out, summaries)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("manifest", help="CSV (path[,page][,id]) or JSON Lines manifest")
    ap.add_argument("--out", required=True, help="output folder (seen by every worker)")
    ap.add_argument("--scheduler", help="address of an existing Dask scheduler (default: a local cluster)")
    ap.add_argument("--workers", type=int, default=2, help="workers of the local cluster")
    args = ap.parse_args()
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        client = Client(LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True))
    with client:
        summary = run(args.manifest, args.out, client)
    failed = summary[summary["status"] == "failed"]
    print(f"{len(summary)} figure(s), {len(failed)} failed -> {args.out}/summary.parquet, {args.out}/points.parquet")
    for _, r in failed.iterrows():
        print(f"{r['path']}: error: {r['reason']}")


if __name__ == "__main__":
    main()

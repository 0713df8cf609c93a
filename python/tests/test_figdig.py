"""figdig's Python package against its command line (issue 17)."""

import base64
import csv
import importlib.util
import json
import math
import os
import shutil
import threading
import time

import numpy as np
import pandas as pd
import pytest

import figdig
from conftest import REPO, run, shared

DEMO = REPO / "figures" / "demo.svg"


def cell_equal(v, c: str) -> bool:
    """A DataFrame value against the CSV cell figdig wrote for it (numbers exactly: both are
    the shortest text that reads back as the same f64)."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return c == ""
    if isinstance(v, (bool, np.bool_)):
        return str(v).lower() == c.lower()
    if isinstance(v, (int, np.integer)):
        return c != "" and int(c) == int(v)
    if isinstance(v, (float, np.floating)):
        return c != "" and float(c) == float(v)
    return str(v) == c


def assert_same_rows(df: pd.DataFrame, csv_path) -> None:
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    assert list(df.columns) == header
    assert len(df) == len(body), f"{len(df)} rows against {len(body)} in {csv_path}"
    for j, name in enumerate(header):
        for k, (v, row) in enumerate(zip(df[name].tolist(), body)):
            assert cell_equal(v, row[j]), f"{csv_path}: row {k}, column {name}: {v!r} against {row[j]!r}"


@pytest.mark.parametrize("which", ["demo", "chinchilla"])
def test_issue17_points_are_the_cli_points_csv(which, cli, tmp_path):
    path = DEMO if which == "demo" else shared("figures/chinchilla_figure_4.svg")
    run(cli, "extract", path, "--out", tmp_path, "--no-audit")
    ex = figdig.extract(path)
    assert ex.status == "ok"
    assert_same_rows(ex.points, tmp_path / path.stem / "points.csv")
    # The same from the file's bytes.
    assert_same_rows(figdig.extract(path.read_bytes(), name=path.name).points, tmp_path / path.stem / "points.csv")
    # figure.json and dataset.csv as the CLI writes them.
    with open(tmp_path / path.stem / "figure.json", encoding="utf-8") as f:
        want = json.load(f)
    assert ex.figure == want
    if (tmp_path / path.stem / "dataset.csv").exists():
        want = pd.read_csv(tmp_path / path.stem / "dataset.csv", keep_default_na=False, na_values=[""])
        pd.testing.assert_frame_equal(ex.dataset, want)
    else:
        assert ex.dataset is None
    assert [w.message for w in ex.warnings] == [w["message"] for w in ex.figure.get("warnings", [])]


def test_issue17_chinchilla_dataset_and_typed_warnings():
    ex = figdig.extract(shared("figures/chinchilla_figure_4.svg"))
    assert ex.dataset is not None and len(ex.dataset) == 245
    assert int(ex.dataset["excluded"].notna().sum()) == 5
    assert all(isinstance(w, figdig.FigureWarning) for w in ex.warnings)
    assert len(ex.warnings) == len(ex.figure["warnings"])
    assert ex.certificate()["pass"] is True


def test_issue17_fit_is_the_cli_fit(cli, tmp_path):
    data = shared("reference/replication_svg_extracted_data.csv")
    run(cli, "fit", data, "--out", tmp_path, "--bootstrap", 100, "--seed", 7, "--filter", "replication",
        "--holdout", "largest:1")
    with open(tmp_path / "fit.json", encoding="utf-8") as f:
        want = json.load(f)
    got = figdig.fit(str(data), bootstrap=100, seed=7, filter="replication", holdout="largest:1")
    have = got.to_dict()
    for d in (want, have):
        d.pop("timings")
    assert have == want
    assert got.params == want["params"] and got.se == want["se"]
    assert got.ci95["alpha"] == want["ci95"]["alpha"]
    assert got.holdout == want["holdout"]
    # The same numbers from a DataFrame of the file.
    frame = figdig.fit(pd.read_csv(data), bootstrap=100, seed=7, filter="replication", holdout="largest:1")
    assert frame.params == got.params and frame.se == got.se
    opt = figdig.optimal(got, flops=[1e24])
    want_opt = json.loads(run(cli, "optimal", "--fit", tmp_path / "fit.json", "--flops", "1e24", "--json").stdout)
    assert opt == want_opt


def cli_error(cli, *args) -> str:
    r = run(cli, *args, check=False)
    assert r.returncode == 1, r.stderr
    return r.stderr


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("pixels.svg", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, figdig.InputError),
        ("page.svg", b"<html><body>not a figure</body></html>", figdig.SceneError),
        ("broken.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", figdig.SceneError),
        ("words.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><text x='1' y='9'>hello</text></svg>",
         figdig.NoPanelsError),
        ("empty_plot.svg", b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='5' "
                           b"height='5'/></svg>", figdig.UnreadableTicksError),
    ],
)
def test_issue17_hostile_files_raise_one_class_per_kind_with_the_cli_message(name, content, kind, cli, tmp_path):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(kind) as e:
        figdig.extract(path)
    assert isinstance(e.value, figdig.FigdigError)
    # The CLI's line is `PATH: error: REASON`; the exception's message is `PATH: REASON`.
    message = str(e.value)
    assert message.startswith(f"{path}: ")
    assert f"{path}: error: {message[len(str(path)) + 2:]}\n" in cli_error(cli, "extract", path, "--out", tmp_path / "o")


def test_issue17_missing_file_and_bad_options():
    with pytest.raises(figdig.InputError, match="cannot read"):
        figdig.extract("no/such/figure.svg")
    with pytest.raises(figdig.UsageError, match="--page"):
        figdig.extract(DEMO, page=2)
    with pytest.raises(figdig.UsageError, match="filter"):
        figdig.extract(DEMO, filter="sometimes")
    with pytest.raises(figdig.SceneError):
        figdig.extract(b"\0\1\2")


@pytest.mark.parametrize(
    "text, kind",
    [("a,b\n1,2\n", figdig.DatasetError), ("params,tokens,loss\n1e9,2e10,abc\n", figdig.DatasetError),
     ("params,tokens,loss\n1e9,2e10,2.5\n", figdig.FitError)],
)
def test_issue17_bad_csv_raises_with_the_cli_message(text, kind, cli, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(text)
    with pytest.raises(kind) as e:
        figdig.fit(str(path), bootstrap=20)
    assert cli_error(cli, "fit", path, "--out", tmp_path, "--bootstrap", 20).strip().endswith(
        f"figdig: error: {e.value}")


def test_issue17_bad_fit_options_are_usage_errors():
    with pytest.raises(figdig.UsageError, match="form `quadratic`"):
        figdig.fit(DEMO, form="quadratic")
    with pytest.raises(figdig.UsageError, match="at least 20"):
        figdig.fit(DEMO, bootstrap=3)


def test_issue17_notebook_html_shows_the_audit():
    ex = figdig.extract(DEMO)
    page = ex._repr_html_()
    png = page.split("data:image/png;base64,", 1)[1].split("'", 1)[0]
    assert base64.b64decode(png) == ex.audit_png()
    assert ex.audit_png().startswith(b"\x89PNG")
    assert "demo.svg" in page
    assert "<svg" in ex.audit_html()


def test_issue17_extraction_runs_in_parallel_threads():
    path = shared("figures/chinchilla_figure_4.svg")
    results = []
    threads = [threading.Thread(target=lambda: results.append(len(figdig.extract(path).points))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results) == 4


def corpus_of_50(cli, tmp_path):
    """50 figures: the synthetic set in four folders, the first 50 of them in a manifest."""
    run(cli, "synth", "--all", "--out", tmp_path / "set")
    names = sorted(p.name for p in (tmp_path / "set").glob("*.svg"))
    paths = []
    for k in range(4):
        d = tmp_path / f"copy{k}"
        d.mkdir()
        for n in names:
            shutil.copy(tmp_path / "set" / n, d / n)
            paths.append(f"copy{k}/{n}")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path\n" + "\n".join(paths[:50]) + "\n")
    return manifest


def load_example():
    spec = importlib.util.spec_from_file_location("dask_corpus", REPO / "python" / "examples" / "dask_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_issue17_dask_example_on_two_workers_gives_the_cli_corpus_rows(cli, tmp_path):
    from dask.distributed import Client, LocalCluster

    manifest = corpus_of_50(cli, tmp_path)
    run(cli, "corpus", manifest, "--out", tmp_path / "cli", "--no-audit")
    example = load_example()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        summary = example.run(str(manifest), str(tmp_path / "dask"), client)
    assert len(summary) == 50
    assert_same_rows(pd.read_parquet(tmp_path / "dask" / "summary.parquet"), tmp_path / "cli" / "summary.csv")
    assert_same_rows(pd.read_parquet(tmp_path / "dask" / "points.parquet"), tmp_path / "cli" / "points.csv")


def test_issue17_python_corpus_writes_parquet_resumes_and_shards(cli, tmp_path):
    manifest = corpus_of_50(cli, tmp_path)
    run(cli, "corpus", manifest, "--out", tmp_path / "cli", "--no-audit", "--shard", "1/3")
    figdig.corpus(manifest, tmp_path / "py", shard="1/3")
    assert_same_rows(pd.read_parquet(tmp_path / "py" / "summary.shard-1-of-3.parquet"),
                     tmp_path / "cli" / "summary.shard-1-of-3.csv")
    assert_same_rows(pd.read_parquet(tmp_path / "py" / "points.shard-1-of-3.parquet"),
                     tmp_path / "cli" / "points.shard-1-of-3.csv")
    # Done figures are skipped: a part removed is the only one extracted again.
    parts = sorted((tmp_path / "py" / "parts").glob("*.points.arrow"))
    assert len(parts) == 17
    before = {p: p.stat().st_mtime_ns for p in parts}
    parts[0].unlink()
    figdig.corpus(manifest, tmp_path / "py", shard="1/3")
    changed = [p for p in parts if p.stat().st_mtime_ns != before[p]]
    assert changed == [parts[0]]
    with pytest.raises(figdig.UsageError):
        figdig.corpus(manifest, tmp_path / "py", shard="3/3")


def test_issue17_manifest_ids_are_the_cli_ids(tmp_path):
    (tmp_path / "m.jsonl").write_text('{"path": "a/fig.svg"}\n{"path": "b/fig.svg", "page": 2, "id": "second"}\n')
    df = figdig.read_manifest(tmp_path / "m.jsonl")
    assert df["figure"].tolist() == ["fig", "second"]
    assert df["page"].tolist()[1] == 2
    with pytest.raises(figdig.UsageError, match="bad.csv: line 2: page `zero`"):
        (tmp_path / "bad.csv").write_text("path,page\nx.svg,zero\n")
        figdig.read_manifest(tmp_path / "bad.csv")


def test_issue17_python_extract_is_the_rust_in_process_extraction():
    """The timing hook the speed bench (benches/resources/python_extract.py) compares against
    extracts the same figure as `figdig.extract`: the same work, so the ratio it prints is the cost
    of the Python layer alone. Speed itself is measured there, not here."""
    path = shared("figures/chinchilla_figure_4.svg")
    times = figdig._native._time_extract(path.read_bytes(), 2)
    assert len(times) == 2 and all(t > 0 for t in times)
    assert (figdig.extract(path).points["mark"] == "marker").sum() == 245 + 114


def test_issue17_pdf_page_reads_as_the_cli_reads_it(cli, tmp_path):
    if shutil.which("mutool") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("mutool (Debian mupdf-tools) is missing under CI=true")
        pytest.skip("mutool (Debian mupdf-tools) not installed")
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.scatter([1, 2, 3, 4], [10, 30, 20, 40])
    pdf = tmp_path / "scatter.pdf"
    fig.savefig(pdf)
    plt.close(fig)
    run(cli, "extract", pdf, "--page", 1, "--out", tmp_path, "--no-audit")
    ex = figdig.extract(pdf, page=1)
    assert len(ex.points) == 4
    assert_same_rows(ex.points, tmp_path / "scatter_p1" / "points.csv")
    with pytest.raises(figdig.UsageError, match="past the end"):
        figdig.extract(pdf, page=3)

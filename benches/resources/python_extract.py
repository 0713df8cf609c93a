#!/usr/bin/env python3
"""figdig.extract from Python against the Rust library's own in-process extraction of the same
figure (issue 17 asks for Python within 20% of Rust), and `.points` (the points table as a
DataFrame) on top. Runs are interleaved so load on a shared machine falls on all three alike;
prints the median and the fastest of each, and their ratios to Rust.

Usage (with the package built, as `make test-python` builds it into target/pyenv):
  target/pyenv/bin/python benches/resources/python_extract.py [FIGURE] [RUNS]
FIGURE defaults to ../shared/figures/chinchilla_figure_4.svg; RUNS to 40.
"""
import pathlib
import statistics
import sys
import time

import figdig

here = pathlib.Path(__file__).resolve().parents[2]
path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent / "shared/figures/chinchilla_figure_4.svg"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 40
data = path.read_bytes()
rust, py, points = [], [], []
for _ in range(runs):
    rust += figdig._native._time_extract(data, 1)
    t = time.perf_counter()
    figdig.extract(path)
    py.append(time.perf_counter() - t)
    t = time.perf_counter()
    figdig.extract(path).points
    points.append(time.perf_counter() - t)
for name, xs in [("rust in-process", rust), ("figdig.extract", py), ("extract().points", points)]:
    med, low = statistics.median(xs), min(xs)
    ratio = f"  ({med / statistics.median(rust):.3f}x median, {low / min(rust):.3f}x fastest of Rust)"
    print(f"{name:18} median {med * 1e3:7.2f} ms  fastest {low * 1e3:7.2f} ms" + ("" if xs is rust else ratio))

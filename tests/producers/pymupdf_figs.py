"""Curves drawn into a PDF by PyMuPDF (PyPI's pymupdf) over axes drawn by matplotlib.

Usage: python3 pymupdf_figs.py OUTDIR
Writes FIG.pdf and FIG.json (truth: {"spans", "lines": [{"name": null, "x", "y"}]}).
matplotlib draws the frame, ticks and labels (limits 0..10 on both axes) into a PDF; PyMuPDF then
draws the curves on that page with one `Shape` per style, so every polyline of a style is one
path of several pieces, stroked once by `finish`: two black curves that cross twice, and a red
line broken by a gap (its pieces side by side along x).
"""
import json
import sys

import matplotlib

matplotlib.use("pdf")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pymupdf  # noqa: E402

out = sys.argv[1]
rng = np.random.default_rng(29)
name = "pymupdf_same_style"
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.set_xlim(0, 10)
ax.set_ylim(0, 10)
fig.canvas.draw()
height = fig.get_size_inches()[1] * 72.0


def page_xy(x, y):
    """Data to PDF page coordinates (points, y down from the top), by matplotlib's transform."""
    d = ax.transData.transform(np.column_stack([x, y])) * 72.0 / fig.dpi
    return [pymupdf.Point(float(px), float(height - py)) for px, py in d]


fig.savefig(f"{out}/{name}_axes.pdf")
plt.close(fig)
x = np.linspace(0.5, 9.5, 30)
black = [5 + 3 * np.sin(x / 1.5) + rng.uniform(-0.05, 0.05, 30), 5 - 3 * np.sin(x / 1.5) + 0.6]
xr = [np.linspace(0.5, 4.0, 12), np.linspace(5.5, 9.5, 12)]
red = [2 + 0.3 * xr[0], 2 + 0.3 * xr[1]]
doc = pymupdf.open(f"{out}/{name}_axes.pdf")
page = doc[0]
for colour, curves in [((0, 0, 0), [(x, y) for y in black]), ((1, 0, 0), list(zip(xr, red)))]:
    shape = page.new_shape()
    for cx, cy in curves:
        shape.draw_polyline(page_xy(cx, cy))
    shape.finish(color=colour, width=1.0, closePath=False)
    shape.commit()
doc.save(f"{out}/{name}.pdf")
lines = [{"name": None, "x": x.tolist(), "y": y.tolist()} for y in black]
lines.append({"name": None, "x": np.concatenate(xr).tolist(), "y": np.concatenate(red).tolist()})
spans = {"0": {"x": [0, 10, "linear"], "y": [0, 10, "linear"]}}
with open(f"{out}/{name}.json", "w") as f:
    json.dump({"points": [], "spans": spans, "lines": lines}, f)

"""Render test figures with real ggplot2 through svglite (R, via Rscript) from known data.

Usage: python3 ggplot_figs.py OUTDIR
Writes FIG.csv (the data), FIG.R (the script), FIG.svg and FIG.json (truth) for each figure.
Truth JSON: {"points": [{"panel", "x", "y", "series"}], "spans": {panel: {"x": [lo, hi, scale], "y": [...]}}}
Every scale has explicit limits and expand = c(0, 0), so the spans are exact.
"""
import json
import random
import subprocess
import sys

out = sys.argv[1]
rng = random.Random(3)


def render(name, rows, plot, points, spans, width=7, height=4):
    with open(f"{out}/{name}.csv", "w") as f:
        f.write("x,y,series,facet\n")
        for x, y, s, fa in rows:
            f.write(f"{x:.17g},{y:.17g},{s},{fa}\n")
    script = (
        "suppressPackageStartupMessages({library(ggplot2); library(svglite)})\n"
        f"d <- read.csv('{out}/{name}.csv', colClasses = c('numeric', 'numeric', 'character', 'character'))\n"
        f"p <- {plot}\n"
        f"svglite('{out}/{name}.svg', width = {width}, height = {height})\n"
        "print(p)\ninvisible(dev.off())\n"
    )
    with open(f"{out}/{name}.R", "w") as f:
        f.write(script)
    subprocess.run(["Rscript", f"{out}/{name}.R"], check=True)
    with open(f"{out}/{name}.json", "w") as f:
        json.dump({"points": points, "spans": spans}, f)


# Two facets (facet_wrap, fixed scales) in ggplot2's default theme; colour legend for three series.
rows, points = [], []
for p, facet in enumerate(["A", "B"]):
    for label in ["alpha", "beta", "gamma"]:
        for _ in range(4):
            x, y = rng.uniform(-46, 46), rng.uniform(3, 97)
            rows.append((x, y, label, facet))
            points.append({"panel": p, "x": x, "y": y, "series": label})
plot = (
    "ggplot(d, aes(x, y, colour = series)) + geom_point(size = 2) + facet_wrap(~facet, nrow = 1) +"
    " scale_x_continuous(limits = c(-50, 50), expand = c(0, 0)) +"
    " scale_y_continuous(limits = c(0, 100), expand = c(0, 0)) + labs(x = 'Offset', y = 'Score')"
)
span = {"x": [-50, 50, "linear"], "y": [0, 100, "linear"]}
render("gg_facets", rows, plot, points, {"0": span, "1": span})

# Log y (scale_y_log10), linear x, theme_bw, a shape legend (filled circle, triangle, square).
rows, points = [], []
for label in ["small", "medium", "large"]:
    for _ in range(6):
        x, y = rng.uniform(20, 980), 10 ** rng.uniform(-1.8, 1.8)
        rows.append((x, y, label, "A"))
        points.append({"panel": 0, "x": x, "y": y, "series": label})
plot = (
    "ggplot(d, aes(x, y, shape = series)) + geom_point(size = 2.5) +"
    " scale_shape_manual(values = c(large = 15, medium = 17, small = 16)) +"
    " scale_x_continuous(limits = c(0, 1000), expand = c(0, 0)) +"
    " scale_y_log10(limits = c(0.01, 100), expand = c(0, 0)) + theme_bw() + labs(x = 'Steps', y = 'Loss')"
)
render("gg_log", rows, plot, points, {"0": {"x": [0, 1000, "linear"], "y": [0.01, 100, "log"]}}, width=6, height=4)

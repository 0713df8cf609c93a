"""Render test figures with real gnuplot (`set terminal svg`) from known data.

Usage: python3 gnuplot_figs.py OUTDIR
Writes FIG.gp (the script, data inline), FIG.svg and FIG.json (truth) for each figure.
Truth JSON: {"points": [{"panel", "x", "y", "series"}], "spans": {panel: {"x": [lo, hi, scale], "y": [...]}}}
Every range is set explicitly (`set xrange [lo:hi]`), so the spans are exact.
"""
import json
import random
import subprocess
import sys

out = sys.argv[1]
rng = random.Random(5)
HEAD = "set terminal svg size 640,420 fixed enhanced font 'Arial,12' background '#ffffff'\n"


def data(xs, ys):
    return "".join(f"{x:.17g} {y:.17g}\n" for x, y in zip(xs, ys)) + "e\n"


def render(name, script, points, spans):
    with open(f"{out}/{name}.gp", "w") as f:
        f.write(HEAD + f"set output '{out}/{name}.svg'\n" + script)
    subprocess.run(["gnuplot", f"{out}/{name}.gp"], check=True)
    with open(f"{out}/{name}.json", "w") as f:
        json.dump({"points": points, "spans": spans}, f)


# Linear axes with negative values; three point types (filled circle, square, triangle); a key.
points, blocks, plots = [], "", []
for k, (label, pt) in enumerate([("alpha", 7), ("beta", 5), ("gamma", 9)]):
    xs = [rng.uniform(-45, 45) for _ in range(6)]
    ys = [rng.uniform(-18, 38) for _ in range(6)]
    points += [{"panel": 0, "x": x, "y": y, "series": label} for x, y in zip(xs, ys)]
    plots.append(f"'-' with points pt {pt} ps 1.2 title '{label}'")
    blocks += data(xs, ys)
script = (
    "set xrange [-50:50]\nset yrange [-20:40]\nset key top right box\n"
    "set xlabel 'Offset'\nset ylabel 'Score'\n"
    f"plot {', '.join(plots)}\n{blocks}"
)
render("gp_linear", script, points, {"0": {"x": [-50, 50, "linear"], "y": [-20, 40, "linear"]}})

# Log x and log y (gnuplot's default log tick labels), open and filled circles, a key.
points, blocks, plots = [], "", []
for k, (label, pt) in enumerate([("small", 7), ("large", 6)]):
    xs = [10 ** rng.uniform(18.2, 23.8) for _ in range(8)]
    ys = [10 ** rng.uniform(-0.8, 1.8) for _ in range(8)]
    points += [{"panel": 0, "x": x, "y": y, "series": label} for x, y in zip(xs, ys)]
    plots.append(f"'-' with points pt {pt} ps 1 title '{label}'")
    blocks += data(xs, ys)
script = (
    "set logscale xy\nset xrange [1e18:1e24]\nset yrange [0.1:100]\nset key bottom left\n"
    "set xlabel 'FLOPs'\nset ylabel 'Loss'\n"
    f"plot {', '.join(plots)}\n{blocks}"
)
render("gp_log", script, points, {"0": {"x": [1e18, 1e24, "log"], "y": [0.1, 100, "log"]}})

# Two panels (multiplot layout 1,2) with grid lines: linear left, log y right; no key.
points, script = [], "set multiplot layout 1,2\nunset key\nset grid\n"
for p in range(2):
    xs = [rng.uniform(3, 97) for _ in range(7)]
    ys = [rng.uniform(0.3, 9.7) for _ in range(7)] if p == 0 else [10 ** rng.uniform(-1.9, 0.9) for _ in range(7)]
    points += [{"panel": p, "x": x, "y": y} for x, y in zip(xs, ys)]
    if p == 0:
        script += "set xrange [0:100]\nset yrange [0:10]\n"
    else:
        script += "set logscale y\nset yrange [0.01:10]\n"
    script += f"plot '-' with points pt 7 lc rgb '#d62728'\n{data(xs, ys)}"
script += "unset multiplot\n"
render(
    "gp_multiplot",
    script,
    points,
    {"0": {"x": [0, 100, "linear"], "y": [0, 10, "linear"]}, "1": {"x": [0, 100, "linear"], "y": [0.01, 10, "log"]}},
)

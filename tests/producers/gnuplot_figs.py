"""Render test figures with real gnuplot (`set terminal svg`) from known data.

Usage: python3 gnuplot_figs.py OUTDIR
Writes FIG.gp (the script, data inline), FIG.svg and FIG.json (truth) for each figure.
Truth JSON: {"points": [{"panel", "x", "y", "series"}], "spans": {panel: {"x": [lo, hi, scale], "y": [...]}}}
Every range is set explicitly (`set xrange [lo:hi]`), so the spans are exact.
"""
import json
import os
import random
import subprocess
import sys

out = sys.argv[1]
rng = random.Random(5)
HEAD = "set terminal svg size 640,420 fixed enhanced font 'Arial,12' background '#ffffff'\n"


def data(xs, ys):
    return "".join(f"{x:.17g} {y:.17g}\n" for x, y in zip(xs, ys)) + "e\n"


def render(name, script, points, spans, pdf=False, **extra):
    """Run the script; with `pdf`, through pdfcairo (the Cairo code cairolatex uses) and MuPDF's
    SVG (`mutool convert`), as papers' figures reach figdig. `extra` keys (lines, bars) join the
    truth."""
    head = "set terminal pdfcairo size 5in,3.5in font 'Arial,10'\n" if pdf else HEAD
    target = f"{out}/{name}.pdf" if pdf else f"{out}/{name}.svg"
    with open(f"{out}/{name}.gp", "w") as f:
        f.write(head + f"set output '{target}'\n" + script)
    subprocess.run(["gnuplot", f"{out}/{name}.gp"], check=True)
    if pdf:
        svg = ["mutool", "convert", "-F", "svg", "-O", "text=text", "-o", f"{out}/{name}.svg", target]
        subprocess.run(svg, check=True, capture_output=True)
        # MuPDF numbers the page it writes.
        os.replace(f"{out}/{name}1.svg", f"{out}/{name}.svg")
    with open(f"{out}/{name}.json", "w") as f:
        json.dump({"points": points, "spans": spans, **extra}, f)


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

# Two panels sharing y (multiplot with fixed margins; the right panel's y labels are blanked with
# `set format y ''`), a "×10^4" multiplier label above the left panel's y axis (data are plotted in
# units of 1e4, so the true values are the plotted ones times 1e4), three point types with a boxed
# key on the left, and a log x axis with colours from a continuous palette and its colour box on
# the right.
points, blocks, plots = [], "", []
for label, pt in [("alpha", 7), ("beta", 5), ("gamma", 9)]:
    xs = [rng.uniform(-45, 45) for _ in range(5)]
    ys = [rng.uniform(0.5, 7.0) for _ in range(5)]
    points += [{"panel": 0, "x": x, "y": y * 1e4, "series": label} for x, y in zip(xs, ys)]
    plots.append(f"'-' with points pt {pt} ps 1.2 title '{label}'")
    blocks += data(xs, ys)
xs = [10 ** rng.uniform(0.1, 2.9) for _ in range(12)]
ys = [rng.uniform(0.5, 9.5) for _ in range(12)]
vs = [rng.uniform(2, 98) for _ in range(12)]
points += [{"panel": 1, "x": x, "y": y * 1e4, "value": v} for x, y, v in zip(xs, ys, vs)]
right = "".join(f"{x:.17g} {y:.17g} {v:.17g}\n" for x, y, v in zip(xs, ys, vs)) + "e\n"
script = (
    "set multiplot layout 1,2 margins 0.09,0.86,0.14,0.9 spacing 0.04\n"
    "set xrange [-50:50]\nset yrange [0:10]\nset key top right box\n"
    "set label 1 '×10^4' at graph 0, graph 1.04 left\n"
    f"plot {', '.join(plots)}\n{blocks}"
    "unset label 1\nset format y ''\nset logscale x\nset xrange [1:1000]\n"
    "set cbrange [0:100]\nset palette rgbformulae 33,13,10\nset colorbox\n"
    f"plot '-' using 1:2:3 with points pt 7 ps 1.2 palette notitle\n{right}"
    "unset multiplot\n"
)
span_y = [0, 1e5, "linear"]
render(
    "gp_shared_colour",
    script,
    points,
    {"0": {"x": [-50, 50, "linear"], "y": span_y}, "1": {"x": [1, 1000, "log"], "y": span_y}},
)

# Log axes labelled in C's exponent notation ("1e-03", "1e+02") and as a mantissa with a power
# of ten ("1×10^{3}").
points, blocks, plots = [], "", []
for label, pt in [("run", 7), ("ablation", 13)]:
    xs = [10 ** rng.uniform(0.1, 4.9) for _ in range(6)]
    ys = [10 ** rng.uniform(-2.9, 1.9) for _ in range(6)]
    points += [{"panel": 0, "x": x, "y": y, "series": label} for x, y in zip(xs, ys)]
    plots.append(f"'-' with points pt {pt} ps 1.2 title '{label}'")
    blocks += data(xs, ys)
script = (
    "set logscale xy\nset xrange [1:1e5]\nset yrange [1e-3:100]\nset key bottom right\n"
    "set format y '%.0e'\nset format x '%.0t×10^{%T}'\n"
    f"plot {', '.join(plots)}\n{blocks}"
)
render("gp_log_exponent_labels", script, points, {"0": {"x": [1, 1e5, "log"], "y": [1e-3, 100, "log"]}})

# Error bars (gnuplot draws each point twice, first in white to knock out the bars under it) and
# x-y error bars with caps; a key.
points, blocks = [], ""
xs = [rng.uniform(5, 95) for _ in range(6)]
ys = [rng.uniform(1, 9) for _ in range(6)]
es = [rng.uniform(0.2, 0.8) for _ in range(6)]
points += [{"panel": 0, "x": x, "y": y, "series": "runs"} for x, y in zip(xs, ys)]
blocks += "".join(f"{x:.17g} {y:.17g} {e:.17g}\n" for x, y, e in zip(xs, ys, es)) + "e\n"
xs2 = [rng.uniform(5, 95) for _ in range(5)]
ys2 = [rng.uniform(1, 9) for _ in range(5)]
points += [{"panel": 0, "x": x, "y": y, "series": "fits"} for x, y in zip(xs2, ys2)]
blocks += "".join(f"{x:.17g} {y:.17g} 2 0.3\n" for x, y in zip(xs2, ys2)) + "e\n"
script = (
    "set xrange [0:100]\nset yrange [0:10]\nset key top left\n"
    "plot '-' using 1:2:3 with yerrorbars pt 7 title 'runs', '-' using 1:2:3:4 with xyerrorbars pt 5 title 'fits'\n"
    + blocks
)
bars = [{"x": x, "y": y, "y_lo": y - e, "y_hi": y + e} for x, y, e in zip(xs, ys, es)]
bars += [{"x": x, "y": y, "y_lo": y - 0.3, "y_hi": y + 0.3, "x_lo": x - 2, "x_hi": x + 2} for x, y in zip(xs2, ys2)]
render("gp_errorbars", script, points, {"0": {"x": [0, 100, "linear"], "y": [0, 10, "linear"]}}, bars=bars)

# Through PDF (issue 13): pdfcairo, as the cairolatex terminal draws its points, then MuPDF's SVG.
# Cairo's triangles sit on their point 2/5 of their height from the base (up and down), written
# out in absolute coordinates, so only their shape tells where the point is.
points, blocks, plots = [], "", []
for label, pt in [("up", 9), ("down", 11), ("box", 5)]:
    xs = [rng.uniform(0.5, 9.5) for _ in range(8)]
    ys = [10 ** rng.uniform(-1.8, 0.8) for _ in range(8)]
    points += [{"panel": 0, "x": x, "y": y, "series": label} for x, y in zip(xs, ys)]
    plots.append(f"'-' with points pt {pt} ps 1 title '{label}'")
    blocks += data(xs, ys)
script = (
    "set xrange [0:10]\nset logscale y\nset yrange [0.01:10]\nset key top left\n"
    f"plot {', '.join(plots)}\n{blocks}"
)
render("gp_cairo_pdf", script, points, {"0": {"x": [0, 10, "linear"], "y": [0.01, 10, "log"]}}, pdf=True)

# A boxed key laid out in one row (`set key horizontal`), text left of each sample, with labels in
# enhanced text: a stacked sub- and superscript (`ρ@_Σ^R`), as cairolatex papers label their series;
# through pdfcairo and MuPDF, which writes the scripts as smaller runs lowered and raised.
points, blocks, plots = [], "", []
for label, pt in [("ρ_Σ^R[dR]", 5), ("ρ_Σ^R[rc]", 7)]:
    xs = [rng.uniform(5, 95) for _ in range(8)]
    ys = [rng.uniform(3, 9.5) for _ in range(8)]
    points += [{"panel": 0, "x": x, "y": y, "series": label} for x, y in zip(xs, ys)]
    plots.append(f"'-' with points pt {pt} title '{label.replace('_', '@_')}'")
    blocks += data(xs, ys)
script = f"set xrange [0:100]\nset yrange [0:10]\nset key bottom left box horizontal\nplot {', '.join(plots)}\n{blocks}"
render("gp_key_row_scripts", script, points, {"0": {"x": [0, 100, "linear"], "y": [0, 10, "linear"]}}, pdf=True)

# Lines (`with lines`, two dash types) with a key naming them, and the same through pdfcairo and
# MuPDF. Truth "lines": each line's vertices in drawing order.
lines, blocks, plots = [], "", []
for k, (label, dt) in enumerate([("train", 1), ("valid", 2)]):
    xs = [i * 5.0 for i in range(21)]
    ys = [5 + 3 * (k - 0.5) + 2 * rng.uniform(-1, 1) for _ in xs]
    lines.append({"name": label, "x": xs, "y": ys})
    plots.append(f"'-' with lines dt {dt} lw 2 title '{label}'")
    blocks += data(xs, ys)
script = f"set xrange [0:100]\nset yrange [0:10]\nset key top left\nplot {', '.join(plots)}\n{blocks}"
for name, pdf in [("gp_lines", False), ("gp_lines_pdf", True)]:
    render(name, script, [], {"0": {"x": [0, 100, "linear"], "y": [0, 10, "linear"]}}, pdf=pdf, lines=lines)

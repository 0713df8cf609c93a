"""Render test figures with real ggplot2 through svglite (R, via Rscript) from known data.

Usage: python3 ggplot_figs.py OUTDIR
Writes FIG.csv (the data), FIG.R (the script), FIG.svg and FIG.json (truth) for each figure.
Truth JSON: {"points": [{"panel", "x", "y", "series"?, "value"?}], "spans": {panel: {"x": [lo, hi, scale], "y": [...]}}}
("value" is the colour-scale value of a point). Every scale has explicit limits and expand = c(0, 0),
so the spans are exact.
"""
import json
import random
import subprocess
import sys

out = sys.argv[1]
rng = random.Random(3)


def render(name, rows, plot, points, spans, width=7, height=4, expected_warnings=(), **extra):
    """Draw `plot` from the data frame `d` (the rows) with svglite; `extra` keys (lines, bands,
    bars) join the truth."""
    with open(f"{out}/{name}.csv", "w") as f:
        f.write("x,y,series,facet,v\n")
        for x, y, s, fa, *v in rows:
            f.write(f"{x:.17g},{y:.17g},{s},{fa},{(v or [0])[0]:.17g}\n")
    script = (
        "suppressPackageStartupMessages({library(ggplot2); library(svglite)})\n"
        f"d <- read.csv('{out}/{name}.csv', colClasses = c('numeric', 'numeric', 'character', 'character', 'numeric'))\n"
        f"p <- {plot}\n"
        f"svglite('{out}/{name}.svg', width = {width}, height = {height})\n"
        "print(p)\ninvisible(dev.off())\n"
    )
    with open(f"{out}/{name}.R", "w") as f:
        f.write(script)
    subprocess.run(["Rscript", f"{out}/{name}.R"], check=True)
    with open(f"{out}/{name}.json", "w") as f:
        truth = {"points": points, "spans": spans, **extra}
        if expected_warnings:
            truth["expected_warnings"] = list(expected_warnings)
        json.dump(truth, f)


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


# A continuous colour scale (viridis, drawn by svglite as an embedded PNG colour bar whose ends
# lie half a bin beyond the limits), thousands separators on x (scales::label_comma), and y tick
# labels divided by 1e4 with the multiplier written as plotmath "×10^4" above the panel's
# top-left corner, the way matplotlib places its offset text (ggplot2 has none of its own).
rows, points = [], []
for _ in range(30):
    x, y, v = rng.uniform(100, 4900), rng.uniform(1500, 58500), rng.uniform(1.55, 4.45)
    rows.append((x, y, "", "A", v))
    points.append({"panel": 0, "x": x, "y": y, "value": v})
plot = (
    "ggplot(d, aes(x, y, colour = v)) + geom_point(size = 2) +"
    " scale_colour_viridis_c(limits = c(1.5, 4.5)) +"
    " scale_x_continuous(limits = c(0, 5000), expand = c(0, 0), labels = scales::label_comma()) +"
    " scale_y_continuous(limits = c(0, 60000), expand = c(0, 0), labels = function(v) v / 1e4) +"
    " annotate('text', x = 0, y = Inf, label = 'phantom() %*% 10^4', parse = TRUE, hjust = 0, vjust = -0.4,"
    " size = 3.2) + coord_cartesian(clip = 'off') + theme(plot.margin = margin(16, 6, 6, 6)) +"
    " labs(x = 'Tokens', y = 'Compute', colour = 'Loss')"
)
render("gg_colour", rows, plot, points, {"0": {"x": [0, 5000, "linear"], "y": [0, 60000, "linear"]}}, width=6, height=4)

# Log-log axes labelled 10^k (scales::label_log, superscripts with a symbol-font minus), theme_classic,
# and a two-colour gradient scale drawn as vector rectangles (guide_colourbar(raster = FALSE)).
rows, points = [], []
for _ in range(30):
    x, y, v = 10 ** rng.uniform(0.1, 3.9), 10 ** rng.uniform(-1.9, 1.9), rng.uniform(2, 98)
    rows.append((x, y, "", "A", v))
    points.append({"panel": 0, "x": x, "y": y, "value": v})
plot = (
    "ggplot(d, aes(x, y, colour = v)) + geom_point(size = 2, shape = 17) +"
    " scale_colour_gradient(low = '#132B43', high = '#56B1F7', limits = c(0, 100),"
    " guide = guide_colourbar(raster = FALSE)) +"
    " scale_x_log10(limits = c(1, 1e4), expand = c(0, 0), labels = scales::label_log()) +"
    " scale_y_log10(limits = c(0.01, 100), expand = c(0, 0), labels = scales::label_log()) +"
    " theme_classic() + labs(x = 'Parameters', y = 'Error', colour = 'Temperature')"
)
render("gg_loglog", rows, plot, points, {"0": {"x": [1, 1e4, "log"], "y": [0.01, 100, "log"]}}, width=6, height=4)

# Error bars (geom_errorbar: vertical lines with horizontal caps) under points, a colour legend.
rows, points, bars = [], [], []
for label in ["runs", "fits"]:
    for _ in range(6):
        x, y, e = rng.uniform(5, 95), rng.uniform(15, 85), rng.uniform(2, 8)
        rows.append((x, y, label, "A", e))
        points.append({"panel": 0, "x": x, "y": y, "series": label})
        bars.append({"x": x, "y": y, "y_lo": y - e, "y_hi": y + e})
plot = (
    "ggplot(d, aes(x, y, colour = series)) + geom_errorbar(aes(ymin = y - v, ymax = y + v), width = 2) +"
    " geom_point(size = 2) + scale_x_continuous(limits = c(0, 100), expand = c(0, 0)) +"
    " scale_y_continuous(limits = c(0, 100), expand = c(0, 0)) + labs(x = 'Step', y = 'Score')"
)
render("gg_errorbars", rows, plot, points, {"0": {"x": [0, 100, "linear"], "y": [0, 100, "linear"]}}, bars=bars)


def render_base(name, rows, body, points, spans, width=6, height=4):
    """R's base graphics through svglite: `body` draws from data frame `d` (columns x, y, series)."""
    with open(f"{out}/{name}.csv", "w") as f:
        f.write("x,y,series\n")
        for x, y, s in rows:
            f.write(f"{x:.17g},{y:.17g},{s}\n")
    script = (
        "suppressPackageStartupMessages(library(svglite))\n"
        f"d <- read.csv('{out}/{name}.csv', colClasses = c('numeric', 'numeric', 'character'))\n"
        f"svglite('{out}/{name}.svg', width = {width}, height = {height})\n"
        f"{body}\ninvisible(dev.off())\n"
    )
    with open(f"{out}/{name}.R", "w") as f:
        f.write(script)
    subprocess.run(["Rscript", f"{out}/{name}.R"], check=True)
    with open(f"{out}/{name}.json", "w") as f:
        json.dump({"points": points, "spans": spans}, f)


# Base graphics: y tick labels turned along the axis (R's default `las = 0`), open and filled
# symbols (pch 1, 2, 15, 16) coloured per series, open ones styled by svglite's CSS sheet
# (`fill: none`), and a boxed legend in the top-right corner over the data area.
rows, points = [], []
series = [("a", 1, "red"), ("b", 2, "blue"), ("c", 15, "black"), ("d", 16, "darkgreen")]
for label, _, _ in series:
    for _ in range(4):
        x, y = rng.uniform(1, 99), rng.uniform(0.5, 9.5)
        rows.append((x, y, label))
        points.append({"panel": 0, "x": x, "y": y, "series": label})
pch = "c(" + ", ".join(f"{label} = {p}" for label, p, _ in series) + ")"
col = "c(" + ", ".join(f"{label} = '{c}'" for label, _, c in series) + ")"
body = (
    f"pch <- {pch}; col <- {col}\n"
    "plot(d$x, d$y, xlim = c(0, 100), ylim = c(0, 10), xaxs = 'i', yaxs = 'i', pch = pch[d$series],"
    " col = col[d$series], xlab = 'Steps', ylab = 'Loss')\n"
    "legend('topright', legend = names(pch), pch = pch, col = col)"
)
render_base("r_base_linear", rows, body, points, {"0": {"x": [0, 100, "linear"], "y": [0, 10, "linear"]}})

# Base graphics on log-log axes (`log = "xy"`), turned y labels, filled triangles.
rows, points = [], []
for _ in range(10):
    x, y = 10 ** rng.uniform(0.1, 3.9), 10 ** rng.uniform(-1.9, 0.9)
    rows.append((x, y, "runs"))
    points.append({"panel": 0, "x": x, "y": y})
body = "plot(d$x, d$y, log = 'xy', xlim = c(1, 1e4), ylim = c(0.01, 10), xaxs = 'i', yaxs = 'i', pch = 17)"
render_base("r_base_log", rows, body, points, {"0": {"x": [1, 1e4, "log"], "y": [0.01, 10, "log"]}})

# Size legends: ggplot2's scale_size_area() maps the value to the point's area (zero to zero),
# scale_radius() to its radius; the default scale_size() maps it to the radius of the square root
# of the rescaled value from a range starting at 1 (neither law: its values must be refused).
for name, scale in [
    ("gg_size_area", "scale_size_area(max_size = 8, limits = c(0, 50))"),
    ("gg_size_radius", "scale_radius(range = c(1, 8), limits = c(0, 50))"),
    ("gg_size_refused", "scale_size(range = c(1, 8), limits = c(2, 50))"),
]:
    rows, points = [], []
    for k in range(20):
        x, y, v = rng.uniform(4, 96), rng.uniform(4, 96), 3 + 44 * (k + rng.uniform(0.1, 0.9)) / 20
        rows.append((x, y, "s", "A", v))
        points.append({"panel": 0, "x": x, "y": y, "value": v})
    plot = (
        f"ggplot(d, aes(x, y, size = v)) + geom_point() + {scale} +"
        " scale_x_continuous(limits = c(0, 100), expand = c(0, 0)) +"
        " scale_y_continuous(limits = c(0, 100), expand = c(0, 0)) + labs(size = 'Value')"
    )
    render(
        name,
        rows,
        plot,
        points,
        {"0": {"x": [0, 100, "linear"], "y": [0, 100, "linear"]}},
        width=6,
        height=4,
        expected_warnings=["legend"] if name == "gg_size_refused" else [],
    )

# A ribbon (geom_ribbon) under a line (geom_line): one polygon, upper envelope forward, lower back.
# The upper envelope travels in the `series` column (read back with as.numeric).
rows = []
xs = [k * 5.0 for k in range(21)]
band = {"panel": 0, "x": xs, "lower": [], "upper": []}
for x in xs:
    y = 50 + 30 * ((x / 100) - 0.5) + rng.uniform(-5, 5)
    lo, hi = y - rng.uniform(5, 12), y + rng.uniform(5, 12)
    band["lower"].append(lo)
    band["upper"].append(hi)
    rows.append((x, y, f"{hi:.17g}", "A", lo))
plot = (
    "ggplot(d) + geom_ribbon(aes(x, ymin = v, ymax = as.numeric(series)), fill = 'grey70') + geom_line(aes(x, y)) +"
    " scale_x_continuous(limits = c(0, 100), expand = c(0, 0)) +"
    " scale_y_continuous(limits = c(0, 100), expand = c(0, 0)) + labs(x = 'Step', y = 'Score')"
)
span = {"0": {"x": [0, 100, "linear"], "y": [0, 100, "linear"]}}
render("gg_ribbon", rows, plot, [], span, width=6, height=4, bands=[band])

# Lines (geom_line, issue 14) in two facets, coloured by series with a legend of line keys: each
# series' vertices in each panel, the legend's key lines not data.
rows, lines = [], []
for p, facet in enumerate(["A", "B"]):
    for k, label in enumerate(["adam", "sgd"]):
        xs = [5.0 + 10 * j for j in range(10)]
        ys = [20 + 30 * k + 40 * (x / 100) + rng.uniform(-4, 4) for x in xs]
        rows += [(x, y, label, facet) for x, y in zip(xs, ys)]
        lines.append({"name": label, "panel": p, "x": xs, "y": ys})
plot = (
    "ggplot(d, aes(x, y, colour = series)) + geom_line() + facet_wrap(~facet, nrow = 1) +"
    " scale_x_continuous(limits = c(0, 100), expand = c(0, 0)) +"
    " scale_y_continuous(limits = c(0, 100), expand = c(0, 0)) + labs(x = 'Step', y = 'Loss')"
)
span = {"x": [0, 100, "linear"], "y": [0, 100, "linear"]}
render("gg_lines", rows, plot, [], {"0": span, "1": span}, lines=lines)

# Direct labels (issue 14): grey lines without a legend, each named by geom_text at its last point
# (hjust = 0, nudged right), the usual ggplot2 idiom.
rows, lines = [], []
for k, label in enumerate(["small", "medium", "large"]):
    xs = [5.0 + 10 * j for j in range(9)]
    ys = [10 + 25 * k + 20 * (x / 100) + rng.uniform(-2, 2) for x in xs]
    rows += [(x, y, label, "A") for x, y in zip(xs, ys)]
    lines.append({"name": label, "x": xs, "y": ys})
plot = (
    "ggplot(d, aes(x, y, group = series)) + geom_line(colour = 'grey40') +"
    " geom_text(data = d[d$x == max(d$x), ], aes(label = series), hjust = 0, nudge_x = 1.5) +"
    " scale_x_continuous(limits = c(0, 100), expand = c(0, 0)) +"
    " scale_y_continuous(limits = c(0, 100), expand = c(0, 0)) + labs(x = 'Step', y = 'Loss')"
)
render("gg_direct_labels", rows, plot, [], {"0": {"x": [0, 100, "linear"], "y": [0, 100, "linear"]}}, lines=lines)

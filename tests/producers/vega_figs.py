"""Render test figures with real Vega-Lite (npm's vega-lite + vega-cli) from known data.

Usage: python3 vega_figs.py OUTDIR [BINDIR]
BINDIR holds vl2svg (default: tests/producers/node/node_modules/.bin beside this script).
Writes FIG.vl.json (the spec), FIG.svg and FIG.json (truth) for each figure.
Truth JSON: {"points": [{"panel", "x", "y", "series"}], "spans": {panel: {"x": [lo, hi, scale], "y": [...]}}}
and, for a figure with a colour scale, each point's "value" (and "on_stop" when its colour is one of
the legend gradient's stops) with "colour": [lo, hi, scale], the colour domain.
Every scale has an explicit domain with nice=false and zero=false, so the spans are exact.
"""
import json
import os
import random
import re
import subprocess
import sys

out = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
bindir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "node", "node_modules", ".bin")
vl2svg = os.path.join(bindir, "vl2svg")
rng = random.Random(11)
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def axis(field, domain, title, log=False):
    # Vega-Lite drops (and warns about) "zero" on a log scale, so it is set only on linear ones.
    scale = {"type": "log", "domain": domain, "nice": False} if log else {"domain": domain, "zero": False, "nice": False}
    return {"field": field, "type": "quantitative", "scale": scale, "title": title}


def chart(values, **body):
    """A 320 x 200 Vega-Lite chart of `values`; `body` holds its mark and encoding, or layers."""
    return {"$schema": SCHEMA, "width": 320, "height": 200, "data": {"values": values}, **body}


def render(name, spec, points, spans, colour=None, vega=False, **extra):
    """Render a Vega-Lite spec with vl2svg, or (vega=True) compile it to a Vega spec with vl2vg
    and render that with Vega's own vg2svg; `extra` keys (lines, bands, bars) join the truth."""
    spec_path = f"{out}/{name}.vl.json"
    with open(spec_path, "w") as f:
        json.dump(spec, f, indent=1)
    if vega:
        vg_path = f"{out}/{name}.vg.json"
        with open(vg_path, "w") as f:
            subprocess.run([os.path.join(bindir, "vl2vg"), spec_path], stdout=f, check=True)
        with open(f"{out}/{name}.svg", "w") as f:
            subprocess.run([os.path.join(bindir, "vg2svg"), vg_path], stdout=f, check=True)
    else:
        with open(f"{out}/{name}.svg", "w") as f:
            subprocess.run([vl2svg, spec_path], stdout=f, check=True)
    with open(f"{out}/{name}.json", "w") as f:
        truth = {"points": points, "spans": spans, **extra}
        if colour:
            truth["colour"] = colour
        json.dump(truth, f)


# Linear axes with negative values, filled points, colour and shape legends for one nominal field.
values, points = [], []
for k in range(4):
    for _ in range(6):
        x, y = rng.uniform(-45, 45), rng.uniform(1.2e9, 4.8e9)
        values.append({"x": x, "y": y, "series": f"series {k}"})
        points.append({"panel": 0, "x": x, "y": y, "series": f"series {k}"})
spec = {
    "$schema": SCHEMA,
    "width": 320,
    "height": 220,
    "data": {"values": values},
    "mark": {"type": "point", "filled": True, "size": 40},
    "encoding": {
        "x": axis("x", [-50, 50], "Offset"),
        "y": axis("y", [1.0e9, 5.0e9], "Parameters"),
        "color": {"field": "series", "type": "nominal"},
        "shape": {"field": "series", "type": "nominal"},
    },
}
render("vl_linear", spec, points, {"0": {"x": [-50, 50, "linear"], "y": [1.0e9, 5.0e9, "linear"]}})
# The same figure through a Vega spec and Vega's own renderer (vl2vg, then vg2svg).
render("vg_linear", spec, points, {"0": {"x": [-50, 50, "linear"], "y": [1.0e9, 5.0e9, "linear"]}}, vega=True)

# Log x and log y, a colour legend, circle marks.
values, points = [], []
for k, name in enumerate(["small", "large"]):
    for _ in range(8):
        x = 10 ** rng.uniform(18.3, 23.7)
        y = 10 ** rng.uniform(0.05, 0.95) * (1 + k)
        values.append({"flops": x, "loss": y, "model": name})
        points.append({"panel": 0, "x": x, "y": y, "series": name})
spec = {
    "$schema": SCHEMA,
    "width": 300,
    "height": 240,
    "data": {"values": values},
    "mark": {"type": "circle", "size": 50},
    "encoding": {
        "x": axis("flops", [1e18, 1e24], "FLOPs", log=True),
        "y": axis("loss", [1, 30], "Loss", log=True),
        "color": {"field": "model", "type": "nominal"},
    },
}
render("vl_log", spec, points, {"0": {"x": [1e18, 1e24, "log"], "y": [1, 30, "log"]}})

# Two panels side by side (hconcat), square marks, no legend; the right one has a log y axis.
panels, points = [], []
for p in range(2):
    vals = []
    for _ in range(7):
        x = rng.uniform(2, 98)
        y = rng.uniform(0.5, 9.5) if p == 0 else 10 ** rng.uniform(-1.9, 0.9)
        vals.append({"x": x, "y": y})
        points.append({"panel": p, "x": x, "y": y})
    ydom = [0, 10] if p == 0 else [0.01, 10]
    panels.append(
        {
            "width": 220,
            "height": 180,
            "data": {"values": vals},
            "mark": {"type": "square", "size": 40, "color": "#d62728"},
            "encoding": {
                "x": axis("x", [0, 100], "Steps"),
                "y": axis("y", ydom, "Value", log=(p == 1)),
            },
        }
    )
spec = {"$schema": SCHEMA, "hconcat": panels}
render(
    "vl_concat",
    spec,
    points,
    {"0": {"x": [0, 100, "linear"], "y": [0, 10, "linear"]}, "1": {"x": [0, 100, "linear"], "y": [0.01, 10, "log"]}},
)

# A quantitative colour scale (viridis over an explicit domain): Vega-Lite draws its gradient
# legend as a rect filled with a linearGradient of 21 stops sampling the scale at every 1/20 of
# the domain, while each mark's fill is the scale's own colour at its value (8-bit). Some values
# sit exactly on a stop, so their fill is a stop colour; the rest are anywhere in the domain.
# Vega also writes every mark's data into its aria-label (and the chart's description): figdig
# must read the drawing, never that metadata.
CLO, CHI = 2.0, 4.0
values, points = [], []
for k in range(36):
    on_stop = k % 4 == 0
    v = CLO + (CHI - CLO) * (k // 4 * 2 + 1) / 20 if on_stop else rng.uniform(CLO, CHI)
    x, y = 10 ** rng.uniform(7.1, 9.9), rng.uniform(0.3, 9.7)
    values.append({"params": x, "epochs": y, "loss": v})
    points.append({"panel": 0, "x": x, "y": y, "value": v, "on_stop": on_stop})
spec = {
    "$schema": SCHEMA,
    "description": "Loss 3.1 at 1e9 parameters and 4 epochs (metadata, not data)",
    "width": 300,
    "height": 220,
    "data": {"values": values},
    "mark": {"type": "point", "filled": True, "size": 45, "tooltip": True},
    "encoding": {
        "x": axis("params", [1e7, 1e10], "Parameters", log=True),
        "y": axis("epochs", [0, 10], "Epochs"),
        "color": {
            "field": "loss",
            "type": "quantitative",
            "scale": {"domain": [CLO, CHI], "zero": False, "nice": False, "scheme": "viridis"},
            "title": "Loss",
        },
    },
}
render(
    "vl_colour",
    spec,
    points,
    {"0": {"x": [1e7, 1e10, "log"], "y": [0, 10, "linear"]}},
    colour=[CLO, CHI, "linear"],
)
with open(f"{out}/vl_colour.svg") as f:
    svg = f.read()
stops = re.findall(r'<stop offset="([0-9.]+)"', svg)
# The "on_stop" truth relies on Vega's 21 gradient stops at every 1/20 of the domain.
assert [round(float(s) * 20, 9) for s in stops] == list(range(21)), f"gradient stops changed: {stops}"

# The same without a drawn plot frame (view stroke null): the plot's undrawn background rectangle
# is its frame, while the legend's undrawn box around the colour ramp is not.
spec["config"] = {"view": {"stroke": None}}
render(
    "vl_colour_unframed",
    spec,
    points,
    {"0": {"x": [1e7, 1e10, "log"], "y": [0, 10, "linear"]}},
    colour=[CLO, CHI, "linear"],
)

# Shared axes and a multiplier label: three facet columns with one y scale and one y axis, drawn
# only beside the left panel (the inner ones have grid lines but no labels); the y labels are the
# values divided by 1e4 (labelExpr), with the multiplier written as text above the top-left of the
# left panel's frame, where matplotlib puts its offset text. One marker shape per panel.
values, points = [], []
groups = ["small", "medium", "large"]
for p, g in enumerate(groups):
    for _ in range(6):
        x, y = rng.uniform(0.5, 19.5), rng.uniform(1500, 48500)
        values.append({"group": g, "step": x, "tokens": y})
        points.append({"panel": p, "x": x, "y": y})
tokens = axis("tokens", [0, 50000], "Tokens")
tokens["axis"] = {"labelExpr": "datum.value / 1e4"}
spec = {
    "$schema": SCHEMA,
    "data": {"values": values},
    "facet": {"column": {"field": "group", "type": "nominal", "sort": groups, "title": None}},
    "spec": {
        "width": 160,
        "height": 190,
        "layer": [
            {
                "mark": {"type": "point", "filled": True, "size": 45},
                "encoding": {
                    "x": axis("step", [0, 20], "Step"),
                    "y": tokens,
                    "shape": {"field": "group", "type": "nominal", "sort": groups, "legend": None},
                },
            },
            {
                # One text mark, in the first panel only: "×10⁴" just above its top-left corner.
                "transform": [{"filter": f"datum.group == '{groups[0]}'"}, {"aggregate": [{"op": "count", "as": "n"}]}],
                "mark": {"type": "text", "text": "×10⁴", "align": "left", "baseline": "bottom", "fontSize": 10},
                "encoding": {"x": {"value": 0}, "y": {"value": -4}},
            },
        ],
    },
    "resolve": {"scale": {"x": "shared", "y": "shared"}},
}
render(
    "vl_facet_offset",
    spec,
    points,
    {str(p): {"x": [0, 20, "linear"], "y": [0, 50000, "linear"]} for p in range(3)},
)

# Size legends. Vega-Lite maps a quantitative `size` field linearly to the symbol's area and draws
# a symbol legend of graded sizes with round values beside them. (a) filled bubbles of one colour;
# (b) size and stroke colour driven by one field, hollow translucent circles: Vega-Lite merges the
# two legends into one whose symbols differ in colour as well. Every value is distinct, so most
# sizes are drawn once: a marker class cannot rest on repeated geometry here.
SLO, SHI = 5.0, 45.0
for name, filled in [("vl_size", True), ("vl_size_colour", False)]:
    values, points = [], []
    for k in range(30):
        v = SLO + (SHI - SLO) * (k + rng.uniform(0.1, 0.9)) / 30
        x, y = rng.uniform(2, 98), rng.uniform(0.5, 9.5)
        values.append({"hp": x, "acc": y, "mpg": v})
        points.append({"panel": 0, "x": x, "y": y, "value": v})
    size = {"field": "mpg", "type": "quantitative", "scale": {"domain": [SLO, SHI], "zero": False, "nice": False}}
    encoding = {"x": axis("hp", [0, 100], "Horsepower"), "y": axis("acc", [0, 10], "Acceleration"), "size": size}
    mark = {"type": "point", "filled": True}
    if not filled:
        encoding["color"] = dict(size)
        mark = {"type": "point", "opacity": 0.7, "strokeWidth": 2}
    spec = {"$schema": SCHEMA, "width": 300, "height": 220, "data": {"values": values}, "mark": mark, "encoding": encoding}
    render(name, spec, points, {"0": {"x": [0, 100, "linear"], "y": [0, 10, "linear"]}}, colour=[SLO, SHI, "linear"])

# A temporal x axis (utc scale, Vega's multi-scale labels: the year at January, else the month's
# name, "2019", "April", "July"), tick marks rounded to whole pixels. Truth x in milliseconds since
# the Unix epoch. The domain is the data's extent: the span comes from the points themselves.
import datetime as _dt

values, points = [], []
t0 = _dt.datetime(2018, 5, 1, tzinfo=_dt.timezone.utc)
for _ in range(20):
    t, y = t0 + _dt.timedelta(days=rng.uniform(0, 800)), rng.uniform(1, 9)
    values.append({"t": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "y": y})
    points.append({"panel": 0, "x": int(t.timestamp()) * 1000.0, "y": y})
xs = [p["x"] for p in points]
spec = {
    "$schema": SCHEMA,
    "width": 400,
    "height": 200,
    "data": {"values": values},
    "mark": "point",
    "encoding": {
        "x": {"field": "t", "type": "temporal", "scale": {"type": "utc"}, "title": "Date"},
        "y": axis("y", [0, 10], "Score"),
    },
}
render("vl_temporal", spec, points, {"0": {"x": [min(xs), max(xs), "linear"], "y": [0, 10, "linear"]}})

# A band: an area mark with y and y2 (Vega draws one closed path, upper forward, lower back)
# under a line.
xs = [k * 5.0 for k in range(21)]
band = {"panel": 0, "x": xs, "lower": [], "upper": []}
values = []
for x in xs:
    y = 5 + 3 * (x / 100 - 0.5) + rng.uniform(-0.5, 0.5)
    lo, hi = y - rng.uniform(0.5, 1.2), y + rng.uniform(0.5, 1.2)
    band["lower"].append(lo)
    band["upper"].append(hi)
    values.append({"x": x, "y": y, "lo": lo, "hi": hi})
spec = chart(
    values,
    layer=[
        {
            "mark": {"type": "area", "opacity": 0.3},
            "encoding": {"x": axis("x", [0, 100], "Step"), "y": axis("lo", [0, 10], "Score"), "y2": {"field": "hi"}},
        },
        {"mark": "line", "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}},
    ],
)
render("vl_band", spec, [], {"0": {"x": [0, 100, "linear"], "y": [0, 10, "linear"]}}, bands=[band])

# Lines with points (issue 14): a line mark with `point: true` for two series coloured by a legend;
# every point is drawn as a filled symbol on a vertex of its line.
values, points, lines = [], [], []
for k, name in enumerate(["train", "eval"]):
    xs = [5.0 + 10 * j for j in range(10)]
    ys = [2 + 2 * k + 4 * (x / 100) + rng.uniform(-0.4, 0.4) for x in xs]
    values += [{"x": x, "y": y, "series": name} for x, y in zip(xs, ys)]
    points += [{"panel": 0, "x": x, "y": y, "series": name} for x, y in zip(xs, ys)]
    lines.append({"name": name, "x": xs, "y": ys})
spec = chart(
    values,
    mark={"type": "line", "point": True},
    encoding={
        "x": axis("x", [0, 100], "Step"),
        "y": axis("y", [0, 10], "Loss"),
        "color": {"field": "series", "type": "nominal"},
    },
)
render("vl_line_points", spec, points, {"0": {"x": [0, 100, "linear"], "y": [0, 10, "linear"]}}, lines=lines)

# Error bars (issue 14): an errorbar mark with ticks (caps) from explicit y and y2 fields under
# points; every whisker end is data, no cap a marker.
values, points, bars = [], [], []
for j in range(8):
    x, y = 6.0 + 12 * j, rng.uniform(3, 7)
    lo, hi = y - rng.uniform(0.3, 1.5), y + rng.uniform(0.3, 1.5)
    values.append({"x": x, "y": y, "lo": lo, "hi": hi})
    points.append({"panel": 0, "x": x, "y": y})
    bars.append({"x": x, "y": y, "y_lo": lo, "y_hi": hi})
spec = chart(
    values,
    layer=[
        {
            "mark": {"type": "errorbar", "ticks": True},
            "encoding": {"x": axis("x", [0, 100], "Step"), "y": axis("lo", [0, 10], "Score"), "y2": {"field": "hi"}},
        },
        {
            "mark": {"type": "point", "filled": True},
            "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}},
        },
    ],
)
render("vl_errorbar", spec, points, {"0": {"x": [0, 100, "linear"], "y": [0, 10, "linear"]}}, bars=bars)

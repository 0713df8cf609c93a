"""Render test figures with real Vega-Lite (npm's vega-lite + vega-cli) from known data.

Usage: python3 vega_figs.py OUTDIR [BINDIR]
BINDIR holds vl2svg (default: tests/producers/node/node_modules/.bin beside this script).
Writes FIG.vl.json (the spec), FIG.svg and FIG.json (truth) for each figure.
Truth JSON: {"points": [{"panel", "x", "y", "series"}], "spans": {panel: {"x": [lo, hi, scale], "y": [...]}}}
Every scale has an explicit domain with nice=false and zero=false, so the spans are exact.
"""
import json
import os
import random
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


def render(name, spec, points, spans):
    spec_path = f"{out}/{name}.vl.json"
    with open(spec_path, "w") as f:
        json.dump(spec, f, indent=1)
    with open(f"{out}/{name}.svg", "w") as f:
        subprocess.run([vl2svg, spec_path], stdout=f, check=True)
    with open(f"{out}/{name}.json", "w") as f:
        json.dump({"points": points, "spans": spans}, f)


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

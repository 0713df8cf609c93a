"""Render test figures with real matplotlib from known data; write FIG.svg and FIG.json (truth).

Usage: python3 matplotlib_figs.py OUTDIR
Truth JSON: {"points": [{"panel", "x", "y", "series", "value"}], "spans": {panel: {"x": [lo, hi, scale], "y": [...]}}}
"""
import json
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402

out = sys.argv[1]
rng = np.random.default_rng(7)


def spans(axs):
    d = {}
    for i, ax in enumerate(axs):
        d[i] = {
            "x": [*ax.get_xlim(), ax.get_xscale()],
            "y": [*ax.get_ylim(), ax.get_yscale()],
        }
    return d


def save(fig, axs, name, points, ext="svg", **extra):
    """Save FIG as NAME.EXT and its truth (points, spans and any `extra` keys) as NAME.json."""
    fig.savefig(f"{out}/{name}.{ext}")
    plt.close(fig)
    with open(f"{out}/{name}.json", "w") as f:
        json.dump({"points": points, "spans": spans(axs), **extra}, f)


def cairo_profile(fig, keyed):
    """Profile sections giving `pdftocairo -svg` output (text as glyphs without characters) its
    axes: for each (key, axes, "x" or "y"), the ticks inside the limits as [position in PDF
    points, value], y flipped to SVG's downward y, from matplotlib's own transform."""
    fig.canvas.draw()
    height = fig.get_size_inches()[1] * 72.0
    profile = []
    for key, ax, name in keyed:
        lo, hi = ax.get_xlim() if name == "x" else ax.get_ylim()
        ticks = [t for t in (ax.get_xticks() if name == "x" else ax.get_yticks()) if min(lo, hi) < t < max(lo, hi)]
        rows = []
        for t in ticks:
            xy = (t, ax.get_ylim()[0]) if name == "x" else (ax.get_xlim()[0], t)
            disp = ax.transData.transform(xy) * 72.0 / fig.dpi
            pos = disp[0] if name == "x" else height - disp[1]
            rows.append(f"[{float(pos)!r}, {float(t)!r}]")
        scale = ax.get_xscale() if name == "x" else ax.get_yscale()
        profile.append(f'[axes."{key}"]\nscale = "{"log" if scale == "log" else "linear"}"\nticks = [{", ".join(rows)}]\n')
    return profile


for mode in ["path", "none"]:
    plt.rcParams["svg.fonttype"] = mode
    plt.rcParams["svg.hashsalt"] = "figdig"

    # Linear axes, negative values, several shapes, a legend, shared y with an offset label.
    fig, axs = plt.subplots(1, 2, figsize=(8, 3.5), sharey=True)
    pts = []
    shapes = ["o", "s", "^", "D", "v"]
    for k, m in enumerate(shapes):
        x = rng.uniform(-50, 50, 6)
        y = rng.uniform(1.0e9, 5.0e9, 6)
        axs[0].scatter(x, y, marker=m, label=f"series {k}")
        pts += [{"panel": 0, "x": float(a), "y": float(b), "series": f"series {k}"} for a, b in zip(x, y)]
    axs[0].legend(loc="upper left", fontsize=6)
    x = rng.uniform(0, 1000, 8)
    y = rng.uniform(1.0e9, 5.0e9, 8)
    axs[1].scatter(x, y, marker="o", color="#d62728")
    pts += [{"panel": 1, "x": float(a), "y": float(b)} for a, b in zip(x, y)]
    axs[0].set_xlabel("Offset")
    axs[1].set_xlabel("Steps")
    axs[0].set_ylabel("Parameters")
    save(fig, axs, f"mpl_linear_{mode}", pts)

    # Log axes with a colour scale (log norm) and a colour bar; a second linear-norm panel.
    fig, axs = plt.subplots(1, 2, figsize=(9, 3.5))
    pts = []
    c = 10 ** rng.uniform(18, 22, 25)
    n = 10 ** rng.uniform(7.2, 10.8, 25)
    loss = 1.7 + 400 / n**0.34 + 400 / (c / (6 * n)) ** 0.28
    sc = axs[0].scatter(c, n, c=loss, cmap="viridis", norm=LogNorm(vmin=1.8, vmax=6.0), marker="o")
    axs[0].set_xscale("log")
    axs[0].set_yscale("log")
    axs[0].set_xlabel("Training FLOPs")
    axs[0].set_ylabel("Model size")
    fig.colorbar(sc, ax=axs[0], label="Loss")
    pts += [{"panel": 0, "x": float(a), "y": float(b), "value": float(v)} for a, b, v in zip(c, n, loss)]
    x = rng.uniform(-3, 3, 12)
    y = rng.uniform(-1, 1, 12)
    t = rng.uniform(0, 100, 12)
    sc = axs[1].scatter(x, y, c=t, cmap="plasma", vmin=0, vmax=100, marker="s")
    fig.colorbar(sc, ax=axs[1], label="Temperature")
    pts += [{"panel": 1, "x": float(a), "y": float(b), "value": float(v)} for a, b, v in zip(x, y, t)]
    save(fig, axs, f"mpl_colour_{mode}", pts)

    # A secondary y axis on the right in other units (cm = 2.54 x inches).
    fig, ax = plt.subplots(figsize=(5, 3.5))
    x = rng.uniform(1, 24, 8)
    y = rng.uniform(0.2, 4.8, 8)
    ax.scatter(x, y, marker="o")
    ax.set_xlim(0, 25)
    ax.set_ylim(0, 5)
    ax.set_ylabel("inches")
    sec = ax.secondary_yaxis("right", functions=(lambda v: v * 2.54, lambda v: v / 2.54))
    sec.set_ylabel("cm")
    save(fig, [ax], f"mpl_secondary_{mode}", [{"panel": 0, "x": float(a), "y": float(b)} for a, b in zip(x, y)])

    # Axis conventions: an additive offset ("+1e4") on x, every other y label hidden (alpha 0, so
    # drawn with opacity 0 but still at its tick), unlabelled minor ticks, and the first and last
    # points exactly on the frame's corners.
    fig, ax = plt.subplots(figsize=(5, 3.5))
    x = np.concatenate([[10000.0], 10000 + rng.uniform(0.05, 0.95, 8), [10001.0]])
    y = np.concatenate([[0.0], rng.uniform(2, 48, 8), [50.0]])
    ax.scatter(x, y, marker="o")
    ax.set_xlim(10000, 10001)
    ax.set_ylim(0, 50)
    ax.minorticks_on()
    fig.canvas.draw()
    for label in ax.get_yticklabels()[1::2]:
        label.set_alpha(0)
    save(fig, [ax], f"mpl_conventions_{mode}", [{"panel": 0, "x": float(a), "y": float(b)} for a, b in zip(x, y)])
    # Turned tick labels: x labels at 45 degrees, centred on their ticks (matplotlib's default).
    fig, ax = plt.subplots(figsize=(5, 3.5))
    x = rng.uniform(500, 9500, 8)
    y = rng.uniform(-0.9, 0.9, 8)
    ax.scatter(x, y, marker="D")
    ax.set_xlim(0, 10000)
    ax.set_ylim(-1, 1)
    ax.tick_params(axis="x", labelrotation=45)
    save(fig, [ax], f"mpl_turned_{mode}", [{"panel": 0, "x": float(a), "y": float(b)} for a, b in zip(x, y)])

    # Error bars with caps (line-segment markers) and a legend: only the square markers are data.
    fig, ax = plt.subplots(figsize=(5, 3.5))
    x = rng.uniform(1, 9, 7)
    y = rng.uniform(2, 8, 7)
    ye = rng.uniform(0.2, 0.8, 7)
    ax.errorbar(x, y, yerr=ye, xerr=0.2, fmt="s", capsize=3, label="runs")
    ax.errorbar(x + 0.3, y - 1, yerr=0.5, fmt="none", capsize=4, ecolor="gray")
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.legend(loc="upper right")
    pts = [{"panel": 0, "x": float(a), "y": float(b), "series": "runs"} for a, b in zip(x, y)]
    bars = [
        {"x": float(a), "y": float(b), "y_lo": float(b - e), "y_hi": float(b + e), "x_lo": float(a - 0.2), "x_hi": float(a + 0.2)}
        for a, b, e in zip(x, y, ye)
    ]
    save(fig, [ax], f"mpl_errorbars_{mode}", pts, bars=bars)

    # Line series (issue 14): an `o-` line and a dashed line named by the legend, a line broken by
    # a missing value (two pieces), asymmetric error bars with caps on their own markers.
    fig, ax = plt.subplots(figsize=(5, 3.5))
    xs = np.linspace(0.5, 9.5, 12)
    ya = 2 + 0.5 * xs + rng.uniform(-0.3, 0.3, 12)
    yb = 8 - 0.4 * xs + rng.uniform(-0.3, 0.3, 12)
    yc = 5 + np.sin(xs)
    yc[5] = np.nan
    ax.plot(xs, ya, "o-", color="#1f77b4", label="rising")
    ax.plot(xs, yb, "--", color="#d62728", label="falling")
    ax.plot(xs, yc, "-", color="#2ca02c", label="broken")
    bx = np.array([2.0, 4.0, 6.0, 8.0])
    by = np.array([1.0, 1.5, 1.2, 1.8])
    lo, hi = rng.uniform(0.1, 0.3, 4), rng.uniform(0.3, 0.6, 4)
    ax.errorbar(bx, by, yerr=[lo, hi], fmt="s", color="#9467bd", capsize=3, label="bars")
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.legend(loc="upper right", fontsize=7)
    pts = [{"panel": 0, "x": float(a), "y": float(b), "series": "rising"} for a, b in zip(xs, ya)]
    pts += [{"panel": 0, "x": float(a), "y": float(b), "series": "bars"} for a, b in zip(bx, by)]
    lines = [
        {"panel": 0, "series": "rising", "x": xs.tolist(), "y": ya.tolist()},
        {"panel": 0, "series": "falling", "x": xs.tolist(), "y": yb.tolist()},
        {"panel": 0, "series": "broken", "x": [float(a) for a, b in zip(xs, yc) if b == b],
         "y": [float(b) for b in yc if b == b], "pieces": 2},
    ]
    bars = [{"x": float(a), "y": float(b), "y_lo": float(b - l), "y_hi": float(b + h)}
            for a, b, l, h in zip(bx, by, lo, hi)]
    fig.savefig(f"{out}/mpl_lines_{mode}.svg")
    plt.close(fig)
    with open(f"{out}/mpl_lines_{mode}.json", "w") as f:
        json.dump({"points": pts, "spans": spans([ax]), "lines": lines, "bars": bars}, f)

# A figure with every feature, through PDF: MuPDF (`mutool convert -F svg -O text=text`) and Cairo
# (`pdftocairo -svg`, whose text is glyph symbols without characters: a profile gives its ticks and
# legend labels). Left: linear axes, five shapes, a legend, an offset label ("1e9") on y, shared
# with the right panel, which has a log x axis and a colour scale with its colour bar.
plt.rcParams["svg.fonttype"] = "path"
fig, axs = plt.subplots(1, 2, figsize=(9, 3.5), sharey=True)
pts = []
legend_labels = []
for k, m in enumerate(["o", "s", "^", "D", "v"]):
    x = rng.uniform(-45, 45, 5)
    y = rng.uniform(1.1e9, 4.9e9, 5)
    axs[0].scatter(x, y, marker=m, label=f"series {k}")
    legend_labels.append(f"series {k}")
    pts += [{"panel": 0, "x": float(a), "y": float(b), "series": f"series {k}"} for a, b in zip(x, y)]
axs[0].set_xlim(-50, 50)
axs[0].set_ylim(1.0e9, 5.0e9)
axs[0].legend(loc="upper left", fontsize=6)
c = 10 ** rng.uniform(1.1, 3.9, 14)
y = rng.uniform(1.1e9, 4.9e9, 14)
t = rng.uniform(0, 100, 14)
sc = axs[1].scatter(c, y, c=t, cmap="viridis", vmin=0, vmax=100, marker="o")
axs[1].set_xscale("log")
axs[1].set_xlim(10, 1e4)
fig.colorbar(sc, ax=axs[1], label="Temperature")
pts += [{"panel": 1, "x": float(a), "y": float(b), "value": float(v)} for a, b, v in zip(c, y, t)]
# figdig numbers frames: data panels left to right, then colour bars. The shared y of panel 1 is
# left to figdig (calibrated from its aligned neighbour).
profile = cairo_profile(fig, (("0.x", axs[0], "x"), ("0.y", axs[0], "y"), ("1.x", axs[1], "x"), ("2.y", fig.axes[-1], "y")))
profile.append("[legend]\nlabels = [" + ", ".join(f'"{l}"' for l in legend_labels) + "]\n")
fig.savefig(f"{out}/viapdf.pdf")
plt.close(fig)
with open(f"{out}/viapdf.json", "w") as f:
    json.dump({"points": pts, "spans": spans(axs)}, f)
with open(f"{out}/viapdf.profile.toml", "w") as f:
    f.write("\n".join(profile))

# x tick labels turned by 45 degrees and right-aligned (`ha="right"`, the usual idiom): the right
# end of each label's box is on its tick. Then log y labels (mathtext) turned by 90 degrees, which
# matplotlib places with an end near the tick. Their own random stream, so the figures above keep
# theirs.
rng_turned = np.random.default_rng(45)
for mode in ["path", "none"]:
    plt.rcParams["svg.fonttype"] = mode
    fig, ax = plt.subplots(figsize=(5, 3.5))
    x = rng_turned.uniform(500, 9500, 8)
    y = rng_turned.uniform(-0.9, 0.9, 8)
    ax.scatter(x, y, marker="v")
    ax.set_xlim(0, 10000)
    ax.set_ylim(-1, 1)
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    save(fig, [ax], f"mpl_turned_right_{mode}", [{"panel": 0, "x": float(a), "y": float(b)} for a, b in zip(x, y)])

    fig, ax = plt.subplots(figsize=(5, 3.5))
    x = rng_turned.uniform(500, 9500, 8)
    y = 10 ** rng_turned.uniform(-2.8, -0.2, 8)
    ax.scatter(x, y, marker="v")
    ax.set_xlim(0, 10000)
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 1)
    ax.tick_params(axis="y", labelrotation=90)
    save(fig, [ax], f"mpl_turned_y_{mode}", [{"panel": 0, "x": float(a), "y": float(b)} for a, b in zip(x, y)])

    # Both at once: the turned labels meet at the frame's lower-left corner.
    fig, ax = plt.subplots(figsize=(5, 3.5))
    x = rng_turned.uniform(500, 9500, 8)
    y = 10 ** rng_turned.uniform(-2.8, -0.2, 8)
    ax.scatter(x, y, marker="o")
    ax.set_xlim(0, 10000)
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 1)
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    ax.tick_params(axis="y", labelrotation=90)
    save(fig, [ax], f"mpl_turned_both_{mode}", [{"panel": 0, "x": float(a), "y": float(b)} for a, b in zip(x, y)])

# Issue 13's new-user figures, text as <text> elements, their own random stream. (a) `o-` and
# `s--` lines with markers in matplotlib's classic style, whose legend draws two marker samples per
# entry; (b) an annotation ("peak 42") beside one point of a scatter; (c) a second `scatter` call
# redrawing 12 of 30 points after other elements (exact duplicates far apart in the document);
# (d) hollow markers (no face, coloured edge) and translucent large ones.
rng_new = np.random.default_rng(13)
plt.rcParams["svg.fonttype"] = "none"
with plt.style.context("classic"):
    fig, ax = plt.subplots(figsize=(5, 3.5))
    pts = []
    for fmt, label in [("o-", "train"), ("s--", "valid")]:
        x, y = np.arange(1, 9), rng_new.uniform(1, 9, 8)
        ax.plot(x, y, fmt, label=label)
        pts += [{"panel": 0, "x": float(a), "y": float(b), "series": label} for a, b in zip(x, y)]
    ax.legend()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    save(fig, [ax], "mpl_classic_o_lines", pts)
fig, ax = plt.subplots(figsize=(5, 3.5))
x, y = rng_new.uniform(1, 9, 12), rng_new.uniform(1, 9, 12)
ax.scatter(x, y)
top = int(np.argmax(y))
ax.annotate("peak 42", (x[top], y[top]), xytext=(5, 0), textcoords="offset points")
ax.set_xlim(0, 10)
ax.set_ylim(0, 10)
save(fig, [ax], "mpl_annotated_point", [{"panel": 0, "x": float(a), "y": float(b), "series": ""} for a, b in zip(x, y)])
fig, ax = plt.subplots(figsize=(5, 3.5))
x, y = rng_new.uniform(1, 9, 30), rng_new.uniform(1, 9, 30)
ax.scatter(x, y, c="C0")
ax.axhline(5, color="k")
ax.text(1, 9.5, "note")
ax.scatter(x[:12], y[:12], c="C0")
ax.set_xlim(0, 10)
ax.set_ylim(0, 10)
save(fig, [ax], "mpl_duplicates_far_apart", [{"panel": 0, "x": float(a), "y": float(b)} for a, b in zip(x, y)])
fig, ax = plt.subplots(figsize=(5, 3.5))
x, y = rng_new.uniform(1, 9, 20), rng_new.uniform(1, 9, 20)
ax.scatter(x[:10], y[:10], facecolors="none", edgecolors="C1")
ax.scatter(x[10:], y[10:], alpha=0.3, s=200)
ax.set_xlim(0, 10)
ax.set_ylim(0, 10)
save(fig, [ax], "mpl_hollow_and_alpha", [{"panel": 0, "x": float(a), "y": float(b)} for a, b in zip(x, y)])

# An error-bar figure with a legend through PDF (read with --page 1 through MuPDF): labels mix
# a text face and mathtext ("AdamW: $\beta$=0.29"), which the PDF holds as runs in two fonts with
# the Greek letter drawn as an outline between them; markers with error bars and caps.
plt.rcParams["svg.fonttype"] = "none"
plt.rcParams["pdf.fonttype"] = 42
fig, ax = plt.subplots(figsize=(5, 3.5))
pts = []
for k, (name, beta, fmt) in enumerate([("AdamW", 0.29, "o"), ("Muon", 0.82, "s")]):
    label = f"{name}: $\\beta$={beta}"
    x = np.arange(1, 7) + 0.2 * k
    y = rng_new.uniform(2, 8, 6)
    ax.errorbar(x, y, yerr=rng_new.uniform(0.2, 0.6, 6), fmt=fmt, capsize=3, label=label)
    pts += [{"panel": 0, "x": float(a), "y": float(b), "series": f"{name}: \u03b2={beta}"} for a, b in zip(x, y)]
ax.legend(loc="upper left")
ax.set_xlim(0, 8)
ax.set_ylim(0, 10)
save(fig, [ax], "mpl_errorbar_legend_pdf", pts, ext="pdf")
plt.rcParams["pdf.fonttype"] = 3

# Date axes labelled with whole dates (matplotlib's DateFormatter): "2019-04", "Jan 2019",
# "2019-02-10". Truth x in milliseconds since the Unix epoch (UTC), the convention of Vega and
# Observable Plot.
import datetime as _dt  # noqa: E402

import matplotlib.dates as mdates  # noqa: E402

t0 = _dt.datetime(2019, 2, 3, tzinfo=_dt.timezone.utc)
for name, fmt, loc, days in [
    ("mpl_dates_iso_month", "%Y-%m", mdates.MonthLocator(bymonth=[1, 4, 7, 10]), 700),
    ("mpl_dates_month_year", "%b %Y", mdates.MonthLocator(bymonth=[1, 7]), 900),
    ("mpl_dates_iso_day", "%Y-%m-%d", mdates.DayLocator(interval=7), 40),
]:
    ts = [t0 + _dt.timedelta(days=float(d)) for d in np.sort(rng_new.uniform(5, days - 5, 15))]
    y = rng_new.uniform(1, 9, 15)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(ts, y, "o")
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.DateFormatter(fmt))
    ax.set_xlim(t0, t0 + _dt.timedelta(days=days))
    ax.set_ylim(0, 10)
    fig.savefig(f"{out}/{name}.svg")
    plt.close(fig)
    lo, hi = t0.timestamp() * 1000, (t0 + _dt.timedelta(days=days)).timestamp() * 1000
    pts = [{"panel": 0, "x": t.timestamp() * 1000, "y": float(b)} for t, b in zip(ts, y)]
    with open(f"{out}/{name}.json", "w") as f:
        json.dump({"points": pts, "spans": {0: {"x": [lo, hi, "linear"], "y": [0, 10, "linear"]}}}, f)

# A band (fill_between, translucent) around a line, with a legend: the band's outline is one
# closed path, lower envelope forward and upper back, joined by vertical edges.
fig, ax = plt.subplots(figsize=(5, 3.5))
x = np.linspace(0, 10, 25)
mid = np.sin(x) + 2 + rng_new.uniform(-0.05, 0.05, 25)
lo, hi = mid - rng_new.uniform(0.2, 0.5, 25), mid + rng_new.uniform(0.2, 0.5, 25)
ax.plot(x, mid, label="mean")
ax.fill_between(x, lo, hi, alpha=0.3, label="90% band")
ax.legend(loc="upper right")
ax.set_xlim(0, 10)
ax.set_ylim(0, 4)
save(fig, [ax], "mpl_band", [], bands=[{"panel": 0, "x": x.tolist(), "lower": lo.tolist(), "upper": hi.tolist()}])

# Direct labels (no legend): three grey lines, each named by a text just past its last point
# (ha="left", va="center"), their ends well apart; and two lines ending at one point, whose labels
# cannot be told apart, so both must stay unnamed.
fig, ax = plt.subplots(figsize=(6, 3.5))
x = np.arange(10)
pts = []
lines = []
for name, top in [("small", 3.0), ("medium", 6.0), ("large", 9.0)]:
    y = top * (x + 1) / 10 + rng_new.uniform(-0.1, 0.1, 10)
    ax.plot(x, y, color="gray")
    ax.text(x[-1] + 0.15, y[-1], name, va="center", ha="left")
    lines.append({"name": name, "x": x.tolist(), "y": y.tolist()})
for name, dy in [("twin a", 0.0), ("twin b", 0.05)]:
    y = 11 - 0.1 * x
    ax.plot(x, y + (x < 9) * 0.5 * (1 if dy else -1), color="gray")
    ax.text(x[-1] + 0.15, y[-1] + dy, name, va="center", ha="left")
ax.set_xlim(0, 11)
ax.set_ylim(0, 12)
save(fig, [ax], "mpl_direct_labels", [], lines=lines)

# Curves drawn into a PDF by matplotlib's PDF backend (issue 14), read with --page 1 (MuPDF) and
# through `pdftocairo -svg` with a profile. Two curves of one style (same colour and width, no
# legend) crossing twice; and a dense curve of 10,000 vertices, every one drawn (path
# simplification off).
rng_pdf = np.random.default_rng(23)
plt.rcParams["path.simplify"] = False
for name, curves in [
    ("mpl_pdf_crossing", [(np.linspace(0, 10, 40), lambda x: 5 + 3 * np.sin(x / 1.6)), (np.linspace(0, 10, 40), lambda x: 5 - 3 * np.sin(x / 1.6) + 0.8)]),
    ("mpl_pdf_dense", [(np.linspace(0, 10, 10000), lambda x: 5 + 2 * np.sin(3 * x) + 0.3 * np.sin(37 * x))]),
]:
    fig, ax = plt.subplots(figsize=(6, 3.5))
    lines = []
    for x, f in curves:
        y = f(x) + rng_pdf.uniform(-0.02, 0.02, len(x))
        ax.plot(x, y, color="k", lw=1.0)
        lines.append({"name": None, "x": x.tolist(), "y": y.tolist()})
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    profile = cairo_profile(fig, (("0.x", ax, "x"), ("0.y", ax, "y")))
    with open(f"{out}/{name}_cairo.toml", "w") as f:
        f.write("\n".join(profile))
    save(fig, [ax], name, [], ext="pdf", lines=lines)
plt.rcParams["path.simplify"] = True

# Lines on log-log axes (issue 14), named by a legend: vertices read through both log scales.
rng_log = np.random.default_rng(31)
fig, ax = plt.subplots(figsize=(5, 3.5))
lines = []
for name, a in [("small", 1.0), ("large", 3.0)]:
    x = np.logspace(0.2, 2.8, 15)
    y = a * x ** -0.5 * np.exp(rng_log.uniform(-0.05, 0.05, 15))
    ax.plot(x, y, label=name)
    lines.append({"name": name, "x": x.tolist(), "y": y.tolist()})
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlim(1, 1000)
ax.set_ylim(0.01, 10)
ax.legend(loc="upper right")
save(fig, [ax], "mpl_lines_log", [], lines=lines)

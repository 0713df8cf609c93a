#!/usr/bin/env python3
"""Whole-process time and peak memory (getrusage of each finished run, via os.wait4) of
`figdig extract` on large generated figures: a 40 MB single-path file (refused), a 60 MB file of
870,000 paths, a batch of three of those, a million markers written one per line, and a million
line vertices (four curves of 250,000).

Usage: python3 benches/resources/limits.py [FIGDIG] [WORKDIR]   (default target/release/figdig, /tmp)
Prints one line per case: seconds, peak RSS in MB, exit status, the last line of stderr.
"""
import math
import os
import subprocess
import sys
import time

FIGDIG = sys.argv[1] if len(sys.argv) > 1 else "target/release/figdig"
WORK = sys.argv[2] if len(sys.argv) > 2 else "/tmp/figdig-limits"
os.makedirs(WORK, exist_ok=True)

HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 200">'
        '<rect x="50" y="20" width="200" height="150" fill="none" stroke="#000"/>')
for i, v in enumerate([0, 5, 10]):
    x, y = 50 + 100 * i, 170 - 75 * i
    HEAD += (f'<path d="M{x} 170L{x} 174" stroke="#000"/><text x="{x}" y="185" text-anchor="middle" '
             f'font-size="10">{v}</text><path d="M50 {y}L46 {y}" stroke="#000"/>'
             f'<text x="43" y="{y + 3.5}" text-anchor="end" font-size="10">{v}</text>')


def write(name, body):
    path = os.path.join(WORK, name)
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(HEAD)
            for chunk in body():
                f.write(chunk)
            f.write("</svg>\n")
    return path


def single_path():
    yield '<path d="M60 100'
    for _ in range((40 << 20) // 4 // 1000):
        yield "l1 0" * 1000
    yield '" stroke="#000"/>'


def many_paths(tag):
    def body():
        for i in range(870_000):
            x, y = 60 + (i % 180), 30 + (i // 180) % 130
            yield f'<path d="M{x} {y}l0.5 0.2l0.3 0.1" stroke="#{tag}" stroke-width=".1"/>\n'
    return body


def markers():
    for i in range(1_000_000):
        x, y = 60 + (i % 1000) * 0.18, 30 + (i // 1000) * 0.13
        yield f'<circle cx="{x}" cy="{y}" r="0.05" fill="#1f77b4"/>\n'


def vertices():
    for k, colour in enumerate(["1f77b4", "ff7f0e", "2ca02c", "d62728"]):
        n = 250_000
        yield f'<path fill="none" stroke="#{colour}" d="M'
        yield " L".join(f"{60 + 180 * i / (n - 1):.4f} {100 + 30 * math.sin(i / 5000 + k) + 5 * k:.4f}" for i in range(n))
        yield '"/>\n'


def run(label, *args):
    t = time.monotonic()
    p = subprocess.Popen([FIGDIG, "extract", *args, "--out", os.path.join(WORK, "out"), "--no-audit"],
                         stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    err = p.stderr.read().decode(errors="replace").strip().splitlines()
    _, status, usage = os.wait4(p.pid, 0)
    secs = time.monotonic() - t
    last = err[-1] if err else ""
    print(f"{label:34} {secs:6.2f} s {usage.ru_maxrss / 1024:8.1f} MB exit {os.waitstatus_to_exitcode(status)}  {last[:150]}")


run("40 MB single path", write("single_path.svg", single_path))
big = [write(f"paths{i}.svg", many_paths(f"00000{i}")) for i in range(3)]
print(f"(paths files: {os.path.getsize(big[0]) / 1e6:.0f} MB each)")
run("60 MB, 870,000 paths", big[0])
run("batch of three 60 MB files", *big)
run("1,000,000 markers one per line", write("markers.svg", markers))
run("1,000,000 line vertices", write("vertices.svg", vertices))

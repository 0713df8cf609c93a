#!/usr/bin/env bash
# Corpus mode on 1,000 figures (the synthetic set repeated), without audits, as one process: time
# it whole (issue 17 asks for 500 figures/s on 2 cores), for example
#   farm-bench -- benches/resources/corpus_1000.sh
# Usage: benches/resources/corpus_1000.sh [FIGDIG] [WORKDIR]  (default target/release/figdig,
# /tmp/figdig-corpus-1000). The figures and manifest are made once; each run starts a fresh --out.
set -euo pipefail
figdig=${1:-target/release/figdig}
work=${2:-/tmp/figdig-corpus-1000}
if [ ! -f "$work/m1000.csv" ]; then
  mkdir -p "$work"
  "$figdig" synth --all --out "$work/set" >/dev/null
  rows=("path")
  k=0
  while [ ${#rows[@]} -le 1000 ]; do
    mkdir -p "$work/copy$k"
    for f in "$work"/set/*.svg; do
      cp "$f" "$work/copy$k/"
      rows+=("copy$k/$(basename "$f")")
      [ ${#rows[@]} -gt 1000 ] && break
    done
    k=$((k + 1))
  done
  printf '%s\n' "${rows[@]}" >"$work/m1000.csv.tmp" && mv "$work/m1000.csv.tmp" "$work/m1000.csv"
fi
out="$work/out.$$"
"$figdig" corpus "$work/m1000.csv" --out "$out" --no-audit 2>/dev/null
rm -rf "$out"

# figdig: `make extract` runs the main job, `make test` runs every test.
CARGO ?= cargo
FIGDIG := target/release/figdig
SHARED_FIG := ../shared/figures/chinchilla_figure_4.svg

.PHONY: build extract test test-python lint reproduce bench demo fuzz clean-out

build:
	$(CARGO) build --release --locked

## Extract every SVG in figures/ into extracted/ (the demo figure ships in figures/).
extract: build
	$(FIGDIG) extract figures --out extracted

## All tests (unit, CLI integration), in the release profile so CI builds once; then the Python
## package's (skipped without python3 and its packages, except under CI=true).
test:
	$(CARGO) test --release --locked
	$(MAKE) test-python

## The Python package (python/): built with maturin into a virtual environment under target/
## that sees the system's pandas, pyarrow, dask and pytest (nothing is installed outside it),
## then its pytest suite. Needs python3 with maturin, pandas, pyarrow, dask[distributed] and
## pytest; without them it is skipped, except under CI=true, where that is a failure.
PYTHON ?= python3
PYENV := target/pyenv
PY_NEEDS := import maturin, pandas, pyarrow, dask.distributed, pytest
test-python:
	@if ! command -v $(PYTHON) >/dev/null 2>&1 || ! $(PYTHON) -c '$(PY_NEEDS)' >/dev/null 2>&1; then \
	  if [ "$$CI" = true ]; then \
	    echo "test-python: CI=true needs python3 with maturin, pandas, pyarrow, dask[distributed], pytest" >&2; exit 1; \
	  fi; \
	  echo "test-python: skipped: needs python3 with maturin, pandas, pyarrow, dask[distributed] and pytest" \
	    "(python3 -m pip install maturin pandas pyarrow 'dask[distributed]' pytest)" >&2; \
	else \
	  set -e; \
	  [ -x $(PYENV)/bin/python ] || $(PYTHON) -m venv --system-site-packages $(PYENV); \
	  VIRTUAL_ENV=$(CURDIR)/$(PYENV) $(PYTHON) -m maturin develop --release --locked -q \
	    -m python/Cargo.toml; \
	  $(PYENV)/bin/python -m pytest -q python/tests; \
	fi

## Formatting and lints, as CI checks them.
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) fmt --manifest-path python/Cargo.toml -- --check
	$(CARGO) clippy --release --locked --all-targets -- -D warnings

## Extraction, fit, tests and policy in one run (the Chinchilla figure when ../shared is present).
reproduce: build
	@if [ -f $(SHARED_FIG) ]; then $(FIGDIG) reproduce $(SHARED_FIG) --out extracted/reproduce; \
	else $(FIGDIG) reproduce figures/demo.svg --out extracted/reproduce; fi

## Criterion benchmarks (extraction and fitting).
bench:
	$(CARGO) bench --locked

## Fuzz the SVG front end for FUZZ_SECONDS (needs the nightly toolchain and cargo-fuzz, installed
## here when missing). The seed corpus is the project's own figures (synthetic set, test fixtures
## and the inputs of earlier crashes).
FUZZ_SECONDS ?= 60
fuzz: build
	@command -v cargo-fuzz >/dev/null 2>&1 || $(CARGO) install --quiet cargo-fuzz
	mkdir -p fuzz/corpus/extract fuzz/seeds
	$(FIGDIG) synth --all --out fuzz/seeds >/dev/null
	cp -f fuzz/seeds/*.svg tests/fixtures/*.svg tests/regressions/*.svg fuzz/corpus/extract/
	cd fuzz && $(CARGO) +nightly fuzz run extract corpus/extract -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -max_len=262144

## Regenerate the demo figure and its known values (golden files) from the synthetic renderer.
demo: build
	$(FIGDIG) synth --out figures

clean-out:
	rm -rf extracted/*/

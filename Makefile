# capital-scarcity: every target runs from the project's own files, offline except for the package registry.
PY      ?= .venv/bin/python
SOURCE  ?= auto
MIRROR  ?= $(wildcard ../shared/market-data)
CONFIG  ?=
OUT     ?= reports/default
CFGARG  := $(if $(CONFIG),--config $(CONFIG),)
MIRARG  := $(if $(MIRROR),--mirror $(MIRROR),)
export NUMBA_CACHE_DIR := $(CURDIR)/.numba_cache
export MPLBACKEND := Agg

.PHONY: history setup setup-browser data signal backtest sweep report demo notebooks test test-slow lint bench power clean

setup:  ## create .venv and install the project with its dev extra (pinned by constraints.txt)
	python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@$(PY) -c "import data, signals, backtests; print('capital-scarcity installed in .venv')"

setup-browser:  ## best effort: Debian's chromium for the report screenshot test
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed; the screenshot test will be skipped"

data:  ## fill the cache (mirror when present, else live; see --source)
	$(PY) -m backtests.cli fetch --source $(SOURCE) $(MIRARG) $(CFGARG)

signal:
	$(PY) -m backtests.cli signal --source $(SOURCE) $(MIRARG) $(CFGARG) --out $(OUT)/signal

backtest:
	$(PY) -m backtests.cli backtest --source $(SOURCE) $(MIRARG) $(CFGARG)

sweep:
	$(PY) -m backtests.cli sweep --source $(SOURCE) $(MIRARG) $(CFGARG)

report:  ## the main job: fetch (if needed) -> signal -> backtest -> inference -> report
	$(PY) -m backtests.cli report --source $(SOURCE) $(MIRARG) $(CFGARG) --out $(OUT)

history:  ## the thesis on sixty years: Ken French spreads, FRED-MD/QD factor -> reports/history/
	$(PY) -m backtests.cli report --source $(SOURCE) $(MIRARG) --config configs/long_history.toml --out reports/history

demo:  ## the whole pipeline on the synthetic market (labeled synthetic everywhere)
	$(PY) -m backtests.cli report --source synthetic $(CFGARG) --out reports/demo

notebooks:  ## execute the research notebooks
	$(PY) -m pytest -m slow tests/test_notebooks.py

test:  ## the default suite (no network, warnings are errors)
	$(PY) -m pytest -m "not slow" -q

test-slow:
	$(PY) -m pytest -m slow -q

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

power:  ## size and power of the headline test on the synthetic market
	$(PY) -m backtests.cli power --out reports/power

bench:  ## benchmarks -> benchmarks/results.json
	$(PY) -m pip install --quiet -c constraints.txt -e ".[bench]"
	$(PY) benchmarks/run.py --out benchmarks/results.json

clean:
	rm -rf reports .numba_cache .pytest_cache

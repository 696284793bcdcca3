# capital-scarcity: every target runs from the project's own files, offline except for the package registry.
# Variables, honored by every target that reads data or writes results (see README, "Make targets"):
#   SOURCE=auto|live|mirror|synthetic|cache   MIRROR=DIR   CONFIG=FILE   OUT=DIR (where the target writes)
PY      ?= .venv/bin/python
SOURCE  ?= auto
MIRROR_DEFAULT := ../shared/market-data
MIRROR  ?= $(if $(wildcard $(MIRROR_DEFAULT)/prices),$(MIRROR_DEFAULT),)
CONFIG  ?=
OUT     ?=
CFGARG  := $(if $(CONFIG),--config $(CONFIG),)
MIRRORARG := $(if $(MIRROR),--mirror $(MIRROR),)
DATAARGS := --source $(SOURCE) $(MIRRORARG) $(CFGARG)
# $(call out,DEFAULT): OUT when given, else the target's default directory
out = $(if $(OUT),$(OUT),$(1))
export NUMBA_CACHE_DIR := $(CURDIR)/.numba_cache
export MPLBACKEND := Agg

.PHONY: setup setup-browser data signal backtest sweep report history demo notebooks test test-slow lint imports bench power clean

setup:  ## create .venv and install the project with its dev extra (pinned by constraints.txt)
	python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@$(PY) -c "import data, signals, backtests; print('capital-scarcity installed in .venv')"

setup-browser:  ## best effort: Debian's chromium for the report screenshot test
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed; the screenshot test will be skipped"

data:  ## fill the cache (mirror when present, else live; see --source)
	$(PY) -m backtests.cli fetch $(DATAARGS)

signal:  ## factor.csv, components.csv, events.csv -> OUT (default reports/signal)
	$(PY) -m backtests.cli signal $(DATAARGS) --out $(call out,reports/signal)

backtest:  ## the default rotation's summary (prints only)
	$(PY) -m backtests.cli backtest $(DATAARGS)

sweep:  ## the config's parameter grid -> OUT/sweep.csv (default reports/sweep.csv)
	$(PY) -m backtests.cli sweep $(DATAARGS) --out $(if $(OUT),$(OUT)/sweep.csv,reports/sweep.csv)

# the main report states the long-history headline: with the long-history files in the mirror
# (and no OUT, CONFIG or synthetic source), `make report` writes reports/history/ first (a
# failure there is reported and does not stop the main report)
WITH_HISTORY := $(if $(and $(MIRROR),$(wildcard $(MIRROR)/french)),$(if $(OUT)$(CONFIG),,$(if $(filter synthetic,$(SOURCE)),,yes)),)

report:  ## the main job: fetch (if needed) -> signal -> backtest -> inference -> report
	$(if $(WITH_HISTORY),-$(PY) -m backtests.cli report --source $(SOURCE) $(MIRRORARG) \
	  --config configs/long_history.toml --out reports/history)
	$(PY) -m backtests.cli report $(DATAARGS) --out $(call out,reports/default)

history:  ## the thesis on sixty years: Ken French spreads, FRED-MD/QD factor -> reports/history/
	$(PY) -m backtests.cli report --source $(SOURCE) $(MIRRORARG) \
	  --config $(if $(CONFIG),$(CONFIG),configs/long_history.toml) --out $(call out,reports/history)

demo:  ## the whole pipeline on the synthetic market (labeled synthetic everywhere)
	$(PY) -m backtests.cli report --source synthetic $(CFGARG) --out $(call out,reports/demo)

notebooks:  ## execute the research notebooks (figures inline, numbers checked against the report's)
	$(PY) -m pytest -m slow tests/test_notebooks.py
	@echo "executed notebooks (HTML, figures inline):"; ls -1 $(CURDIR)/reports/notebooks/*.html

test:  ## the default suite (no network, warnings are errors)
	$(PY) -m pytest -m "not slow" -q

test-slow:
	$(PY) -m pytest -m slow -q

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

imports:  ## the package's import graph, read from the source (docs/ARCHITECTURE.md)
	$(PY) -m tests.architecture $(if $(DOT),--dot,)

power:  ## size and power of the headline test on the synthetic market
	$(PY) -m backtests.cli power $(CFGARG) --out $(call out,reports/power)

bench:  ## benchmarks -> benchmarks/results.json
	$(PY) -m pip install --quiet -c constraints.txt -e ".[bench]"
	$(PY) benchmarks/run.py $(MIRRORARG) --out $(if $(OUT),$(OUT)/results.json,benchmarks/results.json)

clean:
	rm -rf reports .numba_cache .pytest_cache

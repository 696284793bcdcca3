"""Write the research notebooks from the cell sources below (run after editing a cell).

The notebooks import only the public API. They use the real offline mirror when it is present
(``SCARCITY_MIRROR``, default ``../../shared/market-data`` from this folder), else the
synthetic market, labeled as such; ``SCARCITY_SOURCE`` (synthetic | mirror | live | cache)
overrides the choice. Each runs the same pipeline call as ``make report`` with the same
configuration, shows its figures inline, and compares its key numbers with the report's
``metrics.json`` (``SCARCITY_REPORT``, default ``../reports/default``). ``make notebooks``
executes them and writes HTML copies under ``reports/notebooks/``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = """\
%matplotlib inline
import json
import os
import pathlib

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from data import load_config, load_market

# the same data as `make report`: the real mirror when it is present, else the synthetic
# market (labeled below); SCARCITY_SOURCE and SCARCITY_MIRROR override, as for the CLI
MIRROR = os.environ.get("SCARCITY_MIRROR", "../../shared/market-data")
SOURCE = os.environ.get(
    "SCARCITY_SOURCE", "mirror" if os.path.isdir(os.path.join(MIRROR, "prices")) else "synthetic"
)
# the report this notebook retells (written by `make report`) and its registrations
REPORT = pathlib.Path(os.environ.get("SCARCITY_REPORT", "../reports/default"))
os.environ.setdefault("SCARCITY_REGISTRATIONS", "../registrations")

cfg = load_config()  # the same configuration as `make report` (data/default.toml), unreduced
market = load_market(cfg, source=SOURCE, mirror=MIRROR if SOURCE in ("mirror", "auto") else None)
if market.synthetic:
    print("*** SYNTHETIC DATA: simulated market, not real history ***")
print(f"data source: {market.source}; prices {market.prices.index[0].date()} .. "
      f"{market.prices.index[-1].date()}; gaps: {len(market.gaps)}")
"""

RUN = """\
from backtests import build_metrics, run_pipeline
from backtests.report.key_numbers import compare_key_numbers, key_numbers, same_run

# the same call as `make report` (sweep, ablation, universes; every resampling count as
# configured), so every number below is the report's (takes about a minute)
res = run_pipeline(cfg, market=market)
m = build_metrics(res)
print(res.summary())
"""

AGREE = """\
# this notebook's key numbers against the report's metrics.json (same configuration, data)
print("KEY NUMBERS " + json.dumps(key_numbers(m)))
report_file = REPORT / "metrics.json"
if report_file.is_file():
    rep = json.loads(report_file.read_text())
    same, why = same_run(m, rep)
    print(f"report: {report_file} ({why})")
    if same:
        table = compare_key_numbers(m, rep)
        print("key numbers equal to the report's: " + ("yes" if table["equal"].all() else "NO"))
        display(table)
else:
    print(f"no report at {report_file}: run `make report` to compare")
    display(pd.Series(key_numbers(m), name="this run").to_frame())
"""


def agreement() -> list:
    """Return the closing cells: the key numbers, compared with the report's metrics.json."""
    return [
        new_markdown_cell(
            "## The key numbers, and the report they retell\n\n"
            "Computed above with the report's own pipeline call; compared with "
            "`reports/default/metrics.json` when `make report` has written it from the same "
            "configuration and input files."
        ),
        new_code_cell(AGREE),
    ]


THESIS = [
    new_markdown_cell(
        "# 01 — The thesis\n\n"
        "AI capex works like reverse QE: while idle money exists (a full ON RRP facility, "
        "ample reserves) hyperscaler spending is stimulus; once it is used up, capital becomes "
        "scarce, funding yields rise and returns rotate from long-duration speculative assets "
        "to near-term cash-flow names. This notebook walks through the pieces: the capex boom, "
        "idle liquidity running out, funding yields, and the rotation, with the configuration "
        "and data of `make report`."
    ),
    new_code_cell(SETUP),
    new_markdown_cell("## The run (the report's own pipeline call)"),
    new_code_cell(RUN),
    new_markdown_cell("## The capex boom (point-in-time: each quarter from its filing date)"),
    new_code_cell(
        "fac = res.factor\n"
        "print(fac.summary())\n"
        "ax = fac.components[['capex_ttm_bn']].plot(figsize=(9, 3), title='Hyperscaler capex, "
        "trailing four quarters (USD bn, as known each day)')\n"
        "ax.set_ylabel('USD bn')\n"
        "plt.show()"
    ),
    new_markdown_cell("## Idle liquidity: ON RRP, reserves, net liquidity"),
    new_code_cell(
        "cols = [c for c in ('rrp_level', 'reserves_level', 'net_liquidity') "
        "if c in fac.components]\n"
        "ax = fac.components[cols].plot(figsize=(9, 3), title='Idle liquidity (USD bn)')\n"
        "ax.set_ylabel('USD bn')\n"
        "plt.show()"
    ),
    new_markdown_cell("## Funding price and the composite factor (shaded: idle money exhausted)"),
    new_code_cell(
        "from backtests.report.figures import factor_figure\n"
        "window = res.backtest.returns.index\n"
        "factor_figure(fac.factor.reindex(window), fac.zscores.reindex(window), "
        "fac.regime.reindex(window), synthetic=market.synthetic)\n"
        "plt.show()"
    ),
    new_markdown_cell("## The rotation, after costs, against its benchmarks"),
    new_code_cell(
        "print(res.backtest.summary())\n"
        "rets = pd.DataFrame({'strategy': res.backtest.returns, **{k: v.returns for k, v in "
        "res.benchmarks.items()}})\n"
        "ax = (1 + rets.fillna(0)).cumprod().plot(logy=True, figsize=(9, 3.5), "
        "title='Growth of $1 (net of costs, log scale)')\n"
        "ax.set_ylabel('growth of $1')\n"
        "plt.show()"
    ),
    new_markdown_cell(
        "## The tear sheet: drawdowns, volatility, distribution, stress windows, switches\n\n"
        "The `tail`, `drawdowns`, `stress` and `switches` blocks of `metrics.json`."
    ),
    new_code_cell(
        "from backtests.report.figures_tearsheet import tearsheet_figure\n"
        "bench = m['tail']['benchmark_name']\n"
        "tearsheet_figure(rets['strategy'], rets[bench], m['tail']['distribution'], "
        "benchmark_label=bench, synthetic=market.synthetic)\n"
        "plt.show()\n"
        "pd.DataFrame(m['drawdowns'])"
    ),
    new_code_cell("pd.DataFrame(m['stress']).set_index('name')"),
    new_code_cell("pd.DataFrame(m['switches']['log']).tail(8)"),
    new_markdown_cell(
        "## What the factor says today, and which part of the thesis carries the result\n\n"
        "The `now` block and the ablation of `metrics.json`: the latest factor, regime, "
        "holdings and component status; then each block of the factor alone, left out, and a "
        "naive ON RRP rule, all against the same benchmark."
    ),
    new_code_cell(
        "now = m['now']\n"
        "print(f\"{now['date']}: factor {now['factor']:+.2f} ({now['percentile']:.0%} "
        "percentile), regime {'exhausted' if now['regime'] else 'not exhausted'}, holding "
        "the {now['held_basket']} basket\")\n"
        "pd.DataFrame(now['components']).T"
    ),
    new_code_cell("pd.DataFrame(m['ablation']).set_index('name').round(3)"),
    new_code_cell(
        "# does a block add to funding price? nested regressions per sample\n"
        "pd.DataFrame({k: {s: (m[k][s] or {}).get('tstat_extra_nw') for s in "
        "('in_sample', 'held_out')} for k in ('capex_beyond_funding', "
        "'liquidity_beyond_funding')}).T"
    ),
    new_code_cell(
        "print(m['verdict']['sentence'])\n"
        "pd.DataFrame(m['calendar_years']).T.style.format('{:+.2%}')"
    ),
    new_markdown_cell("## Sixty years: the long-history headline (when `make history` has run)"),
    new_code_cell(
        "hist = pathlib.Path('../reports/history/metrics.json')\n"
        "if hist.is_file():\n"
        "    h = json.loads(hist.read_text())\n"
        "    print(h['verdict']['sentence'])\n"
        "    cb = h['capex_beyond_funding']\n"
        "    print('capex beyond funding, Newey-West t:', "
        "{s: (cb[s] or {}).get('tstat_extra_nw') for s in ('in_sample', 'held_out')})\n"
        "else:\n"
        "    print('no long-history report yet: run `make history`')"
    ),
    *agreement(),
]

DIAGNOSTICS = [
    new_markdown_cell(
        "# 02 — Signal diagnostics\n\nComponents, their correlations and availability, the "
        "factor's persistence, predictive regressions of the near-minus-long spread on the "
        "factor with Newey–West errors, and the event study around capex announcements; all "
        "from the report's own run (same configuration, data and backtest window)."
    ),
    new_code_cell(SETUP),
    new_code_cell(RUN),
    new_code_cell(
        "from signals import component_correlations, persistence\n"
        "fac = res.factor\n"
        "fac.availability"
    ),
    new_code_cell("component_correlations(fac.zscores).round(2)"),
    new_code_cell("print(persistence(fac.factor.dropna()).summary())"),
    new_markdown_cell(
        "## Predictive regressions (forward h-day spread return on the factor)\n\n"
        "Full sample, Newey–West errors, as the report's full-sample table; the report's "
        "headline p-value is the in-sample robust test (`factor.predictive_pvalue`)."
    ),
    new_code_cell(
        "print(res.predictive.summary())\n"
        "print('in-sample robust p-value:', m['factor']['predictive_pvalue'], "
        "f\"({m['factor']['predictive_test']})\")\n"
        "ax = res.spread.rolling(63).sum().plot(figsize=(9, 3), "
        "title='Near minus long: trailing 63-day summed spread return')\n"
        "ax.axhline(0, color='grey', lw=0.6)\n"
        "ax.set_ylabel('summed daily return')\n"
        "plt.show()"
    ),
    new_markdown_cell("## Event study around capex announcements"),
    new_code_cell(
        "ev = res.events\n"
        "print(ev.summary())\n"
        "print('capex announcements:', m['coverage']['capex_events'])\n"
        "from backtests.report.figures import events_figure\n"
        "events_figure(fac.events, ev.car, synthetic=market.synthetic)\n"
        "plt.show()"
    ),
    *agreement(),
]

ROBUSTNESS = [
    new_markdown_cell(
        "# 03 — Robustness\n\nIs the edge real, or chance and parameter search? The report's "
        "sweep (in sample only, before `run.oos_start`), the deflated Sharpe ratio, the "
        "probability of backtest overfitting, placebo factors, Hansen's SPA, walk-forward and "
        "the held-out tail, with the report's configuration; then the size and power of the "
        "headline test on the synthetic market."
    ),
    new_code_cell(SETUP),
    new_code_cell(RUN),
    new_code_cell(
        "print(res.sweep.summary())\n"
        "res.sweep.table.sort_values('sharpe', ascending=False).head(10)"
    ),
    new_code_cell(
        "from backtests.report.figures import sweep_heatmap\n"
        "from backtests.report.frames import sweep_pivot\n"
        "pivot = sweep_pivot(res.sweep.table)\n"
        "if pivot is not None:\n"
        "    sweep_heatmap(pivot, title='Sweep: in-sample Sharpe', synthetic=market.synthetic)\n"
        "    plt.show()"
    ),
    new_code_cell("print(res.inference.summary())"),
    new_code_cell(
        "inf = m['inference']\n"
        "pd.Series({'SPA p-value': inf['spa_pvalue'], 'StepM: variants better': "
        "len(inf['stepm_better'] or []), 'deflated Sharpe': inf['deflated_sharpe'], "
        "'PBO': inf['pbo'], 'placebo p-value (in-sample)': inf['placebo_pvalue'], "
        "'trials raw / distinct / effective': f\"{inf['trials']['raw']} / "
        "{inf['trials']['distinct']} / {inf['trials']['effective']:.1f}\"}, name='value')"
    ),
    new_markdown_cell(
        "## Other baskets (universe robustness)\n\nThe same rotation on every pair of baskets "
        "declared in `[universe.robustness]` (in-sample / held-out active Sharpe against each "
        "pair's own benchmark); every pair that ran is a counted trial."
    ),
    new_code_cell(
        "grid = res.extras['universes']\n"
        "print(grid.summary())\n"
        "grid.frame('held_out_active_sharpe').round(2)"
    ),
    new_markdown_cell(
        "## Size and power (synthetic market; a small illustration of `make power`)\n\n"
        "Three seeds per effect size here (`SCARCITY_NOTEBOOK_FAST=0`: forty, as `make "
        "power`); the rates are an illustration, not the study, and no number of the report "
        "comes from them."
    ),
    new_code_cell(
        "from backtests import run_power_study\n"
        "FAST = os.environ.get('SCARCITY_NOTEBOOK_FAST', '1') == '1'\n"
        "pw = run_power_study(cfg, effects=[0.0, 0.0016], n_seeds=3 if FAST else 40)\n"
        "print(pw.summary())\n"
        "fig, ax = plt.subplots(figsize=(6, 4))\n"
        "pw.plot(ax=ax)\n"
        "plt.show()"
    ),
    *agreement(),
]


def main() -> None:
    """Write the three notebooks next to this script."""
    for name, cells in (
        ("01_thesis.ipynb", THESIS),
        ("02_signal_diagnostics.ipynb", DIAGNOSTICS),
        ("03_robustness.ipynb", ROBUSTNESS),
    ):
        nb = new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, HERE / name)


if __name__ == "__main__":
    main()

"""Write the research notebooks from the cell sources below (run after editing a cell).

The notebooks import only the public API. They use the real offline mirror when it is present
(``SCARCITY_MIRROR``, default ``../../shared/market-data`` from this folder), else the
synthetic market, labeled as such; ``SCARCITY_SOURCE`` (synthetic | mirror | live | cache)
overrides the choice. ``make notebooks`` executes them and writes HTML copies under
``reports/notebooks/``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = """\
import os
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from data import load_config, load_market

MIRROR = os.environ.get("SCARCITY_MIRROR", "../../shared/market-data")
# the real mirror when it is present, else the synthetic market (labeled below)
SOURCE = os.environ.get(
    "SCARCITY_SOURCE", "mirror" if os.path.isdir(os.path.join(MIRROR, "prices")) else "synthetic"
)
FAST = os.environ.get("SCARCITY_NOTEBOOK_FAST", "1") == "1"  # small resampling counts

cfg = load_config()
if FAST:
    cfg = cfg.replace(inference={"bootstrap_reps": 200, "placebo_reps": 40})
market = load_market(cfg, source=SOURCE, mirror=MIRROR if SOURCE in ("mirror", "auto") else None)
if market.synthetic:
    print("*** SYNTHETIC DATA: simulated market, not real history ***")
print(f"data source: {market.source}; prices {market.prices.index[0].date()} .. "
      f"{market.prices.index[-1].date()}; gaps: {len(market.gaps)}")
"""

THESIS = [
    new_markdown_cell(
        "# 01 — The thesis\n\n"
        "AI capex works like reverse QE: while idle money exists (a full ON RRP facility, "
        "ample reserves) hyperscaler spending is stimulus; once it is used up, capital becomes "
        "scarce, funding yields rise and returns rotate from long-duration speculative assets "
        "to near-term cash-flow names. This notebook walks through the pieces: the capex boom, "
        "idle liquidity running out, funding yields, and the rotation."
    ),
    new_code_cell(SETUP),
    new_markdown_cell("## The capex boom (point-in-time: each quarter from its filing date)"),
    new_code_cell(
        "from signals import build_factor\n"
        "fac = build_factor(market, cfg)\n"
        "print(fac.summary())\n"
        "ax = fac.components[['capex_ttm_bn']].plot(figsize=(9, 3), title='Hyperscaler capex, "
        "trailing four quarters (USD bn, as known each day)')\n"
        "ax.set_ylabel('USD bn'); plt.close(ax.figure); ax.figure"
    ),
    new_markdown_cell("## Idle liquidity: ON RRP, reserves, net liquidity"),
    new_code_cell(
        "cols = [c for c in ('rrp_level', 'reserves_level', 'net_liquidity') "
        "if c in fac.components]\n"
        "ax = fac.components[cols].plot(figsize=(9, 3), title='Idle liquidity (USD bn)')\n"
        "ax.set_ylabel('USD bn'); plt.close(ax.figure); ax.figure"
    ),
    new_markdown_cell("## Funding price and the composite factor (shaded: idle money exhausted)"),
    new_code_cell(
        "from backtests.report.figures import factor_figure\n"
        "factor_figure(fac.factor, fac.zscores, fac.regime, synthetic=market.synthetic)"
    ),
    new_markdown_cell("## The rotation, after costs, against its benchmarks"),
    new_code_cell(
        "from backtests import run_pipeline\n"
        "res = run_pipeline(cfg, market=market, with_sweep=False)\n"
        "print(res.backtest.summary())\n"
        "rets = pd.DataFrame({'strategy': res.backtest.returns, **{k: v.returns for k, v in "
        "res.benchmarks.items()}})\n"
        "ax = (1 + rets.fillna(0)).cumprod().plot(logy=True, figsize=(9, 3.5), "
        "title='Growth of $1 (net of costs)')\n"
        "ax.set_ylabel('growth of $1'); plt.close(ax.figure); ax.figure"
    ),
    new_code_cell("print(res.summary())"),
    new_markdown_cell(
        "## What the factor says today, and which part of the thesis carries the result\n\n"
        "The `now` block and the ablation of `metrics.json`: the latest factor, regime, "
        "holdings and component status; then each block of the factor alone, left out, and a "
        "naive ON RRP rule, all against the same benchmark."
    ),
    new_code_cell(
        "from backtests.report import build_metrics\n"
        "m = build_metrics(res)\n"
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
        "import json, pathlib\n"
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
]

DIAGNOSTICS = [
    new_markdown_cell(
        "# 02 — Signal diagnostics\n\nComponents, their correlations and availability, the "
        "factor's persistence, predictive regressions of the near-minus-long spread on the "
        "factor with Newey–West errors, and the event study around capex filings."
    ),
    new_code_cell(SETUP),
    new_code_cell(
        "from signals import build_factor, component_correlations, event_study, persistence, "
        "predictive_regression\n"
        "fac = build_factor(market, cfg)\n"
        "fac.availability"
    ),
    new_code_cell("component_correlations(fac.zscores).round(2)"),
    new_code_cell("print(persistence(fac.factor.dropna()).summary())"),
    new_markdown_cell("## Predictive regressions (forward h-day spread return on the factor)"),
    new_code_cell(
        "from backtests import run_benchmarks, RotationSpec\n"
        "spec = RotationSpec.from_config(cfg)\n"
        "b = run_benchmarks(market.prices.loc[cfg.run.start:], spec, cfg)\n"
        "spread = b['always_near'].returns - b['always_long'].returns\n"
        "pred = predictive_regression(spread, fac.factor.reindex(spread.index), "
        "horizons=(5, 21, 63))\n"
        "print(pred.summary())"
    ),
    new_markdown_cell("## Event study around capex announcements"),
    new_code_cell(
        "ev = event_study(spread, fac.events, window=(-5, 20))\n"
        "print(ev.summary())\n"
        "from backtests.report.figures import events_figure\n"
        "events_figure(fac.events, ev.car, synthetic=market.synthetic)"
    ),
]

ROBUSTNESS = [
    new_markdown_cell(
        "# 03 — Robustness\n\nIs the edge real, or chance and parameter search? A sweep (in "
        "sample only, before `run.oos_start`), the deflated Sharpe ratio, the probability of "
        "backtest overfitting, placebo factors, walk-forward and the held-out tail; then the "
        "size and power of the headline test on the synthetic market."
    ),
    new_code_cell(SETUP),
    new_code_cell(
        "from backtests import run_pipeline\n"
        "small = cfg.replace(sweep={'zscore_window': [0, 504], 'change_window': [21, 63], "
        "'threshold': [-0.5, 0.0, 0.5], 'rule': ['switch', 'tilt'], 'rebalance': ['weekly']})\n"
        "res = run_pipeline(small, market=market)\n"
        "print(res.sweep.summary())\n"
        "res.sweep.table.sort_values('sharpe', ascending=False).head(10)"
    ),
    new_code_cell("print(res.inference.summary())"),
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
    new_markdown_cell("## Size and power (synthetic market; a small illustration of `make power`)"),
    new_code_cell(
        "from backtests import run_power_study\n"
        "pw = run_power_study(cfg, effects=[0.0, 0.0016], n_seeds=3 if FAST else 40)\n"
        "print(pw.summary())\n"
        "pw.plot()"
    ),
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

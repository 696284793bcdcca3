"""Write the research notebooks from the cell sources below (run after editing a cell).

The notebooks import only the public API. They run on the synthetic market by default; set
``SCARCITY_SOURCE=mirror`` (with ``SCARCITY_MIRROR=DIR``) or ``live`` before starting Jupyter,
or change ``SOURCE`` in the first cell, to run them on real data.
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

SOURCE = os.environ.get("SCARCITY_SOURCE", "synthetic")   # synthetic | mirror | live | cache
MIRROR = os.environ.get("SCARCITY_MIRROR", "../../shared/market-data")
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

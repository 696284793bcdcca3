"""The tear-sheet blocks of ``metrics.json``: tail, drawdowns, switches, attribution, stress.

Each block is computed by the pure functions of :mod:`backtests.report.tearsheet` and
:mod:`backtests.report.tearsheet_trades` from the run's daily returns (``returns.csv``), its
holdings (``weights.csv``) and the daily returns of the tickers it held (from the checked
prices of the backtest window). The shapes are documented in ``docs/INTERFACES.md``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from backtests.report.tearsheet import (
    drawdown_episodes,
    return_histogram,
    rolling_volatility_summary,
    tail_risk,
)
from backtests.report.tearsheet_trades import (
    attribution_by_period,
    contributions,
    held_basket,
    parse_stress_windows,
    stress_returns,
    switch_log,
)

__all__ = ["attribution_block", "switches_block", "tail_block", "tearsheet_metrics"]

ROLLING_VOL_DAYS = 63
TOP_MONTHS = 10


def tail_block(strategy: pd.Series, benchmark: pd.Series, benchmark_name: str) -> dict[str, Any]:
    """``tail``: tail risk and rolling volatility of strategy and benchmark, and the histogram."""
    s, b = strategy.align(benchmark, join="inner")
    out: dict[str, Any] = {"benchmark_name": benchmark_name}
    for key, r in (("strategy", s), ("benchmark", b)):
        out[key] = {
            **tail_risk(r),
            "rolling_vol": rolling_volatility_summary(r, ROLLING_VOL_DAYS),
        }
    out["active"] = tail_risk(s - b)
    out["distribution"] = return_histogram(s, b)
    return out


def switches_block(
    weights: pd.DataFrame,
    spread: pd.Series,
    strategy: pd.Series,
    near: tuple[str, ...],
    long: tuple[str, ...],
) -> dict[str, Any]:
    """``switches``: the switch log and how many switches paid."""
    held = held_basket(weights, near, long)
    log = switch_log(held, spread, strategy)
    judged = [r for r in log if r["paid"] is not None]
    return {
        "n": len(log),
        "n_judged": len(judged),
        "n_paid": sum(1 for r in judged if r["paid"]),
        "log": log,
    }


def attribution_block(
    weights: pd.DataFrame, asset_returns: pd.DataFrame, strategy: pd.Series
) -> dict[str, Any]:
    """``attribution``: each ticker's summed contribution per year, and the largest months.

    ``by_year[year]`` holds ``tickers`` (``{ticker: contribution}``), ``strategy`` (the sum
    of the strategy's daily returns that year) and ``cash_and_costs`` (the rest: cash
    interest less fees, slippage and borrow). ``top_months`` lists the ticker-months with
    the largest absolute contribution, with the strategy's summed return that month.
    """
    contrib = contributions(weights, asset_returns)
    strat = strategy.reindex(contrib.index).fillna(0.0)
    years = attribution_by_period(contrib, freq="year")
    strat_years = strat.groupby(strat.index.strftime("%Y")).sum()
    by_year = {}
    for year, row in years.iterrows():
        total = float(strat_years.get(year, 0.0))
        by_year[str(year)] = {
            "tickers": {str(t): float(v) for t, v in row.items()},
            "strategy": total,
            "cash_and_costs": total - float(row.sum()),
        }
    months = attribution_by_period(contrib, freq="month")
    strat_months = strat.groupby(strat.index.strftime("%Y-%m")).sum()
    long_form = months.stack()
    top = long_form.reindex(long_form.abs().sort_values(ascending=False).index)[:TOP_MONTHS]
    return {
        "method": "sum over days of the previous close's weight times the day's return",
        "by_year": by_year,
        "top_months": [
            {
                "month": str(m),
                "ticker": str(t),
                "contribution": float(v),
                "strategy": float(strat_months.get(m, 0.0)),
            }
            for (m, t), v in top.items()
        ],
    }


def tearsheet_metrics(result: Any) -> dict[str, Any]:
    """All five blocks for a :class:`backtests.study.pipeline.PipelineResult`.

    ``drawdowns`` keeps the fields it always had (``start``, ``trough``, ``recovery``,
    ``depth``) and adds the durations of :func:`backtests.report.tearsheet.drawdown_episodes`.
    """
    a = getattr(result, "assessment", None)
    bench_name = a.benchmark if a is not None else "fifty_fifty"
    strategy = result.backtest.returns
    bench = result.benchmarks[bench_name].returns.reindex(strategy.index)
    weights = result.backtest.weights
    out: dict[str, Any] = {
        "tail": tail_block(strategy, bench, bench_name),
        "drawdowns": drawdown_episodes(strategy, 5),
        "switches": switches_block(
            weights, result.spread, strategy, tuple(result.spec.near), tuple(result.spec.long)
        ),
    }
    prices = (getattr(result, "extras", None) or {}).get("prices")
    if prices is not None:
        frame = getattr(prices, "frame", prices)
        asset = frame.reindex(index=weights.index).pct_change(fill_method=None)
        out["attribution"] = attribution_block(weights, asset, strategy)
    report = getattr(result.cfg, "report", None)
    raw = report.get("stress_windows", ()) if report is not None else ()
    out["stress"] = stress_returns(strategy, bench, parse_stress_windows(raw))
    return out

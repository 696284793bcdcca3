"""Benchmarks computed by the same engine, costs and calendar as the strategy.

- ``always_near``: 100% in the near basket, rebalanced on the strategy's calendar;
- ``always_long``: 100% in the long basket;
- ``fifty_fifty``: 50% in each basket;
- one per ``universe.benchmarks`` ticker (``SPY``, ``QQQ`` by default): 100% in the ticker
  from its first price, rebalanced on the same calendar (a no-op once invested).

Each uses the strategy's within-basket weighting, drift band, execution lag, fees and
slippage, so a difference to the strategy is the rule's doing, not the accounting's.
A benchmark ticker without a price column is left out (with a log message).

Timing
------
As for the strategy: the decision at close t trades at close t + ``execution_lag``.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from backtests.engines.engine import Engine, run_backtest
from backtests.engines.result import BacktestResult
from backtests.rotation import rules
from backtests.rotation.prices import Prices, as_prices
from backtests.rotation.spec import RotationSpec
from backtests.rotation.targets import spec_inputs

log = logging.getLogger(__name__)

NEAR_SHARES: dict[str, float] = {"always_near": 1.0, "always_long": 0.0, "fifty_fifty": 0.5}
LABELS: dict[str, str] = {
    "always_near": "the always-near basket",
    "always_long": "the always-long basket",
    "fifty_fifty": "the 50/50 mix",
}


def benchmark_label(name: str | None) -> str:
    """Return a benchmark's name in words ("the 50/50 mix"; a ticker stays a ticker)."""
    if not name:
        return "the benchmark"
    return LABELS.get(str(name), str(name))


def basket_mix_targets(
    prices: pd.DataFrame | Prices, spec: RotationSpec, near_share: float
) -> pd.DataFrame:
    """Targets of a constant near-basket share on the spec's calendar and drift band.

    ``prices`` as a :class:`~backtests.rotation.prices.Prices` is trusted and its stopped
    members leave their baskets (a DataFrame is checked, and has none).

    Timing
    ------
    Row t uses prices up to close t (basket membership and weights); not lagged.
    """
    checked = as_prices(prices)
    prices = checked.frame
    inputs = spec_inputs(checked, spec)
    share = np.full(len(prices), float(near_share))
    raw = rules.long_only_targets(share, inputs.near_w, inputs.long_w)
    sched = rules.on_schedule(raw, rules.rebalance_mask(prices.index, spec.rebalance))
    out = rules.drift_filter(
        sched, inputs.returns, drift_band=spec.drift_band, lag=spec.execution_lag
    )
    return pd.DataFrame(out, index=prices.index, columns=list(inputs.columns))


def single_ticker_targets(prices: pd.DataFrame, ticker: str, spec: RotationSpec) -> pd.DataFrame:
    """Targets of 100% in one ticker (0 before its first price) on the spec's calendar."""
    held = prices[[ticker]].notna().cummax().to_numpy(dtype=float)
    sched = rules.on_schedule(held, rules.rebalance_mask(prices.index, spec.rebalance))
    filled = prices[[ticker]].ffill()
    rets = (filled / filled.shift(1) - 1.0).to_numpy()
    out = rules.drift_filter(sched, rets, drift_band=spec.drift_band, lag=spec.execution_lag)
    return pd.DataFrame(out, index=prices.index, columns=[ticker])


def run_benchmarks(
    prices: pd.DataFrame | Prices,
    spec: RotationSpec,
    cfg: Any = None,
    *,
    tickers: tuple[str, ...] | list[str] | None = None,
    engine: Engine = "vectorbt",
    cash_rate: pd.Series | None = None,
) -> dict[str, BacktestResult]:
    """Run every benchmark through :func:`backtests.engines.engine.run_backtest`.

    Parameters
    ----------
    prices : DataFrame or Prices
        Wide adjusted closes (basket members and benchmark tickers as columns). A DataFrame
        is checked once here (:func:`backtests.rotation.prices.check_prices`), a
        :class:`~backtests.rotation.prices.Prices` is trusted; every benchmark's backtest
        gets the checked table.
    spec : RotationSpec
        Baskets, calendar, costs, lag of the strategy.
    cfg : Config, optional
        Its ``universe.benchmarks`` lists the single-ticker benchmarks (default SPY, QQQ).
    tickers : sequence of str, optional, keyword-only
        Overrides the single-ticker benchmarks.
    engine : {"vectorbt", "reference"}, keyword-only
    cash_rate : Series, optional, keyword-only
        Annual percent paid on cash (as for the strategy).

    Returns
    -------
    dict of str to BacktestResult
        Keys ``always_near``, ``always_long``, ``fifty_fifty`` and each single ticker with a
        price column.
    """
    checked = as_prices(prices)
    frame = checked.frame
    if tickers is None:
        tickers = tuple(cfg.universe.benchmarks) if cfg is not None else ("SPY", "QQQ")
    out: dict[str, BacktestResult] = {}
    for name, share in NEAR_SHARES.items():
        targets = basket_mix_targets(checked, spec, share)
        out[name] = run_backtest(checked, targets, spec, engine=engine, cash_rate=cash_rate)
    for ticker in tickers:
        if ticker not in frame.columns or frame[ticker].isna().all():
            log.info("benchmark %s skipped: no prices", ticker)
            continue
        targets = single_ticker_targets(frame, ticker, spec)
        out[ticker] = run_backtest(checked, targets, spec, engine=engine, cash_rate=cash_rate)
    return out

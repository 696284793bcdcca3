"""Spread targets: trade a Ken French factor (a paper long-short portfolio) on the factor.

The position is +1 unit of the spread when scarcity is high and -1 unit (``off="short"``) or
nothing (``off="cash"``) otherwise; the state comes from the same hysteresis switch as the
basket rotation (:func:`backtests.rotation.rules.switch`), decided on the same calendar
(:func:`backtests.rotation.rules.rebalance_mask`) and lagged once
(:func:`backtests.engines.engine.lag_targets`).

Accounting (a self-financing spread): with ``h_t`` the position held after close t,
``r_t = h_{t-1} s_t - c |h_t - h_{t-1}|``, where ``s_t`` is the spread's daily return and
``c`` is ``cost_bps / 10^4`` per unit of spread notional traded (a flip from +1 to -1
trades 2 units). The spread's own collateral interest is not added (French factors are
excess returns of zero-investment portfolios). The static benchmark holds +1 unit always,
without costs: its return is exactly the spread's.

Timing
------
The decision at close t uses the factor at t; it is traded at close t + ``execution_lag``
and earns the spread from the next day on.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from backtests.engines.engine import lag_targets
from backtests.engines.result import BacktestResult
from backtests.rotation import rules
from backtests.rotation.spec import RotationSpec
from data.errors import ConfigError

Off = Literal["short", "cash"]


def spread_decisions(factor: np.ndarray, spec: RotationSpec, *, off: Off = "short") -> np.ndarray:
    """Positions decided at each close (NaN rows: no decision, hold).

    Before the factor is first defined the position is 0 (cash).

    Examples
    --------
    >>> spec = RotationSpec(rebalance="daily", band=0.0)
    >>> spread_decisions(np.array([np.nan, 1.0, -1.0]), spec).tolist()
    [0.0, 1.0, -1.0]
    """
    if off not in ("short", "cash"):
        raise ConfigError(f"`targets.off_position` must be short or cash, got {off!r}")
    state = rules.switch(np.asarray(factor, dtype=float), threshold=spec.threshold, band=spec.band)
    low = -1.0 if off == "short" else 0.0
    pos = np.where(state == 1.0, 1.0, np.where(state == 0.0, low, 0.0))
    return pos


def spread_positions(
    factor: pd.Series,
    spec: RotationSpec,
    *,
    off: Off = "short",
    index: pd.DatetimeIndex | None = None,
) -> pd.Series:
    """Positions held after each close (decisions on the calendar, lagged once)."""
    idx = factor.index if index is None else index
    f = factor.reindex(idx).to_numpy(dtype=float)
    dec = spread_decisions(f, spec, off=off)
    mask = rules.rebalance_mask(pd.DatetimeIndex(idx), spec.rebalance)
    sched = rules.on_schedule(dec[:, None], mask)[:, 0]
    lagged = lag_targets(sched[:, None], spec.execution_lag)[:, 0]
    held = pd.Series(lagged, index=idx).ffill().fillna(0.0)
    return held.rename("position")


def spread_strategy_returns(
    spread: np.ndarray,
    factor: np.ndarray,
    index: pd.DatetimeIndex,
    spec: RotationSpec,
    *,
    off: Off = "short",
    cost_bps: float = 5.0,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """Daily returns of the spread rotation only (the accounting of :func:`run_spread`).

    For loops over many factors (placebos); :func:`run_spread` builds the full result.
    ``mask`` is :func:`backtests.rotation.rules.rebalance_mask` of ``index`` (computed when None;
    a loop passes it once).
    """
    dec = spread_decisions(factor, spec, off=off)
    if mask is None:
        mask = rules.rebalance_mask(pd.DatetimeIndex(index), spec.rebalance)
    sched = rules.on_schedule(dec[:, None], mask)[:, 0]
    lagged = lag_targets(sched[:, None], spec.execution_lag)[:, 0]
    h = pd.Series(lagged).ffill().fillna(0.0).to_numpy()
    prev = np.r_[0.0, h[:-1]]
    s = np.nan_to_num(np.asarray(spread, dtype=float), nan=0.0)
    return prev * s - float(cost_bps) / 1e4 * np.abs(h - prev)


def run_spread(
    spread: pd.Series,
    factor: pd.Series | None,
    spec: RotationSpec,
    *,
    off: Off = "short",
    cost_bps: float = 5.0,
    name: str | None = None,
    position: pd.Series | None = None,
) -> BacktestResult:
    """Trade a spread on the factor (or hold ``position``) and return the result.

    Parameters
    ----------
    spread : Series
        Daily simple returns of the spread (NaN counts as 0).
    factor : Series or None
        The factor (reindexed to ``spread.index``); ignored when ``position`` is given.
    spec : RotationSpec
        Threshold, band, calendar, execution lag.
    off : {"short", "cash"}, keyword-only
        Position when scarcity is low.
    cost_bps : float, keyword-only
        Cost per unit of spread notional traded, in basis points (>= 0).
    name : str, keyword-only, optional
        The spread's column name in ``weights`` (default ``spread.name``).
    position : Series, keyword-only, optional
        Positions held after each close (the static benchmark passes ones).

    Returns
    -------
    BacktestResult
        ``weights``: the spread's position and ``cash`` (1 minus it), ``turnover`` = half the
        traded units, ``engine = "spread"``.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=4, name="date")
    >>> s = pd.Series([0.01, 0.02, -0.01, 0.03], index=idx, name="HML")
    >>> res = run_spread(s, None, RotationSpec(), position=pd.Series(1.0, index=idx))
    >>> res.returns.tolist() == s.tolist()
    True
    """
    if float(cost_bps) < 0:
        raise ConfigError(f"`targets.cost_bps` must be >= 0, got {cost_bps}")
    col = str(name or spread.name or "spread")
    idx = spread.index.rename("date")
    s = spread.fillna(0.0).to_numpy(dtype=float)
    h = (
        position.reindex(idx).fillna(0.0)
        if position is not None
        else spread_positions(factor, spec, off=off, index=idx)
    ).to_numpy(dtype=float)
    prev = np.r_[h[0] if position is not None else 0.0, h[:-1]]
    traded = np.abs(h - prev)
    rets = prev * s - float(cost_bps) / 1e4 * traded
    if position is not None:  # a held position earns from the first day
        rets[0] = h[0] * s[0]
    returns = pd.Series(rets, index=idx, name="strategy")
    weights = pd.DataFrame({col: h, "cash": 1.0 - h}, index=idx)
    changed = np.flatnonzero(traded > 0)
    trades = pd.DataFrame(
        {
            "date": idx[changed],
            "ticker": col,
            "side": np.where(h[changed] > prev[changed], "buy", "sell"),
            "shares": h[changed] - prev[changed],
            "price": np.nan,
            "notional": h[changed] - prev[changed],
            "fee": float(cost_bps) / 1e4 * traded[changed],
        }
    )
    return BacktestResult(
        returns=returns,
        weights=weights,
        trades=trades,
        equity=(1.0 + returns).cumprod().rename("equity"),
        turnover=pd.Series(traded / 2.0, index=idx, name="turnover"),
        targets=pd.DataFrame({col: h}, index=idx),
        spec=spec,
        engine="spread",
        info={"position": pd.Series(h, index=idx, name=col)},
    )

"""Performance statistics as pure functions of daily simple returns.

Conventions
-----------
- 252 periods a year (``periods_per_year``): returns are business-day returns.
- Sharpe and Sortino use a zero risk-free rate (the strategy's own cash already earns the
  cash rate inside its returns); standard deviations use ddof = 1.
- NaN returns are missing observations: they are skipped by means and deviations and count
  as 0 in compounding.
- ``max_drawdown`` is <= 0 (e.g. -0.25 for a 25% fall from a peak); the equity curve starts
  at 1 before the first return, so a loss on day one is a drawdown.
- ``calmar`` = CAGR / |max drawdown|.

Every function accepts a Series or 1-D array (returns a float) or a DataFrame of columns
(returns a Series by column). Columns are reduced independently with the same summation
order whatever their number, so a statistic of a column does not depend on its neighbours.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

PERIODS_PER_YEAR = 252

ArrayLike = pd.Series | pd.DataFrame | np.ndarray


def _rows(returns: ArrayLike) -> tuple[np.ndarray, Callable[[np.ndarray], Any]]:
    """Returns as a C-contiguous (K, T) array and a function wrapping a (K,) result back."""
    if isinstance(returns, pd.DataFrame):
        arr = np.ascontiguousarray(returns.to_numpy(dtype=float).T)
        cols = returns.columns
        return arr, lambda x: pd.Series(x, index=cols)
    arr = np.asarray(returns, dtype=float)
    if arr.ndim == 1:
        return np.ascontiguousarray(arr[None, :]), lambda x: float(x[0])
    if arr.ndim == 2:
        return np.ascontiguousarray(arr.T), lambda x: x
    raise ValueError(f"`returns` must be 1-D or 2-D, got {arr.ndim} dimensions")


def _count(a: np.ndarray) -> np.ndarray:
    return (~np.isnan(a)).sum(axis=1)


def _mean(a: np.ndarray) -> np.ndarray:
    n = _count(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, np.nansum(a, axis=1) / n, np.nan)


def _std(a: np.ndarray) -> np.ndarray:
    n = _count(a)
    dev = a - _mean(a)[:, None]
    ss = np.nansum(dev * dev, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 1, np.sqrt(ss / (n - 1)), np.nan)


def _equity(a: np.ndarray) -> np.ndarray:
    return np.cumprod(1.0 + np.nan_to_num(a, nan=0.0), axis=1)


def total_return(returns: ArrayLike) -> Any:
    """Compounded return: prod(1 + r) - 1.

    Examples
    --------
    >>> round(total_return(np.array([0.1, -0.1])), 12)
    -0.01
    """
    a, wrap = _rows(returns)
    return wrap(np.prod(1.0 + np.nan_to_num(a, nan=0.0), axis=1) - 1.0)


def cagr(returns: ArrayLike, *, periods_per_year: int = PERIODS_PER_YEAR) -> Any:
    """Compound annual growth rate: (1 + total) ** (periods_per_year / n) - 1.

    ``n`` is the number of non-missing returns; a total loss gives -1.

    Examples
    --------
    >>> round(cagr(np.full(252, 0.001)), 12) == round(1.001 ** 252 - 1, 12)
    True
    """
    a, wrap = _rows(returns)
    growth = np.prod(1.0 + np.nan_to_num(a, nan=0.0), axis=1)
    n = _count(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(growth > 0, growth ** (periods_per_year / n) - 1.0, -1.0)
    return wrap(np.where(n > 0, out, np.nan))


def ann_vol(returns: ArrayLike, *, periods_per_year: int = PERIODS_PER_YEAR) -> Any:
    """Annualized volatility: std (ddof 1) x sqrt(periods_per_year)."""
    a, wrap = _rows(returns)
    return wrap(_std(a) * np.sqrt(periods_per_year))


def sharpe(returns: ArrayLike, *, periods_per_year: int = PERIODS_PER_YEAR) -> Any:
    """Annualized Sharpe ratio with a zero risk-free rate: mean / std x sqrt(ppy).

    NaN when the standard deviation is zero or undefined.

    Examples
    --------
    >>> round(sharpe(np.array([0.01, -0.01, 0.02])), 6) == round(
    ...     np.mean([0.01, -0.01, 0.02]) / np.std([0.01, -0.01, 0.02], ddof=1) * np.sqrt(252), 6)
    True
    """
    a, wrap = _rows(returns)
    sd = _std(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(sd > 0, _mean(a) / sd * np.sqrt(periods_per_year), np.nan)
    return wrap(out)


def sortino(returns: ArrayLike, *, periods_per_year: int = PERIODS_PER_YEAR) -> Any:
    """Annualized Sortino ratio: mean / downside deviation x sqrt(ppy).

    Downside deviation = sqrt(mean(min(r, 0) ** 2)) over all non-missing returns (target
    0). NaN when there is no negative return.
    """
    a, wrap = _rows(returns)
    down = np.where(np.isnan(a), np.nan, np.minimum(a, 0.0))
    dd = np.sqrt(_mean(down * down))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(dd > 0, _mean(a) / dd * np.sqrt(periods_per_year), np.nan)
    return wrap(out)


def drawdown(returns: pd.Series) -> pd.Series:
    """Drawdown path: equity / running peak - 1 (peak includes the starting 1)."""
    eq = (1.0 + returns.fillna(0.0)).cumprod()
    peak = np.maximum(eq.cummax(), 1.0)
    return (eq / peak - 1.0).rename("drawdown")


def max_drawdown(returns: ArrayLike) -> Any:
    """Largest peak-to-trough fall of the equity curve (<= 0).

    Examples
    --------
    >>> round(max_drawdown(np.array([0.1, -0.5, 0.2])), 12)
    -0.5
    """
    a, wrap = _rows(returns)
    eq = _equity(a)
    peak = np.maximum(np.maximum.accumulate(eq, axis=1), 1.0)
    out = np.min(eq / peak - 1.0, axis=1) if a.shape[1] else np.zeros(a.shape[0])
    return wrap(np.minimum(out, 0.0))


def calmar(returns: ArrayLike, *, periods_per_year: int = PERIODS_PER_YEAR) -> Any:
    """CAGR / |max drawdown| (NaN without a drawdown)."""
    a, wrap = _rows(returns)
    g = np.asarray(cagr(a.T, periods_per_year=periods_per_year), dtype=float)
    mdd = np.asarray(max_drawdown(a.T), dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(mdd < 0, g / np.abs(mdd), np.nan)
    return wrap(out)


def annual_turnover(turnover: ArrayLike, *, periods_per_year: int = PERIODS_PER_YEAR) -> Any:
    """Annualized one-way turnover: mean daily one-way turnover x periods_per_year."""
    a, wrap = _rows(turnover)
    return wrap(_mean(a) * periods_per_year)


def exposure(gross: ArrayLike) -> Any:
    """Average gross exposure (sum of |weights| of positions, cash excluded)."""
    a, wrap = _rows(gross)
    return wrap(_mean(a))


STAT_NAMES: tuple[str, ...] = (
    "total_return",
    "cagr",
    "ann_vol",
    "sharpe",
    "sortino",
    "max_drawdown",
    "calmar",
    "turnover",
    "exposure",
    "n_rebalances",
)


def summary_stats(
    returns: ArrayLike,
    *,
    turnover: ArrayLike | None = None,
    gross: ArrayLike | None = None,
    n_rebalances: Any = None,
    periods_per_year: int = PERIODS_PER_YEAR,
) -> dict[str, Any]:
    """Every statistic of :data:`STAT_NAMES` (floats for a Series, Series for a DataFrame).

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Daily simple returns.
    turnover : same shape, optional
        Daily one-way turnover (NaN statistic when absent).
    gross : same shape, optional
        Daily gross exposure.
    n_rebalances : int or array, optional
        Bars with at least one trade.
    periods_per_year : int, keyword-only
    """
    ppy = periods_per_year
    nan = np.nan
    return {
        "total_return": total_return(returns),
        "cagr": cagr(returns, periods_per_year=ppy),
        "ann_vol": ann_vol(returns, periods_per_year=ppy),
        "sharpe": sharpe(returns, periods_per_year=ppy),
        "sortino": sortino(returns, periods_per_year=ppy),
        "max_drawdown": max_drawdown(returns),
        "calmar": calmar(returns, periods_per_year=ppy),
        "turnover": nan if turnover is None else annual_turnover(turnover, periods_per_year=ppy),
        "exposure": nan if gross is None else exposure(gross),
        "n_rebalances": n_rebalances,
    }

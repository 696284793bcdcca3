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
    """Return a C-contiguous (K, T) array and a function wrapping a (K,) result back."""
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


class _Rows:
    """Shared intermediates of the statistics of a (K, T) array of returns."""

    def __init__(self, a: np.ndarray, periods_per_year: int) -> None:
        self.ppy = periods_per_year
        missing = np.isnan(a)
        self.any_missing = bool(missing.any())
        self.a = np.where(missing, 0.0, a) if self.any_missing else a
        self.n = (
            a.shape[1] - missing.sum(axis=1)
            if self.any_missing
            else np.full(a.shape[0], a.shape[1])
        )
        self.missing = missing if self.any_missing else None

    def mean(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.n > 0, self.a.sum(axis=1) / self.n, np.nan)

    def std(self) -> np.ndarray:
        dev = self.a - self.mean()[:, None]
        if self.missing is not None:
            dev = np.where(self.missing, 0.0, dev)
        ss = (dev * dev).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.n > 1, np.sqrt(ss / (self.n - 1)), np.nan)

    def equity(self) -> np.ndarray:
        if not hasattr(self, "_eq"):
            self._eq = np.cumprod(1.0 + self.a, axis=1)
        return self._eq

    def growth(self) -> np.ndarray:
        eq = self.equity()
        return eq[:, -1] if eq.shape[1] else np.ones(eq.shape[0])

    def total_return(self) -> np.ndarray:
        return self.growth() - 1.0

    def cagr(self) -> np.ndarray:
        g = self.growth()
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(g > 0, g ** (self.ppy / self.n) - 1.0, -1.0)
        return np.where(self.n > 0, out, np.nan)

    def ann_vol(self) -> np.ndarray:
        return self.std() * np.sqrt(self.ppy)

    def sharpe(self) -> np.ndarray:
        sd = self.std()
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(sd > 0, self.mean() / sd * np.sqrt(self.ppy), np.nan)

    def sortino(self) -> np.ndarray:
        down = np.minimum(self.a, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            dd = np.sqrt(np.where(self.n > 0, (down * down).sum(axis=1) / self.n, np.nan))
            return np.where(dd > 0, self.mean() / dd * np.sqrt(self.ppy), np.nan)

    def max_drawdown(self) -> np.ndarray:
        eq = self.equity()
        if not eq.shape[1]:
            return np.zeros(eq.shape[0])
        peak = np.maximum(np.maximum.accumulate(eq, axis=1), 1.0)
        return np.minimum(np.min(eq / peak - 1.0, axis=1), 0.0)

    def calmar(self) -> np.ndarray:
        mdd = self.max_drawdown()
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(mdd < 0, self.cagr() / np.abs(mdd), np.nan)


def total_return(returns: ArrayLike) -> Any:
    """Compounded return: prod(1 + r) - 1.

    Examples
    --------
    >>> round(total_return(np.array([0.1, -0.1])), 12)
    -0.01
    """
    a, wrap = _rows(returns)
    return wrap(_Rows(a, PERIODS_PER_YEAR).total_return())


def cagr(returns: ArrayLike, *, periods_per_year: int = PERIODS_PER_YEAR) -> Any:
    """Compound annual growth rate: (1 + total) ** (periods_per_year / n) - 1.

    ``n`` is the number of non-missing returns; a total loss gives -1.

    Examples
    --------
    >>> round(cagr(np.full(252, 0.001)), 12) == round(1.001 ** 252 - 1, 12)
    True
    """
    a, wrap = _rows(returns)
    return wrap(_Rows(a, periods_per_year).cagr())


def ann_vol(returns: ArrayLike, *, periods_per_year: int = PERIODS_PER_YEAR) -> Any:
    """Annualized volatility: std (ddof 1) x sqrt(periods_per_year)."""
    a, wrap = _rows(returns)
    return wrap(_Rows(a, periods_per_year).ann_vol())


def sharpe(returns: ArrayLike, *, periods_per_year: int = PERIODS_PER_YEAR) -> Any:
    """Annualized Sharpe ratio with a zero risk-free rate: mean / std x sqrt(ppy).

    NaN when the standard deviation is zero or undefined.

    Examples
    --------
    >>> x = [0.01, -0.01, 0.02]
    >>> bool(np.isclose(sharpe(np.array(x)), np.mean(x) / np.std(x, ddof=1) * np.sqrt(252)))
    True
    """
    a, wrap = _rows(returns)
    return wrap(_Rows(a, periods_per_year).sharpe())


def sharpe_or_none(returns: pd.Series) -> float | None:
    """Return :func:`sharpe` of the non-missing returns, None when it is undefined.

    Undefined: fewer than two returns or a standard deviation that is not positive (the
    JSON-safe form the report tables use).

    Examples
    --------
    >>> sharpe_or_none(pd.Series([0.01, 0.01])) is None
    True
    """
    x = returns.dropna()
    if len(x) < 2 or not x.std() > 0:
        return None
    return float(sharpe(x))


def sortino(returns: ArrayLike, *, periods_per_year: int = PERIODS_PER_YEAR) -> Any:
    """Annualized Sortino ratio: mean / downside deviation x sqrt(ppy).

    Downside deviation = sqrt(mean(min(r, 0) ** 2)) over all non-missing returns (target
    0). NaN when there is no negative return.
    """
    a, wrap = _rows(returns)
    return wrap(_Rows(a, periods_per_year).sortino())


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
    return wrap(_Rows(a, PERIODS_PER_YEAR).max_drawdown())


def calmar(returns: ArrayLike, *, periods_per_year: int = PERIODS_PER_YEAR) -> Any:
    """CAGR / |max drawdown| (NaN without a drawdown)."""
    a, wrap = _rows(returns)
    return wrap(_Rows(a, periods_per_year).calmar())


def annual_turnover(turnover: ArrayLike, *, periods_per_year: int = PERIODS_PER_YEAR) -> Any:
    """Annualized one-way turnover: mean daily one-way turnover x periods_per_year."""
    a, wrap = _rows(turnover)
    return wrap(_Rows(a, periods_per_year).mean() * periods_per_year)


def exposure(gross: ArrayLike) -> Any:
    """Average gross exposure (sum of |weights| of positions, cash excluded)."""
    a, wrap = _rows(gross)
    return wrap(_Rows(a, PERIODS_PER_YEAR).mean())


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
    a, wrap = _rows(returns)
    r = _Rows(a, periods_per_year)
    out = {
        "total_return": wrap(r.total_return()),
        "cagr": wrap(r.cagr()),
        "ann_vol": wrap(r.ann_vol()),
        "sharpe": wrap(r.sharpe()),
        "sortino": wrap(r.sortino()),
        "max_drawdown": wrap(r.max_drawdown()),
        "calmar": wrap(r.calmar()),
    }
    out["turnover"] = (
        np.nan if turnover is None else annual_turnover(turnover, periods_per_year=periods_per_year)
    )
    out["exposure"] = np.nan if gross is None else exposure(gross)
    out["n_rebalances"] = n_rebalances
    return out

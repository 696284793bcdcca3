"""Diagnostics of the factor: predictive regressions, event study, correlations, persistence.

Timing
------
The predictive regression pairs the factor at close t with the spread's return from close t
to close t + h (``r_{t+1} + ... + r_{t+h}``), so the regressor is known before the return it
predicts. The event study aligns each capex announcement on its ``available_at`` date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm


def newey_west_lags(n: int) -> int:
    """Return the Newey–West (1994) lag rule ``floor(4 (n/100)^(2/9))``."""
    return int(math.floor(4.0 * (max(n, 1) / 100.0) ** (2.0 / 9.0)))


def forward_sum(returns: pd.Series, horizon: int) -> pd.Series:
    """``r_{t+1} + ... + r_{t+h}`` at each t (NaN where the window runs past the data)."""
    if horizon < 1:
        raise ValueError(f"`horizon` must be >= 1, got {horizon}")
    return returns.rolling(horizon).sum().shift(-horizon)


@dataclass(frozen=True)
class PredictiveResult:
    """Predictive regressions of the forward spread return on the factor, one per horizon.

    Attributes
    ----------
    table : DataFrame
        Index ``horizon``; columns ``beta``, ``tstat_hac``, ``pvalue``, ``alpha``, ``r2``,
        ``n``, ``lags`` (Newey–West lags used, at least the horizon).
    """

    table: pd.DataFrame

    def summary(self) -> str:
        """Return the coefficient table as text."""
        return "Predictive regressions (forward spread return on factor, HAC errors)\n" + (
            self.table.to_string(float_format=lambda x: f"{x:.4g}")
        )

    def __str__(self) -> str:
        return self.summary()


def predictive_regression(
    spread_returns: pd.Series,
    factor: pd.Series,
    horizons: tuple[int, ...] = (5, 21, 63),
    *,
    lags: int | None = None,
) -> PredictiveResult:
    """Regress the forward h-day spread return on the factor with Newey–West errors.

    Parameters
    ----------
    spread_returns : Series
        Daily near-minus-long basket returns.
    factor : Series
        The factor on the same dates (known at each close).
    horizons : tuple of int
        Forward horizons in business days.
    lags : int, optional
        HAC lags; default ``max(h, newey_west_lags(n))`` (never below the horizon, since
        overlapping h-day sums are autocorrelated up to lag h - 1).

    Returns
    -------
    PredictiveResult

    Raises
    ------
    ValueError
        When ``horizons`` is empty or holds a value below 1, or ``lags`` is negative.

    Timing
    ------
    The regressor is the factor at close t; the response starts with the return of t + 1,
    so nothing the factor could not know is on its side of the equation.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=300)
    >>> f = pd.Series(np.sin(np.arange(300) / 9.0), index=idx)
    >>> r = 0.01 * f.shift(1).fillna(0.0)
    >>> res = predictive_regression(r, f, (1,))
    >>> round(float(res.table.loc[1, "beta"]), 6)
    0.01
    """
    if not horizons:
        raise ValueError("`horizons` must hold at least one horizon, got none")
    if any(int(h) < 1 for h in horizons):
        raise ValueError(f"`horizons` must all be >= 1, got {tuple(horizons)}")
    if lags is not None and int(lags) < 0:
        raise ValueError(f"`lags` must be >= 0, got {lags}")
    rows = []
    for h in horizons:
        y = forward_sum(spread_returns, int(h))
        d = pd.concat([y.rename("y"), factor.rename("x")], axis=1, join="inner").dropna()
        n = len(d)
        if n < 10 or d["x"].nunique() < 2:  # a constant factor has no slope
            rows.append(
                {
                    "horizon": h,
                    "beta": np.nan,
                    "tstat_hac": np.nan,
                    "pvalue": np.nan,
                    "alpha": np.nan,
                    "r2": np.nan,
                    "n": n,
                    "lags": np.nan,
                }
            )
            continue
        L = int(lags) if lags is not None else max(int(h), newey_west_lags(n))
        L = max(L, int(h))
        res = sm.OLS(d["y"].to_numpy(), sm.add_constant(d["x"].to_numpy())).fit(
            cov_type="HAC", cov_kwds={"maxlags": L}
        )
        rows.append(
            {
                "horizon": int(h),
                "beta": float(res.params[1]),
                "tstat_hac": float(res.tvalues[1]),
                "pvalue": float(res.pvalues[1]),
                "alpha": float(res.params[0]),
                "r2": float(res.rsquared),
                "n": n,
                "lags": L,
            }
        )
    table = pd.DataFrame(rows).set_index("horizon")
    return PredictiveResult(table)


@dataclass(frozen=True)
class EventStudyResult:
    """Cumulative spread return around capex announcements.

    Attributes
    ----------
    car : DataFrame
        Index ``day`` (business days from the event); columns ``car`` (mean cumulative
        return from the window start), ``lo``, ``hi`` (95% band from the cross-section of
        events), ``n``.
    n_events : int
        Events with a complete window.
    """

    car: pd.DataFrame
    n_events: int

    def summary(self) -> str:
        """Events used and the cumulative return at day 0 and the window end."""
        if self.n_events == 0:
            return "Event study: no event with a complete window"
        end = self.car.iloc[-1]
        at0 = self.car.loc[0] if 0 in self.car.index else end
        return (
            f"Event study over {self.n_events} capex announcements: mean cumulative spread "
            f"return {at0['car']:+.2%} at day 0 and {end['car']:+.2%} at day "
            f"{self.car.index[-1]} (95% band {end['lo']:+.2%} .. {end['hi']:+.2%})"
        )

    def __str__(self) -> str:
        return self.summary()


def event_study(
    spread_returns: pd.Series, events: pd.DataFrame, window: tuple[int, int] = (-5, 20)
) -> EventStudyResult:
    """Mean cumulative spread return from ``window[0]`` to ``window[1]`` business days.

    Day 0 is the first date of ``spread_returns`` on or after the event's ``available_at``.
    """
    lo, hi = int(window[0]), int(window[1])
    if lo > 0 or hi < lo:
        raise ValueError(f"`window` must satisfy start <= 0 <= end, got {window}")
    r = spread_returns.dropna()
    idx = r.index
    vals = r.to_numpy()
    paths = []
    for at in pd.to_datetime(events["available_at"]).dropna().unique():
        p0 = idx.searchsorted(at)
        a, b = p0 + lo, p0 + hi
        if a < 0 or b >= len(vals):
            continue
        paths.append(np.cumsum(vals[a : b + 1]))
    days = np.arange(lo, hi + 1)
    if not paths:
        car = pd.DataFrame({"car": np.nan, "lo": np.nan, "hi": np.nan, "n": 0}, index=days)
        car.index.name = "day"
        return EventStudyResult(car, 0)
    m = np.vstack(paths)
    mean = m.mean(axis=0)
    se = m.std(axis=0, ddof=1) / np.sqrt(len(m)) if len(m) > 1 else np.full(len(days), np.nan)
    car = pd.DataFrame(
        {"car": mean, "lo": mean - 1.96 * se, "hi": mean + 1.96 * se, "n": len(m)}, index=days
    )
    car.index.name = "day"
    return EventStudyResult(car, len(m))


def component_correlations(components: pd.DataFrame) -> pd.DataFrame:
    """Pairwise correlations of the components over the dates where both are defined."""
    return components.corr(min_periods=30)


@dataclass(frozen=True)
class Persistence:
    """AR(1) persistence of the factor: ``phi`` and the half-life in business days."""

    phi: float
    half_life: float
    n: int

    def summary(self) -> str:
        """One line."""
        return (
            f"factor AR(1) phi = {self.phi:.4f}, half-life {self.half_life:.1f} days (n={self.n})"
        )

    def __str__(self) -> str:
        return self.summary()


def persistence(factor: pd.Series) -> Persistence:
    """AR(1) coefficient of the factor by OLS of x_t on x_{t-1}, and its half-life."""
    x = factor.dropna()
    d = pd.concat([x, x.shift(1)], axis=1).dropna()
    if len(d) < 3:
        return Persistence(np.nan, np.nan, len(d))
    res = sm.OLS(d.iloc[:, 0].to_numpy(), sm.add_constant(d.iloc[:, 1].to_numpy())).fit()
    phi = float(res.params[1])
    hl = float(np.log(0.5) / np.log(phi)) if 0 < phi < 1 else np.inf
    return Persistence(phi, hl, len(d))

"""Diagnostics of the factor: predictive regressions, event study, correlations, persistence.

The predictive regressions live in ``signals.predictive`` and are re-exported here.

Timing
------
The predictive regression pairs the factor at close t with the spread's return from close t
to close t + h (``r_{t+1} + ... + r_{t+h}``), so the regressor is known before the return it
predicts. The event study aligns each capex announcement on its ``available_at`` date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from signals.predictive import (
    PredictiveResult,
    forward_sum,
    newey_west_lags,
    predictive_regression,
)

__all__ = [
    "EventStudyResult",
    "Persistence",
    "PredictiveResult",
    "component_correlations",
    "event_study",
    "forward_sum",
    "newey_west_lags",
    "persistence",
    "predictive_regression",
]


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
    res = OLS(d.iloc[:, 0].to_numpy(), add_constant(d.iloc[:, 1].to_numpy())).fit()
    phi = float(res.params[1])
    hl = float(np.log(0.5) / np.log(phi)) if 0 < phi < 1 else np.inf
    return Persistence(phi, hl, len(d))

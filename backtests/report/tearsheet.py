"""Tear-sheet statistics of a daily return series: tail risk, drawdowns, volatility, distribution.

Pure functions of daily simple returns net of costs (a Series with a DatetimeIndex, as in
``returns.csv``), in the conventions of quantstats (the reference the tests check against):

- value at risk and expected shortfall at 95%, both historical (the 5% quantile of daily
  returns and the mean of the returns at or below it) and normal (``mean + std * z``, the
  variance-covariance estimate quantstats calls ``value_at_risk``, and its closed-form
  expected shortfall);
- skewness and excess kurtosis as pandas computes them (bias-corrected sample moments);
- best and worst day and calendar month (compounded within the month);
- win rate: the share of positive days among days with a non-zero return;
- drawdown episodes from the running peak of the equity curve, with their durations in
  calendar days;
- the 63-business-day rolling volatility, annualized with 252 days;
- the histogram of daily returns of the strategy and a benchmark on common bins.

Nothing here reads files; ``backtests.report.metrics_tearsheet`` calls these on a run.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from data.errors import ConfigError

__all__ = [
    "drawdown_episodes",
    "return_histogram",
    "rolling_volatility",
    "rolling_volatility_summary",
    "tail_risk",
    "underwater",
]

ANNUAL_DAYS = 252


def _day(x: Any) -> str | None:
    return None if x is None else pd.Timestamp(x).strftime("%Y-%m-%d")


def _none(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def tail_risk(returns: pd.Series, *, confidence: float = 0.95) -> dict[str, Any]:
    """Tail-risk statistics of daily returns.

    Parameters
    ----------
    returns : Series
        Daily simple returns (NaN days are dropped).
    confidence : float
        Level of the value at risk and expected shortfall, in (0, 1).

    Returns
    -------
    dict
        ``var_95`` and ``cvar_95`` (historical: the ``1 - confidence`` quantile of daily
        returns, linear interpolation, and the mean of the returns at or below it),
        ``var_95_normal`` and ``cvar_95_normal`` (normal with the sample mean and standard
        deviation), ``skew``, ``kurtosis`` (excess), ``best_day``, ``worst_day`` and their
        dates, ``best_month``, ``worst_month`` (``YYYY-MM``, compounded), ``win_rate`` (positive
        days among non-zero days), ``win_rate_months`` and ``n_days``. Losses are negative
        returns (a VaR of -0.03 means a 3% daily loss). The ``_95`` names hold whatever
        ``confidence`` was given.

    Examples
    --------
    >>> r = pd.Series([0.01, -0.02, 0.03, 0.0], pd.bdate_range("2024-01-01", periods=4))
    >>> tail_risk(r)["win_rate"]
    0.6666666666666666
    """
    if not 0.0 < confidence < 1.0:
        raise ConfigError(f"`confidence` must be in (0, 1), got {confidence}")
    r = returns.dropna().astype(float)
    out: dict[str, Any] = {"n_days": len(r), "confidence": confidence}
    if len(r) < 2:
        return out
    alpha = 1.0 - confidence
    q = float(r.quantile(alpha))
    mu, sd = float(r.mean()), float(r.std(ddof=1))
    months = (1.0 + r).groupby([r.index.year, r.index.month]).prod() - 1.0
    nonzero = r[r != 0]
    out.update(
        {
            "var_95": q,
            "cvar_95": float(r[r <= q].mean()),
            "var_95_normal": float(norm.ppf(alpha, mu, sd)) if sd > 0 else mu,
            "cvar_95_normal": float(mu - sd * norm.pdf(norm.ppf(alpha)) / alpha),
            "skew": _none(float(r.skew())),
            "kurtosis": _none(float(r.kurt())),
            "best_day": float(r.max()),
            "best_day_date": _day(r.idxmax()),
            "worst_day": float(r.min()),
            "worst_day_date": _day(r.idxmin()),
            "best_month": float(months.max()),
            "best_month_date": "{}-{:02d}".format(*months.idxmax()),
            "worst_month": float(months.min()),
            "worst_month_date": "{}-{:02d}".format(*months.idxmin()),
            "win_rate": float((r > 0).sum() / len(nonzero)) if len(nonzero) else None,
            "win_rate_months": float((months > 0).mean()),
            "ann_vol": float(sd * np.sqrt(ANNUAL_DAYS)),
        }
    )
    return out


def underwater(returns: pd.Series) -> pd.Series:
    """Drawdown from the running peak of the equity curve (0 at a peak, negative below).

    The curve starts at 1 before the first day, so a loss on the first day is a drawdown.
    """
    equity = (1.0 + returns.fillna(0.0)).cumprod()
    peak = np.maximum(equity.cummax(), 1.0)
    return (equity / peak - 1.0).rename("drawdown")


def drawdown_episodes(returns: pd.Series, n: int | None = 5) -> list[dict[str, Any]]:
    """Return the ``n`` deepest drawdowns, deepest first, with their durations.

    An episode runs from the last peak (``start``, the day before the curve first falls
    below it, or the first day when the loss starts on it) through its lowest point
    (``trough``) to the first day the peak is regained (``recovery``, ``None`` while still
    under water). Episodes do not overlap.

    Returns
    -------
    list of dict
        ``{start, trough, recovery, depth, days, days_to_trough, days_to_recover,
        days_underwater}``: ``depth`` the lowest drawdown (negative); ``days`` calendar days
        from start to recovery (to the last day when not recovered); ``days_to_trough`` from
        start to trough; ``days_to_recover`` from trough to recovery (``None`` when not
        recovered); ``days_underwater`` business days below the peak.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=4)
    >>> e = drawdown_episodes(pd.Series([0.1, -0.5, 0.0, 1.0], idx))[0]
    >>> e["start"], e["trough"], e["recovery"], e["depth"], e["days"]
    ('2024-01-01', '2024-01-02', '2024-01-04', -0.5, 3)
    """
    dd = underwater(returns)
    if dd.empty:
        return []
    below = dd < 0
    idx = dd.index
    episodes: list[dict[str, Any]] = []
    pos = np.flatnonzero(below.to_numpy())
    if len(pos) == 0:
        return []
    # split the underwater days into runs of consecutive positions
    breaks = np.flatnonzero(np.diff(pos) > 1)
    run_starts = np.r_[pos[0], pos[breaks + 1]]
    run_ends = np.r_[pos[breaks], pos[-1]]
    for a, b in zip(run_starts, run_ends, strict=True):
        part = dd.iloc[a : b + 1]
        trough = part.idxmin()
        start = idx[a - 1] if a > 0 else idx[a]
        recovery = idx[b + 1] if b + 1 < len(idx) else None
        end = recovery if recovery is not None else idx[-1]
        episodes.append(
            {
                "start": _day(start),
                "trough": _day(trough),
                "recovery": _day(recovery),
                "depth": float(part.min()),
                "days": int((end - start).days),
                "days_to_trough": int((trough - start).days),
                "days_to_recover": None if recovery is None else int((recovery - trough).days),
                "days_underwater": int(b - a + 1),
            }
        )
    episodes.sort(key=lambda e: e["depth"])
    return episodes if n is None else episodes[:n]


def rolling_volatility(returns: pd.Series, window: int = 63) -> pd.Series:
    """Trailing ``window``-day standard deviation of daily returns, annualized with 252 days.

    NaN until ``window`` days are available; uses only past and current days.
    """
    if window < 2:
        raise ConfigError(f"`window` must be >= 2, got {window}")
    return (returns.rolling(window).std(ddof=1) * np.sqrt(ANNUAL_DAYS)).rename("rolling_vol")


def rolling_volatility_summary(returns: pd.Series, window: int = 63) -> dict[str, Any]:
    """Last, median, lowest and highest value of :func:`rolling_volatility` (with dates)."""
    v = rolling_volatility(returns, window).dropna()
    if v.empty:
        return {"window": window, "last": None, "median": None, "min": None, "max": None}
    return {
        "window": window,
        "last": float(v.iloc[-1]),
        "median": float(v.median()),
        "min": float(v.min()),
        "min_date": _day(v.idxmin()),
        "max": float(v.max()),
        "max_date": _day(v.idxmax()),
    }


def return_histogram(
    strategy: pd.Series, benchmark: pd.Series, *, bins: int = 30, clip: float = 0.005
) -> dict[str, Any]:
    """Count daily returns of the strategy and the benchmark on common bins.

    The bins span the ``clip`` and ``1 - clip`` quantiles of both series pooled; days
    beyond go into the first or last bin (so every day is counted once).

    Returns
    -------
    dict
        ``{edges: [bins + 1 floats], strategy: [bins ints], benchmark: [bins ints],
        n_strategy, n_benchmark}``.
    """
    s, b = strategy.dropna().astype(float), benchmark.dropna().astype(float)
    pooled = pd.concat([s, b])
    if pooled.empty:
        return {"edges": [], "strategy": [], "benchmark": [], "n_strategy": 0, "n_benchmark": 0}
    lo, hi = float(pooled.quantile(clip)), float(pooled.quantile(1.0 - clip))
    if hi <= lo:
        lo, hi = lo - 1e-4, hi + 1e-4
    edges = np.linspace(lo, hi, bins + 1)

    def count(x: pd.Series) -> list[int]:
        c, _ = np.histogram(np.clip(x.to_numpy(), lo, hi), bins=edges)
        return [int(v) for v in c]

    return {
        "edges": [float(e) for e in edges],
        "strategy": count(s),
        "benchmark": count(b),
        "n_strategy": len(s),
        "n_benchmark": len(b),
    }

"""Past-only transforms: expanding or trailing z-scores and trailing changes.

Timing
------
Every value at date t is computed from values at or before t; nothing later is read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def zscore(x: pd.Series | pd.DataFrame, *, window: int = 0, min_periods: int = 252):
    """Z-score of each value against its own past (expanding, or trailing ``window`` rows).

    Parameters
    ----------
    x : Series or DataFrame
        Values on a DatetimeIndex; NaN rows are skipped by the statistics.
    window : int
        0 for an expanding window, else the number of trailing rows (including t).
    min_periods : int
        Observations needed before a z-score is defined.

    Returns
    -------
    Series or DataFrame
        ``(x_t - mean_t) / std_t`` with mean and sample std (ddof=1) over rows up to t;
        NaN where x is NaN, history is short or the std is zero.

    Timing
    ------
    Uses rows at or before t only.

    Examples
    --------
    >>> s = pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2024-01-01", periods=3))
    >>> float(zscore(s, min_periods=2).iloc[-1])
    1.0
    """
    if window < 0:
        raise ValueError(f"`window` must be >= 0, got {window}")
    if min_periods < 2:
        raise ValueError(f"`min_periods` must be >= 2, got {min_periods}")
    roll = (
        x.expanding(min_periods=min_periods)
        if window == 0
        else x.rolling(window, min_periods=min(min_periods, window))
    )
    mean = roll.mean()
    std = roll.std(ddof=1)
    z = (x - mean) / std.where(std > 0)
    return z.where(x.notna())


def trailing_change(x: pd.Series | pd.DataFrame, periods: int):
    """Change over ``periods`` rows: ``x_t - x_{t-periods}`` (NaN when either end is NaN)."""
    if periods < 1:
        raise ValueError(f"`periods` must be >= 1, got {periods}")
    return x - x.shift(periods)


def trailing_max(x: pd.Series, window: int) -> pd.Series:
    """Maximum over the trailing ``window`` rows including t (NaNs skipped)."""
    if window < 1:
        raise ValueError(f"`window` must be >= 1, got {window}")
    return x.rolling(window, min_periods=1).max()


def fresh(age_days: pd.Series | pd.DataFrame, limit_days: float):
    """Return True where a value exists and its age in calendar days is within ``limit_days``."""
    return (age_days <= float(limit_days)) & np.isfinite(age_days)

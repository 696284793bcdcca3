"""Shared helpers of the inference modules: input checks, Sharpe and small return statistics.

Kept private: the public statistics live in one module per concept and import from here.
Sharpe ratios are of the returns as given (no risk-free rate is subtracted: pass excess
returns to get an excess-return Sharpe). Per-period Sharpe is ``mean / std`` with ``ddof=1``;
annualized Sharpe multiplies by ``sqrt(periods_per_year)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

from data.errors import DataError, LookAheadError

PERIODS_PER_YEAR = 252

Metric = Literal["sharpe", "mean", "total_return"]
METRICS: tuple[str, ...] = ("sharpe", "mean", "total_return")


def check_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as int, raising ``ValueError`` naming ``name`` when below ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"`{name}` must be an integer >= {minimum}, got {value!r}")
    if int(value) < minimum:
        raise ValueError(f"`{name}` must be >= {minimum}, got {value}")
    return int(value)


def check_probability(value: Any, name: str) -> float:
    """Return ``value`` as float, raising ``ValueError`` unless strictly inside (0, 1)."""
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`{name}` must be a number in (0, 1), got {value!r}") from exc
    if not 0.0 < v < 1.0:
        raise ValueError(f"`{name}` must be in (0, 1), got {value}")
    return v


def check_choice(value: Any, name: str, choices: Iterable[str]) -> str:
    """Raise ``ValueError`` naming ``name`` unless ``value`` is one of ``choices``."""
    choices = tuple(choices)
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {', '.join(choices)}, got {value!r}")
    return str(value)


def as_returns(x: Any, name: str, *, min_obs: int = 3, dropna: bool = True) -> pd.Series:
    """Validate a return series: numeric, finite after dropping NaN, at least ``min_obs`` rows.

    Raises
    ------
    DataError
        When the series is not numeric, holds infinities, or is too short; the message names
        ``name``.
    """
    if isinstance(x, pd.DataFrame):
        if x.shape[1] != 1:
            raise DataError(f"expected one column of returns, got {x.shape[1]}", source=name)
        x = x.iloc[:, 0]
    s = x if isinstance(x, pd.Series) else pd.Series(np.asarray(x))
    try:
        s = s.astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"returns must be numeric, got dtype {s.dtype}", source=name) from exc
    if dropna:
        s = s.dropna()
    elif s.isna().any():
        where = s.index[s.isna().to_numpy()][0]
        raise DataError("returns hold NaN", source=name, row=_date_str(where))
    if np.isinf(s.to_numpy()).any():
        where = s.index[np.isinf(s.to_numpy())][0]
        raise DataError("returns hold an infinite value", source=name, row=_date_str(where))
    if len(s) < min_obs:
        raise DataError(f"need at least {min_obs} non-missing returns, got {len(s)}", source=name)
    return s


def as_trial_frame(x: Any, name: str, *, min_trials: int = 2, min_obs: int = 3) -> pd.DataFrame:
    """Validate a dates x trials return matrix: numeric, no NaN or infinities, big enough."""
    if not isinstance(x, pd.DataFrame):
        raise DataError(
            f"expected a DataFrame (dates x trials), got {type(x).__name__}", source=name
        )
    try:
        f = x.astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError("trial returns must be numeric", source=name) from exc
    values = f.to_numpy()
    bad = ~np.isfinite(values)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise DataError(
            f"trial `{f.columns[j]}` holds {values[i, j]} (fill or drop missing returns first)",
            source=name,
            row=_date_str(f.index[i]),
        )
    if f.shape[1] < min_trials:
        raise DataError(
            f"need at least {min_trials} trials (columns), got {f.shape[1]}", source=name
        )
    if f.shape[0] < min_obs:
        raise DataError(f"need at least {min_obs} rows, got {f.shape[0]}", source=name)
    return f


def check_before(frame: pd.Series | pd.DataFrame, oos_start: Any, name: str) -> None:
    """Raise :class:`LookAheadError` when ``frame`` has a date at or after ``oos_start``.

    Tuning functions call this so that nothing chosen in-sample can look at the held-out tail.
    """
    if oos_start is None:
        return
    start = pd.Timestamp(oos_start)
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise DataError("needs a DatetimeIndex when `oos_start` is given", source=name)
    if len(frame.index) and frame.index.max() >= start:
        last = frame.index.max()
        raise LookAheadError(
            f"`{name}` has data up to {last.date()}, at or after oos_start {start.date()}: "
            "tuning may only see dates before oos_start (use split_is_oos)"
        )


def sharpe_per_period(values: np.ndarray, axis: int = 0) -> np.ndarray | float:
    """Per-period Sharpe ``mean / std(ddof=1)`` along ``axis``; NaN where the std is zero."""
    v = np.asarray(values, dtype=float)
    mean = v.mean(axis=axis)
    std = v.std(axis=axis, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(std > 0, mean / np.where(std > 0, std, 1.0), np.nan)
    return float(out) if np.ndim(out) == 0 else out


def metric_values(values: np.ndarray, metric: str, axis: int = 0) -> np.ndarray | float:
    """Compute a selection metric along ``axis``: per-period Sharpe, mean or total return."""
    v = np.asarray(values, dtype=float)
    if metric == "sharpe":
        return sharpe_per_period(v, axis=axis)
    if metric == "mean":
        out = v.mean(axis=axis)
    elif metric == "total_return":
        out = np.prod(1.0 + v, axis=axis) - 1.0
    else:
        raise ValueError(f"`metric` must be one of {', '.join(METRICS)}, got {metric!r}")
    return float(out) if np.ndim(out) == 0 else out


def return_stats(returns: pd.Series, *, periods_per_year: int = PERIODS_PER_YEAR) -> dict:
    """Small summary of a daily return series (None where undefined).

    Keys: ``start``, ``end``, ``n_days``, ``total_return``, ``cagr``, ``ann_vol``, ``sharpe``
    (annualized), ``max_drawdown`` (negative fraction).
    """
    r = returns.dropna().astype(float)
    n = len(r)
    if n == 0:
        return {
            "start": None,
            "end": None,
            "n_days": 0,
            "total_return": None,
            "cagr": None,
            "ann_vol": None,
            "sharpe": None,
            "max_drawdown": None,
        }
    wealth = np.cumprod(1.0 + r.to_numpy())
    total = float(wealth[-1] - 1.0)
    cagr = float(wealth[-1] ** (periods_per_year / n) - 1.0) if wealth[-1] > 0 else -1.0
    peak = np.maximum.accumulate(np.concatenate([[1.0], wealth]))[1:]
    mdd = float(np.min(wealth / peak - 1.0))
    vol = float(r.std(ddof=1) * math.sqrt(periods_per_year)) if n > 1 else None
    sr = sharpe_per_period(r.to_numpy()) if n > 1 else float("nan")
    idx = r.index
    return {
        "start": _date_str(idx[0]),
        "end": _date_str(idx[-1]),
        "n_days": n,
        "total_return": total,
        "cagr": cagr,
        "ann_vol": vol,
        "sharpe": clean(sr * math.sqrt(periods_per_year)),
        "max_drawdown": mdd,
    }


def _date_str(x: Any) -> Any:
    return x.date().isoformat() if isinstance(x, pd.Timestamp) else str(x)


def clean(x: Any) -> Any:
    """Plain-Python, JSON-safe value: numpy scalars to Python, NaN and infinities to None."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return [clean(v) for v in x.tolist()]
    if isinstance(x, bool | np.bool_):
        return bool(x)
    if isinstance(x, int | np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        v = float(x)
        return v if math.isfinite(v) else None
    if isinstance(x, pd.Timestamp):
        return x.isoformat()
    return x


def fmt(x: Any, spec: str = ".3f") -> str:
    """Format a number for a summary line; ``n/a`` for None or NaN."""
    if x is None:
        return "n/a"
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    return "n/a" if not math.isfinite(v) else format(v, spec)

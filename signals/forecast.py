"""Recursive out-of-sample forecasts of the h-day spread return and the prevailing mean.

At each forecast date t the h-day target ``y_s = r_{s+1} + ... + r_{s+h}`` is regressed on
the factor ``x_s`` by OLS over the pairs whose target is fully realized by t (``s + h <= t``),
and the fitted line is evaluated at ``x_t``. The benchmark is the prevailing (historical)
mean of the targets realized by t (Goyal & Welch 2008; Campbell & Thompson 2008). The
comparison of the two is in :mod:`signals.oos_stats`.

The expanding-window fits use cumulative sums of the pairs, each added on the date its
target is realized, so ~2,800 dates and many factor variants cost a few array operations
(not one regression per date); tests check them against a loop of ``numpy.linalg.lstsq``.

Timing
------
The forecast at t uses ``x_t`` and pairs ``(x_s, y_s)`` with ``s + h <= t``: every return in
them is dated t or earlier. ``realized`` at t is the target ``y_t`` (returns t+1..t+h), known
only at t + h; it is there to be compared with the forecast, never used to make one.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from data.errors import DataError

log = logging.getLogger(__name__)

RESERVED = ("realized", "prevailing_mean")


def check_daily_series(s: pd.Series, name: str) -> pd.Series:
    """Return ``s`` as floats, or raise ``DataError`` naming ``name``.

    ``s`` must be a Series on a sorted, unique DatetimeIndex with numeric values (the
    forecasts' and the rivals' inputs).
    """
    if not isinstance(s, pd.Series):
        raise DataError(f"expected a pandas Series, got {type(s).__name__}", source=name)
    if not isinstance(s.index, pd.DatetimeIndex):
        raise DataError(f"expected a DatetimeIndex, got {type(s.index).__name__}", source=name)
    if not s.index.is_monotonic_increasing or s.index.has_duplicates:
        raise DataError("dates must be sorted and unique", source=name)
    try:
        return s.astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"values must be numeric, got dtype {s.dtype}", source=name) from exc


def _check_int(value: int, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}, got {value!r}")
    return int(value)


def forward_target(spread: pd.Series, horizon: int) -> pd.Series:
    """Return the h-day target ``r_{t+1} + ... + r_{t+h}`` at each date t of ``spread``.

    NaN where the window runs past the data or holds a missing return.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=4)
    >>> forward_target(pd.Series([1.0, 2.0, 3.0, 4.0], index=idx), 2).tolist()
    [5.0, 7.0, nan, nan]
    """
    horizon = _check_int(horizon, "horizon", 1)
    r = check_daily_series(spread, "spread")
    return r.rolling(horizon).sum().shift(-horizon).rename("realized")


def _shifted_cumsum(values: np.ndarray, horizon: int) -> np.ndarray:
    """Cumulative sums by realization date: row t sums rows s <= t - horizon of ``values``."""
    out = np.zeros_like(values)
    if values.shape[0] > horizon:
        out[horizon:] = np.cumsum(values[:-horizon], axis=0)
    return out


def forecast_variants(
    factors: pd.DataFrame,
    spread: pd.Series,
    *,
    horizon: int,
    warmup: int,
    step: int = 1,
) -> pd.DataFrame:
    """Recursive OLS forecasts of the h-day spread return from each factor column.

    Parameters
    ----------
    factors : DataFrame
        Dates x variants: each column a factor (value at t known at close t). Read on the
        dates of ``spread``; NaN (before a variant starts, or a gap) makes that date's pair
        unusable and its forecast NaN.
    spread : Series
        Daily spread returns (``r_t`` earned from close t - 1 to close t).
    horizon : int
        h >= 1, in rows (trading days) of ``spread``.
    warmup : int
        Usable pairs (>= 3) a variant needs before its first forecast.
    step : int
        Forecast every ``step``-th date from the first one (``step = horizon`` gives
        non-overlapping targets).

    Returns
    -------
    DataFrame
        Indexed by forecast date (the dates of ``spread``, from the first date any variant
        has ``warmup`` pairs, every ``step`` rows); columns ``realized`` (the target at t,
        NaN for the last h dates), ``prevailing_mean`` (mean of every target realized by t,
        whatever the factors) and one forecast column per variant (NaN before that
        variant's warmup, where its factor is NaN, or where it has been constant).

    Raises
    ------
    DataError
        Inputs are not date-indexed, sorted, unique and numeric, or a column is called
        ``realized`` or ``prevailing_mean``.
    ValueError
        ``horizon``, ``warmup`` or ``step`` out of range.

    Notes
    -----
    The prevailing mean at t averages all targets ``y_s`` with ``s + h <= t`` since the
    spread starts, so all variants share it (a variant that starts later has a shorter
    regression sample than the mean it is compared with).

    Timing
    ------
    The forecast at t uses ``x_t`` and pairs with ``s + h <= t``; perturbing any return
    after t leaves every row at or before t unchanged except ``realized``.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=60)
    >>> x = pd.Series(np.sin(np.arange(60.0)), index=idx)
    >>> r = 0.01 * x.shift(1).fillna(0.0)
    >>> out = forecast_variants(x.to_frame("sin"), r, horizon=1, warmup=10)
    >>> bool(np.allclose(out["sin"].iloc[:-1], out["realized"].iloc[:-1]))
    True
    """
    horizon = _check_int(horizon, "horizon", 1)
    warmup = _check_int(warmup, "warmup", 3)
    step = _check_int(step, "step", 1)
    if not isinstance(factors, pd.DataFrame):
        raise DataError(
            f"expected a DataFrame of factor variants, got {type(factors).__name__}",
            source="factors",
        )
    clash = [c for c in factors.columns if c in RESERVED]
    if clash:
        raise DataError(f"variant names {clash} are reserved output columns", source="factors")
    r = check_daily_series(spread, "spread")
    for c in factors.columns:
        check_daily_series(factors[c], f"factors[{c!r}]")
    idx = r.index
    y = forward_target(r, horizon).to_numpy()
    x = factors.reindex(idx).to_numpy(dtype=float)
    n_dates, k = x.shape

    # the prevailing mean: every realized target, whatever the factors
    y_ok = np.isfinite(y)
    y0 = np.where(y_ok, y, 0.0)
    cnt_all = _shifted_cumsum(y_ok.astype(float), horizon)
    sum_all = _shifted_cumsum(y0, horizon)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_all = np.where(cnt_all > 0, sum_all / np.maximum(cnt_all, 1.0), np.nan)

    # regression pairs, centred on constants known at the first forecast (numerical only)
    ok = np.isfinite(x) & y_ok[:, None]
    xc = np.full(k, np.nan)
    yc = np.full(k, np.nan)
    for j in range(k):
        first = np.flatnonzero(ok[:, j])[:warmup]
        if len(first):
            xc[j] = x[first, j].mean()
            yc[j] = y[first].mean()
    xd = np.where(ok, x - xc, 0.0)
    yd = np.where(ok, y[:, None] - yc, 0.0)
    n = _shifted_cumsum(ok.astype(float), horizon)
    sx = _shifted_cumsum(xd, horizon)
    sy = _shifted_cumsum(yd, horizon)
    sxx = _shifted_cumsum(xd * xd, horizon)
    sxy = _shifted_cumsum(xd * yd, horizon)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = sx / n
        my = sy / n
        cxx = sxx - sx * mx
        cxy = sxy - sx * my
        slope = cxy / cxx
        fc = yc + my + slope * (x - xc - mx)
    flat = ~(cxx > 1e-12 * np.maximum(sxx, 1e-300))
    fc[(n < warmup) | flat | ~np.isfinite(x)] = np.nan

    ready = np.flatnonzero((n >= warmup).any(axis=1))
    if len(ready) == 0:
        log.debug("forecast_variants: no variant reaches %d usable pairs", warmup)
        rows = np.array([], dtype=int)
    else:
        rows = np.arange(ready[0], n_dates, step)
    out = pd.DataFrame(fc[rows], index=idx[rows], columns=factors.columns)
    out.insert(0, "prevailing_mean", mean_all[rows])
    out.insert(0, "realized", y[rows])
    out.index.name = "date"
    return out


def recursive_forecasts(
    factor: pd.Series,
    spread: pd.Series,
    *,
    horizon: int,
    warmup: int,
    step: int = 1,
) -> pd.DataFrame:
    """Recursive OLS forecasts of the h-day spread return from one factor.

    At each forecast date t: OLS of ``y_s = r_{s+1} + ... + r_{s+h}`` on ``(1, x_s)`` over the
    pairs with ``s + h <= t``, evaluated at ``x_t``; and the prevailing mean of the targets
    realized by t. See :func:`forecast_variants` (this is its one-column case).

    Parameters
    ----------
    factor : Series
        The factor (value at t known at close t), read on the dates of ``spread``.
    spread : Series
        Daily spread returns.
    horizon : int
        h >= 1 trading days.
    warmup : int
        Usable pairs (>= 3) before the first forecast.
    step : int
        Forecast every ``step``-th date.

    Returns
    -------
    DataFrame
        Index ``date``; columns ``realized``, ``forecast``, ``prevailing_mean``.

    Timing
    ------
    Row t uses returns dated t or earlier, except ``realized`` (returns t+1..t+h).

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=40)
    >>> x = pd.Series(np.cos(np.arange(40.0)), index=idx)
    >>> out = recursive_forecasts(x, 0.02 * x.shift(1).fillna(0.0), horizon=1, warmup=5)
    >>> list(out.columns)
    ['realized', 'forecast', 'prevailing_mean']
    """
    if not isinstance(factor, pd.Series):
        raise DataError(f"expected a pandas Series, got {type(factor).__name__}", source="factor")
    out = forecast_variants(
        factor.to_frame("forecast"), spread, horizon=horizon, warmup=warmup, step=step
    )
    return out[["realized", "forecast", "prevailing_mean"]]

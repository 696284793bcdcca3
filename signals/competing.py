"""Competing explanations of the spread: its own trend and a rates rule, and the nested test.

If the capital-scarcity factor only restates the spread's time-series momentum or the move
in long yields, its slope should vanish once those rivals are in the regression.

- :func:`spread_trend`: 12-1 month time-series momentum of the spread.
- :func:`rates_rule`: the 63-day change of the 10-year Treasury yield as known at t.
- :func:`nested_given_rival`: OLS of the h-day forward spread return on the factor and one
  rival, Newey–West t-statistics for both slopes.

Timing
------
Both rivals at t use only data public at t: the trend sums spread returns dated t - skip
and earlier; the rates rule reads each yield from the business day after its observation
(the project's ``1B`` release lag for DGS10, ``data.pit.available_date``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from data.errors import DataError
from data.pit import available_date
from signals.forecast import check_daily_series


def spread_trend(spread: pd.Series, *, lookback: int = 252, skip: int = 21) -> pd.Series:
    """Time-series momentum of the spread: the sum of its daily returns from t-lookback to t-skip.

    With the defaults, the 12-1 month trend: the returns earned from close t - 252 to close
    t - 21 (``r_{t-251} + ... + r_{t-21}``; 231 returns). Spread returns are differences of
    two baskets' returns, so they are summed, not compounded (like the forecast targets).

    Parameters
    ----------
    spread : Series
        Daily spread returns.
    lookback, skip : int
        ``lookback > skip >= 0`` trading days.

    Returns
    -------
    Series
        ``spread_trend`` on the dates of ``spread``; NaN for the first ``lookback - 1`` dates or
        where the window holds a missing return.

    Timing
    ------
    Known at close t (the newest return used is dated t - skip).

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=6)
    >>> spread_trend(pd.Series([1.0, 2, 3, 4, 5, 6], index=idx), lookback=3, skip=1).tolist()
    [nan, nan, 3.0, 5.0, 7.0, 9.0]
    """
    if not (isinstance(skip, int) and isinstance(lookback, int) and 0 <= skip < lookback):
        raise ValueError(
            f"need integers `lookback` > `skip` >= 0, got lookback={lookback!r}, skip={skip!r}"
        )
    r = check_daily_series(spread, "spread")
    return r.rolling(lookback - skip).sum().shift(skip).rename("spread_trend")


def rates_rule(
    dgs10: pd.Series,
    *,
    window: int = 63,
    release_lag: str | None = "1B",
    index: pd.DatetimeIndex | None = None,
) -> pd.Series:
    """Change in the 10-year yield over ``window`` business days, as known at each date.

    Parameters
    ----------
    dgs10 : Series
        The 10-year Treasury yield (percent) by observation date (FRED ``DGS10``; NaN for
        holidays is fine).
    window : int
        Business days (rows of the output index) between the two known values (>= 1).
    release_lag : str or None
        Offset from an observation to its first usable business day (``"1B"``, as in the
        configuration); None when ``dgs10`` is already point-in-time (e.g. a column of
        ``data.pit.macro_known_at``), then only the change is taken.
    index : DatetimeIndex, optional
        Dates wanted; default the business days from the first to the last release.

    Returns
    -------
    Series
        ``rates_rule`` in percentage points: the latest value released by t minus the
        latest released by the date ``window`` rows earlier.

    Timing
    ------
    An observation dated d is used from ``d + release_lag`` (rolled to a business day).

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=4)
    >>> rates_rule(pd.Series([4.0, 4.1, 4.3, 4.2], index=idx), window=1).round(2).tolist()
    [nan, 0.1, 0.2, -0.1]
    """
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"`window` must be an integer >= 1, got {window!r}")
    y = check_daily_series(dgs10, "dgs10").dropna()
    if y.empty:
        raise DataError("no observations", source="dgs10")
    if release_lag is None:
        known = y if index is None else y.reindex(pd.DatetimeIndex(index)).ffill()
    else:
        avail = available_date(y.index, release_lag)
        idx = (
            pd.bdate_range(avail[0], avail[-1], name="date")
            if index is None
            else pd.DatetimeIndex(index)
        )
        pos = avail.searchsorted(idx, side="right") - 1
        vals = np.where(pos >= 0, y.to_numpy()[pos.clip(min=0)], np.nan)
        known = pd.Series(vals, index=idx)
    return (known - known.shift(window)).rename("rates_rule")


def nested_given_rival(
    target: pd.Series,
    factor: pd.Series,
    rival: pd.Series,
    *,
    horizon: int,
    rival_name: str | None = None,
) -> dict[str, object]:
    """OLS of the h-day forward spread return on the factor and a rival, Newey–West t's.

    Parameters
    ----------
    target : Series
        The h-day forward spread return at each date t, ``r_{t+1} + ... + r_{t+h}`` (e.g.
        :func:`signals.forecast.forward_target` or the ``realized`` column of the
        forecasts), *not* the daily spread return.
    factor, rival : Series
        Regressors known at close t (e.g. :func:`spread_trend`, :func:`rates_rule`).
    horizon : int
        h (>= 1); Newey–West errors with ``horizon`` lags (the overlap spans h - 1).
    rival_name : str, optional
        Label of the rival in the result (default ``rival.name``).

    Returns
    -------
    dict
        ``rival, horizon, beta_factor, t_factor, beta_rival, t_rival, n``: raw slopes (units
        of the target per unit of each regressor), their HAC t-statistics and the complete
        rows used. NaN slopes with fewer than 10 rows or a constant regressor.

    Timing
    ------
    A full-sample test; overlapping targets and persistent regressors make the NW t's
    liberal (see :mod:`signals.predictive`), so read a surviving factor slope with care.
    """
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ValueError(f"`horizon` must be an integer >= 1, got {horizon!r}")
    name = rival_name if rival_name is not None else str(rival.name)
    d = pd.concat(
        {
            "y": check_daily_series(target, "target"),
            "x": check_daily_series(factor, "factor"),
            "z": check_daily_series(rival, "rival"),
        },
        axis=1,
    ).dropna()
    n = len(d)
    nan = float("nan")
    out: dict[str, object] = {"rival": name, "horizon": int(horizon)}
    if n < 10 or not (d["x"].std() > 0 and d["z"].std() > 0):
        out.update(beta_factor=nan, t_factor=nan, beta_rival=nan, t_rival=nan, n=n)
        return out
    X = add_constant(d[["x", "z"]].to_numpy(), has_constant="add")
    fit = OLS(d["y"].to_numpy(), X).fit(cov_type="HAC", cov_kwds={"maxlags": int(horizon)})
    params, tvalues = np.asarray(fit.params), np.asarray(fit.tvalues)
    out.update(
        beta_factor=float(params[1]),
        t_factor=float(tvalues[1]),
        beta_rival=float(params[2]),
        t_rival=float(tvalues[2]),
        n=n,
    )
    return out

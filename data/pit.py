"""Point-in-time helpers: when an observation becomes usable.

Rules (DESIGN.md, "Point-in-time rules"): a filing is tradable on the business day after its
filing date; a macro observation for date d is usable from ``d + lag`` rolled forward to a
business day, with a lag that is never zero. Business days are Monday to Friday (holidays
ignored, see :mod:`data.calendar`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset
from pandas.tseries.offsets import BDay

from data.config import Config
from data.errors import ConfigError, DataError
from data.tables import validate_wide


def next_business_day(ts: str | pd.Timestamp | pd.DatetimeIndex) -> pd.Timestamp | pd.DatetimeIndex:
    """Return the first business day strictly after ``ts`` (dates; times are dropped).

    Examples
    --------
    >>> next_business_day("2024-01-05")  # a Friday
    Timestamp('2024-01-08 00:00:00')
    >>> next_business_day("2024-01-06")  # a Saturday
    Timestamp('2024-01-08 00:00:00')
    """
    if isinstance(ts, pd.DatetimeIndex):
        return (ts.normalize() + BDay(1)).rename(ts.name)
    return pd.Timestamp(ts).normalize() + BDay(1)


def roll_to_business_day(dates: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Move weekend dates forward to Monday; business days stay (dates are normalized)."""
    d = pd.DatetimeIndex(dates).normalize()
    return pd.DatetimeIndex(np.where(d.day_of_week >= 5, d + BDay(0), d), name=d.name)


def _lag_offset(lag: str, *, what: str) -> pd.DateOffset:
    try:
        off = to_offset(lag)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{what}: lag {lag!r} is not a pandas offset such as '1B'") from exc
    if getattr(off, "n", 0) < 1:
        raise ConfigError(f"{what}: lag must be positive (never zero), got {lag!r}")
    return off


def available_date(obs_dates: Iterable | pd.DatetimeIndex, lag: str) -> pd.DatetimeIndex:
    """Return the first business day each observation may be used on.

    Parameters
    ----------
    obs_dates : DatetimeIndex or iterable of dates
        Observation dates.
    lag : str
        A positive pandas offset such as ``"1B"``, ``"2B"``, ``"10D"``.

    Returns
    -------
    DatetimeIndex
        ``obs + lag``, rolled forward to a business day; always after the observation date.

    Timing
    ------
    Daily Treasury data for d (lag ``1B``) is used from the next business day; the H.4.1
    Wednesday level (lag ``2B``) from Friday.

    Examples
    --------
    >>> list(available_date(pd.to_datetime(["2024-01-03", "2024-01-05"]), "2B").date)
    [datetime.date(2024, 1, 5), datetime.date(2024, 1, 9)]
    """
    off = _lag_offset(lag, what="available_date")
    obs = pd.DatetimeIndex(obs_dates).normalize()
    return roll_to_business_day(obs + off)


def macro_known_at(
    macro: pd.DataFrame, cfg: Config, index: pd.DatetimeIndex
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return, for each date of ``index``, the latest released value of every series.

    Parameters
    ----------
    macro : DataFrame
        Raw macro table: DatetimeIndex ``date`` = observation date, one column per series
        (NaN = no observation).
    cfg : Config
        Gives each series' release lag (``[macro.series.<ID>] lag``).
    index : DatetimeIndex
        The dates at which the values are wanted (usually business days).

    Returns
    -------
    values : DataFrame
        ``index`` x series: the value of the latest observation whose release date
        (observation date + lag, rolled to a business day) is on or before the date;
        NaN before the first release.
    age_days : DataFrame
        Same shape: calendar days between the date and that observation's date. A series
        that ends early keeps its last value and its age keeps growing; callers decide when
        it is too stale.

    Raises
    ------
    ConfigError
        A column has no lag in the configuration, or its lag is not positive.

    Timing
    ------
    Nothing observed or released after a date is used at that date: changing the raw table
    after t leaves every row at or before t unchanged.
    """
    macro = validate_wide(macro, "macro")
    idx = pd.DatetimeIndex(index)
    if idx.tz is not None:
        raise DataError("`index` must be tz-naive", source="macro_known_at")
    values = pd.DataFrame(index=idx, columns=macro.columns, dtype="float64")
    ages = pd.DataFrame(index=idx, columns=macro.columns, dtype="float64")
    for col in macro.columns:
        spec = cfg.macro.series.get(col)
        if spec is None or "lag" not in spec:
            raise ConfigError(
                f"macro series `{col}` has no release lag in [macro.series]; add "
                f'[macro.series.{col}] lag = "1B" (never zero)'
            )
        s = macro[col].dropna()
        if s.empty:
            continue
        avail = available_date(s.index, spec["lag"])
        # release dates are non-decreasing in observation date: the last observation released
        # on or before t is at position searchsorted(t, right) - 1
        pos = avail.searchsorted(idx, side="right") - 1
        ok = pos >= 0
        p = pos.clip(min=0)
        vals = np.where(ok, s.to_numpy()[p], np.nan)
        age = np.where(ok, (idx - s.index[p]).days.to_numpy(dtype="float64"), np.nan)
        values[col] = vals
        ages[col] = age
    values.index.name = ages.index.name = "date"
    return values, ages


def cash_rate_known_at(
    macro: pd.DataFrame, cfg: Config, index: pd.DatetimeIndex
) -> tuple[pd.Series | None, list[str]]:
    """Return the cash rate (annual percent) known at each date, and notes on fallbacks.

    The rate is ``[costs] cash_rate_series`` (DFF by default) while its latest released
    observation is at most ``cash_rate_stale_days`` old; where it is staler (the series
    ended, or has a long hole) the first fresh series of ``cash_rate_fallback`` (EFFR, then
    IORB) that is loaded takes over; where none is fresh the stalest-but-latest value of the
    primary is kept. Dates with no released value at all are 0.

    Returns
    -------
    rate : Series or None
        ``index`` -> percent; None when no cash series is configured or loaded.
    notes : list of str
        One note per switch to a fallback (the dates it covers), and one when every series
        is stale.

    Timing
    ------
    Each value is released (``macro_known_at``) on or before its date.
    """
    c = cfg.costs
    names = [str(c.cash_rate_series)] if c.cash_rate_series else []
    names += [str(n) for n in c.get("cash_rate_fallback", ()) if str(n) not in names]
    names = [n for n in names if n in macro.columns and n in cfg.macro.series]
    if not names:
        return None, []
    limit = float(c.get("cash_rate_stale_days", 10))
    values, ages = macro_known_at(macro[names], cfg, index)
    fresh = ages <= limit
    rate = values[names[0]].where(fresh[names[0]])
    used = pd.Series(names[0], index=values.index, dtype=object).where(fresh[names[0]])
    for n in names[1:]:
        take = rate.isna() & fresh[n]
        rate = rate.where(~take, values[n])
        used = used.where(~take, n)
    notes = []
    for n in names[1:]:
        on = used == n
        if on.any():
            days = used.index[on.to_numpy()]
            notes.append(
                f"cash rate: {names[0]} is stale (older than {limit:g} days) on {int(on.sum())} "
                f"day(s) from {days[0].date()}; {n} used there"
            )
    stale = rate.isna() & values[names[0]].notna()
    if stale.any():
        first = stale.index[stale.to_numpy()][0]
        notes.append(
            f"cash rate: every series in {names} is stale on {int(stale.sum())} day(s) from "
            f"{first.date()}; the last {names[0]} value is kept"
        )
    rate = rate.where(~stale, values[names[0]]).fillna(0.0).rename(names[0])
    return rate, notes

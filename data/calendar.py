"""Business-day calendar and the sampling of 7-day (crypto) prices onto it.

The calendar is pandas' ``BDay``: Monday to Friday. Exchange holidays (New Year, Good
Friday, Thanksgiving, ...) are **ignored**: they are business days here, and an equity price
on such a day is the last close before it (a zero return), which keeps every business day
in every table without inventing a holiday calendar that would differ between exchanges.
"""

from __future__ import annotations

import pandas as pd

from data.errors import DataError
from data.tables import validate_wide


def business_days(start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.DatetimeIndex:
    """Return the business days (Monday to Friday, holidays ignored) from start to end.

    Parameters
    ----------
    start, end : str or Timestamp
        Inclusive bounds; times of day are dropped.

    Returns
    -------
    DatetimeIndex
        Named ``date``, tz-naive, sorted.

    Examples
    --------
    >>> list(business_days("2024-01-05", "2024-01-09").day_name())
    ['Friday', 'Monday', 'Tuesday']
    """
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if hi < lo:
        raise DataError(f"`end` ({hi.date()}) is before `start` ({lo.date()})", source="calendar")
    return pd.bdate_range(lo, hi, name="date")


def to_business_days(prices: pd.DataFrame, *, max_stale_days: int = 7) -> pd.DataFrame:
    """Sample a wide price table on business days.

    Each column's value on business day d is its last observation on or before d, so:
    equities (5-day) keep their own rows, a holiday repeats the previous close, and crypto
    (7-day) takes Friday's close on Friday and Monday's close on Monday, so the weekend's move
    lands in Monday's return. A value older than ``max_stale_days`` calendar days is not
    carried (NaN), so a ticker that stops trading is not extended, and a ticker is NaN before
    its first observation.

    Parameters
    ----------
    prices : DataFrame
        Wide price table, DatetimeIndex ``date`` (any days, including weekends).
    max_stale_days : int, keyword-only
        Longest gap (calendar days) a value is carried over; default 7.

    Returns
    -------
    DataFrame
        Same columns, indexed by the business days from the first to the last input date.

    Timing
    ------
    A value on business day d was observed on or before d. Crypto closes are stamped at
    00:00 UTC of the next day (about three hours after the US equity close); that small
    offset is accepted and documented here.

    Examples
    --------
    >>> idx = pd.to_datetime(["2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08"])
    >>> px = pd.DataFrame({"BTC-USD": [1.0, 2.0, 3.0, 4.0]}, index=idx.rename("date"))
    >>> to_business_days(px)["BTC-USD"].tolist()
    [1.0, 4.0]
    """
    if max_stale_days < 0:
        raise DataError(f"`max_stale_days` must be >= 0, got {max_stale_days}", source="calendar")
    prices = validate_wide(prices, "prices")
    if prices.empty:
        return prices.reindex(pd.DatetimeIndex([], name="date"))
    days = business_days(prices.index[0], prices.index[-1])
    out = {}
    for col in prices.columns:
        s = prices[col].dropna()
        if s.empty:
            out[col] = pd.Series(float("nan"), index=days)
            continue
        pos = s.index.searchsorted(days, side="right") - 1
        valid = pos >= 0
        vals = pd.Series(float("nan"), index=days)
        obs_dates = s.index[pos.clip(min=0)]
        age = (days - obs_dates).days
        keep = valid & (age <= max_stale_days)
        vals[keep] = s.to_numpy()[pos[keep]]
        out[col] = vals
    result = pd.DataFrame(out, index=days, columns=prices.columns)
    result.attrs.update(prices.attrs)
    return result

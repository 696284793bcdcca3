"""Exchange calendar, the sampling of 7-day (crypto) prices onto it, and stale tails.

Equities and ETFs trade on the NYSE calendar (``exchange_calendars``, ``XNYS``; config
``[data] calendar``): exchange holidays (New Year, Good Friday, Independence Day,
Thanksgiving, ...) are **not** rows of the price table, so no equity ever "fills" at a stale
close on a closed day. Crypto trades every calendar day and is sampled at each session (its
close of that date). Dates outside the calendar's range fall back to Monday-Friday.

A column is carried forward at most its staleness limit (``[data.staleness_days]`` per
asset class), and :func:`fresh_end` gives the last session on which every counted ticker
still has a fresh price: the backtest ends there.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Mapping, Sequence

import pandas as pd

from data.errors import DataError
from data.tables import validate_wide

DEFAULT_CALENDAR = "XNYS"


@functools.lru_cache(maxsize=8)
def _sessions(name: str) -> tuple[pd.DatetimeIndex, pd.Timestamp, pd.Timestamp]:
    """All sessions of an exchange calendar (tz-naive) and its first and last session."""
    import exchange_calendars as xcals

    with warnings.catch_warnings():  # the library's own pandas deprecation chatter
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        cal = xcals.get_calendar(name, start="1990-01-01")
        sessions = pd.DatetimeIndex(cal.sessions)
    if sessions.tz is not None:
        sessions = sessions.tz_localize(None)
    sessions = sessions.as_unit("ns")
    return sessions, sessions[0], sessions[-1]


def trading_days(
    start: str | pd.Timestamp, end: str | pd.Timestamp, calendar: str = DEFAULT_CALENDAR
) -> pd.DatetimeIndex:
    """Return the sessions of ``calendar`` from start to end (inclusive), named ``date``.

    Parts of the range outside the calendar's bounds are Monday to Friday.

    Examples
    --------
    >>> [d.day for d in trading_days("2023-07-03", "2023-07-06")]  # July 4th is closed
    [3, 5, 6]
    """
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if hi < lo:
        raise DataError(f"`end` ({hi.date()}) is before `start` ({lo.date()})", source="calendar")
    if not calendar or calendar.upper() in ("BDAY", "WEEKDAYS"):
        return pd.bdate_range(lo, hi, name="date")
    sessions, first, last = _sessions(calendar)
    parts = []
    if lo < first:
        parts.append(pd.bdate_range(lo, min(hi, first - pd.Timedelta(days=1))))
    a, b = max(lo, first), min(hi, last)
    if a <= b:
        parts.append(sessions[sessions.searchsorted(a) : sessions.searchsorted(b, side="right")])
    if hi > last:
        parts.append(pd.bdate_range(max(lo, last + pd.Timedelta(days=1)), hi))
    out = parts[0].append(parts[1:]) if parts else pd.DatetimeIndex([])
    return pd.DatetimeIndex(out, name="date").as_unit("ns")


def fresh_end(
    prices: pd.DataFrame, tickers: Sequence[str]
) -> tuple[pd.Timestamp | None, list[str]]:
    """Return the last date on which every counted ticker has a (fresh) price, and notes.

    A ticker counts when it is a column with at least one price. Prices are expected as
    :func:`to_business_days` returns them: never carried past a column's last observation,
    so a column's last valid date is its last real price.

    Parameters
    ----------
    prices : DataFrame
        Sampled price table.
    tickers : sequence of str
        The tickers that must all have a price (the basket members).

    Returns
    -------
    end : Timestamp or None
        That date (None when no ticker counts).
    notes : list of str
        One note when the table runs past ``end``: which tickers end it, which run on.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=4, name="date")
    >>> px = pd.DataFrame({"A": [1, 2, 3, 4.0], "B": [1, 2, None, None]}, index=idx)
    >>> fresh_end(px, ["A", "B"])[0].day
    2
    """
    last = {}
    for t in tickers:
        if t in prices.columns:
            d = prices[t].last_valid_index()
            if d is not None:
                last[t] = pd.Timestamp(d)
    if not last:
        return None, []
    end = min(last.values())
    newest = prices.index[-1] if len(prices) else end
    notes = []
    if newest > end:
        short = sorted(t for t, d in last.items() if d == end)
        longer = sorted(t for t, d in last.items() if d > end)
        notes.append(
            f"prices: the backtest ends {end.date()}, the last date with a fresh price for "
            f"every basket member ({', '.join(short)} end there); data of "
            f"{', '.join(longer) or 'other tickers'} up to {newest.date()} is not used"
        )
    return end, notes


def staleness_limits(
    columns: Sequence[str], crypto: Sequence[str], limits: Mapping[str, int]
) -> dict[str, int]:
    """Per column, the days a price may be carried: ``limits["crypto"]`` or ``["equity"]``."""
    c = set(crypto)
    return {col: int(limits.get("crypto" if col in c else "equity", 7)) for col in columns}


def business_days(
    start: str | pd.Timestamp, end: str | pd.Timestamp, calendar: str = DEFAULT_CALENDAR
) -> pd.DatetimeIndex:
    """Return the trading days from start to end (see :func:`trading_days`).

    Parameters
    ----------
    start, end : str or Timestamp
        Inclusive bounds; times of day are dropped.
    calendar : str
        An ``exchange_calendars`` name (default ``XNYS``); ``"BDAY"`` for Monday-Friday.

    Returns
    -------
    DatetimeIndex
        Named ``date``, tz-naive, sorted.

    Examples
    --------
    >>> list(business_days("2024-01-05", "2024-01-09").day_name())
    ['Friday', 'Monday', 'Tuesday']
    """
    return trading_days(start, end, calendar)


def to_business_days(
    prices: pd.DataFrame,
    *,
    max_stale_days: int = 7,
    limits: Mapping[str, int] | None = None,
    calendar: str = DEFAULT_CALENDAR,
) -> pd.DataFrame:
    """Sample a wide price table on the trading days of ``calendar``.

    Each column's value on session d is its last observation on or before d, so equities
    keep their own rows (a closed day is not a row at all) and crypto (7-day) takes each
    session's date's close: Friday's close on Friday and Monday's close on Monday, so the
    weekend's move lands in Monday's return. Inside a column's history a value older than
    its limit (``limits[col]``, else ``max_stale_days``) calendar days is not carried (NaN);
    after the column's last observation nothing is carried at all, so a ticker whose file
    ends early is not extended (its tail is stale, see :func:`fresh_end`), and a ticker is
    NaN before its first observation.

    Parameters
    ----------
    prices : DataFrame
        Wide price table, DatetimeIndex ``date`` (any days, including weekends).
    max_stale_days : int, keyword-only
        Longest gap (calendar days) a value is carried over; default 7.
    limits : mapping, keyword-only, optional
        Per-column limits overriding ``max_stale_days`` (see :func:`staleness_limits`).
    calendar : str, keyword-only
        Exchange calendar of the rows (default ``XNYS``; ``"BDAY"``: Monday to Friday).

    Returns
    -------
    DataFrame
        Same columns, indexed by the sessions from the first to the last input date.

    Timing
    ------
    A value on session d was observed on or before d. Crypto closes are stamped at
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
    days = trading_days(prices.index[0], prices.index[-1], calendar)
    limits = dict(limits or {})
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
        limit = int(limits.get(col, max_stale_days))
        keep = valid & (age <= limit) & (days <= s.index[-1])  # never past its last price
        vals[keep] = s.to_numpy()[pos[keep]]
        out[col] = vals
    result = pd.DataFrame(out, index=days, columns=prices.columns)
    result.attrs.update(prices.attrs)
    return result

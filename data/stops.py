"""Members whose prices stop: a ticker's data ends while the table runs on.

A ticker *stops* when its last price is older than its staleness limit
(``[data.staleness_days]``: ``crypto`` or ``equity`` calendar days) at the last price of its
own asset class (another basket member of that class runs on). A shorter tail, or a whole
class ending early, is a ragged edge, not a stop: crypto trades 7 days and equities 5, and a
file fetched a day earlier than another leaves the last row or two empty; those tails end the
backtest (:func:`data.calendar.fresh_end`) instead. A stopped member stays in its basket until
its last price is older than its limit, the first date the stop is known, and leaves it after
that date (:attr:`backtests.rotation.prices.Prices.leaves`,
:func:`backtests.rotation.baskets.active_members`); its last price is carried, so it earns
nothing in between.

Timing
------
Whether a tail is a stop is decided at the table's end, but it acts only from the date the
stop would be known at the time (last price + limit): no membership decision uses the fact
that no later price comes before that fact was visible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from data.calendar import fresh_end, staleness_limits
from data.config import Config
from data.errors import DataError

__all__ = [
    "basket_tickers",
    "member_notes",
    "price_stops",
    "stop_limits",
    "stop_notes",
    "stops_for",
]

DEFAULT_LIMIT = 7
"""Calendar days a price may be old at the table's end when no limit is given."""


def price_stops(
    prices: pd.DataFrame,
    tickers: Sequence[str],
    limits: Mapping[str, int] | None = None,
    classes: Mapping[str, str] | None = None,
) -> dict[str, pd.Timestamp]:
    """Return the tickers whose prices stop before the table ends, with their last price date.

    Parameters
    ----------
    prices : DataFrame
        Wide price table, DatetimeIndex ``date`` (as :func:`data.calendar.to_business_days`
        returns it: never carried past a column's last observation).
    tickers : sequence of str
        The tickers to look at (a ticker without a column or without any price is skipped).
    limits : mapping of str to int, optional
        Per ticker, the calendar days its last price may be old at the table's last date
        (:func:`stop_limits`); default :data:`DEFAULT_LIMIT`.
    classes : mapping of str to str, optional
        Per ticker, its asset class (``equity``, ``crypto``). With classes, a ticker's tail is
        measured against the last price of its own class among ``tickers``, not the table's
        end: when every equity file ends early (a mirror fetched before the crypto files),
        that is a ragged edge that ends the backtest, not a stop of each equity.

    Returns
    -------
    dict of str to Timestamp
        Ticker -> date of its last price, for each ticker whose last price is more than its
        limit older than ``prices.index[-1]``; in the order of ``tickers``.

    Raises
    ------
    DataError
        When a limit is negative (the message names the ticker).

    Examples
    --------
    >>> idx = pd.to_datetime(["2024-01-05", "2024-01-08", "2024-01-09", "2024-01-16"])
    >>> px = pd.DataFrame(
    ...     {"A": [1.0, 2.0, 3.0, 4.0], "B": [1.0, 2.0, None, None], "C": [1.0, 2, 3, None]},
    ...     index=idx.rename("date"),
    ... )
    >>> {t: str(d.date()) for t, d in price_stops(px, ["A", "B", "C"], {"C": 7}).items()}
    {'B': '2024-01-08'}
    """
    limits = dict(limits or {})
    if not len(prices):
        return {}
    table_end = pd.Timestamp(prices.index[-1])
    lasts = {
        t: prices[t].last_valid_index()
        for t in dict.fromkeys(tickers)
        if t in prices.columns and prices[t].last_valid_index() is not None
    }
    class_end: dict[str, pd.Timestamp] = {}
    for t, last in lasts.items():
        k = (classes or {}).get(t)
        if k is not None:
            class_end[k] = max(class_end.get(k, pd.Timestamp(last)), pd.Timestamp(last))
    out: dict[str, pd.Timestamp] = {}
    for t, last in lasts.items():
        k = (classes or {}).get(t)
        end = class_end[k] if k is not None else table_end
        limit = int(limits.get(t, DEFAULT_LIMIT))
        if limit < 0:
            raise DataError(f"staleness limit of {t} must be >= 0, got {limit}", source="config")
        if (end - pd.Timestamp(last)).days > limit:
            out[t] = pd.Timestamp(last)
    return out


def basket_tickers(cfg: Config) -> list[str]:
    """Members of every basket: the main near and long baskets and ``[universe.robustness]``."""
    seen = dict.fromkeys((*cfg.universe.near, *cfg.universe.long))
    for side in cfg.robustness_baskets.values():
        for names in side.values():
            seen.update(dict.fromkeys(names))
    return list(seen)


def stop_limits(cfg: Config, tickers: Sequence[str]) -> dict[str, int]:
    """Per ticker, its staleness limit in calendar days (``[data.staleness_days]``)."""
    return staleness_limits(tickers, cfg.data.crypto, cfg.data.get("staleness_days", {}))


def stops_for(prices: pd.DataFrame, cfg: Config) -> dict[str, pd.Timestamp]:
    """Return :func:`price_stops` of every basket member (:func:`basket_tickers`) of ``cfg``."""
    tickers = basket_tickers(cfg)
    classes = {t: "crypto" if t in cfg.data.crypto else "equity" for t in tickers}
    return price_stops(prices, tickers, stop_limits(cfg, tickers), classes)


def stop_notes(
    stops: Mapping[str, pd.Timestamp], index: pd.DatetimeIndex, limits: Mapping[str, int]
) -> list[str]:
    """One data note per stopped ticker: its last price, the table's end, the day it leaves.

    Parameters
    ----------
    stops : mapping of str to Timestamp
        From :func:`price_stops`.
    index : DatetimeIndex
        The table's dates (the session after the last price is the first one without it).
    limits : mapping of str to int
        The limits the stops were found with (named in the note).
    """
    notes = []
    end = index[-1].date() if len(index) else None
    for t, last in stops.items():
        known = pd.Timestamp(last) + pd.Timedelta(days=int(limits.get(t, DEFAULT_LIMIT)))
        after = index[index > known]
        leaves = f"from {after[0].date()}" if len(after) else "after it"
        notes.append(
            f"prices: {t} stops on {last.date()} (more than {int(limits.get(t, DEFAULT_LIMIT))} "
            f"days before the table's last date {end}); once that is known it leaves its basket "
            f"{leaves}, its position closed at its last price"
        )
    return notes


def member_notes(prices: pd.DataFrame, cfg: Config, counted: Sequence[str]) -> list[str]:
    """Return the data notes on basket members at the table's end.

    One note per stopped member of any basket (:func:`stop_notes`), then the note of
    :func:`data.calendar.fresh_end` over ``counted`` (the main baskets' members) less the
    stopped ones: the tickers whose ragged tail ends the backtest.
    """
    stops = stops_for(prices, cfg)
    notes = stop_notes(stops, prices.index, stop_limits(cfg, list(stops)))
    return notes + fresh_end(prices, [t for t in counted if t not in stops])[1]

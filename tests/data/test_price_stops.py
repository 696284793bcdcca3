"""Members whose prices stop: a stop is a tail older than the staleness limit, not a weekend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.calendar import to_business_days
from data.errors import DataError
from data.stops import basket_tickers, member_notes, price_stops, stop_notes, stops_for


def _table(last: dict[str, str], end: str, start: str = "2025-09-01") -> pd.DataFrame:
    """Daily raw prices (7 days a week) per ticker up to its own last date, sampled on XNYS."""
    cols = {}
    for t, d in last.items():
        idx = pd.date_range(start, d, freq="D", name="date")
        cols[t] = pd.Series(np.linspace(100.0, 110.0, len(idx)), index=idx)
    raw = pd.DataFrame(cols).reindex(pd.date_range(start, end, freq="D", name="date"))
    return to_business_days(raw, limits={"BTC-USD": 3, "ETH-USD": 3, "MU": 5, "SPY": 5})


LIMITS = {"BTC-USD": 3, "ETH-USD": 3, "MU": 5, "SPY": 5}


def test_a_weekend_or_a_ragged_day_is_not_a_stop():
    # Friday 2026-01-30: crypto file ends Saturday, the table ends on Monday 2026-02-02
    px = _table({"BTC-USD": "2026-01-31", "MU": "2026-02-02"}, "2026-02-02", "2026-01-01")
    assert px["BTC-USD"].last_valid_index() == pd.Timestamp("2026-01-30")  # sampled Friday
    assert price_stops(px, ["BTC-USD", "MU"], LIMITS) == {}
    # an equity one session short (fetched a day earlier) is a ragged edge, not a stop
    px = _table({"SPY": "2026-01-30", "MU": "2026-02-02"}, "2026-02-02", "2026-01-01")
    assert price_stops(px, ["SPY", "MU"], LIMITS) == {}


def test_a_tail_older_than_the_limit_is_a_stop_with_its_last_date():
    px = _table(
        {"BTC-USD": "2026-01-30", "ETH-USD": "2025-09-29", "MU": "2026-01-30"}, "2026-01-30"
    )
    stops = price_stops(px, ["MU", "ETH-USD", "BTC-USD", "ABSENT"], LIMITS)
    assert stops == {"ETH-USD": pd.Timestamp("2025-09-29")}
    # the limit decides: 4 calendar days old is a stop for crypto (3), not for equity (5)
    px = _table({"ETH-USD": "2026-01-26", "MU": "2026-01-26", "SPY": "2026-01-30"}, "2026-01-30")
    assert set(price_stops(px, ["ETH-USD", "MU"], LIMITS)) == {"ETH-USD"}
    with pytest.raises(DataError, match="ETH-USD must be >= 0, got -1"):
        price_stops(px, ["ETH-USD"], {"ETH-USD": -1})


def test_notes_name_the_ticker_its_last_price_and_the_day_it_leaves(cfg):
    px = _table(
        {"BTC-USD": "2026-01-30", "ETH-USD": "2025-09-29", "MU": "2026-01-30"}, "2026-01-30"
    )
    assert {"ETH-USD", "MU", "BTC-USD"} <= set(basket_tickers(cfg))  # robustness members too
    stops = stops_for(px, cfg)
    assert stops == {"ETH-USD": pd.Timestamp("2025-09-29")}
    (note,) = stop_notes(stops, px.index, {"ETH-USD": 3})
    assert "ETH-USD stops on 2025-09-29" in note
    # known on 2025-10-02 (last price + 3 days): out from the next session, 2025-10-03
    assert "leaves its basket from 2025-10-03" in note and "2026-01-30" in note
    # a stopped member does not end the backtest: no fresh-end note, only the stop note
    notes = member_notes(px, cfg, ["MU", "BTC-USD", "ETH-USD"])
    assert notes == [note]

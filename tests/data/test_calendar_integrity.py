"""Exchange calendar, stale tails and the cash-rate fallback (issue 14, classes 7 and 8)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.cache import Cache
from data.calendar import fresh_end, trading_days
from data.loaders import load_market
from data.pit import cash_rate_known_at

# NYSE full-day closures of 2024 (nyse.com holiday table, typed by hand)
NYSE_2024 = [
    "2024-01-01", "2024-01-15", "2024-02-19", "2024-03-29", "2024-05-27", "2024-06-19",
    "2024-07-04", "2024-09-02", "2024-11-28", "2024-12-25",
]  # fmt: skip


def test_nyse_sessions_of_2024_match_the_holiday_table():
    days = trading_days("2024-01-01", "2024-12-31")
    weekdays = pd.bdate_range("2024-01-01", "2024-12-31")
    assert len(days) == len(weekdays) - len(NYSE_2024) == 252
    assert set(weekdays.difference(days)) == set(pd.to_datetime(NYSE_2024))


def test_no_equity_fill_on_a_closed_day(tiny_mirror, cfg, tmp_path):
    md = load_market(cfg, "mirror", mirror=tiny_mirror, cache=Cache(tmp_path / "c"))
    idx = md.prices.index
    for d in ("2024-01-15", "2024-02-19", "2024-03-29"):  # MLK, Presidents, Good Friday
        assert pd.Timestamp(d) not in idx
    btc = pd.read_csv(tiny_mirror / "prices" / "BTC-USD.csv", index_col=0, parse_dates=True)
    spy = pd.read_csv(tiny_mirror / "prices" / "SPY.csv", index_col=0, parse_dates=True)
    tue = pd.Timestamp("2024-01-16")
    assert md.prices.loc[tue, "BTC-USD"] == pytest.approx(btc.loc[tue, "Close"])  # at the close
    ret = md.prices["SPY"].pct_change().loc[tue]
    # Tuesday's equity return spans Friday -> Tuesday; the mirror's Monday row is dropped
    assert ret == pytest.approx(spy.loc[tue, "Close"] / spy.loc["2024-01-12", "Close"] - 1)


def test_stale_tail_ends_the_period(tiny_mirror, cfg, tmp_path):
    for t in cfg.tickers:
        if t in cfg.data.crypto:
            continue
        p = tiny_mirror / "prices" / f"{t}.csv"
        lines = p.read_text().splitlines()
        body = [ln for ln in lines[1:] if ln[:10] <= "2024-03-08"]
        p.write_text("\n".join([lines[0], *body]) + "\n")
    md = load_market(cfg, "mirror", mirror=tiny_mirror, cache=Cache(tmp_path / "c"))
    assert md.prices.index[-1] == pd.Timestamp("2024-03-28")  # crypto runs on
    assert md.prices.loc["2024-03-11":, "MU"].isna().all()  # no carried equity close
    end, notes = fresh_end(md.prices, [*cfg.universe.near, *cfg.universe.long])
    assert end == pd.Timestamp("2024-03-08")
    assert any("backtest ends 2024-03-08" in g and "BTC-USD up to 2024-03-28" in g for g in md.gaps)

    from backtests.study.window import backtest_window

    short = cfg.replace(run={"start": "2024-01-01"})
    window = backtest_window(md.prices, short)
    assert window.index[-1] == pd.Timestamp("2024-03-08")


def _macro(index, **cols):
    return pd.DataFrame(cols, index=pd.DatetimeIndex(index, name="date"))


def test_cash_rate_falls_back_to_iorb_when_dff_ends(cfg):
    days = pd.bdate_range("2025-09-01", "2025-11-28", name="date")
    dff = pd.Series(4.33, index=days).where(days <= "2025-10-02")
    iorb = pd.Series(4.40, index=days)
    macro = _macro(days, DFF=dff.to_numpy(), IORB=iorb.to_numpy())
    rate, notes = cash_rate_known_at(macro, cfg, days)
    # DFF known with a one-business-day lag: its last value (10-02) is usable until it is
    # more than 10 calendar days old, i.e. through 2025-10-12
    assert (rate.loc[:"2025-10-10"].iloc[1:] == 4.33).all()
    assert (rate.loc["2025-10-13":] == 4.40).all()
    assert notes and "DFF is stale" in notes[0] and "IORB used" in notes[0]
    assert "from 2025-10-13" in notes[0]
    # without a fallback the last DFF value is kept, and said so
    only = cfg.replace(costs={"cash_rate_fallback": []})
    rate2, notes2 = cash_rate_known_at(macro[["DFF"]], only, days)
    assert np.allclose(rate2.loc["2025-10-13":], 4.33)
    assert "every series in ['DFF'] is stale" in notes2[0]

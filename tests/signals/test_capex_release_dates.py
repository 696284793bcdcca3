"""Capex events on the real mirror are dated by the earnings releases of the SEC index."""

from __future__ import annotations

import datetime as dt
import warnings
from zoneinfo import ZoneInfo

import exchange_calendars as xcals
import pandas as pd
import pytest

from data.assemble import assemble
from data.collect import collect_mirror
from data.sources.submissions import read_submissions_dir
from signals.capex import capex_demand, capex_events

TICKERS = ["MSFT", "AMZN", "GOOGL", "META"]
NY = ZoneInfo("America/New_York")


@pytest.fixture(scope="module")
def collected(mirror_dir, cfg):
    return collect_mirror(mirror_dir, cfg, None)


@pytest.fixture(scope="module")
def market(collected, cfg):
    return assemble(collected, cfg, source="mirror", synthetic=False)


def _first_session(accepted: pd.Timestamp, sessions: set[dt.date]) -> dt.date:
    """Reference: the first NYSE session opening (09:30 New York) after ``accepted``."""
    local = accepted.to_pydatetime().astimezone(NY)
    day = local.date()
    if day in sessions and local.time() < dt.time(9, 30):
        return day
    day += dt.timedelta(days=1)
    while day not in sessions:
        day += dt.timedelta(days=1)
    return day


@pytest.mark.slow
def test_events_after_2016_are_dated_at_a_release_never_before(market, mirror_dir, cfg):
    with warnings.catch_warnings():  # the library's own pandas deprecation chatter
        warnings.simplefilter("ignore")
        cal = xcals.get_calendar("XNYS", start="2015-01-01", end="2026-12-31")
        sessions = {d.date() for d in pd.DatetimeIndex(cal.sessions)}
    ev = capex_events(market.capex, TICKERS)
    ev = ev[ev["period_end"] >= "2016-01-01"]
    assert set(ev["ticker"]) == set(TICKERS)
    folder = mirror_dir / "edgar" / "submissions"
    for ticker, group in ev.groupby("ticker"):
        f = read_submissions_dir(folder, cfg.universe.cik[ticker])
        eight_k = f[(f["form"] == "8-K") & f["items"].str.contains("2.02", regex=False)]
        for row in group.itertuples(index=False):
            lo = row.period_end + pd.Timedelta(days=5)
            hi = row.period_end + pd.Timedelta(days=75)
            near = eight_k[(eight_k["filed"] >= lo) & (eight_k["filed"] <= hi)]
            assert len(near), f"{ticker} {row.period_end.date()}: no 2.02 filing in the index"
            allowed = {_first_session(a, sessions) for a in near["accepted_at"]}
            at = row.available_at.date()
            assert at >= min(allowed), f"{ticker} {row.period_end.date()} dated before release"
            assert row.dated_by == "release" and at in allowed, (ticker, row.period_end, at)
            assert _first_session(row.accepted_at, sessions) == at


def _cut(collected, cfg, cut: str):
    """The market assembled from the filings accepted on or before ``cut`` (New York day)."""
    t = pd.Timestamp(cut).tz_localize("America/New_York") + pd.Timedelta(days=1)
    subs = {c: s[s["accepted_at"] < t] for c, s in collected.submissions.items()}
    part = type(collected)(**{**collected.__dict__, "submissions": subs})
    return assemble(part, cfg, source="mirror", synthetic=False)


def _components(md, cfg, idx):
    kw = {"quarters": int(cfg.factor.capex_growth_quarters), "surprise_window_days": 100}
    return capex_demand(md.capex, idx, cfg.universe.hyperscalers, **kw)[0]


# cut dates: the day of a release (MSFT 2019-04-24, AMZN 2024-10-31 evening), between a
# release and its 10-Q (META 2021-01-28 release, 10-Q later), between a quarter end and its
# release, and a quiet mid-quarter day
CUTS = ("2019-04-24", "2021-01-29", "2022-07-10", "2024-10-31", "2025-03-15")


@pytest.mark.slow
@pytest.mark.parametrize("cut", CUTS)
def test_removing_later_filings_leaves_earlier_capex_components_unchanged(
    collected, market, cfg, cut
):
    idx = pd.bdate_range("2016-01-01", cut, name="date")
    a = _components(market, cfg, idx)
    b = _components(_cut(collected, cfg, cut), cfg, idx)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.slow
def test_ambiguous_releases_only_ever_delay_a_quarter(collected, market, cfg):
    """Two 2.02 filings for Alphabet's 2023-03-31 quarter (04-20, a recast; 04-25, the release).

    The rule takes the later one, so with the index cut between them the quarter is dated
    earlier than with the full index: the full run is the conservative one, by design.
    """
    cut = _cut(collected, cfg, "2023-04-22").capex
    key = (market.capex["ticker"] == "GOOGL") & (market.capex["period_end"] == "2023-03-31")
    full_at = market.capex.loc[key, "available_at"].min()
    cut_at = cut.loc[
        (cut["ticker"] == "GOOGL") & (cut["period_end"] == "2023-03-31"), "available_at"
    ].min()
    assert cut_at < full_at == pd.Timestamp("2023-04-26")

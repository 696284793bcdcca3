"""Checks on the real offline mirror (skipped when it is absent)."""

import numpy as np
import pandas as pd
import pytest

from data.fundamentals import as_of, quarterly_from_ytd
from data.loaders import load_market
from data.pit import available_date, macro_known_at, next_business_day
from data.sources.mirror import Mirror

pytestmark = pytest.mark.mirror

META, GOOGLE = "0001326801", "0001288776"


@pytest.fixture(scope="module")
def market(mirror_dir, cfg, tmp_path_factory):
    return load_market(cfg, "mirror", mirror=mirror_dir, cache=tmp_path_factory.mktemp("c"))


def _facts(mirror_dir, cik, ticker):
    return Mirror(mirror_dir).read_edgar([cik], tickers={cik: ticker}, warn=False).items[0].table


def test_every_file_parses(mirror_dir):
    m = Mirror(mirror_dir)
    listing = m.listing()
    prices = m.read_prices(listing["prices"])
    assert len(prices.items) == len(listing["prices"]) > 10
    for it in prices.items:
        col = it.table.iloc[:, 0]
        assert (col > 0).all() and it.table.index.is_monotonic_increasing
    series = m.read_series(listing["fred"])
    assert len(series.items) == len(listing["fred"]) > 10
    edgar = m.read_edgar(listing["edgar"])
    assert {it.name for it in edgar.items} == {META, GOOGLE}
    capex = m.read_capex()
    assert len(capex.items) == len(listing["capex"]) >= 1


def test_meta_quarters_add_back_to_fiscal_years(mirror_dir):
    f = _facts(mirror_dir, META, "META")
    latest = as_of(quarterly_from_ytd(f), "2100-01-01")
    years = f[(f["form"] == "10-K") & ((f["period_end"] - f["period_start"]).dt.days > 350)]
    years = years.sort_values("filed").drop_duplicates(["concept", "period_end"], keep="last")
    checked = 0
    for row in years.itertuples():
        q = latest[
            (latest["concept"] == row.concept)
            & (latest["period_start"] >= row.period_start)
            & (latest["period_end"] <= row.period_end)
        ]
        if len(q) == 4:
            assert q["value"].sum() == pytest.approx(row.value, abs=0.5)
            checked += 1
    assert checked >= 12  # capex and ocf, 2012-2020


def test_google_has_q1_only_and_the_rest_is_a_gap(mirror_dir):
    f = _facts(mirror_dir, GOOGLE, "GOOGL")
    q = quarterly_from_ytd(f)
    assert (q["period_end"].dt.month == 3).all()
    three = f[(f["period_end"] - f["period_start"]).dt.days < 100]
    latest = as_of(q, "2100-01-01").set_index(["concept", "period_end"])["value"]
    last3 = three.sort_values("filed").drop_duplicates(["concept", "period_end"], keep="last")
    for row in last3.itertuples():
        assert latest[(row.concept, row.period_end)] == row.value
    assert any("no discrete quarter derivable" in g for g in q.attrs["gaps"])


@pytest.mark.parametrize(
    "t", ["2013-05-01", "2016-07-28", "2017-02-03", "2017-02-06", "2020-12-31"]
)
def test_nothing_is_known_before_its_filing(mirror_dir, t):
    f = _facts(mirror_dir, META, "META")
    t = pd.Timestamp(t)
    q = quarterly_from_ytd(f)
    assert (q["available_at"] > q["filed"]).all()
    assert set(q["filed"]) <= set(f["filed"])
    public = f[next_business_day(pd.DatetimeIndex(f["filed"])) <= t]
    pd.testing.assert_frame_equal(as_of(q, t), as_of(quarterly_from_ytd(public), t))


def test_gaps_are_reported(market):
    gaps = "\n".join(market.gaps)
    assert "macro WRESBAL: ends 2025-01-01" in gaps
    assert "prices SNDK: starts 2025-02-13" in gaps
    assert "META ocf 2014-01-01..2014-12-31 restated" in gaps
    assert "macro DFF: ends 2025-10-02" in gaps
    assert "capex ORCL: no quarters from any source" in gaps
    assert market.prices.loc[:"2025-02-12", "SNDK"].isna().all()


def test_capex_sources_combined(market):
    c = market.capex[market.capex["concept"] == "capex"]
    assert set(c["ticker"]) >= {"META", "GOOGL", "MSFT", "AMZN"}
    edgar = c[(c["source"] == "edgar") & (c["dated_by"] == "filing")]
    assert (edgar["available_at"] >= edgar["filed"]).all()  # accepted before the open: that day
    released = c[c["dated_by"] == "release"]  # data.capex_dates: the earnings release
    assert (released["available_at"] > released["period_end"] + pd.Timedelta(days=5)).all()
    table = c[c["source"].str.startswith("capex_table") & (c["dated_by"] == "lag")]
    assert (table["available_at"] > table["period_end"] + pd.Timedelta(days=39)).all()


def test_macro_known_at_on_real_data_ignores_the_future(market, cfg):
    macro = market.macro
    index = pd.bdate_range("2020-01-01", "2020-06-30", name="date")
    t = pd.Timestamp("2020-03-16")
    before, _ = macro_known_at(macro, cfg, index)
    bumped = macro.copy()
    for col in macro.columns:  # every observation not yet released at t
        late = available_date(macro.index, cfg.macro_lag(col)) > t
        bumped.loc[late, col] *= 1 + np.pi
    after, _ = macro_known_at(bumped, cfg, index)
    released = before.loc[:t]
    pd.testing.assert_frame_equal(released, after.loc[:t])
    assert not before.loc[t:].equals(after.loc[t:])

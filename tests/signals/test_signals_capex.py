"""Capex demand on hand-made point-in-time quarter tables (made-up numbers, USD)."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.errors import DataError
from data.fundamentals import as_of
from data.tables import QUARTERS_COLUMNS
from signals.capex import (
    Vintages,
    capex_demand,
    capex_events,
    capex_snapshots,
    surprise_component,
    ticker_window,
)

BN = 1e9
D = pd.Timestamp


def quarter_ends(first: str, n: int) -> list[pd.Timestamp]:
    return [p.end_time.normalize() for p in pd.period_range(first, periods=n, freq="Q")]


def table(rows: list[tuple]) -> pd.DataFrame:
    """Rows ``(ticker, concept, period_end, value_bn, available_at)`` -> capex quarters."""
    out = []
    for ticker, concept, pe, value, av in rows:
        pe, av = D(pe), D(av)
        out.append(
            {
                "ticker": ticker,
                "concept": concept,
                "period_start": pe.to_period("Q").start_time,
                "period_end": pe,
                "value": float(value) * BN,
                "filed": av - pd.Timedelta(days=1),
                "available_at": av,
                "source": "edgar",
            }
        )
    frame = pd.DataFrame(out, columns=list(QUARTERS_COLUMNS))
    for c in ("period_start", "period_end", "filed", "available_at"):
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    return frame


def series_rows(ticker, concept, first, values, lag_days=40):
    ends = quarter_ends(first, len(values))
    return [
        (ticker, concept, pe, v, pe + pd.Timedelta(days=lag_days))
        for pe, v in zip(ends, values, strict=True)
    ]


# ---------------------------------------------------------------------------------------------
# company A reports capex 1..8 bn for 2022Q1..2023Q4 and 9 bn for 2024Q1, OCF 13 bn a quarter;
# company B enters the data in 2023Q1 with 10 bn a quarter, then 12 bn in 2024Q1.
# A's 2023Q2 (6 bn) is restated to 10 bn, available 2024-03-01.
RESTATED_AT = D("2024-03-01")


@pytest.fixture
def entry_table():
    rows = series_rows("A", "capex", "2022Q1", [1, 2, 3, 4, 5, 6, 7, 8, 9])
    rows += series_rows("A", "ocf", "2022Q1", [13] * 9)
    rows += series_rows("B", "capex", "2023Q1", [10, 10, 10, 10, 12])
    rows.append(("A", "capex", "2023-06-30", 10, RESTATED_AT))
    return table(rows)


def test_ttm_level_and_growth_over_a_company_consistent_set(entry_table):
    snaps = capex_snapshots(entry_table, ["A", "B"])
    at = D("2023-12-31") + pd.Timedelta(days=40)  # both companies' 2023Q4 known
    row = snaps.loc[at]
    assert row["capex_ttm_bn"] == pytest.approx(26 + 40)  # A 5+6+7+8, B 4 x 10
    # B has no previous four quarters: it is a level, not growth (else 66/10 - 1 = 5.6)
    assert row["capex_growth"] == pytest.approx(26 / 10 - 1)
    assert row["capex_to_ocf"] == pytest.approx(26 / 52)  # only A has OCF
    assert row["n_companies"] == 2
    assert np.isnan(row["debt_to_capex"])
    assert row["latest_period_end"] == D("2023-12-31")


def test_restated_quarter_counts_only_from_its_own_available_at(entry_table):
    snaps = capex_snapshots(entry_table, ["A", "B"])
    before = snaps.loc[: RESTATED_AT - pd.Timedelta(days=1)].iloc[-1]
    assert before["capex_growth"] == pytest.approx(26 / 10 - 1)
    at = snaps.loc[RESTATED_AT]
    assert at["capex_ttm_bn"] == pytest.approx(30 + 40)  # A 5+10+7+8
    assert at["capex_growth"] == pytest.approx(30 / 10 - 1)
    q1 = snaps.loc[D("2024-03-31") + pd.Timedelta(days=40)]
    # A: 10+7+8+9 over 2+3+4+5; B still has fewer than eight quarters
    assert q1["capex_growth"] == pytest.approx(34 / 14 - 1)
    assert q1["capex_ttm_bn"] == pytest.approx(34 + 42)
    assert q1["capex_to_ocf"] == pytest.approx(34 / 52)


def test_capex_demand_carries_snapshots_forward_with_ages(entry_table):
    idx = pd.bdate_range("2024-02-01", "2024-03-08", name="date")
    comp, age, events = capex_demand(entry_table, idx, ["A", "B"], surprise_window_days=100)
    known = D("2024-02-09")  # 2023Q4 + 40 days
    # before: A's TTM to 2023Q3; B's three quarters are not a TTM yet
    assert comp.loc[: known - pd.Timedelta(days=1), "capex_ttm_bn"].eq(4 + 5 + 6 + 7).all()
    assert comp.loc[known, "capex_ttm_bn"] == pytest.approx(66)
    assert comp.loc[D("2024-03-01"), "capex_growth"] == pytest.approx(2.0)
    assert age.loc[known, "capex_growth"] == (known - D("2023-12-31")).days
    assert age.loc[D("2024-03-08"), "capex_to_ocf"] == (D("2024-03-08") - D("2023-12-31")).days
    assert list(events.columns) == [
        "available_at",
        "ticker",
        "period_end",
        "capex_usd",
        "surprise",
        "dated_by",
        "accepted_at",
    ]


def test_stale_company_leaves_the_aggregate_on_its_expiry_day():
    # A stops after 2022Q4; B keeps reporting; only A has OCF
    rows = series_rows("A", "capex", "2022Q1", [1, 2, 3, 4])
    rows += series_rows("A", "ocf", "2022Q1", [8, 8, 8, 8])
    rows += series_rows("B", "capex", "2022Q1", [10] * 8)
    q = table(rows)
    expiry = D("2022-12-31") + pd.Timedelta(days=201)
    snaps = capex_snapshots(q, ["A", "B"], stale_days=200)
    assert snaps.loc[: expiry - pd.Timedelta(days=1)].iloc[-1]["n_companies"] == 2
    assert snaps.loc[expiry, "n_companies"] == 1  # no filing that day: A's data expired
    assert np.isnan(snaps.loc[expiry, "capex_to_ocf"])
    idx = pd.bdate_range("2023-06-01", "2023-07-31", name="date")
    comp, age, _ = capex_demand(q, idx, ["A", "B"], stale_days=200)
    # the capex/OCF ratio rests on A alone: its age runs from A's last quarter, not B's
    d = D("2023-06-30")
    assert comp.loc[d, "capex_to_ocf"] == pytest.approx(10 / 32)
    assert age.loc[d, "capex_to_ocf"] == (d - D("2022-12-31")).days
    assert age.loc[d, "capex_ttm_bn"] == (d - D("2023-03-31")).days


def test_ticker_window_needs_consecutive_quarters():
    ends = np.array(quarter_ends("2022Q1", 8), dtype="datetime64[D]")
    vals = np.arange(1.0, 9.0)
    assert ticker_window(ends, vals, 4) == (26.0, 10.0, ends[-1])
    gap = np.delete(ends, 5)  # 2023Q2 missing
    assert ticker_window(gap, np.delete(vals, 5), 4) is None
    short = ticker_window(ends[:6], vals[:6], 4)
    assert short[0] == 3 + 4 + 5 + 6 and np.isnan(short[1])


# ---------------------------------------------------------------------------------------------
# surprise: expected = same quarter a year earlier x (last 4 quarters / the 4 before)
def surprise_table(restated_at: pd.Timestamp) -> pd.DataFrame:
    rows = series_rows("A", "capex", "2022Q1", [1, 2, 3, 4, 5, 6, 7, 8, 9])
    rows.append(("A", "capex", "2023-06-30", 10, restated_at))
    rows += series_rows("B", "capex", "2022Q1", [10] * 8 + [12], lag_days=33)
    return table(rows)


A_EVENT = D("2024-03-31") + pd.Timedelta(days=40)


@pytest.mark.parametrize(
    ("restated_at", "expected"),
    [
        (D("2024-03-01"), 5 * (5 + 10 + 7 + 8) / (1 + 2 + 3 + 4)),  # restatement known before
        (A_EVENT, 5 * (5 + 6 + 7 + 8) / (1 + 2 + 3 + 4)),  # same day: not yet known
        (D("2024-06-28"), 5 * (5 + 6 + 7 + 8) / (1 + 2 + 3 + 4)),  # after the event
    ],
)
def test_surprise_by_hand_with_a_restatement(restated_at, expected):
    ev = capex_events(surprise_table(restated_at), ["A", "B"])
    a = ev[ev["ticker"] == "A"].set_index("period_end")
    assert len(a) == 9  # one event per quarter's first filing; the restatement is not one
    assert a["surprise"].iloc[:8].isna().all()  # fewer than eight quarters before
    assert a.loc[D("2024-03-31"), "surprise"] == pytest.approx(math.log(9 / expected))
    assert a.loc[D("2024-03-31"), "available_at"] == A_EVENT
    assert a.loc[D("2023-06-30"), "capex_usd"] == 6 * BN  # the first vintage
    b = ev[ev["ticker"] == "B"].set_index("period_end")
    assert b.loc[D("2024-03-31"), "surprise"] == pytest.approx(math.log(12 / 10))
    assert ev["available_at"].is_monotonic_increasing


@pytest.mark.parametrize(
    ("quarters", "n", "expected"),
    [
        # 13 quarters 1..13: year-ago 9, growth (7+..+12)/(1+..+6)
        (6, 13, 9 * 57 / 21),
        # 5 quarters 1..5: year-ago 1, growth (3+4)/(1+2)
        (2, 5, 1 * 7 / 3),
    ],
)
def test_surprise_trend_window_length(quarters, n, expected):
    q = table(series_rows("A", "capex", "2020Q1", list(range(1, n + 1))))
    ev = capex_events(q, ["A"], quarters=quarters)
    assert ev["surprise"].iloc[-1] == pytest.approx(math.log(n / expected))
    # one quarter less history than both windows (and the year-ago quarter) need: undefined
    assert np.isnan(ev["surprise"].iloc[-2])


def test_surprise_needs_consecutive_history():
    rows = series_rows("A", "capex", "2022Q1", [1, 2, 3, 4, 5, 6, 7, 8, 9])
    del rows[3]  # 2022Q4 never reported
    ev = capex_events(table(rows), ["A"])
    assert ev["surprise"].isna().all()


def test_surprise_component_mean_of_fresh_companies():
    ev = capex_events(surprise_table(D("2024-03-01")), ["A", "B"])
    b_at = D("2024-03-31") + pd.Timedelta(days=33)
    idx = pd.bdate_range(b_at - pd.Timedelta(days=3), b_at + pd.Timedelta(days=120), name="date")
    val, age = surprise_component(ev, idx, window_days=100)
    sa, sb = math.log(9 / 15), math.log(1.2)
    assert val.loc[: b_at - pd.Timedelta(days=1)].isna().all()  # earlier events: NaN surprise
    assert val.loc[b_at] == pytest.approx(sb)
    assert val.loc[A_EVENT] == pytest.approx((sa + sb) / 2)
    assert age.loc[A_EVENT] == 0
    late = b_at + pd.Timedelta(days=101)  # B's surprise expired, A's still fresh
    late = idx[idx.searchsorted(late)]
    assert val.loc[late] == pytest.approx(sa)
    assert age.loc[late] == (late - A_EVENT).days


# ---------------------------------------------------------------------------------------------
# Vintages must return the rows of data.fundamentals.as_of
DAYS = pd.date_range("2023-01-01", "2024-12-31", freq="D")
ENDS = quarter_ends("2022Q1", 10)

vintage_row = st.tuples(
    st.sampled_from(["A", "B"]),
    st.sampled_from(["capex", "ocf"]),
    st.sampled_from(ENDS),
    st.integers(1, 50),
    st.sampled_from(list(DAYS[::3])),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(vintage_row, min_size=1, max_size=40), t=st.sampled_from(list(DAYS[::5])))
def test_vintages_match_as_of(rows, t):
    q = table(rows)
    ref = as_of(q, t)
    v = Vintages(q)
    for (ticker, concept), grp in ref.groupby(["ticker", "concept"]):
        ends, vals = v.known(ticker, concept, np.datetime64(t, "D"))
        np.testing.assert_array_equal(ends, grp["period_end"].to_numpy(dtype="datetime64[D]"))
        np.testing.assert_array_equal(vals, grp["value"].to_numpy(dtype=float))
    n_known = sum(len(v.known(tk, c, np.datetime64(t, "D"))[0]) for tk, c in v.groups)
    assert n_known == len(ref)


def test_capex_events_config_form_and_validation(cfg):
    rows = series_rows("MSFT", "capex", "2022Q1", [1, 2, 3, 4, 5, 6, 7, 8, 9])
    rows += series_rows("OTHER", "capex", "2022Q1", [1] * 9)  # not a hyperscaler
    q = table(rows)
    ev = capex_events(q, cfg)  # hyperscalers and the configured trend window
    assert set(ev["ticker"]) == {"MSFT"}
    assert ev["surprise"].iloc[-1] == pytest.approx(math.log(9 / (5 * 26 / 10)))
    with pytest.raises(ValueError, match="`quarters` must be >= 1, got 0"):
        capex_events(q, ["MSFT"], quarters=0)
    with pytest.raises(DataError, match="available_at"):
        capex_events(q.drop(columns=["available_at"]), ["MSFT"])

"""Companies with missing quarters: growth and surprise over matched pairs (made-up numbers).

Company M reports every quarter from 2022Q1 to 2024Q1 except the calendar Q2s (like a
capex table that lacks a fiscal Q4 reported only in the 10-K); value of quarter k (0-based
from 2022Q1) = k + 1 bn. Company C reports 10 bn every quarter of the same span.
"""

import math

import numpy as np
import pandas as pd
import pytest

from data.tables import QUARTERS_COLUMNS
from signals.capex import (
    capex_demand,
    capex_events,
    capex_snapshots,
    matched_growth,
    quarter_slots,
    ticker_window,
)

BN = 1e9
D = pd.Timestamp
ENDS = [p.end_time.normalize() for p in pd.period_range("2022Q1", "2024Q1", freq="Q")]


def table(rows: list[tuple]) -> pd.DataFrame:
    """Rows ``(ticker, period_end, value_bn)``, capex, available 40 days after the quarter."""
    out = pd.DataFrame(
        [
            {
                "ticker": t,
                "concept": "capex",
                "period_start": pe.to_period("Q").start_time,
                "period_end": pe,
                "value": v * BN,
                "filed": pe + pd.Timedelta(days=39),
                "available_at": pe + pd.Timedelta(days=40),
                "source": "capex_table:test",
            }
            for t, pe, v in rows
        ],
        columns=list(QUARTERS_COLUMNS),
    )
    for c in ("period_start", "period_end", "filed", "available_at"):
        out[c] = out[c].astype("datetime64[ns]")
    return out


def m_rows() -> list[tuple]:
    return [("M", pe, k + 1.0) for k, pe in enumerate(ENDS) if pe.month != 6]


@pytest.fixture
def gaps():
    return table(m_rows() + [("C", pe, 10.0) for pe in ENDS])


AT = D("2024-03-31") + pd.Timedelta(days=40)  # 2024Q1 known for both


def test_quarter_slots_with_odd_fiscal_quarter_ends():
    sat = np.array(["2023-09-30", "2023-12-30", "2024-03-30", "2024-06-29"], dtype="datetime64[D]")
    assert quarter_slots(sat, sat[-1]).tolist() == [-3, -2, -1, 0]
    may = np.array(["2023-08-31", "2023-11-30", "2024-02-29", "2024-05-31"], dtype="datetime64[D]")
    assert quarter_slots(may, may[-1]).tolist() == [-3, -2, -1, 0]
    assert quarter_slots(may, np.datetime64("2025-05-31")).tolist() == [-7, -6, -5, -4]


def test_matched_growth_by_hand():
    ends = np.array([pe for pe in ENDS if pe.month != 6], dtype="datetime64[D]")
    vals = np.array([1.0, 3, 4, 5, 7, 8, 9])
    window = range(0, -4, -1)
    # 2024Q1, 2023Q4, 2023Q3 matched with 2023Q1, 2022Q4, 2022Q3; 2023Q2 missing
    assert matched_growth(ends, vals, ends[-1], window, 4, max_missing=1) == (24.0, 12.0, 3)
    assert matched_growth(ends, vals, ends[-1], window, 4, max_missing=0) is None
    # complete data: the same sums as the consecutive windows
    full = np.array(ENDS, dtype="datetime64[D]")
    fv = np.arange(1.0, 10.0)
    last, prev, _ = ticker_window(full, fv, 4)
    assert matched_growth(full, fv, full[-1], window, 4) == (last, prev, 4)


def test_growth_over_matched_quarters_and_availability_columns(gaps):
    strict = capex_snapshots(gaps, ["M", "C"]).loc[AT]
    assert strict["capex_growth"] == pytest.approx(0.0)  # only C: 40 / 40 - 1
    assert strict["n_growth"] == 1 and strict["n_companies"] == 1
    row = capex_snapshots(gaps, ["M", "C"], max_missing=1).loc[AT]
    # M: (9 + 8 + 7) / (5 + 4 + 3); C: 40 / 40; summed before the ratio
    assert row["capex_growth"] == pytest.approx((24 + 40) / (12 + 40) - 1)
    assert row["n_growth"] == 2
    # the level still needs four consecutive quarters: M is not in it
    assert row["n_companies"] == 1 and row["capex_ttm_bn"] == pytest.approx(40.0)
    assert row["growth_period_end"] == D("2024-03-31")
    with pytest.raises(ValueError, match=r"`max_missing` must be in \[0, quarters - 1\], got 4"):
        capex_snapshots(gaps, ["M"], max_missing=4)


def test_surprise_with_one_missing_quarter_by_hand(gaps):
    strict = capex_events(gaps, ["M"]).set_index("period_end")
    assert strict["surprise"].isna().all()
    ev = capex_events(gaps, ["M"], max_missing=1).set_index("period_end")
    # 2024Q1: year-ago 2023Q1 = 5; trend (8 + 7 + 5) / (4 + 3 + 1) over the matched pairs
    assert ev.loc[D("2024-03-31"), "surprise"] == pytest.approx(math.log(9 / (5 * 20 / 8)))
    # 2023Q4: only two of four trend slots are matched (2023Q2 and 2021Q4 missing)
    assert np.isnan(ev.loc[D("2023-12-31"), "surprise"])
    assert len(ev) == 7  # one event per reported quarter


def test_capex_demand_passes_max_missing_to_growth_and_surprise(gaps):
    idx = pd.bdate_range("2024-05-01", "2024-05-31", name="date")
    comp, age, events = capex_demand(gaps, idx, ["M", "C"], max_missing=1)
    assert comp.loc[AT, "capex_growth"] == pytest.approx(64 / 52 - 1)
    assert comp.loc[AT, "n_growth"] == 2
    assert age.loc[AT, "n_growth"] == (AT - D("2024-03-31")).days
    m = events[events["ticker"] == "M"].set_index("period_end")
    assert m.loc[D("2024-03-31"), "surprise"] == pytest.approx(math.log(9 / 12.5))
    before = comp.loc[: AT - pd.Timedelta(days=1), "capex_growth"]
    # before 2024Q1 is known, M's window ends at 2023Q4: 8 + 7 + 5 over 4 + 3 + 1 (2023Q2
    # missing), plus C's 40 over 40
    assert before.to_numpy() == pytest.approx(np.full(len(before), (20 + 40) / (8 + 40) - 1))


def test_composite_uses_the_configured_max_missing(cfg, gaps):
    from signals import build_factor

    idx = pd.bdate_range("2024-05-01", "2024-05-31", name="date")
    empty = pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
    for mm, growth in ((0, 0.0), (1, 64 / 52 - 1)):
        c = cfg.replace(
            universe={"hyperscalers": ["M", "C"]}, factor={"capex_max_missing_quarters": mm}
        )
        res = build_factor(empty, gaps, idx, c)
        assert res.components.loc[AT, "capex_growth"] == pytest.approx(growth)

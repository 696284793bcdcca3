import numpy as np
import pandas as pd
import pytest
from data_payloads import companyfacts, fact, june_company
from hypothesis import given, settings
from hypothesis import strategies as st

from data.fundamentals import as_of, combine_capex, quarterly_from_ytd
from data.sources.capex_table import parse_capex_table
from data.sources.edgar import parse_companyfacts
from data.tables import QUARTERS_COLUMNS

D = pd.Timestamp


@pytest.fixture
def quarters():
    return quarterly_from_ytd(parse_companyfacts(june_company(), "MSFT"))


def rows(q, concept="capex"):
    q = q[q["concept"] == concept]
    return [
        (
            r.period_start.date().isoformat(),
            r.period_end.date().isoformat(),
            r.value,
            r.available_at.date().isoformat(),
        )
        for r in q.itertuples()
    ]


def test_june_fiscal_year_differencing_by_hand(quarters):
    assert tuple(quarters.columns) == QUARTERS_COLUMNS
    assert rows(quarters) == [
        ("2023-07-01", "2023-09-30", 100.0, "2023-10-26"),  # Q1 = 3M
        ("2023-10-01", "2023-12-31", 150.0, "2024-01-31"),  # Q2 = 6M - 3M
        ("2023-10-01", "2023-12-31", 160.0, "2025-01-30"),  # restated 6M
        ("2024-01-01", "2024-03-31", 170.0, "2024-04-29"),  # Q3 = 9M - 6M, Fri filing -> Mon
        ("2024-01-01", "2024-03-31", 160.0, "2025-01-30"),  # 9M - restated 6M
        ("2024-04-01", "2024-06-30", 180.0, "2024-07-31"),  # Q4 = FY - 9M
        ("2024-04-01", "2024-06-30", 210.0, "2025-07-31"),  # restated FY
    ]
    assert (quarters["source"] == "edgar").all()


def test_latest_vintages_add_back_to_fiscal_year(quarters):
    latest = as_of(quarters, "2030-01-01")
    capex = latest[latest["concept"] == "capex"]
    assert capex["value"].sum() == 630.0  # the latest FY
    at_10k = as_of(quarters, "2024-07-31")
    assert at_10k[at_10k["concept"] == "capex"]["value"].sum() == 600.0


def test_as_of_before_and_between_filings(quarters):
    assert as_of(quarters, "2023-10-25").empty  # filing day itself: not yet tradable
    q = as_of(quarters, "2024-02-15")
    capex = q[q["concept"] == "capex"]
    assert capex["value"].tolist() == [100.0, 150.0]
    ocf = q[q["concept"] == "ocf"]
    assert ocf["value"].tolist() == [300.0, 400.0]


def test_identical_refiling_is_not_a_new_vintage():
    facts = [
        fact("2024-01-01", "2024-03-31", 5, "2024-04-30"),
        fact("2024-01-01", "2024-03-31", 5, "2025-04-30"),  # comparative, same value
    ]
    f = parse_companyfacts(companyfacts({"PaymentsToAcquirePropertyPlantAndEquipment": facts}))
    assert len(quarterly_from_ytd(f)) == 1


def test_direct_three_month_facts_and_tag_preference():
    # Amazon-style: the 10-Q also reports the three months alone; a less preferred tag too
    ppe = [
        fact("2024-01-01", "2024-03-31", 10, "2024-04-30"),
        fact("2024-01-01", "2024-06-30", 25, "2024-07-31"),
        fact("2024-04-01", "2024-06-30", 15, "2024-07-31"),
    ]
    other = [fact("2024-01-01", "2024-03-31", 99, "2024-04-29")]  # earlier, lower preference
    f = parse_companyfacts(
        companyfacts(
            {
                "PaymentsToAcquirePropertyPlantAndEquipment": ppe,
                "PaymentsToAcquireProductiveAssets": other,
            }
        )
    )
    q = quarterly_from_ytd(f)
    assert rows(q) == [
        ("2024-01-01", "2024-03-31", 99.0, "2024-04-30"),  # only the other tag is public yet
        ("2024-01-01", "2024-03-31", 10.0, "2024-05-01"),  # preferred tag from its filing on
        ("2024-04-01", "2024-06-30", 15.0, "2024-08-01"),
    ]


def test_missing_ytd_fact_is_a_gap_not_a_guess():
    facts = [
        fact("2024-01-01", "2024-03-31", 10, "2024-04-30"),
        fact("2024-01-01", "2024-12-31", 70, "2025-02-01", form="10-K"),
    ]
    f = parse_companyfacts(companyfacts({"PaymentsToAcquirePropertyPlantAndEquipment": facts}))
    q = quarterly_from_ytd(f)
    assert q["value"].tolist() == [10.0]
    assert q.attrs["gaps"] == []  # a single derived quarter: nothing between quarters
    facts.append(fact("2025-01-01", "2025-03-31", 12, "2025-04-30"))
    f = parse_companyfacts(companyfacts({"PaymentsToAcquirePropertyPlantAndEquipment": facts}))
    q = quarterly_from_ytd(f)
    assert "no discrete quarter derivable" in q.attrs["gaps"][0]


def _perturb_after(f: pd.DataFrame, t: pd.Timestamp, rng) -> pd.DataFrame:
    g = f.copy()
    late = g["filed"] >= t  # filed at t: tradable only the next business day
    g.loc[late, "value"] = g.loc[late, "value"] * rng.uniform(0.5, 2.0, late.sum()) + 1
    extra = g.iloc[[0]].copy()  # a brand-new restatement filed after t
    extra["filed"] = t + pd.Timedelta(days=1)
    extra["value"] = -12345.0
    return pd.concat([g, extra], ignore_index=True)


@settings(max_examples=30, deadline=None)
@given(day=st.integers(0, 900), seed=st.integers(0, 1000))
def test_perturbing_facts_filed_after_t_changes_nothing_known_at_t(day, seed):
    f = parse_companyfacts(june_company(), "MSFT")
    t = D("2023-10-01") + pd.Timedelta(days=day)
    before = as_of(quarterly_from_ytd(f), t)
    after = as_of(quarterly_from_ytd(_perturb_after(f, t, np.random.default_rng(seed))), t)
    pd.testing.assert_frame_equal(before, after)
    assert (before["available_at"] <= t).all()


def test_combine_capex_edgar_wins_on_matching_and_offset_quarters():
    edgar = quarterly_from_ytd(parse_companyfacts(june_company(), "MSFT"))
    table = parse_capex_table(
        "ticker,year,quarter,payments_usd\n"
        "MSFT,2023,3,1\n"  # Jul-Sep 2023: EDGAR has it
        "MSFT,2023,4,2\n"  # Oct-Dec 2023: EDGAR has it
        "MSFT,2024,3,3\n"  # Jul-Sep 2024: only the table
        "ORCL,2023,1,4\n",
        source="t.csv",
    )
    out = combine_capex(edgar, table)
    from_table = out[out["source"] == "capex_table:t"]
    assert sorted(from_table["value"]) == [3.0, 4.0]
    assert len(out) == len(edgar) + 2
    # a quarter offset by two months (Oracle-style fiscal quarter) overlaps and is dropped
    shifted = table.copy()
    shifted["period_start"] -= pd.Timedelta(days=31)
    shifted["period_end"] -= pd.Timedelta(days=31)
    out2 = combine_capex(edgar, shifted)
    assert sorted(out2.loc[out2["source"] == "capex_table:t", "value"]) == [3.0, 4.0]

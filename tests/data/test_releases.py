import pandas as pd
import pytest
from submissions_payloads import accession, main_file, page_file

from data.releases import (
    earnings_releases,
    first_session_after,
    periodic_filings,
    quarter_ends,
)
from data.sources.submissions import parse_submissions
from data.tables import QUARTERS_COLUMNS

D = pd.Timestamp


@pytest.fixture
def filings():
    return parse_submissions(main_file(), {"CIK0000123456-submissions-001.json": page_file()})


def capex_rows(ticker, ends):
    """Capex-table style quarters (lag-dated) with the given period ends."""
    rows = []
    for e in ends:
        e = D(e)
        rows.append(
            (
                ticker,
                "capex",
                e - pd.offsets.QuarterBegin(startingMonth=1),
                e,
                1.0,
                pd.NaT,
                e + pd.Timedelta(days=41),
                "capex_table:t",
            )
        )
    return pd.DataFrame(rows, columns=list(QUARTERS_COLUMNS))


@pytest.mark.parametrize(
    ("accepted", "session"),
    [
        ("2024-02-01T21:10:38Z", "2024-02-02"),  # 16:10 New York (EST): next session
        ("2024-02-01T21:00:00Z", "2024-02-02"),  # 16:00 exactly: the session has opened
        ("2024-02-01T14:29:59Z", "2024-02-01"),  # 09:29:59: before the open, that session
        ("2024-02-01T14:30:00Z", "2024-02-02"),  # 09:30: that session opened at that moment
        ("2024-07-01T13:00:00Z", "2024-07-01"),  # 09:00 EDT (UTC-4): before the open
        ("2024-02-02T03:00:00Z", "2024-02-02"),  # 22:00 NY on Feb 1 is Feb 2 in UTC
        ("2024-01-13T15:00:00Z", "2024-01-16"),  # Saturday; Monday 15 is MLK Day
        ("2024-07-04T12:00:00Z", "2024-07-05"),  # Independence Day, before "open"
        ("2024-11-28T13:00:00Z", "2024-11-29"),  # Thanksgiving morning
    ],
)
def test_first_session_after_by_hand(accepted, session):
    got = first_session_after(pd.DatetimeIndex([pd.Timestamp(accepted)]))
    assert got[0] == D(session)


def test_periodic_filings_and_quarter_ends(filings):
    per = periodic_filings(filings)
    assert per["report_date"].tolist() == [
        D(x) for x in ("2023-09-30", "2023-12-31", "2024-03-31", "2024-06-30")
    ]
    ends = quarter_ends(filings, capex_rows("EXMP", ["2023-09-30", "2024-09-30", "2022-06-30"]))
    # a capex end inside the filings' span adds nothing; outside it (either side) it counts
    assert ends["EXMP"].tolist() == [
        D(x)
        for x in (
            "2022-06-30",
            "2023-09-30",
            "2023-12-31",
            "2024-03-31",
            "2024-06-30",
            "2024-09-30",
        )
    ]


def test_releases_matched_by_hand(filings):
    rel = earnings_releases(filings, capex_rows("EXMP", ["2024-09-30"]), window_days=(5, 75))
    t = rel.table.set_index("period_end")
    expected = {  # quarter end: (accession, first session after acceptance), see the payload
        "2023-09-30": ("23-01", "2023-10-25"),  # 16:05 NY: next session
        "2023-12-31": ("24-01", "2024-01-16"),  # Friday 17:00, Monday holiday
        "2024-03-31": ("24-04", "2024-04-25"),  # 08:00 NY: that session
        "2024-06-30": ("24-07", "2024-07-29"),  # Saturday
        "2024-09-30": ("24-10", "2024-10-31"),  # 11:00 NY, during the session: the next
    }
    assert t.index.tolist() == [D(k) for k in expected]
    for end, (acc, session) in expected.items():
        assert t.loc[D(end), "accession"] == accession(acc)
        assert t.loc[D(end), "available_at"] == D(session)
    notes = "\n".join(rel.notes)
    assert len(rel.notes) == 2
    assert f"EXMP 2.02 filing {accession('24-09')} accepted 2024-10-02" in notes  # no quarter
    assert accession("24-03") in notes and "2024-03-31" in notes  # not the release used
    assert "5 matched, 2 not used" in rel.summary() and "EXMP: 5 releases" in rel.summary()


def test_without_capex_a_quarter_with_no_report_is_unknown(filings):
    rel = earnings_releases(filings, window_days=(5, 75))
    assert D("2024-09-30") not in set(rel.table["period_end"])
    assert any(accession("24-10") in n for n in rel.notes)


def test_release_after_the_quarters_own_filing_is_not_the_release(filings):
    # a second 2.02 for 2024-06-30 accepted after the 10-K (2024-07-30): a note, not used
    extra = filings.iloc[[0]].assign(
        accession="0000123456-24-99",
        form="8-K",
        items="2.02",
        accepted_at=pd.Timestamp("2024-08-12 20:00", tz="UTC"),
        filed=D("2024-08-12"),
    )
    rel = earnings_releases(pd.concat([filings, extra], ignore_index=True), window_days=(5, 75))
    t = rel.table.set_index("period_end")
    assert t.loc[D("2024-06-30"), "accession"] == accession("24-07")
    assert any("0000123456-24-99" in n for n in rel.notes)


def test_window_excludes_too_early_and_too_late(filings):
    rel = earnings_releases(filings, window_days=(13, 75))  # 24-01 came 12 days after
    assert D("2023-12-31") not in set(rel.table["period_end"])
    with pytest.raises(ValueError, match="window_days"):
        earnings_releases(filings, window_days=(30, 10))


def test_may_fiscal_year_aligns_on_period_end():
    # Oracle-like: quarters end in Feb/May/Aug/Nov; the release 9 days after the quarter
    rows = [
        ("a1", "2024-03-20T20:00:00.000Z", "10-Q", "", "2024-02-29"),
        ("a2", "2024-06-10T20:05:00.000Z", "8-K", "2.02", "2024-06-10"),
        ("a3", "2024-06-20T20:00:00.000Z", "10-K", "", "2024-05-31"),
    ]
    from submissions_payloads import arrays

    doc = {"cik": "1", "tickers": ["ORCX"], "filings": {"recent": arrays(rows), "files": []}}
    f = parse_submissions(doc)
    rel = earnings_releases(f, window_days=(5, 75))
    assert rel.table["period_end"].tolist() == [D("2024-05-31")]
    assert rel.table["available_at"].tolist() == [D("2024-06-11")]

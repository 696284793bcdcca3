import pandas as pd
import pytest

from data.errors import ParseError
from data.sources.capex_table import parse_capex_table
from data.tables import QUARTERS_COLUMNS

# 2023: Q1..Q3 and the total, Q4 missing -> derived 100 - (10 + 20 + 30) = 40.
# 2024: Q2 missing (stays missing), Q4 missing but Q2 missing too -> not derivable.
TABLE = """ticker,year,quarter,payments_usd
XYZ,2023,1,10
XYZ,2023,2,20
XYZ,2023,3,30
XYZ,2023,0,100
XYZ,2024,1,11
XYZ,2024,3,33
XYZ,2024,0,120
"""


def test_derives_missing_q4_and_reports_missing_q2():
    q = parse_capex_table(TABLE, source="vendor.csv")
    assert tuple(q.columns) == QUARTERS_COLUMNS
    got = {(r.period_end.strftime("%Y-%m-%d")): r.value for r in q.itertuples()}
    assert got == {
        "2023-03-31": 10.0,
        "2023-06-30": 20.0,
        "2023-09-30": 30.0,
        "2023-12-31": 40.0,
        "2024-03-31": 11.0,
        "2024-09-30": 33.0,
    }
    assert (q["concept"] == "capex").all() and q["filed"].isna().all()
    assert (q["source"] == "capex_table:vendor").all()
    assert q.attrs["gaps"] == ["capex_table:vendor: XYZ capex missing for 1 quarter(s): 2024Q2"]


def test_availability_lags():
    q = parse_capex_table(TABLE, quarter_lag_days=40, annual_lag_days=60).set_index("period_end")
    # Q1 2023: 03-31 + 40 days = 05-10 (Wed), tradable the next business day
    assert q.loc["2023-03-31", "available_at"] == pd.Timestamp("2023-05-11")
    assert q.loc["2023-03-31", "period_start"] == pd.Timestamp("2023-01-01")
    # derived Q4 2023: 12-31 + 60 days = 2024-02-29 (Thu) -> Fri 03-01
    assert q.loc["2023-12-31", "available_at"] == pd.Timestamp("2024-03-01")
    # Q3 2024: 09-30 + 40 = 11-09 (Sat) -> Mon 11-11
    assert q.loc["2024-09-30", "available_at"] == pd.Timestamp("2024-11-11")
    assert (q["available_at"] > q.index).all()


def test_present_q4_is_used_and_inconsistent_total_noted():
    text = "ticker,year,quarter,payments_usd\n" + "".join(
        f"A,2023,{q},{v}\n" for q, v in [(1, 1), (2, 1), (3, 1), (4, 1), (0, 9)]
    )
    q = parse_capex_table(text)
    assert q["value"].tolist() == [1.0] * 4
    assert any("sum to 4" in g for g in q.attrs["gaps"])


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("ticker,year,payments_usd\nA,2023,1\n", "missing column 'quarter'"),
        ("ticker,year,quarter,payments_usd\nA,2023,5,1\n", "not in"),
        ("ticker,year,quarter,payments_usd\nA,2023,1.5,1\n", "not an integer"),
        ("ticker,year,quarter,payments_usd\nA,2023,1,abc\n", "not a"),
        ("ticker,year,quarter,payments_usd\nA,2023,1,-5\n", "negative"),
        ("ticker,year,quarter,payments_usd\nA,2023,1,1\nA,2023,1,2\n", "duplicate"),
        ("ticker,year,quarter,payments_usd\nA,2023,1\n", "expected 4 cells"),
    ],
)
def test_errors_name_file_and_row(tmp_path, text, match):
    p = tmp_path / "capex.csv"
    p.write_text(text)
    with pytest.raises(ParseError, match=match) as info:
        parse_capex_table(p)
    assert "capex.csv" in str(info.value)

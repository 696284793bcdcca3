import pandas as pd
import pytest

from data.calendar import business_days, to_business_days
from data.errors import DataError


def test_business_days_skip_weekends():
    days = business_days("2024-01-05", "2024-01-09")
    assert list(days.strftime("%a")) == ["Fri", "Mon", "Tue"]
    assert days.name == "date"


def test_business_days_rejects_reversed_range():
    with pytest.raises(DataError, match="before"):
        business_days("2024-02-01", "2024-01-01")


def test_crypto_weekend_lands_on_monday_and_equity_keeps_its_rows():
    idx = pd.date_range("2024-01-05", "2024-01-09", freq="D", name="date")  # Fri..Tue
    px = pd.DataFrame(
        {
            "BTC-USD": [100.0, 110.0, 120.0, 130.0, 140.0],
            "SPY": [10.0, None, None, 11.0, 12.0],
        },
        index=idx,
    )
    out = to_business_days(px)
    assert list(out.index.strftime("%a")) == ["Fri", "Mon", "Tue"]
    # Monday's crypto value is Monday's own close: the weekend move is in Fri->Mon
    assert out["BTC-USD"].tolist() == [100.0, 130.0, 140.0]
    assert out["SPY"].tolist() == [10.0, 11.0, 12.0]
    assert out["BTC-USD"].pct_change().iloc[1] == pytest.approx(0.30)


def test_holiday_repeats_previous_close_and_nan_before_start_and_after_end():
    idx = pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-05", "2024-01-31"]).rename("date")
    px = pd.DataFrame({"A": [1.0, 2.0, 3.0, None], "B": [None, None, 5.0, 6.0]}, index=idx)
    out = to_business_days(px)
    assert out.loc["2024-01-04", "A"] == 2.0  # a weekday without a row: last close
    assert pd.isna(out.loc["2024-01-03", "B"])  # before its first observation
    assert pd.isna(out.loc["2024-01-30", "A"])  # not carried beyond max_stale_days
    assert out.loc["2024-01-31", "B"] == 6.0


def test_to_business_days_validates_index():
    px = pd.DataFrame({"A": [1.0, 2.0]}, index=pd.to_datetime(["2024-01-03", "2024-01-02"]))
    with pytest.raises(DataError, match="sorted"):
        to_business_days(px)

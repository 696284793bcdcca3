import numpy as np
import pandas as pd
import pytest
import yfinance
from data_payloads import yf_frame
from yfinance.exceptions import YFRateLimitError

from data.errors import FetchError, ParseError
from data.sources.yahoo import (
    download_to_csv,
    fetch_prices,
    parse_price_csv,
    parse_yahoo_download,
)

DATES = ["2024-01-02", "2024-01-03", "2024-01-04"]


def test_parse_download_two_tickers():
    out = parse_yahoo_download(yf_frame({"SPY": [1, 2, 3], "QQQ": [4, 5, 6]}, DATES))
    assert list(out.columns) == ["QQQ", "SPY"]
    assert out.index.name == "date" and out.index.tz is None
    assert out["SPY"].tolist() == [1.0, 2.0, 3.0]


def test_parse_download_one_ticker_keeps_multiindex_and_drops_tz():
    f = yf_frame({"SPY": [1, 2, 3]}, DATES, tz="America/New_York")
    out = parse_yahoo_download(f)
    assert out.index.tz is None
    assert list(out.index.date.astype(str)) == DATES


def test_empty_download_names_the_ticker():
    with pytest.raises(FetchError, match="NOPE"):
        parse_yahoo_download(pd.DataFrame(), tickers=["NOPE"])


def test_all_nan_column_is_an_unknown_ticker():
    f = yf_frame({"SPY": [1, 2, 3], "DEAD": [np.nan] * 3}, DATES)
    with pytest.raises(FetchError, match="DEAD"):
        parse_yahoo_download(f)
    out = parse_yahoo_download(f, missing="skip")
    assert list(out.columns) == ["SPY"] and out.attrs["missing"] == ["DEAD"]


def test_requested_ticker_absent_from_frame():
    with pytest.raises(FetchError, match="GONE"):
        parse_yahoo_download(yf_frame({"SPY": [1, 2, 3]}, DATES), tickers=["SPY", "GONE"])


def test_flat_columns_are_rejected():
    flat = pd.DataFrame({"Close": [1.0]}, index=pd.to_datetime(["2024-01-02"]))
    with pytest.raises(ParseError, match="MultiIndex"):
        parse_yahoo_download(flat)


def test_raw_csv_round_trips_through_the_csv_parser():
    f = yf_frame({"SPY": [1.5, 2.25, np.nan], "QQQ": [4, 5, 6]}, DATES)
    raw = download_to_csv(f)
    assert raw["SPY"].splitlines()[0] == "Date,Close,Open,High,Low,Volume"
    back = parse_price_csv(raw["SPY"], "SPY")
    pd.testing.assert_series_equal(
        back["SPY"], parse_yahoo_download(f)["SPY"].dropna(), check_freq=False
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Date,Close\n2024-01-02,1\n2024-01-03,2\n", [1.0, 2.0]),
        ("date,Adj Close\n2024-01-02,1\n2024-01-03,2\n", [1.0, 2.0]),
        ("Date,Open,Close,Adj Close\n2024-01-02,9,9,1\n2024-01-03,9,9,2\n", [1.0, 2.0]),
        ("Date,Close\n2024-01-02,1\n\n2024-01-03,\n2024-01-04,3\n", [1.0, 3.0]),  # blank cell
        ("Date,Close\n2024-01-02 00:00:00-05:00,1\n2024-01-03 00:00:00-05:00,2\n", [1.0, 2.0]),
    ],
)
def test_parse_price_csv_header_variants(text, expected):
    out = parse_price_csv(text, "X")
    assert out["X"].tolist() == expected
    assert out.index.name == "date" and out.index.tz is None
    assert len(out.attrs["sha256"]) == 64


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("Date,Close\n2024-01-02,1\n2024-01-03,2,7\n", "line 3|row 3"),
        ("Date,Volume\n2024-01-02,1\n", "no close column"),
        ("Date,Close\n2024-01-03,1\n2024-01-02,2\n", "unsorted"),
        ("Date,Close\n2024-01-02,1\n2024-01-02,2\n", "duplicate"),
        ("Date,Close\n2024-01-02,1\n2024-01-03,abc\n", "not a"),
        ("Date,Close\n2024-01-02,1\n2024-01-03,-2\n", "positive"),
        ("Date,Close\n2024-01-02,1\n2024-13-03,2\n", "not a date"),
        ("", "empty"),
    ],
)
def test_parse_price_csv_errors_name_file_and_row(tmp_path, text, match):
    p = tmp_path / "BAD.csv"
    p.write_text(text)
    with pytest.raises(ParseError, match=match) as info:
        parse_price_csv(p, "BAD")
    assert "BAD.csv" in str(info.value)


def test_parse_price_csv_error_row_number():
    with pytest.raises(ParseError) as info:
        parse_price_csv("Date,Close\n2024-01-02,1\n\n2024-01-03,x\n", "X", source="x.csv")
    assert info.value.row == 4 and "x.csv, row 4" in str(info.value)


def test_fetch_prices_passes_auto_adjust_and_returns_raw(monkeypatch):
    calls = []

    def fake_download(tickers, **kw):
        calls.append((tickers, kw))
        return yf_frame({"SPY": [1, 2, 3], "BTC-USD": [7, 8, 9]}, DATES)

    monkeypatch.setattr(yfinance, "download", fake_download)
    dl = fetch_prices(["SPY", "BTC-USD"], "2024-01-02", "2024-01-04")
    (tickers, kw) = calls[0]
    assert kw["auto_adjust"] is True and kw["progress"] is False
    assert kw["end"] == "2024-01-05"  # yfinance's end is exclusive
    assert set(dl.raw) == {"SPY", "BTC-USD"} and dl.missing == []
    assert dl.prices.attrs["source"] == "yahoo"


def test_fetch_prices_retries_rate_limit_then_succeeds(monkeypatch):
    n = {"calls": 0}

    def flaky(tickers, **kw):
        n["calls"] += 1
        if n["calls"] < 3:
            raise YFRateLimitError()
        return yf_frame({"SPY": [1, 2, 3]}, DATES)

    monkeypatch.setattr(yfinance, "download", flaky)
    dl = fetch_prices(["SPY"], "2024-01-02", "2024-01-04", retries=3, backoff_s=0)
    assert n["calls"] == 3 and dl.prices["SPY"].iloc[-1] == 3.0


def test_fetch_prices_gives_up_naming_tickers(monkeypatch):
    def throttled(tickers, **kw):
        raise YFRateLimitError()

    monkeypatch.setattr(yfinance, "download", throttled)
    with pytest.raises(FetchError, match="SPY, QQQ") as info:
        fetch_prices(["SPY", "QQQ"], "2024-01-02", "2024-01-04", retries=2, backoff_s=0)
    assert "rate limit" in str(info.value)


def test_fetch_prices_unknown_ticker(monkeypatch):
    monkeypatch.setattr(yfinance, "download", lambda t, **kw: pd.DataFrame())
    with pytest.raises(FetchError, match="ZZZZ"):
        fetch_prices(["ZZZZ"], "2024-01-02", "2024-01-04")

import json
import re

import numpy as np
import pandas as pd
import pytest
import requests
import yfinance
from data_payloads import yf_frame

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


# The real yfinance.download over a stubbed HTTP layer (a requests.Session answering from
# a script): yfinance catches per-ticker errors, throttling included, logs them and returns
# the ticker empty. It never raises YFRateLimitError out of download().
YF_NOISE = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning:yfinance", "ignore::FutureWarning:yfinance",
    "ignore:.*inplace.*:DeprecationWarning", "ignore:.*inplace.*:FutureWarning",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_yfinance_cache():
    """yfinance memoizes successful answers per URL in-process; each test starts clean."""
    from yfinance.data import YfData

    YfData.cache_get.cache_clear()
    yield
    YfData.cache_get.cache_clear()


def _chart(sym: str) -> dict:
    ts = [int(pd.Timestamp(f"{d} 14:30", tz="UTC").timestamp()) for d in DATES]
    px = [100.0, 101.0, 102.0]
    meta = {
        "currency": "USD", "symbol": sym, "exchangeName": "PCX", "instrumentType": "ETF",
        "firstTradeDate": 725846400, "regularMarketTime": ts[-1], "gmtoffset": -18000,
        "timezone": "EST", "exchangeTimezoneName": "America/New_York",
        "regularMarketPrice": px[-1], "chartPreviousClose": 99.0, "priceHint": 2,
        "dataGranularity": "1d", "range": "", "validRanges": ["1d"],
    }  # fmt: skip
    quote = {"open": px, "high": px, "low": px, "close": px, "volume": [1000] * 3}
    result = {"meta": meta, "timestamp": ts, "indicators": {"quote": [quote]}}
    result["indicators"]["adjclose"] = [{"adjclose": px}]
    return {"chart": {"result": [result], "error": None}}


class ScriptedYahoo(requests.Session):
    """Answers yfinance's requests: chart calls per ticker follow a script of statuses."""

    def __init__(self, script: dict[str, list[int]]):
        super().__init__()
        self.script = {t: list(v) for t, v in script.items()}
        self.chart_calls: list[str] = []

    def request(self, method, url, *args, **kwargs):
        r = requests.Response()
        r.url = url
        m = re.search(r"/v8/finance/chart/([^?/]+)", url)
        if not m:  # cookie and crumb endpoints
            r.status_code, r._content = 200, b"crumb"
            r.headers["Content-Type"] = "text/plain"
            return r
        sym = m.group(1)
        self.chart_calls.append(sym)
        plan = self.script.get(sym, [200])
        status = plan.pop(0) if len(plan) > 1 else plan[0]
        r.status_code = status
        r.headers["Content-Type"] = "application/json"
        if status == 200:
            r._content = json.dumps(_chart(sym)).encode()
        elif status == 404:
            err = {"code": "Not Found", "description": "No data found, symbol may be delisted"}
            r._content = json.dumps({"chart": {"result": None, "error": err}}).encode()
        else:
            r._content = b"Too Many Requests" if status == 429 else b"Server Error"
        return r


@YF_NOISE
def test_real_yfinance_swallows_throttling_and_returns_empty():
    session = ScriptedYahoo({"SPY": [429]})
    frame = yfinance.download(
        ["SPY"], start="2024-01-02", end="2024-01-05", auto_adjust=True, progress=False,
        multi_level_index=True, session=session, threads=False,
    )  # fmt: skip
    assert frame.shape[0] == 0  # no exception: an empty frame is all the caller gets


@YF_NOISE
def test_fetch_prices_retries_throttled_tickers_then_succeeds(monkeypatch):
    monkeypatch.setattr("data.sources.yahoo._sleep", lambda s: None)
    session = ScriptedYahoo({"SPY": [429, 429, 200], "QQQ": [200]})
    dl = fetch_prices(
        ["SPY", "QQQ"], "2024-01-02", "2024-01-04", retries=3, backoff_s=0, session=session
    )
    assert dl.missing == [] and dl.prices["SPY"].tolist() == [100.0, 101.0, 102.0]
    assert list(dl.prices.columns) == ["SPY", "QQQ"]
    # QQQ answered at once and was not asked again; SPY was retried alone
    assert session.chart_calls.count("QQQ") <= 2 and session.chart_calls[-1] == "SPY"


@YF_NOISE
def test_fetch_prices_gives_up_naming_tickers_and_reason(monkeypatch):
    sleeps = []
    monkeypatch.setattr("data.sources.yahoo._sleep", sleeps.append)
    session = ScriptedYahoo({"SPY": [429], "QQQ": [429]})
    with pytest.raises(FetchError, match="SPY, QQQ|QQQ, SPY") as info:
        fetch_prices(["SPY", "QQQ"], "2024-01-02", "2024-01-04", retries=2, backoff_s=1.0,
                     session=session)  # fmt: skip
    assert "after 3 attempt(s)" in str(info.value) and "Rate limited" in str(info.value)
    assert len(sleeps) == 2 and 1.0 <= sleeps[0] <= 1.5 and 2.0 <= sleeps[1] <= 3.0  # jitter


@YF_NOISE
def test_fetch_prices_does_not_retry_an_unknown_ticker(monkeypatch):
    sleeps = []
    monkeypatch.setattr("data.sources.yahoo._sleep", sleeps.append)
    session = ScriptedYahoo({"ZZZZ": [404], "SPY": [200]})
    dl = fetch_prices(["SPY", "ZZZZ"], "2024-01-02", "2024-01-04", missing="skip",
                      session=session)  # fmt: skip
    assert dl.missing == ["ZZZZ"] and sleeps == []
    assert "ZZZZ" in dl.prices.attrs["reasons"]


def test_fetch_prices_unknown_ticker(monkeypatch):
    monkeypatch.setattr(yfinance, "download", lambda t, **kw: pd.DataFrame())
    with pytest.raises(FetchError, match="ZZZZ"):
        fetch_prices(["ZZZZ"], "2024-01-02", "2024-01-04")

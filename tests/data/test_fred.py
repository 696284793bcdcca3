import json
import re

import numpy as np
import pandas as pd
import pytest
import requests
import responses

from data.errors import FetchError, ParseError
from data.sources.fred import FRED_API_URL, FREDGRAPH_URL, fetch_series, parse_fredgraph_csv

NEW = "observation_date,DGS10\n2024-01-02,3.95\n2024-01-03,.\n2024-01-04,\n2024-01-05,4.05\n"
OLD = NEW.replace("observation_date", "DATE")


@pytest.mark.parametrize("text", [NEW, OLD])
def test_both_headers_and_missing_cells(text):
    s = parse_fredgraph_csv(text, "DGS10")
    assert s.name == "DGS10" and s.index.name == "date"
    assert s.iloc[0] == 3.95 and s.iloc[3] == 4.05
    assert s.iloc[1:3].isna().all()


def test_columns_are_read_by_position():
    s = parse_fredgraph_csv("observation_date,SOMETHING_ELSE\n2024-01-02,1\n", "DGS10")
    assert s.name == "DGS10" and s.iloc[0] == 1.0


@pytest.mark.parametrize(
    ("text", "match", "row"),
    [
        ("observation_date,X\n2024-01-02,1\n2024-01-0x,2\n", "not a date", 3),
        ("observation_date,X\n2024-01-03,1\n2024-01-02,2\n", "unsorted", 3),
        ("observation_date,X\n2024-01-02,1\n2024-01-02,2\n", "duplicate", 3),
        ("observation_date,X\n2024-01-02,1\n2024-01-03,n/a!\n", "not a", 3),
        ("observation_date,X\n2024-01-02,1,2\n", "expected 2 cells", 2),
    ],
)
def test_strict_errors_name_file_and_row(tmp_path, text, match, row):
    p = tmp_path / "X.csv"
    p.write_text(text)
    with pytest.raises(ParseError, match=match) as info:
        parse_fredgraph_csv(p, "X")
    assert info.value.row == row and "X.csv" in str(info.value)


@pytest.mark.parametrize("text", ["observation_date\n2024-01-02\n", "value,X\n2024-01-02,1\n"])
def test_wrong_layout(text):
    with pytest.raises(ParseError):
        parse_fredgraph_csv(text, "X")


@responses.activate
def test_fetch_fredgraph():
    responses.get(re.compile(re.escape(FREDGRAPH_URL) + r".*"), body=NEW)
    s = fetch_series("DGS10", "2024-01-03", retries=0)
    assert responses.calls[0].request.params == {"id": "DGS10", "cosd": "2024-01-03"}
    assert s.index[0] == pd.Timestamp("2024-01-03")
    assert s.attrs["source"] == "fred" and len(s.attrs["sha256"]) == 64


@responses.activate
def test_fetch_api_when_key_set_gives_the_same_series(monkeypatch):
    monkeypatch.setenv("FRED_API_KEY", "sekrit")
    obs = [
        {"date": "2024-01-02", "value": "3.95"},
        {"date": "2024-01-03", "value": "."},
        {"date": "2024-01-04", "value": ""},
        {"date": "2024-01-05", "value": "4.05"},
    ]
    responses.get(FRED_API_URL, body=json.dumps({"observations": obs}))
    s = fetch_series("DGS10", retries=0)
    params = responses.calls[0].request.params
    assert params["api_key"] == "sekrit" and params["file_type"] == "json"
    assert "sekrit" not in s.attrs["request"]
    expected = parse_fredgraph_csv(NEW, "DGS10")
    np.testing.assert_array_equal(s.to_numpy(), expected.to_numpy())
    assert s.index.equals(expected.index)


@responses.activate
def test_404_names_the_series():
    responses.get(re.compile(re.escape(FREDGRAPH_URL) + r".*"), status=404)
    with pytest.raises(FetchError, match="NOSUCH") as info:
        fetch_series("NOSUCH", retries=2, backoff_s=0)
    assert "404" in str(info.value) and len(responses.calls) == 1  # no retry on 404


@responses.activate
def test_429_then_success():
    url = re.compile(re.escape(FREDGRAPH_URL) + r".*")
    responses.get(url, status=429, headers={"Retry-After": "0"})
    responses.get(url, status=503)
    responses.get(url, body=NEW)
    s = fetch_series("DGS10", retries=3, backoff_s=0)
    assert len(responses.calls) == 3 and s.iloc[0] == 3.95


@responses.activate
def test_5xx_gives_up_after_retries():
    responses.get(re.compile(re.escape(FREDGRAPH_URL) + r".*"), status=500)
    with pytest.raises(FetchError, match="DGS10.*500.*3 attempts"):
        fetch_series("DGS10", retries=2, backoff_s=0)
    assert len(responses.calls) == 3


@responses.activate
def test_timeout_gives_up_naming_series():
    responses.get(re.compile(re.escape(FREDGRAPH_URL) + r".*"), body=requests.Timeout("slow"))
    with pytest.raises(FetchError, match="DGS10.*timed out"):
        fetch_series("DGS10", retries=1, backoff_s=0, timeout_s=0.5)


@responses.activate
def test_html_answer_is_not_csv():
    responses.get(re.compile(re.escape(FREDGRAPH_URL) + r".*"), body="<!DOCTYPE html><html>")
    with pytest.raises(FetchError, match="HTML"):
        fetch_series("DGS10", retries=0)

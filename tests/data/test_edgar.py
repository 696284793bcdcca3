import json
import time

import pandas as pd
import pytest
import responses
from data_payloads import CIK, companyfacts, fact, june_capex_facts

from data.errors import DataError, DataWarning, FetchError, ParseError
from data.sources._http import RateLimiter
from data.sources.edgar import (
    COMPANYFACTS_URL,
    fetch_companyfacts,
    pad_cik,
    parse_companyfacts,
    sec_rate_limiter,
)
from data.tables import FUNDAMENTALS_COLUMNS

CAPEX = "PaymentsToAcquirePropertyPlantAndEquipment"


def test_parse_long_table(june_payload):
    f = parse_companyfacts(june_payload, "MSFT")
    assert tuple(f.columns) == FUNDAMENTALS_COLUMNS
    assert set(f["concept"]) == {"capex", "ocf"}
    capex = f[f["concept"] == "capex"]
    assert len(capex) == 6 and set(capex["tag"]) == {CAPEX}
    assert (f["ticker"] == "MSFT").all() and (f["cik"] == CIK).all()
    first = capex.iloc[0]
    assert first["period_start"] == pd.Timestamp("2023-07-01")
    assert first["period_end"] == pd.Timestamp("2023-09-30")
    assert first["filed"] == pd.Timestamp("2023-10-25") and first["value"] == 100.0
    assert first["form"] == "10-Q" and first["fiscal_period"] == "Q1"
    assert f.attrs["cik"] == CIK and len(f.attrs["sha256"]) == 64


def test_ticker_defaults_to_cik_and_optional_fields(june_payload):
    facts = june_payload["facts"]["us-gaap"][CAPEX]["units"]["USD"]
    del facts[0]["fy"], facts[0]["fp"]
    f = parse_companyfacts(june_payload)
    assert (f["ticker"] == CIK).all()
    assert f["fiscal_year"].isna().sum() == 1


def test_other_concepts_and_tags_mapped():
    payload = companyfacts(
        {
            "PaymentsToAcquireProductiveAssets": [
                fact("2024-01-01", "2024-03-31", 5, "2024-04-30")
            ],
            "ProceedsFromIssuanceOfLongTermDebt": [
                fact("2024-01-01", "2024-03-31", 7, "2024-04-30")
            ],
            "PaymentsToAcquireInvestments": [fact("2024-01-01", "2024-03-31", 9, "2024-04-30")],
        }
    )
    f = parse_companyfacts(payload, "X")
    assert dict(zip(f["concept"], f["tag"], strict=True)) == {
        "capex": "PaymentsToAcquireProductiveAssets",
        "debt_issuance": "ProceedsFromIssuanceOfLongTermDebt",
    }


def test_missing_required_field_names_file_and_fact(tmp_path, june_payload):
    del june_payload["facts"]["us-gaap"][CAPEX]["units"]["USD"][2]["filed"]
    p = tmp_path / f"CIK{CIK}.json"
    p.write_text(json.dumps(june_payload))
    with pytest.raises(ParseError, match=rf"CIK{CIK}.json.*{CAPEX}\[2\].*filed"):
        parse_companyfacts(p)


def test_non_numeric_value(june_payload):
    june_payload["facts"]["us-gaap"][CAPEX]["units"]["USD"][0]["val"] = "lots"
    with pytest.raises(ParseError, match="val"):
        parse_companyfacts(june_payload)


def test_truncated_json_names_the_file(tmp_path, june_payload):
    p = tmp_path / f"CIK{CIK}.json"
    p.write_text(json.dumps(june_payload)[:-40])
    with pytest.raises(ParseError, match=f"CIK{CIK}.json.*truncated"):
        parse_companyfacts(p)


def test_company_without_capex_names_cik_and_concept():
    payload = companyfacts(
        {
            "NetCashProvidedByUsedInOperatingActivities": [
                fact("2024-01-01", "2024-03-31", 1, "2024-04-30")
            ]
        }
    )
    with pytest.raises(
        DataError, match=f"CIK {CIK}.*capex.*PaymentsToAcquirePropertyPlantAndEquipment"
    ):
        parse_companyfacts(payload)
    assert len(parse_companyfacts(payload, require_capex=False)) == 1


def test_non_usd_unit_is_an_error():
    payload = companyfacts({CAPEX: june_capex_facts()}, units="EUR")
    with pytest.raises(DataError, match="EUR.*not USD"):
        parse_companyfacts(payload)


def test_extra_unit_is_skipped_with_a_warning(june_payload):
    june_payload["facts"]["us-gaap"][CAPEX]["units"]["EUR"] = [
        fact("2023-07-01", "2023-09-30", 90, "2023-10-25")
    ]
    with pytest.warns(DataWarning, match="capex.*EUR"):
        f = parse_companyfacts(june_payload)
    assert 90.0 not in set(f["value"])


def test_pad_cik():
    assert pad_cik(789019) == "0000789019" and pad_cik("CIK0000789019") == "0000789019"
    with pytest.raises(DataError):
        pad_cik("12345678901")


URL = COMPANYFACTS_URL.format(cik=CIK)


def test_fetch_refuses_without_user_agent():
    with pytest.raises(FetchError, match="403.*User-Agent"):
        fetch_companyfacts(CIK)


@responses.activate
def test_fetch_sends_user_agent_and_parses(monkeypatch, june_payload):
    monkeypatch.setenv("SEC_USER_AGENT", "Test Person test@example.com")
    responses.get(URL, json=june_payload)
    f = fetch_companyfacts(123456, ticker="MSFT", retries=0)
    assert responses.calls[0].request.headers["User-Agent"] == "Test Person test@example.com"
    assert f.attrs["request"] == URL and f.attrs["source"] == "edgar"
    assert (f["ticker"] == "MSFT").all()


@responses.activate
def test_fetch_404_names_cik():
    responses.get(URL, status=404)
    with pytest.raises(FetchError, match=f"CIK{CIK}.*404"):
        fetch_companyfacts(CIK, user_agent="a b@c.d", retries=2, backoff_s=0)


@responses.activate
def test_fetch_retries_429_and_5xx(june_payload):
    responses.get(URL, status=429)
    responses.get(URL, status=502)
    responses.get(URL, json=june_payload)
    f = fetch_companyfacts(CIK, user_agent="a b@c.d", retries=2, backoff_s=0)
    assert len(responses.calls) == 3 and len(f) == 8


@responses.activate
def test_fetch_gives_up_on_server_errors():
    responses.get(URL, status=503)
    with pytest.raises(FetchError, match="503"):
        fetch_companyfacts(CIK, user_agent="a b@c.d", retries=1, backoff_s=0)


@responses.activate
def test_fetch_truncated_answer_is_a_parse_error():
    responses.get(URL, body='{"cik": 123456, "facts": {"us-gaap": {')
    with pytest.raises(ParseError, match=URL):
        fetch_companyfacts(CIK, user_agent="a b@c.d", retries=0)


def test_rate_limiter_spaces_calls():
    lim = RateLimiter(50.0)
    t0 = time.monotonic()
    for _ in range(6):
        lim.wait()
    assert time.monotonic() - t0 >= 5 / 50.0 * 0.95


def test_sec_rate_limiter_is_shared_and_capped():
    assert sec_rate_limiter(10) is sec_rate_limiter(10)
    with pytest.raises(ValueError, match="10"):
        sec_rate_limiter(11)

import json

import pandas as pd
import pytest
import responses
from submissions_payloads import (
    CIK,
    FILINGS_2023,
    FILINGS_2024,
    PAGE,
    TICKER,
    accession,
    main_file,
    page_file,
    write_submissions,
)

from data.errors import FetchError, ParseError, PlausibilityError
from data.sources.submissions import (
    FILINGS_COLUMNS,
    PAGE_URL,
    SUBMISSIONS_URL,
    fetch_submissions,
    page_names,
    parse_submissions,
    read_submissions_dir,
)

URL = SUBMISSIONS_URL.format(cik=CIK)
PURL = PAGE_URL.format(name=PAGE)


def test_parse_main_and_page_into_the_filings_table():
    f = parse_submissions(main_file(), {PAGE: page_file()})
    assert tuple(f.columns) == FILINGS_COLUMNS
    # 10 filings in recent, 3 in the page of which one repeats: 12 accession numbers
    assert len(f) == len(FILINGS_2023) + len(FILINGS_2024) == 12
    assert f["accession"].is_unique and (f["ticker"] == TICKER).all() and (f["cik"] == CIK).all()
    assert f["accepted_at"].is_monotonic_increasing
    assert str(f["accepted_at"].dt.tz) == "UTC"
    row = f.set_index("accession").loc[accession("24-01")]
    assert row["accepted_at"] == pd.Timestamp("2024-01-12 22:00", tz="UTC")
    assert row["filed"] == pd.Timestamp("2024-01-12") and row["form"] == "8-K"
    assert row["items"] == "2.02,9.01"
    q = f.set_index("accession").loc[accession("23-02")]
    assert q["report_date"] == pd.Timestamp("2023-09-30") and q["form"] == "10-Q"
    assert f.attrs["pages"] == [PAGE] and f.attrs["missing_pages"] == []


def test_blank_report_date_is_nat_and_ticker_argument_wins():
    main = main_file(pages=False)
    main["filings"]["recent"]["reportDate"][0] = ""
    f = parse_submissions(main, ticker="XYZ")
    assert f["report_date"].isna().sum() == 1 and (f["ticker"] == "XYZ").all()


def test_page_not_given_is_listed_as_missing():
    f = parse_submissions(main_file())
    assert len(f) == len(FILINGS_2024) and f.attrs["missing_pages"] == [PAGE]


def test_truncated_json_names_the_file(tmp_path):
    p = tmp_path / f"CIK{CIK}.json"
    p.write_text(json.dumps(main_file())[:-50])
    with pytest.raises(ParseError, match=f"CIK{CIK}.json.*truncated"):
        parse_submissions(p)


def test_truncated_page_names_the_page(tmp_path):
    folder = write_submissions(tmp_path)
    (folder / PAGE).write_text(json.dumps(page_file())[:-10])
    with pytest.raises(ParseError, match=f"{PAGE}.*truncated"):
        read_submissions_dir(folder, CIK)


def test_unequal_parallel_arrays_name_the_file_and_lengths(tmp_path):
    page = page_file()
    page["form"].pop()
    folder = write_submissions(tmp_path, page=page)
    with pytest.raises(ParseError, match=rf"{PAGE}.*unequal length.*'form': 2"):
        read_submissions_dir(folder, CIK)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("acceptanceDateTime", "2024-13-40T25:00:00.000Z"),
        ("filingDate", "12/01/2024"),
        ("reportDate", "soon"),
    ],
)
def test_bad_date_names_file_field_and_value(field, value):
    main = main_file()
    main["filings"]["recent"][field][3] = value
    with pytest.raises(ParseError, match=rf"<x>.*{field}\[3\].*{value!r}"):
        parse_submissions(main, source="<x>")


def test_missing_array_is_not_a_submissions_file():
    main = main_file()
    del main["filings"]["recent"]["acceptanceDateTime"]
    with pytest.raises(ParseError, match="acceptanceDateTime"):
        parse_submissions(main, source="<x>")


def test_page_name_that_is_a_path_is_refused():
    main = main_file()
    main["filings"]["files"][0]["name"] = "../../etc/passwd"
    with pytest.raises(ParseError, match=r"filings.files\[0\].*passwd"):
        page_names(main)


def test_periodic_filing_accepted_weeks_after_its_date_is_implausible():
    main = main_file(pages=False)
    rec = main["filings"]["recent"]
    i = rec["form"].index("10-K")
    rec["filingDate"][i] = "2024-06-01"  # accepted 2024-07-30
    with pytest.raises(PlausibilityError, match=r"accepted-near-filed.*24-08"):
        parse_submissions(main, source="<x>")


def test_read_dir_with_a_listed_page_absent(tmp_path):
    folder = write_submissions(tmp_path)
    (folder / PAGE).unlink()
    f = read_submissions_dir(folder, CIK)
    assert f.attrs["missing_pages"] == [PAGE] and len(f) == len(FILINGS_2024)
    with pytest.raises(ParseError, match="not found"):
        read_submissions_dir(folder, "999")


# -- live fetcher: the companyfacts conventions (no network: `responses` answers) ------------


def test_fetch_refuses_without_user_agent():
    with pytest.raises(FetchError, match="403.*User-Agent"):
        fetch_submissions(CIK)


@responses.activate
def test_fetch_sends_user_agent_and_follows_the_pages(monkeypatch):
    monkeypatch.setenv("SEC_USER_AGENT", "Test Person test@example.com")
    responses.get(URL, json=main_file())
    responses.get(PURL, json=page_file())
    f = fetch_submissions(123456, retries=0)
    assert [c.request.url for c in responses.calls] == [URL, PURL]
    assert all(
        c.request.headers["User-Agent"] == "Test Person test@example.com" for c in responses.calls
    )
    assert len(f) == 12 and f.attrs["source"] == "edgar-submissions" and f.attrs["request"] == URL
    assert len(f.attrs["sha256"]) == 64


@responses.activate
def test_fetch_fails_whole_when_a_page_fails():
    responses.get(URL, json=main_file())
    responses.get(PURL, status=404)
    with pytest.raises(FetchError, match=f"CIK{CIK}.*{PAGE}.*404"):
        fetch_submissions(CIK, user_agent="a b@c.d", retries=0)


@responses.activate
def test_fetch_retries_429_then_parses():
    responses.get(URL, status=429)
    responses.get(URL, json=main_file(pages=False))
    f = fetch_submissions(CIK, user_agent="a b@c.d", retries=1, backoff_s=0)
    assert len(responses.calls) == 2 and len(f) == len(FILINGS_2024)


@responses.activate
def test_fetch_truncated_answer_is_a_parse_error_naming_the_url():
    responses.get(URL, body=json.dumps(main_file())[:-30])
    with pytest.raises(ParseError, match=URL):
        fetch_submissions(CIK, user_agent="a b@c.d", retries=0)


# -- the real mirror: structure only -------------------------------------------------------


def test_real_mirror_submissions_structure(mirror_dir):
    folder = mirror_dir / "edgar" / "submissions"
    mains = sorted(p for p in folder.glob("CIK*.json") if "-submissions-" not in p.name)
    assert mains
    for p in mains:
        cik = p.stem.removeprefix("CIK")
        f = read_submissions_dir(folder, cik)
        assert tuple(f.columns) == FILINGS_COLUMNS
        assert f.attrs["missing_pages"] == []  # every listed page is in the mirror
        assert f["accession"].is_unique and f["accepted_at"].is_monotonic_increasing
        assert str(f["accepted_at"].dt.tz) == "UTC" and (f["cik"] == cik).all()
        forms = set(f["form"])
        assert {"8-K", "10-Q", "10-K"} <= forms
        periodic = f[f["form"].isin(["10-Q", "10-K"])]
        assert periodic["report_date"].notna().all()
        assert (periodic["report_date"] < periodic["filed"]).all()
        assert f["items"].str.contains("2.02", regex=False).any()
        assert f["filed"].max() <= pd.Timestamp("2026-01-31")

import json
import shutil

import pandas as pd
import pytest
from data_payloads import write_tiny_mirror
from submissions_payloads import accession, main_file, page_file, write_submissions

from data.cache import Cache
from data.capex_dates import (
    coverage_lines,
    date_capex,
    dating_coverage,
    filings_table,
    releases_config,
)
from data.errors import ConfigError, DataError, ParseError
from data.loaders import load_market, mirror_root
from data.sources.submissions import parse_submissions
from data.tables import QUARTERS_COLUMNS

D = pd.Timestamp
UTC = "UTC"


@pytest.fixture
def filings():
    return parse_submissions(main_file(), {"CIK0000123456-submissions-001.json": page_file()})


def table_quarters(ends, concept="capex"):
    """Capex-table quarters of EXMP, dated by a 40-day lag (business day after)."""
    rows = []
    for e in map(D, ends):
        lag = (e + pd.Timedelta(days=40) + pd.offsets.BDay(1)).normalize()
        rows.append(
            ("EXMP", concept, e - pd.Timedelta(days=90), e, 5.0, pd.NaT, lag, "capex_table:t")
        )
    return pd.DataFrame(rows, columns=list(QUARTERS_COLUMNS))


ENDS = ["2023-09-30", "2023-12-31", "2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"]


def test_release_mode_dates_each_quarter_at_its_release(filings):
    q = date_capex(table_quarters(ENDS), filings, known_at="release", window_days=(5, 75))
    got = q.set_index("period_end")
    # by hand from the payload (see tests/data/submissions_payloads.py)
    expected = {
        "2023-09-30": ("release", "2023-10-25", "2023-10-24 20:05"),
        "2023-12-31": ("release", "2024-01-16", "2024-01-12 22:00"),
        "2024-03-31": ("release", "2024-04-25", "2024-04-25 12:00"),
        "2024-06-30": ("release", "2024-07-29", "2024-07-27 15:00"),
        "2024-09-30": ("release", "2024-10-31", "2024-10-30 15:00"),
    }
    for end, (by, at, acc) in expected.items():
        row = got.loc[D(end)]
        assert row["dated_by"] == by and row["available_at"] == D(at)
        assert row["accepted_at"] == D(acc, tz=UTC)
    last = got.loc[D("2024-12-31")]  # no release, no filing: the table's lag stands
    assert last["dated_by"] == "lag" and pd.isna(last["accepted_at"])
    assert last["available_at"] == table_quarters(ENDS)["available_at"].iloc[-1]
    assert any(accession("24-09") in n for n in q.attrs["release_notes"])


def test_filing_mode_dates_each_quarter_at_its_10q_or_10k(filings):
    q = date_capex(table_quarters(ENDS), filings, known_at="filing").set_index("period_end")
    expected = {
        "2023-09-30": "2023-10-27",  # 10-Q accepted Thu 16:05 NY
        "2023-12-31": "2024-01-31",  # 10-Q accepted Tue 16:00 NY exactly
        "2024-03-31": "2024-05-01",
        "2024-06-30": "2024-07-31",  # the 10-K
    }
    for end, at in expected.items():
        assert q.loc[D(end), "dated_by"] == "filing" and q.loc[D(end), "available_at"] == D(at)
    assert (q.loc[[D("2024-09-30"), D("2024-12-31")], "dated_by"] == "lag").all()


def test_every_concept_of_a_quarter_is_dated_together(filings):
    both = pd.concat([table_quarters(ENDS[:2]), table_quarters(ENDS[:2], "ocf")])
    q = date_capex(both, filings)
    for _, g in q.groupby("period_end"):
        assert g["available_at"].nunique() == 1 and set(g["dated_by"]) == {"release"}


def test_edgar_vintages_first_redated_restatement_keeps_its_filing(filings):
    rows = [  # Q2 first filed in the 10-Q, restated a year later
        (
            "EXMP",
            "capex",
            D("2023-10-01"),
            D("2023-12-31"),
            150.0,
            D("2024-01-30"),
            D("2024-01-31"),
            "edgar",
        ),
        (
            "EXMP",
            "capex",
            D("2023-10-01"),
            D("2023-12-31"),
            160.0,
            D("2025-01-29"),
            D("2025-01-30"),
            "edgar",
        ),
    ]
    q = date_capex(pd.DataFrame(rows, columns=list(QUARTERS_COLUMNS)), filings)
    assert q["available_at"].tolist() == [D("2024-01-16"), D("2025-01-30")]
    assert q["dated_by"].tolist() == ["release", "filing"]
    assert pd.isna(q["accepted_at"].iloc[1])


def test_without_an_index_nothing_moves():
    t = table_quarters(ENDS)
    q = date_capex(t, None)
    assert q["available_at"].tolist() == t["available_at"].tolist()
    assert set(q["dated_by"]) == {"lag"}


def test_dating_coverage_counts_by_source(filings):
    q = date_capex(table_quarters(ENDS), filings)
    cov = dating_coverage(q)
    row = cov.loc["EXMP"]
    assert (row["n"], row["n_release"], row["n_filing"], row["n_lag"]) == (6, 5, 0, 1)
    assert row["first_release"] == D("2023-09-30") and row["last_release"] == D("2024-09-30")
    assert row["first_lag"] == D("2024-12-31") and pd.isna(row["first_filing"])


def test_releases_config_checks_the_window(cfg):
    assert releases_config(cfg) == ("release", (5, 75))
    from data.config import load_config

    with pytest.raises(ConfigError, match=r"\[data.releases\].*window_days.*\[80, 10\]"):
        releases_config(load_config(data={"releases": {"window_days": [80, 10]}}))


def test_filings_table_maps_ciks_to_config_tickers(filings):
    f = filings_table({"0000123456": filings}, {"0000123456": "MSFT"})
    assert (f["ticker"] == "MSFT").all() and len(f) == len(filings)
    assert filings_table({}, {}).empty


# -- through the loader: a mirror with edgar/submissions/ -----------------------------------


def _mirror_with_index(root, cfg):
    write_tiny_mirror(root, cfg)
    cik = cfg.universe.cik["MSFT"]
    main = main_file()
    main["cik"] = cik
    folder = root / "edgar" / "submissions"
    write_submissions(folder, main=main)
    page = folder / "CIK0000123456-submissions-001.json"
    main["filings"]["files"][0]["name"] = f"CIK{cik}-submissions-001.json"
    (folder / f"CIK{cik}.json").write_text(json.dumps(main))
    page.rename(folder / f"CIK{cik}-submissions-001.json")
    (folder / "CIK0000123456.json").unlink()
    return root


def test_mirror_load_dates_edgar_quarters_at_their_releases(tmp_path, cfg):
    root = _mirror_with_index(tmp_path / "m", cfg)
    md = load_market(cfg, "mirror", root, cache=tmp_path / "cache")
    c = md.capex[(md.capex["ticker"] == "MSFT") & (md.capex["concept"] == "capex")]
    first = c.sort_values("available_at").drop_duplicates("period_end").set_index("period_end")
    # the June-year facts of data_payloads (Q1..Q4 FY2024) and the releases of the index
    assert first["available_at"].to_dict() == {
        D("2023-09-30"): D("2023-10-25"),
        D("2023-12-31"): D("2024-01-16"),
        D("2024-03-31"): D("2024-04-25"),
        D("2024-06-30"): D("2024-07-29"),
    }
    assert (first["dated_by"] == "release").all()
    later = c[c["filed"] >= D("2025-01-01")]  # restatements keep their own filing date
    assert (later["dated_by"] == "filing").all()
    assert sorted(later["available_at"]) == [D("2025-01-30")] * 2 + [D("2025-07-31")]
    assert any(accession("24-09") in g for g in md.gaps)  # the unmatched 2.02: a data note


def test_malformed_submissions_is_named_and_leaves_the_cache_unchanged(tmp_path, cfg):
    root = _mirror_with_index(tmp_path / "m", cfg)
    cache = Cache(tmp_path / "cache")
    load_market(cfg, "mirror", root, cache=cache)
    key = f"submissions/{cfg.universe.cik['MSFT']}"
    assert cache.has(key)
    before = json.dumps(cache.manifest(), sort_keys=True)
    main = root / "edgar" / "submissions" / f"CIK{cfg.universe.cik['MSFT']}.json"
    main.write_text(main.read_text()[:-40])  # truncated
    (root / "prices" / "SPY.csv").write_text("Date,Close\n2024-01-02,1.0\n")  # a change too
    with pytest.raises(ParseError, match=f"{main.name}.*truncated"):
        load_market(cfg, "mirror", root, cache=cache)
    assert json.dumps(cache.manifest(), sort_keys=True) == before


# -- a mirror that is not a mirror ------------------------------------------------------------


def test_folder_without_mirror_subfolders_is_refused_before_anything_runs(tmp_path):
    (tmp_path / "notes").mkdir()
    with pytest.raises(DataError, match=rf"{tmp_path}.*not a mirror.*prices/.*fred-qd/"):
        mirror_root(tmp_path)
    assert mirror_root(None) is None


def test_mirror_with_none_of_the_configured_files_fails(tmp_path, cfg):
    (tmp_path / "prices").mkdir()
    (tmp_path / "prices" / "NOTCONFIGURED.csv").write_text("Date,Close\n2024-01-02,1\n")
    with pytest.raises(DataError, match=r"none of the configured files.*prices/<TICKER>.csv"):
        load_market(cfg, "mirror", tmp_path, cache=tmp_path / "cache")
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)


# -- the live fetcher inside the collector: one transaction, a failure keeps the good copy ----


@pytest.mark.slow
def test_live_submissions_failure_keeps_the_cached_copy(tmp_path, cfg, monkeypatch):
    import re

    import responses

    from data.sources.edgar import COMPANYFACTS_URL
    from data.sources.submissions import SUBMISSIONS_URL

    root = _mirror_with_index(tmp_path / "m", cfg)
    cache = Cache(tmp_path / "cache")
    load_market(cfg, "mirror", root, cache=cache)
    cik = cfg.universe.cik["MSFT"]
    key = f"submissions/{cik}"
    before = cache.entry(key)
    monkeypatch.setenv("SEC_USER_AGENT", "Test Person test@example.com")
    monkeypatch.setattr(  # only data.sec.gov answers: no price or FRED request
        "data.collect.probe", lambda host, *a, **k: None if host == "data.sec.gov" else "DNS"
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(re.compile(re.escape(COMPANYFACTS_URL.split("CIK")[0]) + ".*"), status=404)
        rsps.get(SUBMISSIONS_URL.format(cik=cik), body=json.dumps(main_file())[:-30])
        rsps.get(re.compile(r"https://data\.sec\.gov/submissions/CIK.*"), status=404)
        md = load_market(cfg, "live", cache=cache)
        ua = {c.request.headers["User-Agent"] for c in rsps.calls}
    assert ua == {"Test Person test@example.com"}
    assert any(f"live: submissions {cik} failed" in g and "truncated" in g for g in md.gaps)
    assert cache.entry(key) == before  # the previous good copy stays
    assert (md.capex.loc[md.capex["ticker"] == "MSFT", "dated_by"] == "release").any()

    good = main_file(pages=False)
    good["cik"] = cik
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(re.compile(re.escape(COMPANYFACTS_URL.split("CIK")[0]) + ".*"), status=404)
        rsps.get(SUBMISSIONS_URL.format(cik=cik), json=good)
        rsps.get(re.compile(r"https://data\.sec\.gov/submissions/CIK.*"), status=404)
        load_market(cfg, "live", cache=cache)
    after = cache.entry(key)
    assert after["source"] == "live:submissions" and after["raw_sha256"] != before["raw_sha256"]


def test_coverage_lines_say_counts_and_spans(filings):
    q = date_capex(table_quarters(ENDS), filings)
    assert coverage_lines(q) == [
        "capex EXMP: 6 quarters; dated by release 5 (2023-09-30..2024-09-30), filing 0, "
        "lag 1 (2024-12-31..2024-12-31)"
    ]

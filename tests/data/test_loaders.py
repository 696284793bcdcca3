import json
import re
import sys
import types
from pathlib import Path

import pandas as pd
import pytest
import responses
import yfinance
from data_payloads import june_company, write_tiny_mirror, yf_frame

from data.cache import Cache
from data.errors import CacheError, ConfigError, ParseError
from data.loaders import fetch, load_market
from data.sources.edgar import COMPANYFACTS_URL
from data.sources.fred import FREDGRAPH_URL
from data.tables import sha256_bytes


@pytest.fixture
def store(tmp_path):
    return Cache(tmp_path / "cache")


@pytest.fixture
def fake_synthetic(monkeypatch, cfg):
    """Stand-in for data.sources.synthetic (written elsewhere): a tiny mirror, counted."""
    calls = []

    def write_synthetic_mirror(root, cfg, *, seed=None, effect_size=None):
        calls.append((root, seed, effect_size))
        write_tiny_mirror(root, cfg)
        return {"seed": seed}

    mod = types.ModuleType("data.sources.synthetic")
    mod.write_synthetic_mirror = write_synthetic_mirror
    monkeypatch.setitem(sys.modules, "data.sources.synthetic", mod)
    return calls


def test_mirror_load(tiny_mirror, cfg, store):
    md = load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    assert md.source == "mirror" and md.synthetic is False
    assert list(md.prices.columns) == cfg.tickers
    assert (md.prices.index.day_of_week < 5).all() and md.prices.index.name == "date"
    btc = pd.read_csv(tiny_mirror / "prices" / "BTC-USD.csv", index_col=0, parse_dates=True)
    monday = pd.Timestamp("2024-01-08")
    assert md.prices.loc[monday, "BTC-USD"] == pytest.approx(btc.loc[monday, "Close"])
    assert list(md.macro.columns) == list(cfg.macro.series)
    capex = md.capex[md.capex["concept"] == "capex"]
    msft = capex[capex["ticker"] == "MSFT"]
    assert (msft["source"] == "edgar").all() and len(msft) == 7  # the table's 999 lost
    googl = capex[capex["ticker"] == "GOOGL"]  # GOOG in the table is Alphabet: GOOGL
    assert googl["value"].tolist() == [10.0, 11.0, 12.0, 17.0]
    assert any("no edgar/CIK0001652044.json" in g for g in md.gaps)
    assert not any("0001288776" in g for g in md.gaps)  # predecessor: optional
    assert any("prices SNDK: starts 2024-02-15" in g for g in md.gaps)
    assert any(g.startswith("macro WRESBAL: ends 2024-02-07") for g in md.gaps)
    assert any("MSFT capex 2023-07-01..2023-12-31 restated" in g for g in md.gaps)
    for path, sha in md.provenance.items():
        assert sha == sha256_bytes(Path(path).read_bytes())
    assert md.prices.attrs["source"] == "mirror" and md.prices.attrs["synthetic"] is False
    assert all("/prices/" in k for k in md.prices.attrs["provenance"])
    entries = store.manifest()["entries"]
    assert "prices/SPY" in entries and entries["prices/SPY"]["synthetic"] is False
    assert "summary" not in md.summary() and "source=mirror" in str(md)


def test_cache_reproduces_the_mirror_load(tiny_mirror, cfg, store):
    a = load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    b = load_market(cfg, "cache", cache=store)
    assert b.source == "mirror (cached)"
    pd.testing.assert_frame_equal(a.prices, b.prices)
    pd.testing.assert_frame_equal(a.macro, b.macro)
    pd.testing.assert_frame_equal(a.fundamentals, b.fundamentals)
    pd.testing.assert_frame_equal(a.capex, b.capex)
    assert a.provenance == b.provenance
    auto = load_market(cfg, "auto", cache=store)
    assert auto.source == "mirror (cached)"


def test_corrupt_cache_raises_and_auto_repairs_from_mirror(tiny_mirror, cfg, store):
    load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    path = store.root / store.entry("prices/SPY")["file"]
    path.write_bytes(b"garbage")
    with pytest.raises(CacheError, match="prices/SPY"):
        load_market(cfg, "cache", cache=store)
    md = load_market(cfg, "auto", mirror=tiny_mirror, cache=store)
    assert md.source == "mirror"
    assert load_market(cfg, "cache", cache=store).prices.shape == md.prices.shape


def test_bad_mirror_file_never_damages_the_cache(tiny_mirror, cfg, store):
    good = load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    (tiny_mirror / "fred" / "DGS10.csv").write_text("observation_date,DGS10\n2024-01-02,x\n")
    with pytest.raises(ParseError, match="DGS10.csv"):
        load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    again = load_market(cfg, "cache", cache=store)
    pd.testing.assert_frame_equal(good.macro, again.macro)
    assert store.verify() == []


def test_source_errors(cfg, store, monkeypatch):
    monkeypatch.delenv("SCARCITY_MIRROR", raising=False)
    with pytest.raises(CacheError, match="empty"):
        load_market(cfg, "cache", cache=store)
    with pytest.raises(ConfigError, match="mirror"):
        load_market(cfg, "mirror", cache=store)
    with pytest.raises(ConfigError, match="source"):
        load_market(cfg, "web", cache=store)


def test_synthetic_is_marked_everywhere_and_reused(cfg, store, fake_synthetic):
    md = load_market(cfg, "synthetic", cache=store)
    assert md.synthetic is True and md.source == "synthetic"
    assert md.truth == {"seed": cfg.synthetic.seed}
    assert fake_synthetic[0][1:] == (cfg.synthetic.seed, cfg.synthetic.effect_size)
    for table in (md.prices, md.macro, md.fundamentals, md.capex):
        assert table.attrs["synthetic"] is True
    ns = store.namespace("synthetic")
    assert ns.meta()["synthetic"] is True
    assert all(e["synthetic"] for e in ns.manifest()["entries"].values())
    assert store.keys() == []  # never mixed with real data
    again = load_market(cfg, "synthetic", cache=store)
    assert len(fake_synthetic) == 1 and again.synthetic is True
    pd.testing.assert_frame_equal(md.prices, again.prices)


def test_auto_falls_back_to_synthetic_offline(cfg, store, fake_synthetic, monkeypatch):
    monkeypatch.delenv("SCARCITY_MIRROR", raising=False)
    md = load_market(cfg, "auto", cache=store)  # sockets are disabled in tests
    assert md.synthetic is True and md.source == "synthetic" and len(fake_synthetic) == 1


def _fred_callback(request):
    sid = request.params["id"]
    body = f"observation_date,{sid}\n2024-01-02,1.0\n2024-01-03,.\n2024-01-04,1.2\n"
    return 200, {}, body


@responses.activate
def test_live_fills_cache_incrementally(cfg, store, monkeypatch):
    downloads = []

    def fake_download(tickers, **kw):
        downloads.append(list(tickers))
        known = [t for t in tickers if t != "SNDK"]
        return yf_frame(
            {t: [1.0, 2.0, 3.0] for t in known}, ["2024-01-02", "2024-01-03", "2024-01-04"]
        )

    monkeypatch.setattr(yfinance, "download", fake_download)
    monkeypatch.setattr("data.collect.probe", lambda host, *a, **k: None)  # hosts answer
    responses.add_callback(
        responses.GET, re.compile(re.escape(FREDGRAPH_URL) + r".*"), callback=_fred_callback
    )
    md = load_market(cfg, "live", cache=store)
    assert md.source == "live" and "SNDK" not in md.prices.columns
    assert any("no Yahoo data for SNDK" in g for g in md.gaps)
    assert any("SEC_USER_AGENT not set" in g for g in md.gaps)
    assert list(md.macro.columns) == list(cfg.macro.series)
    assert store.entry("fred/DGS10")["source"] == "live:fred"
    n_http = len(responses.calls)
    assert n_http == len(cfg.macro.series)
    # second run: only what is missing (SNDK) is asked for again
    load_market(cfg, "live", cache=store)
    assert downloads[1] == ["SNDK"] and len(responses.calls) == n_http
    # with a User-Agent, EDGAR is fetched; unknown companies (404) are gaps
    monkeypatch.setenv("SEC_USER_AGENT", "Test Person test@example.com")
    msft = COMPANYFACTS_URL.format(cik=cfg.universe.cik["MSFT"])
    payload = june_company()
    payload["cik"] = int(cfg.universe.cik["MSFT"])
    responses.get(msft, body=json.dumps(payload))
    responses.get(re.compile(r"https://data\.sec\.gov/.*"), status=404)
    md3 = load_market(cfg, "live", cache=store)
    assert set(md3.capex.loc[md3.capex["source"] == "edgar", "ticker"]) == {"MSFT"}
    assert any("edgar 0001018724 failed" in g and "404" in g for g in md3.gaps)
    assert not any("0001288776" in g for g in md3.gaps)


def test_fetch_summary(tiny_mirror, cfg, store):
    report = fetch(cfg, "mirror", tiny_mirror, cache=store, progress=True)
    text = report.summary()
    lines = text.splitlines()
    assert lines[0].startswith("source: mirror")
    assert lines[1].startswith(f"prices: {len(cfg.tickers)} tickers")
    assert lines[2].startswith(f"macro: {len(cfg.macro.series)} series")
    assert lines[3].startswith("fundamentals: 1 companies")
    assert lines[4].startswith("capex:")
    assert "gaps:" in text and str(report) == text


def test_cache_dir_from_config_when_no_env(tiny_mirror, tmp_path, monkeypatch):
    from data.config import load_config

    monkeypatch.delenv("SCARCITY_CACHE")
    cfg = load_config(data={"cache_dir": str(tmp_path / "cfgcache")})
    load_market(cfg, "mirror", mirror=tiny_mirror)
    assert (tmp_path / "cfgcache" / "manifest.json").is_file()

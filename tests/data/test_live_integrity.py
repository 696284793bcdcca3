"""Live failures are fast and clear (issue 14, class 5); labels of a partial live refresh."""

from __future__ import annotations

import re
import time

import pytest
import requests
import responses
import yfinance
from data_payloads import yf_frame

from data.cache import Cache
from data.errors import FetchError, NetworkError
from data.loaders import load_market
from data.sources._http import http_get
from data.sources.fred import FREDGRAPH_URL, fetch_series


def snapshot(root):
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_no_network_fails_at_once_with_one_line(tiny_mirror, cfg, tmp_path):
    store = Cache(tmp_path / "cache")
    load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    before = snapshot(store.root)
    t0 = time.monotonic()
    with pytest.raises(NetworkError) as info:  # sockets are disabled in the tests
        load_market(cfg, "live", cache=store)
    assert time.monotonic() - t0 < 5.0
    msg = str(info.value)
    assert "network is unreachable" in msg and "query1.finance.yahoo.com" in msg
    assert "nothing was retried" in msg and "\n" not in msg
    assert snapshot(store.root) == before


def test_dns_failure_per_host_skips_that_source(tiny_mirror, cfg, tmp_path, monkeypatch):
    """Yahoo answers, FRED's host does not resolve: FRED items are notes, never requested."""
    store = Cache(tmp_path / "cache")
    load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    monkeypatch.setattr(
        "data.collect.probe",
        lambda host, *a, **k: "DNS lookup failed" if "stlouisfed" in host else None,
    )
    dates = ["2024-04-01", "2024-04-02", "2024-04-03"]
    monkeypatch.setattr(
        yfinance, "download", lambda t, **kw: yf_frame({x: [50.0, 50.5, 50.2] for x in t}, dates)
    )
    with responses.RequestsMock() as rsps:  # any HTTP request would fail the test
        md = load_market(cfg, "live", cache=store)
        assert len(rsps.calls) == 0
    assert any("fred.stlouisfed.org unreachable (DNS lookup failed)" in g for g in md.gaps)
    n = len(cfg.macro.series)
    assert md.source == f"live (cached, {n} items stale)"


@responses.activate
def test_connection_refused_is_not_retried():
    err = requests.ConnectionError(ConnectionRefusedError(111, "Connection refused"))
    responses.get(re.compile(re.escape(FREDGRAPH_URL) + r".*"), body=err)
    with pytest.raises(NetworkError, match="DGS10.*connection refused.*not retried"):
        fetch_series("DGS10", retries=3, backoff_s=0)
    assert len(responses.calls) == 1


@responses.activate
def test_throttling_is_retried_with_jitter(monkeypatch):
    sleeps = []
    monkeypatch.setattr("data.sources._http.time.sleep", sleeps.append)
    monkeypatch.setattr("data.sources._http.random.random", lambda: 1.0)  # the largest jitter
    url = "https://example.test/x"
    responses.get(url, status=503)
    responses.get(url, status=502)
    responses.get(url, body="ok")
    assert http_get(url, what="X", retries=3, backoff_s=1.0).text == "ok"
    assert len(responses.calls) == 3
    assert sleeps == [1.5, 3.0]  # backoff 1, 2 s times a jitter factor in [1, 1.5]


@responses.activate
def test_timeout_is_not_retried():
    responses.get("https://example.test/slow", body=requests.Timeout("slow"))
    with pytest.raises(FetchError, match="timed out.*not retried"):
        http_get("https://example.test/slow", what="X", retries=3, backoff_s=0)
    assert len(responses.calls) == 1

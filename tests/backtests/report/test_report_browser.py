"""Open the synthetic report in headless Chromium: a screenshot and no console errors."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.page_weight import FLAGS as BASE_FLAGS
from benchmarks.page_weight import chromium

pytestmark = pytest.mark.browser

FLAGS = [
    *BASE_FLAGS,  # the bench's headless flags (benchmarks/page_weight.py)
    "--enable-logging=stderr",
    "--v=0",
    # let plotly draw before the screenshot and the DOM dump
    "--virtual-time-budget=15000",
]


def _chromium() -> str:
    path = chromium()
    if path is None:
        pytest.skip(
            "headless Chromium not installed (make setup-browser installs Debian's chromium)"
        )
    return path


# hosts Chromium itself contacts (updates, accounts, clock) whatever the page is
BROWSER_HOSTS = ("google.com", "googleapis.com", "gstatic.com", "gvt1.com")


def _requests(exe: str, url: str, tmp: Path) -> set[str]:
    """Every http(s) URL a page requested while loading, from Chromium's net log."""
    netlog = tmp / "net.json"
    subprocess.run(
        [
            exe,
            *FLAGS,
            f"--user-data-dir={tmp / 'netprofile'}",
            f"--log-net-log={netlog}",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    urls = set(re.findall(r'"url":"(https?://[^"]*)"', netlog.read_text(errors="replace")))
    return {u for u in urls if not (urlsplit(u).hostname or "").endswith(BROWSER_HOSTS)}


def test_net_log_sees_an_external_request(tmp_path):
    """Control: the net-log check notices a page that fetches a script from a CDN."""
    exe = _chromium()
    page = tmp_path / "remote.html"
    page.write_text(
        '<html><body><script src="https://cdn.example.org/x.js"></script></body></html>'
    )
    assert _requests(exe, page.as_uri(), tmp_path) == {"https://cdn.example.org/x.js"}


def test_report_requests_nothing_from_the_network(golden_report, tmp_path):
    exe = _chromium()
    out, _ = golden_report
    assert _requests(exe, (out / "index.html").resolve().as_uri(), tmp_path) == set()


def test_report_renders_in_chromium(golden_report, tmp_path):
    exe = _chromium()
    out, _ = golden_report
    shot = tmp_path / "report.png"
    url = (out / "index.html").resolve().as_uri()
    proc = subprocess.run(
        [
            exe,
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,4000",
            f"--screenshot={shot}",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.is_file() and shot.stat().st_size > 10_000, proc.stderr[-2000:]
    console = [ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert console == [], console
    dom = subprocess.run(
        [exe, *FLAGS, f"--user-data-dir={tmp_path / 'profile2'}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert 'id="synthetic-banner"' in dom
    assert dom.count("<img") >= 5
    # every interactive figure was drawn by the embedded plotly.js (an SVG inside its figure)
    import re

    blocks = re.findall(
        r'<figure class="interactive" data-figure="(\w+)">(.*?)</figure>', dom, re.S
    )
    names = [n for n, _ in blocks]
    assert {"equity", "factor", "components", "events"} <= set(names), names
    for name, body in blocks:
        assert 'class="main-svg"' in body, f"plotly figure {name} did not render"


def test_report_makes_no_network_request(golden_report):
    """The page's policy forbids every fetch; plotly.js is inline, images are data: URIs.

    A request the page attempted would be refused and reported on the console, which the
    rendering test requires to be empty; here the policy itself is checked to be in place.
    """
    out, _ = golden_report
    page = (out / "index.html").read_text()
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert page.count('id="plotly-js"') == 1


def test_a_fetch_from_the_page_would_show_on_the_console(tmp_path):
    """The console check above catches requests: a page with the report's policy that tries a
    fetch (to a closed local port) logs the refusal instead of making the request."""
    from backtests.report.html import CSP

    exe = _chromium()
    page = tmp_path / "fetch.html"
    page.write_text(
        f'<html><head><meta http-equiv="Content-Security-Policy" content="{CSP}"></head>'
        '<body><img src="http://127.0.0.1:9/x.png"></body></html>'
    )
    proc = subprocess.run(
        [exe, *FLAGS, f"--user-data-dir={tmp_path / 'p'}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    console = [ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln]
    assert any("Content Security Policy" in ln for ln in console), proc.stderr[-2000:]

"""Open the synthetic report in headless Chromium: a screenshot and no console errors."""

from __future__ import annotations

import shutil
import subprocess

import pytest

pytestmark = pytest.mark.browser

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("headless Chromium not installed (make setup-browser installs Debian's chromium)")


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

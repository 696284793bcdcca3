"""Weigh a report page and time its load in headless Chromium; check that it fits 1280 px.

:func:`probe` opens a copy of ``index.html`` (a ``<base>`` pointing at the report folder, so
``figures/*.png`` resolve) with one extra script that, at the load event, opens every
``<details>``, measures the page's and each table's width, checks that every in-page link
(``#g-spa``...) has its target, and writes the result as JSON into the DOM, which
``--dump-dom`` returns. :func:`measure_page` is the benchmark's ``page`` phase:
``html_bytes`` (the size of index.html) and ``html_load_s`` (navigation start to the load
event, median of a few loads; plotly draws its figures before the load event).
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

PROBE_JS = """<script>window.addEventListener('load', function () {
  var nav = performance.getEntriesByType('navigation')[0];
  var load = nav ? nav.loadEventStart : performance.now();
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  var wide = [];
  document.querySelectorAll('table').forEach(function (t) {
    var r = t.getBoundingClientRect();
    if (r.right > window.innerWidth + 0.5 || t.scrollWidth > t.clientWidth + 1) {
      wide.push(t.textContent.trim().slice(0, 80) + ' | right ' + Math.round(r.right));
    }
  });
  var ids = Array.prototype.map.call(document.querySelectorAll('a[href^="#"]'),
    function (a) { return a.getAttribute('href').slice(1); });
  var out = {scroll_width: document.scrollingElement.scrollWidth,
    inner_width: window.innerWidth, wide_tables: wide, links: ids.length,
    glossary_links: ids.filter(function (i) { return i.indexOf('g-') === 0; }).length,
    missing_targets: ids.filter(function (i) { return !document.getElementById(i); }),
    load_s: load / 1000};
  var pre = document.createElement('pre');
  pre.id = 'page-probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});</script>"""


def chromium() -> str | None:
    """Return the path of a Chromium-like browser, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def probe(index: Path, *, width: int = 1280, timeout: float = 120.0) -> dict[str, Any]:
    """Open ``index`` at ``width`` px in headless Chromium and return the probe's JSON.

    Raises
    ------
    RuntimeError
        When no browser is installed or the page did not report (the stderr tail).
    """
    exe = chromium()
    if exe is None:
        raise RuntimeError("headless Chromium not installed (make setup-browser)")
    index = Path(index).resolve()
    text = index.read_text(encoding="utf-8")
    base = f'<base href="{index.parent.as_uri()}/">'
    text = text.replace("<head>", "<head>" + base, 1).replace("</body>", PROBE_JS + "</body>", 1)
    with tempfile.TemporaryDirectory(prefix="page-probe-") as tmp:
        page = Path(tmp) / "probe.html"
        page.write_text(text, encoding="utf-8")
        proc = subprocess.run(
            [
                exe,
                *FLAGS,
                f"--user-data-dir={Path(tmp) / 'profile'}",
                f"--window-size={width},2000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    m = re.search(r'<pre id="page-probe">(.*?)</pre>', proc.stdout, re.S)
    if not m:
        raise RuntimeError(f"the page probe did not report:\n{proc.stderr[-2000:]}")
    import html

    return json.loads(html.unescape(m.group(1)))


def _timed_probe(index: Path) -> tuple[dict[str, Any], float]:
    t0 = time.perf_counter()
    r = probe(index)
    return r, time.perf_counter() - t0


def drawn_times(index: Path, *, repeats: int = 3, timeout_ms: int = 60_000) -> list[float] | None:
    """Seconds from navigation start until every figure of ``index`` is drawn (None: no driver).

    plotly.js is unpacked in the browser after the load event, so the load event alone says
    nothing about the figures: this drives Chromium with Playwright (the bench extra) and
    waits until every plotly ``<div>`` of the page is drawn.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    exe = chromium()
    if exe is None:
        return None
    url = Path(index).resolve().as_uri()
    n = Path(index).read_text(encoding="utf-8").count('class="plotly-graph-div"')
    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=list(FLAGS[1:]))
        try:
            for _ in range(max(1, repeats)):
                page = browser.new_page(viewport={"width": 1280, "height": 2000})
                page.goto(url, wait_until="load", timeout=timeout_ms)
                page.wait_for_function(
                    f"document.querySelectorAll('.js-plotly-plot').length >= {n}",
                    timeout=timeout_ms,
                )
                out.append(float(page.evaluate("performance.now()")) / 1000.0)
                page.close()
        finally:
            browser.close()
    return out


def measure_page(index: Path, *, repeats: int = 3) -> dict[str, Any]:
    """Return the page's size and load time.

    Keys: ``html_bytes``; ``html_load_s`` (median over ``repeats`` loads of the time from
    navigation start until every figure is drawn, :func:`drawn_times`; without Playwright,
    to the load event, and ``html_load_kind`` says which) and its ``html_load_runs``;
    ``html_load_event_s`` (to the load event); ``html_wall_s`` and
    ``blank_wall_s`` (median wall seconds of the whole headless browser run for this page
    and for an empty page: start-up, load, DOM dump, exit); ``scroll_width``. Without a
    browser the times are None and ``skipped`` says why.
    """
    out: dict[str, Any] = {"html_bytes": Path(index).stat().st_size}
    if chromium() is None:
        return {**out, "html_load_s": None, "skipped": "headless Chromium not installed"}
    runs = [_timed_probe(Path(index)) for _ in range(max(1, repeats))]
    out["html_load_event_s"] = statistics.median(r["load_s"] for r, _ in runs)
    drawn = drawn_times(Path(index), repeats=repeats)
    out["html_load_kind"] = "figures drawn" if drawn else "load event"
    out["html_load_runs"] = drawn or [r["load_s"] for r, _ in runs]
    out["html_load_s"] = statistics.median(out["html_load_runs"])
    out["html_wall_s"] = statistics.median(w for _, w in runs)
    with tempfile.TemporaryDirectory(prefix="page-blank-") as tmp:
        blank = Path(tmp) / "index.html"
        blank.write_text("<!DOCTYPE html><html><head></head><body><p>.</p></body></html>")
        out["blank_wall_s"] = statistics.median(
            _timed_probe(blank)[1] for _ in range(max(1, repeats))
        )
    out["scroll_width"] = runs[-1][0]["scroll_width"]
    return out

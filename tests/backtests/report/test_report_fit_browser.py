"""The page fits 1280 px with every <details> open, and every glossary link resolves.

Runs headless Chromium (skipped without it; ``make setup-browser`` installs it) through the
probe of :mod:`benchmarks.page_weight`.
"""

from __future__ import annotations

import pytest

from backtests.report.html_shell import CSS
from benchmarks.page_weight import chromium, probe

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> str:
    exe = chromium()
    if exe is None:
        pytest.skip("headless Chromium not installed (make setup-browser installs it)")
    return exe


def test_probe_sees_a_table_that_overflows_and_a_dangling_link(browser, tmp_path):
    """Control: the probe notices a wide table inside a closed <details> and a missing id."""
    cells = "".join(f"<td>column_number_{i}_with_long_text</td>" for i in range(40))
    page = tmp_path / "index.html"
    page.write_text(
        f"<html><head><style>{CSS}td{{white-space:nowrap}}</style></head><body><main>"
        f"<details><summary>s</summary><table><tr>{cells}</tr></table></details>"
        '<a href="#g-nowhere">x</a></main></body></html>'
    )
    r = probe(page)
    assert r["wide_tables"] and r["missing_targets"] == ["g-nowhere"]


def test_report_fits_1280_px_and_glossary_links_resolve(browser, golden_report):
    out, _ = golden_report
    r = probe(out / "index.html", width=1280)
    assert r["inner_width"] == 1280
    assert r["scroll_width"] <= 1280, r
    assert r["wide_tables"] == [], r["wide_tables"]
    assert r["glossary_links"] >= 8 and r["missing_targets"] == [], r

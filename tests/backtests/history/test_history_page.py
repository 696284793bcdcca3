"""The long-history page: the main report's shell, links both ways, targets explained."""

from __future__ import annotations

import re
from types import SimpleNamespace as S

from backtests.history.report_html import main_report_href, undefined_note
from backtests.report.html_shell import CSS
from backtests.report.plain import find_identifiers
from tests.backtests.history.test_long_history import _small_cfg, tiny_history  # noqa: F401
from tests.backtests.report.test_report_reader import page_text


def test_history_page_shares_the_shell_and_links_back(tiny_history, tmp_path):  # noqa: F811
    from backtests.history.report import write_history_report
    from backtests.history.run import run_history

    cfg = _small_cfg().replace(
        inference={"bootstrap_reps": 50, "placebo_reps": 20, "pbo_splits": 4}
    )
    res = run_history(cfg, source="mirror", mirror=tiny_history)
    out = tmp_path / "reports" / "history"
    write_history_report(res, out)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert CSS in page and "Content-Security-Policy" in page
    assert 'href="../default/index.html"' in page
    assert "HML (high minus low)" in page_text(page) and 'id="g-hml"' in page
    assert "RMW (robust minus weak)" in page and "CMA (conservative minus aggressive)" in page
    targets = set(re.findall(r'href="#(g-[a-z0-9-]+)"', page))
    assert targets <= set(re.findall(r'id="(g-[a-z0-9-]+)"', page))
    srcs = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert {"figures/factor.png", "figures/equity.png"} <= set(srcs)
    assert all((out / s).is_file() for s in srcs)
    assert "data:image" not in page
    assert find_identifiers(page_text(page)) == []
    assert find_identifiers((out / "summary.md").read_text(encoding="utf-8")) == []


def test_main_report_href_prefers_default_then_a_sibling_main_report(tmp_path):
    hist = tmp_path / "history"
    hist.mkdir()
    assert main_report_href(hist) == "../default/index.html"
    other = tmp_path / "mine"
    other.mkdir()
    (other / "index.html").write_text("<html></html>")
    (other / "metrics.json").write_text('{"spec_hash": "x"}')
    assert main_report_href(hist) == "../mine/index.html"


def test_undefined_note_names_stale_series_and_lags():
    cfg = S(
        factor=S(
            macro_components={
                "capex_orders": {"series": ("ANDENOx",), "frequency": "monthly"},
                "baa_spread": {"series": ("BAA",), "frequency": "monthly"},
            },
            staleness_days={"monthly": 95},
        ),
        macro=S(series={"ANDENOx": {"lag": "50D", "source": "fred-md"}, "BAA": {}}),
    )
    now = {
        "date": "2026-01-30",
        "factor": None,
        "factor_last_date": "2025-12-18",
        "components": {
            "capex_orders": {"stale": True, "as_of": "2025-12-18"},
            "baa_spread": {"stale": False, "as_of": "2026-01-30"},
        },
    }
    note = undefined_note({"now": now}, cfg)
    assert note.startswith("The factor is undefined since 2025-12-19, its inputs being stale: ")
    assert "FRED-MD monthly series ANDENOx (capex orders; published 50 days after" in note
    assert "dropped 95 days after their last value) last usable on 2025-12-18" in note
    assert "baa" not in note
    assert undefined_note({"now": {**now, "factor": 0.3}}, cfg) == ""

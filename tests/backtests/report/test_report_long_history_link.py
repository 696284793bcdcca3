"""The main report's one-line link to reports/history/ (present only when that report exists)."""

from __future__ import annotations

import json

from backtests.report.long_history import headline, html_paragraph, markdown_line

M = {
    "long_history": True,
    "target": "hml",
    "period": {"start": "1963-07-01", "end": "2026-01-30"},
    "verdict": {"label": "not supported"},
    "episodes": [{}, {}, {}],
    "samples": {
        "in_sample": {"active": {"sharpe_diff": -0.79}},
        "held_out": {"active": {"sharpe_diff": -0.2}},
    },
}


def test_headline_states_verdict_and_halves():
    line = headline(M)
    assert "not supported" in line and "-0.79 pre-2000" in line and "-0.20 post-2000" in line
    assert "3 capex-boom episodes" in line


def test_link_only_when_the_history_report_exists(tmp_path):
    main = tmp_path / "default"
    main.mkdir()
    assert html_paragraph(main) == "" and markdown_line(main) == ""
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "metrics.json").write_text(json.dumps(M))
    para = html_paragraph(main)
    assert 'href="../history/index.html"' in para and "revised" in para
    assert markdown_line(main).startswith("Long history (1963-07-01")
    assert html_paragraph(tmp_path / "history") == ""  # the history report does not link itself

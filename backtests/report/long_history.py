"""The main report's link to the long-history report, when one has been written beside it.

``make history`` writes ``reports/history/``; a main report in ``reports/<name>/`` states the
long-history headline in one line and links to it when ``../history/metrics.json`` exists.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any


def history_metrics(report_dir: Path) -> dict[str, Any] | None:
    """Return the sibling ``history/metrics.json`` of a report directory, or None."""
    p = Path(report_dir).resolve().parent / "history" / "metrics.json"
    if Path(report_dir).resolve().name == "history" or not p.is_file():
        return None
    try:
        m = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return m if isinstance(m, dict) and m.get("long_history") else None


def headline(m: dict[str, Any]) -> str:
    """One line: period, verdict, pre-/post-2000 Sharpe differences against the spread.

    Examples
    --------
    >>> m = {"period": {"start": "1963-07-01", "end": "2026-01-30"}, "target": "hml",
    ...      "verdict": {"label": "not supported"}, "episodes": [1, 2],
    ...      "samples": {"in_sample": {"active": {"sharpe_diff": -0.5}},
    ...                  "held_out": {"active": {"sharpe_diff": 0.1}}}}
    >>> headline(m)  # doctest: +NORMALIZE_WHITESPACE
    'Long history (1963-07-01 to 2026-01-30, HML): not supported; Sharpe difference
     against holding HML -0.50 pre-2000, +0.10 post-2000; 2 capex-boom episodes.'
    """

    def diff(key: str) -> str:
        x = ((m.get("samples") or {}).get(key) or {}).get("active", {}).get("sharpe_diff")
        return "n/a" if x is None else f"{x:+.2f}"

    t = str(m.get("target", "")).upper()
    p = m.get("period") or {}
    return (
        f"Long history ({p.get('start')} to {p.get('end')}, {t}): "
        f"{(m.get('verdict') or {}).get('label')}; Sharpe difference against holding {t} "
        f"{diff('in_sample')} pre-2000, {diff('held_out')} post-2000; "
        f"{len(m.get('episodes') or [])} capex-boom episodes."
    )


def html_paragraph(report_dir: Path) -> str:
    """Return the paragraph for the main page (empty when there is no long-history report)."""
    m = history_metrics(report_dir)
    if m is None:
        return ""
    return (
        f'<p id="long-history">{html.escape(headline(m))} '
        '<a href="../history/index.html">The long-history report</a> (one vintage of revised '
        "history, not real-time data).</p>"
    )


def markdown_line(report_dir: Path) -> str:
    """Return the line for ``summary.md`` (empty when there is no long-history report)."""
    m = history_metrics(report_dir)
    return (
        "" if m is None else f"{headline(m)} See [../history/index.html](../history/index.html).\n"
    )

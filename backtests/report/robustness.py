"""Render the universe robustness grid (``metrics["universes"]``) as HTML and Markdown.

Rows are the declared near baskets, columns the long baskets; each cell shows the pair's
active Sharpe ratio in-sample / held-out against the pair's own benchmark, and the robust
in-sample predictive p-value (see :mod:`backtests.study.universes`).
"""

from __future__ import annotations

import html
from typing import Any

from backtests.study.benchmarks import benchmark_label


def _f2(x: Any) -> str:
    return "n/a" if x is None else f"{x:+.2f}"


def _p(x: Any) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _axes(rows: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    near = list(dict.fromkeys(r["near"] for r in rows))
    long = list(dict.fromkeys(r["long"] for r in rows))
    return near, long


def cell_text(r: dict[str, Any] | None) -> str:
    """``+0.12 / -0.30 (p 0.412)``; ``not run`` with the reason when the pair did not run."""
    if r is None:
        return "—"
    if not r["run"]:
        return f"not run ({r['note']})"
    return (
        f"{_f2(r['in_sample_active_sharpe'])} / {_f2(r['held_out_active_sharpe'])} "
        f"(p {_p(r['predictive_pvalue'])})"
    )


def _members(rows: list[dict[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for side in ("near", "long"):
        for r in rows:
            out.setdefault(f"{side}: {r[side]}", ", ".join(r[f"{side}_members"]) or "none")
    return out


def _intro(metrics: dict[str, Any]) -> str:
    bench = benchmark_label(metrics.get("inference", {}).get("benchmark"))
    n = sum(bool(r["run"]) for r in metrics.get("universes") or [])
    return (
        "The same factor, rule and costs on every pair of baskets declared in "
        "the configuration before any result was seen; each cell is the active Sharpe "
        f"against {bench} of that pair (in-sample / held-out) and the robust in-sample "
        f"predictive p-value for the pair's spread. "
        + (f"The {n} pairs that ran count as trials." if n != 1 else "The pair counts as a trial.")
    )


def universe_html(metrics: dict[str, Any]) -> str:
    """Return the grid as an HTML section body ('' when there is no grid)."""
    rows = metrics.get("universes") or []
    if not rows:
        return ""
    near, long = _axes(rows)
    by = {(r["near"], r["long"]): r for r in rows}
    head = "".join(f"<th>{html.escape(b)}</th>" for b in ["near \\ long", *long])
    body = ""
    for a in near:
        cells = "".join(f"<td>{html.escape(cell_text(by.get((a, b))))}</td>" for b in long)
        body += f"<tr><th>{html.escape(a)}</th>{cells}</tr>"
    members = "; ".join(f"{k} ({v})" for k, v in _members(rows).items())
    notes = sorted({r["note"] for r in rows if r["note"]})
    return (
        f"<p>{html.escape(_intro(metrics))}</p>"
        f'<table id="universe-grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        f"<p class='muted'>Members with prices: {html.escape(members)}."
        + (f" Notes: {html.escape('; '.join(notes))}." if notes else "")
        + "</p>"
    )


def universe_markdown(metrics: dict[str, Any]) -> list[str]:
    """Return the grid as Markdown lines ([] when there is no grid)."""
    rows = metrics.get("universes") or []
    if not rows:
        return []
    near, long = _axes(rows)
    by = {(r["near"], r["long"]): r for r in rows}
    lines = ["", "Universe robustness (active Sharpe in-sample / held-out, predictive p):", ""]
    lines.append("| near \\ long | " + " | ".join(long) + " |")
    lines.append("|---|" + "---|" * len(long))
    for a in near:
        lines.append(f"| {a} | " + " | ".join(cell_text(by.get((a, b))) for b in long) + " |")
    return lines

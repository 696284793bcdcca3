"""The report's words on capex dating: the coverage table, the event study's accounting, today.

Rendered from ``metrics.json`` only: ``coverage.capex_dating`` and
``coverage.capex_dating_note`` (:mod:`backtests.report.metrics_dating`), ``now.coverage_sentence``
and the ``events`` block (:mod:`backtests.report.metrics_events`). HTML for the page, Markdown
lines for ``summary.md``.
"""

from __future__ import annotations

from typing import Any

from backtests.report.html_base import esc, num, table
from backtests.report.metrics_events import DATED_BY, REASONS, SIGNS
from backtests.report.plain import plain

SOURCE_WORDS = {"release": "earnings release", "filing": "10-Q/10-K filing", "lag": "table lag"}


def _span(row: dict[str, Any], src: str) -> str:
    n = row[f"n_{src}"]
    return f"{n} ({row[f'first_{src}']}..{row[f'last_{src}']})" if n else "0"


def capex_dating_html(metrics: dict[str, Any]) -> str:
    """Per company: quarters dated by release, filing and lag, with the first and last of each."""
    cov = metrics.get("coverage") or {}
    rows = cov.get("capex_dating") or []
    if not rows:
        return ""
    body = [
        [esc(r["ticker"]), esc(r["n"] or "absent")] + [esc(_span(r, s)) for s in DATED_BY]
        for r in rows
    ]
    note = cov.get("capex_dating_note") or ""
    return (
        "<p>When each quarter became news (the market's date: the first session after its "
        "earnings release, else after its 10-Q/10-K, else the configured lag after the "
        "quarter end), quarters per company with the first and last quarter end of each:</p>"
        + table(["company", "quarters", *(f"by {SOURCE_WORDS[s]}" for s in DATED_BY)], body)
        + (f"<p id='capex-dating-note'><b>{esc(plain(note))}</b></p>" if note else "")
    )


def today_coverage_html(metrics: dict[str, Any]) -> str:
    """Render the Today block's sentence on live capex and stale components."""
    text = (metrics.get("now") or {}).get("coverage_sentence")
    return f"<p id='today-coverage'>{esc(plain(text))}</p>" if text else ""


def events_html(metrics: dict[str, Any]) -> str:
    """Render the event study's accounting: dating by company, included, excluded, ends."""
    ev = metrics.get("events")
    if not ev:
        return ""
    rows = [
        [esc(t)] + [esc(c[s]) for s in DATED_BY] + [esc(sum(c.values()))]
        for t, c in ev["by_ticker"].items()
    ]
    rows.append(
        ["<b>all</b>"]
        + [num(f"events.by_dated_by.{s}", ev["by_dated_by"][s]) for s in DATED_BY]
        + [num("events.n", ev["n"])]
    )
    lo, hi = ev["window"]
    fate = [["included", num("events.included.total", ev["included"]["total"])]]
    fate += [
        [esc("excluded " + REASONS[k].format(lo=lo, hi=hi)), num(f"events.excluded.{k}", n)]
        for k, n in ev["excluded"].items()
    ]
    ends = [
        [
            esc(f"{s} surprise"),
            num(f"events.car_end.{s}.n", ev["car_end"][s]["n"]),
            esc(_pct(ev["car_end"][s]["car"])),
            esc(_band(ev["car_end"][s])),
        ]
        for s in SIGNS
    ]
    return (
        f"<p id='events-caption'>{esc(plain(ev['caption']))}</p>"
        + table(["company", *(f"dated by {SOURCE_WORDS[s]}" for s in DATED_BY), "all"], rows)
        + table(["announcement", "count"], fate)
        + table(
            ["events", "included", f"mean cumulative return, day {lo:+d} to {hi:+d}", "95% band"],
            ends,
        )
    )


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:+.2f}%"


def _band(c: dict[str, Any]) -> str:
    if c.get("lo") is None or c.get("hi") is None:
        return "n/a"
    return f"{c['lo'] * 100:+.2f}% to {c['hi'] * 100:+.2f}%"


def dating_markdown(metrics: dict[str, Any]) -> list[str]:
    """Lines for ``summary.md``: capex dating per company and the event study's caption."""
    cov = metrics.get("coverage") or {}
    rows = cov.get("capex_dating") or []
    lines: list[str] = []
    if rows:
        lines += ["", "Capex quarters by what dated them (release / filing / lag):", ""]
        lines += [
            f"- {r['ticker']}: {r['n']} quarters; "
            + ", ".join(f"{s} {_span(r, s)}" for s in DATED_BY)
            for r in rows
        ]
        if cov.get("capex_dating_note"):
            lines += ["", f"**{cov['capex_dating_note']}**"]
    ev = metrics.get("events")
    if ev:
        lines += ["", f"Event study around capex announcements: {ev['caption']}"]
    return lines

"""The report's sections for a portfolio manager: today, coverage, ablation, years, PM tables.

Each function renders one section from ``metrics.json`` (``now``, ``coverage``, ``ablation``,
``calendar_years``, ``drawdowns``, ``by_regime``, ``cost_sensitivity``, ``basket_members``).
"""

from __future__ import annotations

from typing import Any

from backtests.report import words as W
from backtests.report.html_base import SAMPLE_TITLES, esc, num, table
from backtests.report.html_dating import capex_dating_html, today_coverage_html
from backtests.study.benchmarks import benchmark_label


def _pct(x: Any) -> str:
    return "n/a" if x is None else f"{x * 100:+.2f}%"


def _f2(x: Any) -> str:
    return "n/a" if x is None else f"{x:+.2f}"


def today_section(metrics: dict[str, Any]) -> str:
    """Render what the factor says today and whether the rotation beat its benchmark."""
    now = metrics.get("now")
    if not now:
        return ""
    bench = esc(benchmark_label(metrics["inference"].get("benchmark")))
    held = [(t, w) for t, w in now["holdings"].items() if abs(w) > 1e-9]
    hold = ", ".join(f"{esc(t)} {w * 100:.1f}%" for t, w in held) or "nothing"
    flip = now.get("flip") or {}
    regime = "exhausted (idle money used up)" if now["regime"] else "not exhausted"
    pct = now.get("percentile")
    lines = [
        f"<p><b>As of {esc(now['date'])}</b>: factor "
        f"{num('now.factor', now['factor'])}"
        f"{'' if pct is None else f' ({pct * 100:.0f}th percentile of its history)'}; "
        f"regime <b>{esc(regime)}</b>; holding the <b>{esc(now['held_basket'])}</b> basket "
        f"({hold}).",
    ]
    if flip:
        lines.append(
            f" The position changes if the factor moves {esc(flip['direction'])} to "
            f"{flip['level']:+.2f} ({abs(flip['distance']):.2f} factor units away)."
        )
    lines.append("</p>")
    samples = metrics.get("samples") or {}
    rows = []
    for name, title in SAMPLE_TITLES.items():
        blk = samples.get(name)
        if not blk:
            continue
        diff = blk["active"].get("sharpe_diff")
        beat = "n/a" if diff is None else ("yes" if diff > 0 else "no")
        rows.append(
            [
                esc(title),
                esc(f"{blk['start'] or '—'} .. {blk['end'] or '—'}"),
                esc(beat),
                esc(_f2(blk["strategy"].get("sharpe"))),
                esc(_f2(blk["benchmark"].get("sharpe"))),
                esc(_pct(blk["active"].get("total_return"))),
            ]
        )
    lines.append(
        f"<p>Has it beaten {bench}?</p>"
        + table(
            ["sample", "dates", "beat it?", "Sharpe", "benchmark Sharpe", "relative return"],
            rows,
        )
    )
    lines.append(today_coverage_html(metrics))
    comps = now.get("components") or {}
    stale = [k for k, c in comps.items() if c["stale"]]
    crow = [
        [
            esc(k),
            esc("n/a" if c["value"] is None else f"{c['value']:.4g}"),
            esc(c["as_of"] or "never"),
            esc("stale" if c["stale"] else "live"),
        ]
        for k, c in comps.items()
    ]
    lines.append(
        f"<details><summary>{len(comps) - len(stale)} of {len(comps)} components live"
        f"{'; stale: ' + esc(', '.join(stale)) if stale else ''}</summary>"
        + table(["component", "latest value", "last usable", "status"], crow)
        + "</details>"
    )
    return "".join(lines)


def coverage_section(metrics: dict[str, Any]) -> str:
    """Render which data the factor had: capex by company, component availability, start."""
    cov = metrics.get("coverage")
    if not cov:
        return ""
    cap = [
        [
            esc(r["ticker"]),
            esc(r["first_quarter"] or "absent"),
            esc(r["last_quarter"] or "—"),
            esc(r["last_available"] or "—"),
            esc(r["quarters"]),
            esc(r["sources"]),
        ]
        for r in cov["capex"]
    ]
    comp_rows = cov.get("components") or []
    cols = [k for k in (comp_rows[0] if comp_rows else {}) if k != "component"]
    comp = [[esc(r["component"])] + [esc(_cell(r[k])) for k in cols] for r in comp_rows]
    return (
        f"<p>The factor is first defined on <b>{esc(cov.get('factor_first_date'))}</b>; "
        f"{esc(cov.get('start_note', ''))}. Each component joins when it has its own history "
        "and drops out when stale.</p>"
        "<p>Hyperscaler capex (each quarter usable from its earnings release, its 10-Q/10-K "
        "or the configured lag, whichever dated it first):</p>"
        + table(
            ["company", "first quarter", "last quarter", "last usable", "quarters", "source"], cap
        )
        + capex_dating_html(metrics)
        + "<details><summary>Component availability over time</summary>"
        + table(["component", *cols], comp)
        + "</details>"
    )


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.0%}" if 0 <= v <= 1 else f"{v:.4g}"
    return "—" if v is None else str(v)


def ablation_table(metrics: dict[str, Any]) -> str:
    """Render the ablation: blocks alone, left out, and the naive ON RRP rule."""
    rows = []
    for r in metrics.get("ablation") or []:
        rows.append(
            [
                esc(r["name"]),
                esc(r["components"]),
                esc(_f2(r["in_sample_active_sharpe"])),
                esc(_f2(r["held_out_active_sharpe"])),
                esc("n/a" if r["predictive_pvalue"] is None else f"{r['predictive_pvalue']:.3f}"),
                esc("n/a" if r["placebo_pvalue"] is None else f"{r['placebo_pvalue']:.3f}"),
            ]
        )
    if not rows:
        return ""
    return table(
        [
            "variant",
            "components",
            "active Sharpe in-sample",
            "active Sharpe held-out",
            "predictive p (in-sample)",
            "placebo p (in-sample)",
        ],
        rows,
    )


def nested_paragraph(metrics: dict[str, Any]) -> str:
    """Whether capex demand and idle liquidity each add to funding price (nested regressions)."""
    texts = W.nested_sentences(metrics)
    if not texts:
        return ""
    return f"<p>{esc(' '.join(texts))} <span class='muted'>{esc(W.NESTED_CAVEAT)}</span></p>"


def years_table(metrics: dict[str, Any]) -> str:
    """Calendar-year returns of the strategy, the benchmark and the relative return."""
    rows = [
        [esc(y), esc(_pct(v["strategy"])), esc(_pct(v["benchmark"])), esc(_pct(v["active"]))]
        for y, v in sorted((metrics.get("calendar_years") or {}).items())
    ]
    return table(["year", "strategy", "benchmark", "relative"], rows) if rows else ""


def pm_section(metrics: dict[str, Any]) -> str:
    """Results by regime, cost sensitivity and basket members."""
    parts = []
    # the five worst drawdowns, with their durations, are in the tear sheet (html_tearsheet)
    reg = metrics.get("by_regime") or []
    if reg:
        parts.append(
            "<h3>By regime</h3>"
            + table(
                ["sample", "regime", "days", "Sharpe", "benchmark Sharpe", "active Sharpe"],
                [
                    [
                        esc(SAMPLE_TITLES.get(r["sample"], r["sample"])),
                        esc(r["regime"]),
                        esc(r["n_days"]),
                        esc(_f2(r["strategy_sharpe"])),
                        esc(_f2(r["benchmark_sharpe"])),
                        esc(_f2(r["active_sharpe"])),
                    ]
                    for r in reg
                ],
            )
        )
    cs = metrics.get("cost_sensitivity") or []
    if cs:
        parts.append(
            "<h3>Cost sensitivity</h3>"
            + table(
                ["costs", "Sharpe", "total return", "active Sharpe"],
                [
                    [
                        esc(f"{c['multiple']:g}x"),
                        esc(_f2(c["sharpe"])),
                        esc(_pct(c["total_return"])),
                        esc(_f2(c["active_sharpe"])),
                    ]
                    for c in cs
                ],
            )
        )
    bm = metrics.get("basket_members") or []
    if bm:
        parts.append(
            "<h3>Basket members and the dates they count</h3>"
            + table(
                ["basket", "ticker", "from", "to"],
                [
                    [
                        esc(b["basket"]),
                        esc(b["ticker"]),
                        esc(b["from"] or "absent"),
                        esc(b["to"] or "absent"),
                    ]
                    for b in bm
                ],
            )
        )
    return "".join(parts)

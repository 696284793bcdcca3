"""The long-history report's page, in the main report's shell, style and glossary.

:func:`history_page` renders ``reports/history/index.html`` through
:func:`backtests.report.html_shell.page`; it links back to the main report (``make report``
writes it to ``reports/default/``, which links here), explains the target spreads (HML, RMW,
CMA) and, when the factor is undefined on the last day, says which inputs are stale and why
(:func:`undefined_note`).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from backtests.report import glossary as G
from backtests.report.html_shell import page
from backtests.report.plain import plain

MAIN_REPORT = "default"  # where ``make report`` writes the main report, beside ``history``

TARGET_WORDS = {
    "hml": "HML (high minus low book-to-market: value minus growth stocks)",
    "rmw": "RMW (robust minus weak operating profitability)",
    "cma": "CMA (conservative minus aggressive investment)",
    "composite": "the equal-weight mean of HML, RMW and CMA",
}

TARGETS_PARAGRAPH = (
    "The near-term-cash-flow and long-duration baskets of the main report did not exist in "
    "1963, so the long history trades Ken French's long–short factor portfolios instead. "
    "HML (high minus low) buys cheap stocks with high book-to-market (value, cash flows now) "
    "and sells expensive growth stocks whose value lies far in the future: it is the "
    "headline stand-in for near minus long. RMW (robust minus weak) buys firms with high "
    "operating profitability and sells weak ones; CMA (conservative minus aggressive) buys "
    "firms that invest little and sells firms that invest heavily. RMW and CMA are "
    "robustness targets, and every target counts as a trial."
)


def main_report_href(out_dir: Path | None) -> str:
    """Relative link to the main report beside ``out_dir`` (``../default/index.html``).

    A sibling folder holding a main report (a ``metrics.json`` without ``long_history``)
    wins when ``default`` is absent; otherwise the link points where ``make report`` writes.
    """
    if out_dir is not None:
        parent = Path(out_dir).resolve().parent
        if not (parent / MAIN_REPORT / "index.html").is_file():
            for sib in sorted(parent.iterdir()) if parent.is_dir() else []:
                mfile = sib / "metrics.json"
                if sib.name != "history" and mfile.is_file() and (sib / "index.html").is_file():
                    if '"long_history"' not in mfile.read_text(encoding="utf-8")[:4000]:
                        return f"../{sib.name}/index.html"
    return f"../{MAIN_REPORT}/index.html"


def undefined_note(m: dict[str, Any], cfg: Any) -> str:
    """Say why the factor is undefined on the last day: which inputs are stale, since when.

    Stale components are grouped by source, frequency, release lag and last usable date.
    Returns '' when the factor is defined on the last day.

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> cfg = S(factor=S(macro_components={"pnfi_growth": {"series": ("PNFIx",),
    ...     "frequency": "quarterly"}}, staleness_days={"quarterly": 200}),
    ...     macro=S(series={"PNFIx": {"lag": "65D", "source": "fred-qd"}}))
    >>> m = {"now": {"date": "2026-01-30", "factor": None, "factor_last_date": "2025-12-18",
    ...      "components": {"pnfi_growth": {"stale": True, "as_of": "2025-12-18"}}}}
    >>> undefined_note(m, cfg)  # doctest: +NORMALIZE_WHITESPACE
    'The factor is undefined since 2025-12-19, its inputs being stale: FRED-QD quarterly
     series PNFIx (pnfi growth; published 65 days after the date of their period; dropped
     200 days after their last value) last usable on 2025-12-18. A component whose latest
     value is older than that leaves the composite.'
    """
    now = m.get("now") or {}
    if now.get("factor") is not None or not now.get("factor_last_date"):
        return ""
    since = (pd.Timestamp(now["factor_last_date"]) + pd.offsets.BDay(1)).strftime("%Y-%m-%d")
    comps = getattr(cfg.factor, "macro_components", {}) or {}
    series_cfg = getattr(cfg.macro, "series", {}) or {}
    stale_days = getattr(cfg.factor, "staleness_days", {}) or {}
    groups: dict[tuple[str, str, str, str], tuple[list[str], list[str]]] = {}
    for name, c in (now.get("components") or {}).items():
        if not c.get("stale"):
            continue
        spec = comps.get(name) or {}
        freq = str(spec.get("frequency", ""))
        for s in spec.get("series", ()) or ("?",):
            sc = series_cfg.get(s) or {}
            key = (
                str(sc.get("source", "FRED")).upper(),
                freq,
                str(sc.get("lag", "")).removesuffix("D"),
                str(c.get("as_of") or "never"),
            )
            names, series = groups.setdefault(key, ([], []))
            if s not in series:
                series.append(s)
            if plain(name) not in names:
                names.append(plain(name))
    if not groups:
        return f"The factor is undefined since {since}."
    parts = []
    for (src, freq, lag, as_of), (names, series) in groups.items():
        how = [", ".join(names)]
        if lag:
            how.append(f"published {lag} days after the date of their period")
        if freq in stale_days:
            how.append(f"dropped {stale_days[freq]} days after their last value")
        parts.append(
            f"{src} {freq} series {', '.join(series)} ({'; '.join(how)}) last usable on {as_of}"
        )
    return (
        f"The factor is undefined since {since}, its inputs being stale: "
        + "; ".join(parts)
        + ". A component whose latest value is older than that leaves the composite."
    )


def _table(rows: list[list[str]], head: list[str]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def history_page(
    m: dict[str, Any],
    *,
    figures: dict[str, str],
    tables: dict[str, tuple[list[list[str]], list[str]]],
    today: str,
    increment: str,
    cfg: Any,
    out_dir: Path | None = None,
    lead: str = "",
    extra: str = "",
) -> str:
    """Render the long-history page.

    Parameters
    ----------
    m : dict
        The long-history ``metrics.json``.
    figures : dict
        ``"factor"`` and ``"equity"`` -> image source (a path beside the page).
    tables : dict
        ``"inference"``, ``"samples"``, ``"episodes"``, ``"ablation"`` -> (rows, header).
    today, increment : str
        The today sentence and the capex-beyond-funding sentence.
    cfg : Config
        The long-history configuration (the stale inputs' series and lags).
    out_dir : Path, optional
        Where the page goes (to find the main report beside it).
    lead : str, optional
        HTML placed right after Today on the first screen (the link to the mechanism study).
    extra : str, optional
        More HTML sections (the mechanism and forecast sections), placed before the glossary.
    """
    e = html.escape
    target = str(m.get("target", "")).lower()
    main = main_report_href(out_dir)
    note = undefined_note(m, cfg)
    ep = (
        "One episode spans the late 1990s."
        if m.get("late_1990s_episode")
        else ("No episode spans the late 1990s.")
    )
    body = f"""<nav class="crumbs"><a href="{e(main)}">← the main report</a> (2015 onwards,
hyperscaler capex, near and long baskets)</nav>
<h1>The thesis on sixty years: long history</h1>
<p class="caveat"><b>Caveat.</b> {e(m["caveat"])}</p>
<div class="verdict" id="verdict"><b>Verdict: {e(m["verdict"]["label"])}.</b>
{e(plain(m["verdict"]["sentence"]))}</div>
<h2 id="today">Today</h2>
<p>{e(today)}{(" " + e(note)) if note else ""}</p>
{lead}
<p>Target: {e(TARGET_WORDS.get(target, target.upper()))}. The rule holds +{e(target.upper())}
when scarcity is high and {"shorts it" if m["off_position"] == "short" else "holds cash"}
otherwise; the benchmark is holding the spread all along.</p>
<h2 id="targets">The targets: HML, RMW, CMA</h2><p>{e(TARGETS_PARAGRAPH)}</p>
<h2>Inference (against holding the spread, as in the main report)</h2>
{_table(*tables["inference"])}
<h2>Pre-2000 and post-2000 side by side</h2>
<p>Pre-2000 is the in-sample half; post-2000 the held-out half, seen when the specification
was chosen (pseudo-out-of-sample).</p>
{_table(*tables["samples"])}
<figure><img alt="The factor with the capex-boom episodes shaded" src="{e(figures["factor"])}">
<figcaption>The factor from FRED-MD and FRED-QD with their release lags; shaded: capex-boom
episodes.</figcaption></figure>
<h2>Episodes</h2><p>Rule: {e(m["episode_rule"])}. {ep}</p>
{_table(*tables["episodes"])}
<figure><img alt="Growth of one dollar, strategy and static spread" src="{e(figures["equity"])}">
<figcaption>Growth of one dollar, log scale; dashed: the pre-2000 / post-2000 split.
</figcaption></figure>
<h2>Does capex demand add anything beyond funding price?</h2>
{_table(*tables["ablation"])}
<p>{e(increment)}</p>
<p>Predictive test: {e(str(m["factor"].get("predictive_test") or ""))}.</p>
"""
    body = G.link_terms(body + extra) + G.glossary_section()
    foot = (
        f"<p class='muted'>Back to <a href=\"{e(main)}\">the main report</a>. Returns are "
        "monthly-decided positions in daily French factor returns; Sharpe ratios are "
        "annualized with 252 business days.</p>"
    )
    return page("capital-scarcity: long history", body, footer=foot) + "\n"

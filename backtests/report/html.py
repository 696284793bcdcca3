"""Render the self-contained HTML page of a report.

The page needs no network: styles are inline and figures are embedded PNG. Every number
taken from ``metrics.json`` is written as ``<span class="num" data-key="a.b"
data-value="...">`` so a test can check the page against the file. When the data is
synthetic a banner is the first element of the body.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from backtests.report import glossary as G
from backtests.report.html_base import SAMPLE_TITLES, esc, figure, num, table
from backtests.report.html_dating import events_html
from backtests.report.html_first import advice_html, rule_words
from backtests.report.html_mechanism import mechanism_link, mechanism_section
from backtests.report.html_pm import (
    ablation_table,
    coverage_section,
    nested_paragraph,
    pm_section,
    today_section,
    years_table,
)
from backtests.report.html_samples import in_sample_rows, samples_notes, trials_row
from backtests.report.html_shell import CSP as SHELL_CSP
from backtests.report.html_shell import CSS as SHELL_CSS
from backtests.report.html_shell import page
from backtests.report.html_tearsheet import tearsheet_section
from backtests.report.metrics import STAT_KEYS
from backtests.report.plain import plain
from backtests.report.robustness import universe_html
from backtests.report.stale_components import stale_sentence
from backtests.study.benchmarks import benchmark_label

THESIS = (
    "AI capital expenditure works like reverse QE: once idle money (a full overnight "
    "reverse-repo facility, ample reserves) is used up, every dollar hyperscalers spend must be "
    "pulled from elsewhere, funding yields rise and capital becomes scarce. Returns should then "
    "rotate away from long-duration speculative assets toward names with near-term cash flows."
)

# the style and content policy live in the shared shell (also the long-history report's)
CSS, CSP = SHELL_CSS, SHELL_CSP


INLINE_FIGURES = ("tearsheet",)  # shown inside their own section, not with the other figures
CSP = SHELL_CSP  # the page's security policy (backtests.report.html_shell)

STAT_WORDS = {
    "total_return": "total return",
    "cagr": "growth a year (CAGR)",
    "ann_vol": "volatility a year",
    "max_drawdown": "max drawdown",
    "turnover": "turnover a year",
}


def stats_table(metrics: dict[str, Any]) -> str:
    """Strategy and benchmarks, one row each, the contract's statistics as columns."""
    rows = [["strategy"] + [num(f"strategy.{k}", metrics["strategy"][k]) for k in STAT_KEYS]]
    for name, st in metrics["benchmarks"].items():
        label = benchmark_label(name).removeprefix("the ")
        rows.append([esc(label)] + [num(f"benchmarks.{name}.{k}", st[k]) for k in STAT_KEYS])
    return table(["", *[STAT_WORDS.get(k, k) for k in STAT_KEYS]], rows)


def inference_table(metrics: dict[str, Any]) -> str:
    """Render the benchmark-relative inference numbers with a short explanation of each."""
    inf = metrics["inference"]
    bench = esc(benchmark_label(inf.get("benchmark")))
    ci = inf.get("sharpe_ci95") or [None, None]
    rows = [
        [
            "HAC alpha t-statistic",
            num("inference.hac_alpha_tstat", inf.get("hac_alpha_tstat")),
            f"Newey–West t of the intercept of active returns on {bench} (full sample)",
        ],
        [
            "t-stat hurdle (effective trials)",
            num("inference.tstat_hurdle", inf.get("tstat_hurdle")),
            "what the t-stat must exceed given the effective number of trials",
        ],
        [
            "t-stat hurdle (raw trials)",
            num("inference.tstat_hurdle_raw", inf.get("tstat_hurdle_raw")),
            "the same hurdle if every raw trial were independent",
        ],
        [
            "active Sharpe 95% CI low (full sample)",
            num("inference.sharpe_ci95.0", ci[0]),
            "stationary bootstrap of the active return's Sharpe",
        ],
        ["active Sharpe 95% CI high (full sample)", num("inference.sharpe_ci95.1", ci[1]), "same"],
        [
            "deflated Sharpe (default spec)",
            num("inference.deflated_sharpe", inf.get("deflated_sharpe")),
            "in-sample probability that the active Sharpe beats the best of the effective "
            "number of noise trials",
        ],
        [
            "deflated Sharpe (in-sample best)",
            num("inference.deflated_sharpe_best", inf.get("deflated_sharpe_best")),
            "the same for the sweep's in-sample winner",
        ],
        [
            "PBO",
            num("inference.pbo", inf.get("pbo")),
            "probability of backtest overfitting (CSCV over the in-sample sweep)",
        ],
        [
            "SPA p-value (studentized)",
            num("inference.spa_pvalue", inf.get("spa_pvalue")),
            f"Hansen's studentized test that no variant tried beats {bench} (in-sample)",
        ],
        [
            "StepM: variants better",
            esc(len(inf.get("stepm_better") or [])),
            f"Romano–Wolf step-down: variants found better than {bench} (in-sample)",
        ],
        [
            "placebo p-value (in-sample)",
            num("inference.placebo_pvalue", inf.get("placebo_pvalue")),
            "active Sharpe among factors circularly shifted within the in-sample window",
        ],
        trials_row(metrics),
        *in_sample_rows(metrics),
    ]
    if "walkforward_sharpe" in inf:
        rows.append(
            [
                "walk-forward active Sharpe",
                num("inference.walkforward_sharpe", inf.get("walkforward_sharpe")),
                "stitched out-of-sample choices within the in-sample window",
            ]
        )
    return table(["statistic", "value", "meaning"], rows)


def samples_table(metrics: dict[str, Any]) -> str:
    """One column per sample: dates, strategy, benchmark and active statistics."""
    samples = metrics.get("samples")
    if not samples:
        return ""
    names = [n for n in SAMPLE_TITLES if n in samples]

    def cell(path: str) -> list[str]:
        out = []
        for n in names:
            cur: Any = samples[n]
            for part in path.split("."):
                cur = cur.get(part) if isinstance(cur, dict) else None
            out.append(num(f"samples.{n}.{path}", cur))
        return out

    def ci_cell() -> list[str]:
        out = []
        for n in names:
            ci = samples[n]["active"].get("sharpe_diff_ci95")
            if ci is None:
                out.append("n/a")
            else:
                out.append(
                    f"{num(f'samples.{n}.active.sharpe_diff_ci95.0', ci[0])} to "
                    f"{num(f'samples.{n}.active.sharpe_diff_ci95.1', ci[1])}"
                )
        return out

    rows = [
        ["first day", *[esc(samples[n]["start"] or "—") for n in names]],
        ["last day", *[esc(samples[n]["end"] or "—") for n in names]],
        ["business days", *cell("n_days")],
        ["strategy Sharpe", *cell("strategy.sharpe")],
        ["benchmark Sharpe", *cell("benchmark.sharpe")],
        ["Sharpe difference", *cell("active.sharpe_diff")],
        ["  95% CI (Ledoit–Wolf)", *ci_cell()],
        ["active Sharpe (information ratio)", *cell("active.sharpe")],
        ["relative total return", *cell("active.total_return")],
        ["strategy total return", *cell("strategy.total_return")],
        ["benchmark total return", *cell("benchmark.total_return")],
        ["strategy max drawdown", *cell("strategy.max_drawdown")],
        ["HAC alpha t vs benchmark", *cell("active.hac_alpha_tstat")],
        ["placebo p-value", *cell("placebo_pvalue")],
    ]
    return table(["", *[SAMPLE_TITLES[n] for n in names]], rows)


def checks_table(metrics: dict[str, Any]) -> str:
    """Render the verdict's checks, each passed, failed or unavailable."""
    checks = metrics["verdict"].get("checks") or {}
    word = {True: "passes", False: "fails", None: "not available"}
    names = {"spa": "SPA", "pbo": "PBO", "deflated_sharpe": "deflated Sharpe"}
    rows = [[esc(names.get(k) or plain(k)), esc(word[v])] for k, v in checks.items()]
    return table(["check", "result"], rows)


def robust_predictive_table(rows: list[dict[str, Any]]) -> str:
    """In-sample predictive regressions with overlap- and persistence-robust statistics."""
    cols = ["beta", "tstat_nw", "tstat_hodrick", "tstat_nonoverlap", "pvalue_ivx", "n"]
    out = []
    for i, r in enumerate(rows):
        out.append(
            [esc(r["horizon"])] + [num(f"factor.predictive.{i}.{c}", r.get(c)) for c in cols]
        )
    return table(
        [
            "horizon (days)",
            "beta",
            "t Newey–West",
            "t Hodrick 1B",
            "t non-overlapping",
            "IVX p",
            "n",
        ],
        out,
    )


def predictive_table(predictive: pd.DataFrame) -> str:
    """Predictive regressions, one row per horizon."""
    cols = [c for c in predictive.columns]
    rows = []
    for h, r in predictive.iterrows():
        rows.append([esc(h)] + [esc(f"{v:.4g}" if isinstance(v, float) else v) for v in r])
    heads = [plain(str(c)).replace("tstat", "t").replace("pvalue", "p") for c in cols]
    return (
        f"<details><summary>Full-sample regressions ({len(cols)} columns per horizon, "
        "click to open)</summary>"
        + table(["horizon (days)", *heads], rows).replace("<table>", "<table class='wide'>", 1)
        + "</details>"
    )


def provenance_section(metrics: dict[str, Any], availability: pd.DataFrame | None) -> str:
    """Render sources, hashes, gaps and component availability."""
    prov = metrics["provenance"]
    rows = [[f"<code>{esc(k)}</code>", f"<code>{esc(v[:16])}…</code>"] for k, v in prov.items()]
    parts = [
        f"<p>Data source: <b>{esc(metrics['data_source'])}</b>; period "
        f"{num('period.start', metrics['period']['start'])} to "
        f"{num('period.end', metrics['period']['end'])}.</p>"
    ]
    gaps = metrics.get("gaps") or []
    if gaps:
        items = "".join(f"<li>{esc(plain(g))}</li>" for g in gaps)
        parts.append(
            f"<details open><summary>{len(gaps)} data notes: missing, late-starting, stale or "
            f"restated data</summary><ul>{items}</ul></details>"
            if len(gaps) <= 12
            else f"<details><summary>{len(gaps)} data notes: missing, late-starting, stale or "
            f"restated data (click to expand)</summary><ul>{items}</ul></details>"
        )
    else:
        parts.append("<p>No gaps were reported.</p>")
    if availability is not None and not availability.empty:
        av_rows = []
        for name, r in availability.iterrows():
            av_rows.append(
                [esc(plain(str(name)))]
                + [esc(f"{v:.0%}" if isinstance(v, float) else v) for v in r.tolist()]
            )
        parts.append(
            "<p>Factor components:</p>"
            + table(["component", *[plain(str(c)) for c in availability.columns]], av_rows)
        )
    parts.append(
        f"<details><summary>{len(prov)} input files and their SHA-256</summary>"
        + table(["file", "sha256"], rows)
        + "</details>"
    )
    return "".join(parts)


def render_html(
    metrics: dict[str, Any],
    figures: dict[str, tuple[str, str, str]],
    *,
    predictive: pd.DataFrame | None = None,
    availability: pd.DataFrame | None = None,
    title: str = "capital-scarcity report",
    interactive: dict[str, tuple[str, str]] | None = None,
    spec: Any = None,
    mechanism_figures: dict[str, tuple[str, str, str]] | None = None,
    plotly: str | None = None,
) -> str:
    """Assemble the page.

    Parameters
    ----------
    metrics : dict
        The content of metrics.json.
    figures : dict
        name -> (base64 PNG, alt text, caption), in display order.
    predictive : DataFrame, optional
        Predictive-regression table.
    availability : DataFrame, optional
        Factor component availability.
    title : str
        Page title.
    interactive : dict, optional
        name -> (plotly ``<div>``, caption) from :mod:`backtests.report.interactive`; when
        given, plotly.js is embedded once in the page and the PNGs move to a folded section.
    spec : RotationSpec, optional
        The rotation's specification: the rule in words on the first screen.
    mechanism_figures : dict, optional
        The mechanism section's figures (:mod:`backtests.report.figures_mechanism`).
    plotly : str, optional
        The page's plotly.js block when already built
        (:func:`backtests.report.interactive_base.plotly_script`; built here when None).

    Returns
    -------
    str
        The HTML document.
    """
    synthetic = bool(metrics["synthetic"])
    banner = ""
    if synthetic:
        sp = metrics.get("synthetic_params", {})
        banner = (
            '<div class="banner" id="synthetic-banner">SYNTHETIC DATA: these numbers come from a '
            f"simulated market (seed {esc(sp.get('seed'))}, planted effect "
            f"{esc(sp.get('effect_size'))}), not from real history.</div>"
        )
    v = metrics["verdict"]
    sections = [
        f"<h1>{esc(title)}</h1>",
        f"<p>{esc(THESIS)}</p>",
        '<h2 id="today">Today</h2>',
        advice_html(metrics, rule_words(spec)),
        today_section(metrics),
        f"<p>{esc(plain(stale_sentence(metrics)))}</p>" if stale_sentence(metrics) else "",
        f'<div class="verdict" id="verdict"><b>Verdict ({esc(v["label"])}).</b> '
        f"{esc(plain(v['sentence']))}</div>",
        f"<p class='muted'>Verdict rule (stated before the numbers): "
        f"{esc(plain(v.get('rule', {}).get('text', '')))}.</p>",
        mechanism_link(metrics),
        checks_table(metrics),
        "<h2>Data coverage</h2>",
        coverage_section(metrics),
        "<h2>Against the benchmark, sample by sample</h2>",
        "<p>The rotation is always long a risky basket, so every test is on its active return "
        f"against <b>{esc(benchmark_label(metrics['inference'].get('benchmark')))}</b>. The "
        "held-out sample "
        "was seen by whoever chose the specification (pseudo-out-of-sample); only "
        "post-registration data was seen by nobody.</p>",
        samples_table(metrics),
        samples_notes(metrics),
        "<h2>Which part of the thesis carries the result? (ablation)</h2>",
        "<p>Each variant is traded by the same rotation on the same dates against the same "
        "benchmark; every variant counts as a trial.</p>",
        ablation_table(metrics),
        nested_paragraph(metrics),
        "<h2>Does it hold on other baskets? (universe robustness)</h2>",
        universe_html(metrics)
        or "<p class='muted'>No robustness baskets declared in the configuration.</p>",
        "<h2>Calendar years</h2>",
        years_table(metrics),
        pm_section(metrics, spec),
        tearsheet_section(metrics, figures.get("tearsheet")),
        "<h2>Strategy and benchmarks (full period)</h2>",
        f"<p class='muted'>{esc(plain(metrics['period'].get('start_note', '')))}</p>",
        stats_table(metrics),
        "<h2>Inference</h2>",
        inference_table(metrics),
    ]
    if predictive is not None:
        fm = metrics["factor"]
        sections += [
            "<h2>Does the factor predict the spread?</h2>",
            f"<p>Headline horizon {num('factor.horizon_days', fm.get('horizon_days'))}"
            f" days: beta {num('factor.predictive_beta', fm['predictive_beta'])}, "
            f"HAC t {num('factor.predictive_tstat_hac', fm['predictive_tstat_hac'])} "
            "(full sample, Newey–West: understates errors on overlapping sums of a persistent "
            "factor)."
            "</p>",
            f"<p>In-sample, robust to overlap and persistence: headline p-value "
            f"{num('factor.predictive_pvalue', fm.get('predictive_pvalue'))} "
            f"({esc(fm.get('predictive_test', ''))}); factor AR(1) persistence "
            f"{num('factor.persistence', fm.get('persistence'))}.</p>",
            robust_predictive_table(fm.get("predictive") or []),
            predictive_table(predictive),
        ]
    sections.append(mechanism_section(metrics, mechanism_figures))  # empty without the block
    if metrics.get("events"):
        sections += ["<h2 id='events'>Around capex announcements</h2>", events_html(metrics)]
    head_js = ""
    if interactive:
        from backtests.report.interactive_base import interactive_section, plotly_script

        head_js = plotly if plotly is not None else plotly_script()
        sections += ["<h2>Figures</h2>", interactive_section(interactive)]
        sections.append("<details><summary>Static figures (as in summary.md)</summary>")
        sections += [figure(*f) for n, f in figures.items() if n not in INLINE_FIGURES]
        sections.append("</details>")
    else:
        sections.append("<h2>Figures</h2>")
        for n, (png, alt, caption) in figures.items():
            if n not in INLINE_FIGURES:
                sections.append(figure(png, alt, caption))
    sections += ["<h2>Data provenance</h2>", provenance_section(metrics, availability)]
    body = G.link_terms("".join(sections)) + G.glossary_section()
    foot = (
        "<p class='muted'>Generated by capital-scarcity. All returns are daily simple returns "
        "net of costs; Sharpe ratios are annualized with 252 business days.</p>"
    )
    return page(title, body, head_js=head_js, banner=banner, footer=foot, synthetic=synthetic)

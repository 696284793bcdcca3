"""The "Does the mechanism hold?" section, its first-screen link and its Markdown lines.

Everything here reads the ``mechanism`` block of ``metrics.json`` (numbers as tagged spans,
:func:`backtests.report.html_base.num`) plus the section's figures
(:mod:`backtests.report.figures_mechanism`); both the main report and the long history use it.
A report without the block (``[mechanism] enabled = false``) gets nothing.
"""

from __future__ import annotations

from typing import Any

from backtests.report.html_base import esc, figure, num, table
from backtests.report.plain import plain

ERRORS_WORDS = {
    "lag_augmented": (
        "Errors: lag-augmented local projections (Montiel Olea & Plagborg-Møller 2021): the "
        "lags of the outcome's change and of the shock are controls and the errors are "
        "heteroskedasticity-robust (HC3), with no bandwidth to choose. They are used here "
        "because the sample is short: on simulated null worlds of about 130 months with the "
        "persistence estimated on this data, Newey–West errors reject a true null 8.2-8.6% of "
        "the time at the 5% level (the state-difference test 9.5-9.8%), lag augmentation "
        "5.6-6.8% (5.0-7.5%) (docs/POWER.md)."
    ),
    "nw": (
        "Errors: Newey–West with max(h + 1, lags) lags, which covers the overlap of the h-step "
        "outcome. On simulated null worlds of about 750 months with the persistence estimated "
        "on this data they reject a true null 5.6% of the time at the 5% level (the "
        "state-difference test 6.6%; docs/POWER.md); in samples of about 130 months they "
        "over-reject (8.2-8.6%), which is why the main report uses lag-augmented errors."
    ),
}

LABEL_WORDS = (
    "A link is <b>supported</b> when its one-sided p-value at the primary horizon, adjusted "
    "across the primary links, is at most {alpha}; <b>wrong sign</b> when the slope has the "
    "other sign with a two-sided p-value at most {alpha}; <b>no data</b> when the data has "
    'too few months; otherwise <b>not supported</b>. "Not supported" is a correct answer: '
    "the data does not show the link at the declared horizon, which is a finding, not a "
    "failure of the study. Robustness links (marked) are labeled on their raw p-value and "
    "stay out of the adjustment and of the count of links that hold."
)


def _state_words(mech: dict[str, Any]) -> str:
    st = mech.get("state") or {}
    return (
        f"State at t: {esc(plain(str(st.get('rule', ''))))} "
        f"({num('mechanism.state.exhausted_months', st.get('exhausted_months'))} months "
        f"exhausted, {num('mechanism.state.ample_months', st.get('ample_months'))} ample)."
    )


def _sign(s: Any) -> str:
    return "+" if s == 1 else "−" if s == -1 else "?"


def links_table(mech: dict[str, Any]) -> str:
    """One row per link: shock → outcome, h, sign, β, se, p raw and adjusted, label, n, states."""
    rows = []
    for i, r in enumerate(mech.get("links") or []):
        k = f"mechanism.links.{i}"
        bs = r.get("by_state") or {}
        ex, am = bs.get("exhausted") or {}, bs.get("ample") or {}
        name = esc(plain(r["name"])) + ("" if r.get("primary", True) else " <i>(robustness)</i>")
        rows.append(
            [
                f"{name}<br><span class='muted'>{esc(_words(mech, r['shock']))} → "
                f"{esc(_words(mech, r['outcome']))}</span>",
                esc(r.get("block", "")),
                num(f"{k}.horizon", r.get("horizon")),
                esc(_sign(r.get("sign"))),
                num(f"{k}.beta", r.get("beta")),
                num(f"{k}.se", r.get("se")),
                num(f"{k}.pvalue", r.get("pvalue")),
                num(f"{k}.pvalue_adjusted", r.get("pvalue_adjusted")),
                f"<b>{esc(r.get('label'))}</b>",
                num(f"{k}.n", r.get("n")),
                f"{num(f'{k}.by_state.exhausted.beta', ex.get('beta'))} / "
                f"{num(f'{k}.by_state.ample.beta', am.get('beta'))}",
                num(f"{k}.state_diff_pvalue", r.get("state_diff_pvalue")),
            ]
        )
    heads = [
        "link (shock → outcome)",
        "block",
        "h (months)",
        "predicted sign",
        "β",
        "se",
        "p (one-sided)",
        "p adjusted",
        "label",
        "n",
        "β exhausted / ample",
        "state difference p",
    ]
    return table(heads, rows)


def threshold_table(mech: dict[str, Any]) -> str:
    """One row per threshold test: γ̂, its interval, the slopes on each side, sup-Wald, p."""
    rows = []
    for i, t in enumerate(mech.get("threshold") or []):
        k = f"mechanism.threshold.{i}"
        ci = t.get("gamma_ci") or [None, None]
        rows.append(
            [
                f"{esc(_words(mech, t.get('shock')))} → {esc(_words(mech, t.get('outcome')))}",
                esc(_words(mech, t.get("variable"))),
                num(f"{k}.gamma", t.get("gamma")),
                f"{num(f'{k}.gamma_ci.0', ci[0])} to {num(f'{k}.gamma_ci.1', ci[1])}",
                f"{num(f'{k}.beta_below', t.get('beta_below'))} / "
                f"{num(f'{k}.beta_above', t.get('beta_above'))}",
                f"{num(f'{k}.n_below', t.get('n_below'))} of {num(f'{k}.n', t.get('n'))}",
                num(f"{k}.sup_wald", t.get("sup_wald")),
                num(f"{k}.pvalue", t.get("pvalue")),
                num(f"{k}.n_boot", t.get("n_boot")),
            ]
        )
    heads = [
        "link",
        "threshold variable",
        "γ̂",
        "γ 90% set (LR)",
        "slope below / above γ̂",
        "months below γ̂",
        "sup-Wald",
        "bootstrap p",
        "draws",
    ]
    return table(heads, rows)


def _words(mech: dict[str, Any], name: Any) -> str:
    """Return a variable or link name in words: its label, else the name without underscores."""
    return str((mech.get("variables") or {}).get(name) or plain(str(name)))


def mechanism_link(metrics: dict[str, Any]) -> str:
    """Return the first-screen line linking to the section (empty without the block)."""
    mech = metrics.get("mechanism")
    if not mech:
        return ""
    return (
        f"<p id='mechanism-link'><a href='#mechanism'>Does the mechanism hold?</a> "
        f"{esc(plain(mech.get('sentence', '')))}</p>"
    )


def mechanism_section(
    metrics: dict[str, Any], figures: dict[str, tuple[str, str, str]] | None = None
) -> str:
    """Render the section: words, the links table, the figures, the threshold table."""
    mech = metrics.get("mechanism")
    if not mech:
        return ""
    figs = figures or {}
    n_primary = sum(  # the primary links that have data: the adjustment's family
        1 for r in mech.get("links") or [] if r.get("primary", True) and r.get("pvalue") is not None
    )
    adjust = "Holm" if mech.get("adjust") == "holm" else "no adjustment"
    parts = [
        "<h2 id='mechanism'>Does the mechanism hold?</h2>",
        "<p>The thesis is a chain with a switch: capex demand → idle liquidity "
        "drained → funding price up → near-term cash flows beat long duration, and only once "
        "idle money is exhausted. Each link is tested on its own, on "
        f"{esc(mech.get('frequency', 'monthly'))} data as known at each month's end "
        f"({num('mechanism.start', mech.get('start'))} to "
        f"{num('mechanism.end', mech.get('end'))}): a local projection (Jordà 2005) of the "
        f"outcome's change from t − 1 to t + h on the shock at t, with "
        f"{num('mechanism.lags', mech.get('lags'))} lags of the outcome's change and of the "
        "shock as controls. The links, their primary horizons and their predicted signs were "
        "declared in the configuration ([mechanism]) before any number was looked at.</p>",
        f"<p><b>{esc(plain(mech.get('sentence', '')))}</b></p>",
        f"<p>Only the primary horizon of each link is tested: one one-sided test per link, "
        f"p-values shown raw and adjusted across the {n_primary} primary links with data "
        f"({adjust}); "
        "every other horizon in the figure is descriptive. "
        + LABEL_WORDS.format(alpha=esc(mech.get("alpha", 0.05)))
        + "</p>",
        f"<p class='muted'>{esc(ERRORS_WORDS.get(str(mech.get('errors')), ''))} "
        f"{_state_words(mech)} The state-difference p-value is a Wald test that the slopes "
        "in the two states are equal at the primary horizon (Ramey & Zubairy 2018).</p>",
        links_table(mech),
    ]
    if "mechanism_irf" in figs:
        parts.append(figure(*figs["mechanism_irf"]))
    if mech.get("threshold"):
        trim = float(mech["threshold"][0].get("trim") or 0.15)
        parts += [
            "<h3>The switch: a threshold in idle liquidity</h3>",
            "<p>Hansen's (2000) threshold regression lets the slope change at an unknown "
            "level γ of the idle-liquidity variable (at least "
            f"{trim:.0%} of the months on each side); the "
            "sup-Wald statistic over γ gets its p-value from Hansen's (1996) fixed-regressor "
            "bootstrap, and γ its likelihood-ratio interval. The test is run on the "
            "outcome's one-step (monthly) change with the same lag controls, not on the "
            "h-step change: with overlapping h-step outcomes the bootstrap rejects a true "
            "null about 15% of the time at 5% in samples of about 130 months, on the one-step "
            "change about 5% (docs/POWER.md). A large sup-Wald driven by a few months at one "
            "end of the grid is one episode, not a regime: read it with the profile.</p>",
            threshold_table(mech),
        ]
        if "mechanism_threshold" in figs:
            parts.append(figure(*figs["mechanism_threshold"]))
    parts.append(
        "<p class='muted'>mechanism.csv holds the monthly series every link uses (shocks, "
        "outcomes, the threshold variable and the state), so each number can be recomputed."
        "</p>"
    )
    return "".join(parts)


def mechanism_markdown(metrics: dict[str, Any]) -> list[str]:
    """Lines for ``summary.md``: the sentence and a compact table of links and thresholds."""
    mech = metrics.get("mechanism")
    if not mech:
        return []

    def f(x: Any, spec: str = ".3f") -> str:
        return "n/a" if x is None else format(x, spec)

    lines = [
        "",
        "## Does the mechanism hold?",
        "",
        plain(str(mech.get("sentence", ""))),
        "",
        "| link | h | sign | beta | se | p | p adjusted | label | n | state diff p |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in mech.get("links") or []:
        lines.append(
            f"| {plain(r['name'])} ({_words(mech, r['shock'])} → {_words(mech, r['outcome'])}) | "
            f"{r['horizon']} | "
            f"{_sign(r['sign'])} | {f(r.get('beta'), '.4g')} | {f(r.get('se'), '.4g')} | "
            f"{f(r.get('pvalue'))} | {f(r.get('pvalue_adjusted'))} | {r['label']} | "
            f"{r['n']} | {f(r.get('state_diff_pvalue'))} |"
        )
    for t in mech.get("threshold") or []:
        ci = t.get("gamma_ci") or [None, None]
        lines.append(
            f"\nThreshold ({_words(mech, t['shock'])} → {_words(mech, t['outcome'])}, one-step "
            f"change, in {_words(mech, t['variable'])}): gamma {f(t.get('gamma'), '.4g')} (90% set "
            f"{f(ci[0], '.4g')} to {f(ci[1], '.4g')}), sup-Wald {f(t.get('sup_wald'), '.2f')}, "
            f"bootstrap p {f(t.get('pvalue'))} ({t.get('n_boot')} draws)."
        )
    lines.append(f"\nErrors: {mech.get('hac', mech.get('errors'))}.")
    return lines

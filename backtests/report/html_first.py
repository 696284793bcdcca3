"""The report's first screen in words: the rule, what it holds, whether to act, the outlook.

:func:`rule_words` states the trading rule from its specification (the switch levels, the
band, the calendar, the weights and the costs in basis points); :func:`implied_spread` turns
the in-sample predictive regression at the headline horizon into the factor's part of the
next month's near-minus-long spread with a 95% interval; :func:`advice_html` and
:func:`advice_markdown` say, in one paragraph, what the rule holds today and whether the
evidence supports acting on it.
"""

from __future__ import annotations

from typing import Any

from backtests.report import glossary as G
from backtests.report.html_base import esc

MONTH_DAYS = 21  # business days in a month: the outlook's horizon


def switch_levels(spec: Any) -> dict[str, float] | None:
    """Return ``{"near": threshold + band/2, "long": threshold - band/2}`` for a switch rule.

    Other rules move continuously and have no switch level (None).
    """
    if spec is None or getattr(spec, "rule", None) != "switch":
        return None
    t, b = float(spec.threshold), float(spec.band)
    return {"near": t + b / 2.0, "long": t - b / 2.0}


def _names(tickers: Any) -> str:
    return ", ".join(str(t) for t in tickers)


def rule_words(spec: Any) -> str:
    """State the rotation rule in one or two sentences, from its specification.

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> spec = S(rule="switch", threshold=0.0, band=0.5, rebalance="weekly",
    ...          weighting="equal", near=("MU", "WDC"), long=("ARKK",), equity_bps=5.0,
    ...          crypto_bps=15.0, slippage_bps=2.0, tilt_scale=1.0, vol_target=0.1)
    >>> rule_words(spec)  # doctest: +NORMALIZE_WHITESPACE
    'Once a week, the rule holds the near basket (MU, WDC) when the factor rises above
     +0.25 and the long basket (ARKK) when it falls below -0.25 (a switch at +0.00 with a
     band of 0.50; in between it keeps what it holds), each basket in equal weights. Costs:
     5 bp per unit of turnover on equities, 15 bp on crypto, plus 2 bp slippage.'
    """
    if spec is None:
        return ""
    cal = {"daily": "Every day", "weekly": "Once a week", "monthly": "Once a month"}.get(
        spec.rebalance, f"On a {spec.rebalance} calendar"
    )
    near, long = _names(spec.near), _names(spec.long)
    if spec.rule == "switch":
        lv = switch_levels(spec) or {}
        what = (
            f"the rule holds the near basket ({near}) when the factor rises above "
            f"{lv['near']:+.2f} and the long basket ({long}) when it falls below "
            f"{lv['long']:+.2f} (a switch at {float(spec.threshold):+.2f} with a band of "
            f"{float(spec.band):.2f}; in between it keeps what it holds)"
        )
    elif spec.rule == "tilt":
        what = (
            f"the rule splits the money between the near basket ({near}) and the long basket "
            f"({long}), the near share rising smoothly with the factor (half each at 0, scale "
            f"{float(spec.tilt_scale):g})"
        )
    else:
        what = (
            f"the rule is long the near basket ({near}) and short the long basket ({long}) "
            f"when the factor is above {float(spec.threshold):+.2f}, the reverse below, "
            f"scaled to {float(spec.vol_target):.0%} annual volatility"
        )
    weights = "equal weights" if spec.weighting == "equal" else "inverse-volatility weights"
    return (
        f"{cal}, {what}, each basket in {weights}. Costs: {float(spec.equity_bps):g} bp per "
        f"unit of turnover on equities, {float(spec.crypto_bps):g} bp on crypto, plus "
        f"{float(spec.slippage_bps):g} bp slippage."
    )


def cost_words(multiple: float, spec: Any = None) -> str:
    """Say a cost scenario in basis points.

    E.g. ``costs × 2 (10 bp equity, 30 bp crypto, 4 bp slippage)``; without ``spec``
    only the multiple is said (``costs × 2``).
    """
    head = f"costs × {float(multiple):g}"
    if spec is None:
        return head
    m = float(multiple)
    return (
        f"{head} ({float(spec.equity_bps) * m:g} bp equity, {float(spec.crypto_bps) * m:g} bp "
        f"crypto, {float(spec.slippage_bps) * m:g} bp slippage)"
    )


def implied_spread(metrics: dict[str, Any]) -> dict[str, Any] | None:
    """Return the factor's part of the next month's near-minus-long spread, with a 95% interval.

    The in-sample predictive regression at the headline horizon h gives the slope of the
    h-day spread return on the factor; today's factor times the slope, scaled by 21/h, is
    the factor's contribution to the next 21 business days (the intercept, the spread's
    average drift, is left out). The interval uses the Hodrick 1B standard error (the
    Newey–West one when Hodrick's is missing); the outlook is weak when the headline
    robust p-value is 0.05 or more.

    Returns
    -------
    dict or None
        ``{value, low, high, horizon, weak, pvalue}``; None without a factor value or a
        regression at the headline horizon.
    """
    fac = metrics.get("factor") or {}
    now = metrics.get("now") or {}
    f, h = now.get("factor"), fac.get("horizon_days")
    rows = [r for r in fac.get("predictive") or [] if r.get("horizon") == h]
    if f is None or not h or not rows or rows[0].get("beta") is None:
        return None
    r = rows[0]
    t = r.get("tstat_hodrick") or r.get("tstat_nw")
    scale = MONTH_DAYS / float(h)
    value = float(r["beta"]) * float(f) * scale
    half = None if not t else 1.96 * abs(float(r["beta"]) / float(t) * float(f)) * scale
    p = fac.get("predictive_pvalue")
    return {
        "value": value,
        "low": None if half is None else value - half,
        "high": None if half is None else value + half,
        "horizon": int(h),
        "weak": p is None or p >= 0.05,
        "pvalue": p,
    }


def _verdict_words(metrics: dict[str, Any]) -> str:
    label = (metrics.get("verdict") or {}).get("label", "")
    if label == "supported":
        return "The evidence supports acting on it: the verdict's checks pass."
    return (
        f"The evidence does not support acting on it (verdict: {label}): the rotation has not "
        "shown that it beats its benchmark once the search for it is accounted for, so this "
        "position is what the rule would hold, not a recommendation."
    )


def _spread_words(imp: dict[str, Any] | None) -> str:
    if imp is None:
        return ""
    ci = (
        ""
        if imp["low"] is None
        else f" (95% interval {imp['low'] * 100:+.1f}% to {imp['high'] * 100:+.1f}%)"
    )
    reg = f"the in-sample predictive regression at {imp['horizon']} days"
    weak = (
        f"; weak: the robust p-value is {imp['pvalue']:.2f}, not significant"
        if imp["weak"] and imp["pvalue"] is not None
        else ("; weak: no robust p-value" if imp["weak"] else "")
    )
    return (
        f" The factor's part of the next month's near-minus-long spread is "
        f"{imp['value'] * 100:+.1f}%{ci}, from {reg}{weak}."
    )


def _holding(metrics: dict[str, Any]) -> str:
    now = metrics.get("now") or {}
    held = {"near": "the near basket", "long": "the long basket"}.get(
        now.get("held_basket"), "neither basket"
    )
    return f"As of {now.get('date')}, the rule holds {held}"


def advice_html(metrics: dict[str, Any], rule: str = "") -> str:
    """One paragraph under Today: the rule, what it holds, whether to act, the outlook."""
    if not metrics.get("now"):
        return ""
    imp = implied_spread(metrics)
    text = f"{_holding(metrics)}. "
    return (
        f'<p class="advice" id="advice"><b>{esc(text)}</b>{esc(_verdict_words(metrics))}'
        f"{_spread_words_html(imp)}"
        + (f" <span class='muted'>The rule: {esc(rule)}</span>" if rule else "")
        + "</p>"
    )


def _spread_words_html(imp: dict[str, Any] | None) -> str:
    # escape the sentence, then put the glossary link back in
    link = G.term("hodrick", "Hodrick 1B")
    return (
        esc(_spread_words(imp))
        .replace("days;", "days, " + link + " errors;")
        .replace("days.", "days, " + link + " errors.")
    )


def advice_markdown(metrics: dict[str, Any], rule: str = "") -> str:
    """Return the same paragraph for summary.md (no links)."""
    if not metrics.get("now"):
        return ""
    imp = implied_spread(metrics)
    out = f"**{_holding(metrics)}.** {_verdict_words(metrics)}{_spread_words(imp)}"
    return out + (f" The rule: {rule}" if rule else "")

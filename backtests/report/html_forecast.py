"""Report sections: forecasts against the historical mean, and competing explanations.

Read ``metrics["oos_forecast"]`` and ``metrics["competing"]`` (both optional) and render them
as HTML (every number a tagged :func:`~backtests.report.html_base.num` span) and as Markdown
lines for ``summary.md``. The long-history report uses the forecast section too.
"""

from __future__ import annotations

from typing import Any

from backtests.report import words as W
from backtests.report.html_base import SAMPLE_TITLES, esc, num, table

FORECAST_TITLE = "Does the factor forecast better than the historical mean?"
COMPETING_TITLE = "Competing explanations"
RIVAL_WORDS = {
    "spread_trend": "the spread's 12-1 month trend",
    "rates_rule": "the 63-day change of the 10-year yield",
}


def _by(rows: list[dict[str, Any]]) -> tuple[list[tuple[str, int]], list[str]]:
    keys = list(dict.fromkeys((r["variant"], int(r["horizon"])) for r in rows))
    samples = [s for s in SAMPLE_TITLES if any(r["sample"] == s for r in rows)]
    return keys, samples


def forecast_reading(metrics: dict[str, Any], horizon: int | None = None) -> str:
    """One plain-words sentence on the composite at the headline horizon, sample by sample."""
    rows = metrics.get("oos_forecast") or []
    if not rows:
        return "No out-of-sample forecasts were computed."
    h = horizon or int(metrics.get("factor", {}).get("horizon_days") or rows[0]["horizon"])
    comp = [r for r in rows if r["variant"] == "composite" and int(r["horizon"]) == h]
    if not comp:
        comp = [r for r in rows if int(r["horizon"]) == int(rows[0]["horizon"])][:4]
    parts = []
    for r in comp:
        if not r.get("n") or r.get("r2_os") is None:
            continue
        beat = "beat" if r["r2_os"] > 0 else "did worse than"
        sig = (
            "significantly"
            if (r.get("cw_pvalue") is not None and r["cw_pvalue"] <= 0.05)
            else "not significantly"
        )
        parts.append(
            f"{SAMPLE_TITLES.get(r['sample'], r['sample'])}: {beat} the mean "
            f"(R²_OS {W.pct(r['r2_os'])}, Clark–West p {W.pval(r['cw_pvalue'])}, {sig})"
        )
    if not parts:
        return "Too few forecasts to compare with the historical mean."
    name = comp[0]["variant"]
    return (
        f"In plain words: forecasting the {h}-day spread return with the {name} factor, "
        "instead of with the average return seen so far, " + "; ".join(parts) + "."
    )


def forecast_html(metrics: dict[str, Any], figure_html: str = "") -> str:
    """Render the forecast section (heading, intro, table variant x sample, figure, reading)."""
    rows = metrics.get("oos_forecast") or []
    head = f'<h2 id="oos-forecast">{esc(FORECAST_TITLE)}</h2>'
    if not rows:
        return head + "<p class='muted'>No out-of-sample forecasts in this run.</p>"
    keys, samples = _by(rows)
    index = {(r["variant"], int(r["horizon"]), r["sample"]): i for i, r in enumerate(rows)}
    body = []
    for v, h in keys:
        cells = [esc(v), esc(h)]
        for s in samples:
            i = index.get((v, h, s))
            if i is None or not rows[i].get("n"):
                cells.append("—")
                continue
            cells.append(
                f"{num(f'oos_forecast.{i}.r2_os', rows[i]['r2_os'])} / "
                f"{num(f'oos_forecast.{i}.cw_pvalue', rows[i]['cw_pvalue'])} "
                f"<span class='muted'>(n {num(f'oos_forecast.{i}.n', rows[i]['n'])})</span>"
            )
        body.append(cells)
    intro = (
        "<p>At each date the spread's h-day return is forecast by a regression on the factor "
        "fitted only to returns already realized (expanding window), and by the historical "
        "(prevailing) mean of the same returns. Each cell: out-of-sample R² (positive: the "
        "factor's forecasts have smaller squared errors than the mean) / one-sided Clark–West "
        "p-value (Newey–West errors for overlapping targets). The in-sample column scores only "
        "the recursive part of the in-sample window.</p>"
    )
    return (
        head
        + intro
        + table(["variant", "h (days)", *[SAMPLE_TITLES[s] for s in samples]], body)
        + figure_html
        + f"<p>{esc(forecast_reading(metrics))}</p>"
    )


def forecast_markdown(metrics: dict[str, Any]) -> list[str]:
    """Return the forecast section as Markdown lines ([] when absent)."""
    rows = metrics.get("oos_forecast") or []
    if not rows:
        return []
    keys, samples = _by(rows)
    index = {(r["variant"], int(r["horizon"]), r["sample"]): r for r in rows}
    lines = [
        "",
        f"## {FORECAST_TITLE}",
        "",
        "R²_OS / Clark–West one-sided p of recursive forecasts against the historical mean:",
        "",
        "| variant | h | " + " | ".join(SAMPLE_TITLES[s] for s in samples) + " |",
        "|---|---|" + "---|" * len(samples),
    ]
    for v, h in keys:
        cells = []
        for s in samples:
            r = index.get((v, h, s))
            ok = r is not None and r.get("n")
            cells.append(f"{W.pct(r['r2_os'])} / {W.pval(r['cw_pvalue'])}" if ok else "—")
        lines.append(f"| {v} | {h} | " + " | ".join(cells) + " |")
    lines += ["", forecast_reading(metrics)]
    return lines


def _nested_table(nested: list[dict[str, Any]]) -> str:
    body = []
    for i, r in enumerate(nested):
        k = f"competing.nested.{i}"
        body.append(
            [
                esc(RIVAL_WORDS.get(r["rival"], r["rival"])),
                esc(SAMPLE_TITLES.get(r["sample"], r["sample"])),
                num(f"{k}.beta_factor", r["beta_factor"]),
                num(f"{k}.t_factor", r["t_factor"]),
                num(f"{k}.beta_rival", r["beta_rival"]),
                num(f"{k}.t_rival", r["t_rival"]),
                num(f"{k}.n", r["n"]),
            ]
        )
    return table(
        ["rival", "sample", "factor slope", "factor t (NW)", "rival slope", "rival t", "n"], body
    )


def _alpha_text(a: dict[str, Any]) -> str:
    if a.get("alpha_ann") is None:
        return f"<p class='muted'>Five factors and momentum: {esc(a.get('note') or 'no data')}.</p>"
    betas = ", ".join(f"{k} {v:+.2f}" for k, v in (a.get("betas") or {}).items())
    return (
        "<p>The strategy's active return regressed on the Fama–French five factors and "
        f"momentum (daily, {esc(a.get('start') or '')} to {esc(a.get('end') or '')}): alpha "
        f"{num('competing.alpha_ff.alpha_ann', a['alpha_ann'])} a year, HAC t "
        f"{num('competing.alpha_ff.tstat', a['tstat'])}, R² {num('competing.alpha_ff.r2', a['r2'])}"
        f", n {num('competing.alpha_ff.n', a['n'])}. Loadings: {esc(betas)}.</p>"
    )


def _trend_table(t: dict[str, Any]) -> str:
    smp = t.get("samples") or {}
    names = [s for s in SAMPLE_TITLES if s in smp]
    rows = [
        ["trend rotation: Sharpe", *[num(f"competing.trend_rotation.samples.{s}.sharpe",
                                         smp[s]["sharpe"]) for s in names]],
        ["trend rotation: active Sharpe", *[num(
            f"competing.trend_rotation.samples.{s}.active_sharpe", smp[s]["active_sharpe"]
        ) for s in names]],
        ["strategy: active Sharpe", *[num(
            f"competing.trend_rotation.samples.{s}.strategy_active_sharpe",
            smp[s]["strategy_active_sharpe"],
        ) for s in names]],
    ]  # fmt: skip
    return table(["", *[SAMPLE_TITLES[s] for s in names]], rows)


def competing_html(metrics: dict[str, Any]) -> str:
    """Render the competing-explanations section ('' heading plus a note when absent)."""
    head = f'<h2 id="competing">{esc(COMPETING_TITLE)}</h2>'
    c = metrics.get("competing")
    if not c:
        return head + "<p class='muted'>Not computed in this run.</p>"
    t = c["trend_rotation"]
    vs = t.get("alpha_vs_trend") or {}
    return (
        head + "<p>Does the factor only restate the spread's own trend or the move in long yields? "
        "Regression of the forward spread return at the headline horizon on the factor and one "
        "rival at a time (Newey–West t; liberal for a persistent factor):</p>"
        + _nested_table(c["nested"])
        + _alpha_text(c["alpha_ff"])
        + "<p>A trend rotation: the same rotation, baskets, rule and costs, switched by the "
        "spread's 12-1 month trend instead of the factor (counted as one more trial). Full "
        f"period: Sharpe {num('competing.trend_rotation.sharpe', t['sharpe'])}, total return "
        f"{num('competing.trend_rotation.total_return', t['total_return'])}, active Sharpe "
        f"{num('competing.trend_rotation.active_sharpe', t['active_sharpe'])} (the strategy's: "
        f"{num('competing.trend_rotation.strategy_active_sharpe', t.get('strategy_active_sharpe'))}"
        "); the strategy's active alpha given the trend rotation's active return: "
        f"{num('competing.trend_rotation.alpha_vs_trend.alpha_ann', vs.get('alpha_ann'))} a "
        f"year, t {num('competing.trend_rotation.alpha_vs_trend.tstat', vs.get('tstat'))}.</p>"
        + _trend_table(t)
    )


def competing_markdown(metrics: dict[str, Any]) -> list[str]:
    """Return the competing-explanations section as Markdown lines ([] when absent)."""
    c = metrics.get("competing")
    if not c:
        return []
    lines = ["", f"## {COMPETING_TITLE}", ""]
    for r in c["nested"]:
        lines.append(
            f"- given {RIVAL_WORDS.get(r['rival'], r['rival'])} ({r['sample'].replace('_', '-')}"
            f", h {r['horizon']}): factor t {W.dec(r['t_factor'], sign=True)}, rival t "
            f"{W.dec(r['t_rival'], sign=True)} (n {r['n']})"
        )
    a = c["alpha_ff"]
    if a.get("alpha_ann") is None:
        lines.append(f"- five factors and momentum: {a.get('note') or 'no data'}")
    else:
        lines.append(
            f"- active alpha against the five factors and momentum: {W.pct(a['alpha_ann'])} a "
            f"year, t {W.dec(a['tstat'], sign=True)} (R² {W.dec(a['r2'])}, n {a['n']})"
        )
    t = c["trend_rotation"]
    lines.append(
        f"- trend rotation (one more trial): Sharpe {W.dec(t['sharpe'])}, total return "
        f"{W.pct(t['total_return'])}, active Sharpe {W.dec(t['active_sharpe'], sign=True)} "
        f"(strategy's active Sharpe {W.dec(t.get('strategy_active_sharpe'), sign=True)})"
    )
    return lines

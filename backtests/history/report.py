# ruff: noqa: E501  (HTML and Markdown templates)
"""Write the long-history report: the main report's files for the spread study.

``reports/history/`` gets ``index.html`` (self-contained, figures embedded), ``metrics.json``,
``returns.csv`` (``strategy`` and one column per target spread, lowercase, holding exactly its
daily return without costs), ``weights.csv`` (the headline position and cash),
``factor.csv``, ``forecasts.csv`` (recursive forecasts against the historical mean, as in the
main report), ``summary.md``, ``config.json`` and ``mechanism.csv`` (the mechanism study's
monthly panel, when it ran).
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd

from backtests.history.report_html import history_page, undefined_note
from backtests.history.result import HistoryResult
from backtests.report import words as W
from backtests.report.figures import readable_log_axis
from backtests.report.forecast_outputs import forecast_outputs
from backtests.report.html_base import figure
from backtests.report.html_forecast import forecast_html, forecast_markdown
from backtests.report.html_mechanism import mechanism_link, mechanism_markdown, mechanism_section
from backtests.report.mechanism_files import mechanism_files
from backtests.report.metrics import validate_metrics
from backtests.report.plain import plain
from backtests.report.staging import write_staged
from backtests.report.writer import ReportPaths, atomic_write_bytes, atomic_write_text
from data.background import Background

SAMPLE_LABELS = {
    "in_sample": "pre-2000 (in-sample)",
    "held_out": "post-2000 (held-out)",
    "full": "full",
}


def returns_frame(res: HistoryResult) -> pd.DataFrame:
    """``strategy`` net of costs, then each target's own daily return (no costs)."""
    out = pd.concat([res.strategy.returns.rename("strategy"), res.targets], axis=1)
    out.index.name = "date"
    return out


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def figures(res: HistoryResult) -> dict[str, str]:
    """Factor with the episodes shaded; cumulative strategy and static spread (log scale)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    out = {}
    fig, ax = plt.subplots(figsize=(11, 3.6))
    f = res.fac.dropna()
    ax.plot(f.index, f.to_numpy(), lw=0.6, color="#333")
    for e in res.metrics.get("episodes", []):
        ax.axvspan(pd.Timestamp(e["start"]), pd.Timestamp(e["end"]), color="#f4a261", alpha=0.35)
    spec = res.cfg.backtest
    for level, colour in (
        (spec.threshold + spec.band / 2, "#2a9d8f"),
        (spec.threshold - spec.band / 2, "#e63946"),
    ):
        ax.axhline(level, color=colour, lw=0.7, ls=":")
    ax.set_title(
        "Capital-scarcity factor (FRED-MD/QD, point-in-time lags); shaded: capex-boom episodes"
    )
    ax.set_ylabel("factor (weighted z-scores)")
    out["factor"] = _png(fig)
    fig, ax = plt.subplots(figsize=(11, 3.6))
    for name, r in (
        ("strategy", res.strategy.returns),
        (f"static {res.headline}", res.targets[res.headline]),
    ):
        ax.plot(r.index, (1 + r.fillna(0)).cumprod().to_numpy(), lw=0.8, label=name)
    ax.set_yscale("log")
    readable_log_axis(ax)
    ax.axvline(pd.Timestamp(res.cfg.run.oos_start), color="#999", ls="--", lw=0.8)
    ax.set_title("Growth of 1 (log scale); dashed: pre-2000 / post-2000 split")
    ax.legend()
    out["equity"] = _png(fig)
    return out


def _n(x: Any, spec: str = "+.2f") -> str:
    return "n/a" if x is None else format(x, spec)


def _table(rows: list[list[str]], head: list[str]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><tr>{th}</tr>{body}</table>"


def sample_rows(m: dict[str, Any]) -> list[list[str]]:
    """Rows of the side-by-side sample table."""
    s = m["samples"]
    keys = [k for k in SAMPLE_LABELS if k in s]
    rows = [["period"] + [f"{s[k]['start']} .. {s[k]['end']}" for k in keys]]
    rows.append(["days"] + [str(s[k]["n_days"]) for k in keys])
    for label, get in (
        ("strategy Sharpe", lambda b: (b["strategy"] or {}).get("sharpe")),
        ("static spread Sharpe", lambda b: (b["benchmark"] or {}).get("sharpe")),
        ("active Sharpe (IR)", lambda b: b["active"].get("sharpe")),
        ("Sharpe difference", lambda b: b["active"].get("sharpe_diff")),
        ("HAC alpha t", lambda b: b["active"].get("hac_alpha_tstat")),
    ):
        rows.append([label] + [_n(get(s[k])) for k in keys])
    rows.append(["placebo p"] + [_n(s[k].get("placebo_pvalue"), ".3f") for k in keys])
    ci = [s[k]["active"].get("sharpe_diff_ci95") for k in keys]
    rows.append(
        ["Sharpe diff CI"] + [("n/a" if c is None else f"{c[0]:+.2f} .. {c[1]:+.2f}") for c in ci]
    )
    return rows


def capex_increment_line(m: dict[str, Any]) -> str:
    """One sentence: the capex-only factor's slope given the funding-only one, per half."""
    text = W.nested_sentence(
        m.get("capex_beyond_funding"), {"in_sample": "pre-2000", "held_out": "post-2000"}
    )
    return f"Does capex demand add to funding price? {text} {W.NESTED_CAVEAT}" if text else ""


def today_line(m: dict[str, Any]) -> str:
    """One sentence: the last date, the factor there and its percentile, the position held."""
    now = m.get("now") or {}
    if not now:
        return ""
    pos = now.get("holdings", {})
    held = ", ".join(f"{k} {v:+.0%}" for k, v in pos.items() if abs(v) > 1e-12) or "cash"
    pct = now.get("percentile")
    if now.get("factor") is None and now.get("factor_last_date"):
        fac = (
            f"factor undefined (last defined {now['factor_last_date']}: "
            f"{_n(now.get('factor_last_value'))})"
        )
    else:
        fac = f"factor {_n(now.get('factor'))}" + (
            "" if pct is None else f" ({pct:.0%} percentile of its history)"
        )
    return f"Today ({now['date']}): {fac}; position {held}."


def inference_rows(m: dict[str, Any]) -> list[list[str]]:
    """Rows of the inference table: trials, hurdle, HAC alpha, Sharpe CI, DSR, PBO, SPA, StepM."""
    inf = m["inference"]
    t = inf["trials"]
    ci = inf.get("sharpe_ci95")
    better = inf.get("stepm_better") or []
    return [
        [
            "trials",
            f"{t['raw']} raw, {t['distinct']} distinct, {_n(t['effective'], '.1f')} effective",
            "targets x off positions, plus the ablation variants (raw count only); effective: "
            f"the null-equivalent count (participation ratio {_n(t.get('participation'), '.1f')}, "
            f"{t.get('clusters')} clusters)",
        ],
        [
            "HAC alpha t (full)",
            _n(inf.get("hac_alpha_tstat")),
            f"t-hurdle {_n(inf.get('tstat_hurdle'), '.2f')} for {_n(inf.get('hurdle_trials'), '.1f')} "
            f"effective trials ({_n(inf.get('tstat_hurdle_raw'), '.2f')} for {t['raw']} raw)",
        ],
        [
            "active Sharpe CI (full)",
            "n/a" if not ci else f"{ci[0]:+.2f} .. {ci[1]:+.2f}",
            "stationary bootstrap",
        ],
        ["deflated Sharpe (pre-2000)", _n(inf.get("deflated_sharpe"), ".3f"), "of the headline"],
        ["PBO (pre-2000)", _n(inf.get("pbo"), ".3f"), "CSCV over the distinct variants"],
        ["SPA p (pre-2000)", _n(inf.get("spa_pvalue"), ".3f"), "Hansen, best variant vs static"],
        [
            "StepM",
            ", ".join(better) if better else "none",
            "variants that beat their static spread (Romano-Wolf, family-wise 5%)",
        ],
        ["placebo p (pre-2000)", _n(inf.get("placebo_pvalue"), ".3f"), "circular shifts"],
    ]


def summary_markdown(m: dict[str, Any], note: str = "") -> str:
    """Return the report in a few lines of Markdown (``note``: why the factor is undefined)."""
    lines = [
        "# The thesis on sixty years (long history)",
        "",
        f"**Verdict: {m['verdict']['label']}.** {plain(m['verdict']['sentence'])}",
        "",
        f"{today_line(m)} {note}".strip(),
        "",
        f"> {m['caveat']}",
        "",
        f"Target: {m['target']} (rotation: +{m['target']} when scarcity is high, "
        f"{m['off_position']} otherwise); period {m['period']['start']} .. {m['period']['end']}.",
        "",
        "| | " + " | ".join(SAMPLE_LABELS[k] for k in SAMPLE_LABELS if k in m["samples"]) + " |",
        "|---|" + "---|" * len([k for k in SAMPLE_LABELS if k in m["samples"]]),
    ]
    lines += ["| " + " | ".join(r) + " |" for r in sample_rows(m)]
    lines += ["", "## Inference", "", "| test | value | reading |", "|---|---|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in inference_rows(m)]
    lines += ["", "## Episodes (rule: " + m.get("episode_rule", "") + ")", ""]
    lines += ["| start | end | spread | strategy | factor mean |", "|---|---|---|---|---|"]
    for e in m["episodes"]:
        lines.append(
            f"| {e['start']} | {e['end']} | {_n(e['spread_return'], '+.1%')} | "
            f"{_n(e['strategy_return'], '+.1%')} | {_n(e['factor_mean'])} |"
        )
    lines.append("")
    lines.append(
        "An episode spans the late 1990s."
        if m["late_1990s_episode"]
        else "No episode spans the late 1990s."
    )
    lines += ["", "## Does capex demand add anything beyond funding price?", ""]
    lines += [
        "| factor | pre-2000 active Sharpe | pre-2000 predictive t | pre-2000 predictive p | pre-2000 placebo p | post-2000 active Sharpe | post-2000 predictive t |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in m["ablation"]:
        i, h = a["in_sample"], a["held_out"]
        lines.append(
            f"| {plain(a['name'])} | {_n(i['active_sharpe'])} | {_n(i['predictive_tstat'])} | "
            f"{_n(i['predictive_pvalue'], '.3f')} | {_n(a.get('placebo_pvalue'), '.3f')} | "
            f"{_n(h['active_sharpe'])} | {_n(h['predictive_tstat'])} |"
        )
    inc = capex_increment_line(m)
    if inc:
        lines += ["", inc]
    lines += mechanism_markdown(m)
    lines += forecast_markdown(m)
    return "\n".join(lines) + "\n"


def write_history_report(res: HistoryResult, out_dir: str | Path) -> ReportPaths:
    """Write the long-history report directory, all at once, and return its paths.

    As :func:`backtests.report.writer.write_report`: the files go into a staging folder that
    is renamed into place when all are written (:mod:`backtests.report.staging`).
    """
    out = Path(out_dir)
    write_staged(out, lambda stage: _write_history_files(res, stage))
    return ReportPaths(
        root=out, html=out / "index.html", metrics=out / "metrics.json", summary=out / "summary.md"
    )


def _plots(res: HistoryResult) -> tuple[dict[str, str], Any]:
    """Draw the report's own figures; build the forecasts' files (CSV, Goyal-Welch figure)."""
    fc = forecast_outputs(
        res.forecasts, marks={"post-2000": res.cfg.run.oos_start}, synthetic=False
    )
    return figures(res), fc


def _write_history_files(res: HistoryResult, out: Path) -> None:
    """Write every file of the long-history report into ``out`` (its staging folder).

    The figures are drawn in two forked children (:class:`data.background.Background`)
    while this process writes the tables.
    """
    plots = Background(_plots, res, name="long-history figures")
    mech = Background(mechanism_files, res, name="long-history mechanism figures")
    m = dict(res.metrics)
    t = res.cfg.targets
    m["episode_rule"] = (
        f"quarters where the year-on-year growth of {t.episode_series} is above the "
        f"{float(t.episode_percentile):.0%} percentile of its previous "
        f"{int(t.episode_window_quarters)} quarters, for at least {int(t.episode_min_quarters)} "
        "quarters in a row (ex post, revised data: a description, not a signal)"
    )
    validate_metrics(m)
    atomic_write_text(out / "metrics.json", json.dumps(m, indent=2, sort_keys=False) + "\n")
    atomic_write_text(out / "returns.csv", returns_frame(res).to_csv(float_format="%.12g"))
    w = res.strategy.weights.copy()
    w.index.name = "date"
    atomic_write_text(out / "weights.csv", w.to_csv(float_format="%.10g"))
    frames = res.factor.to_frames()
    fac = frames["factor"]
    atomic_write_text(out / "factor.csv", fac.to_csv(index=False, float_format="%.10g"))
    note = undefined_note(m, res.cfg)
    atomic_write_text(out / "summary.md", summary_markdown(m, note))
    atomic_write_text(
        out / "config.json", json.dumps(res.cfg.to_dict(), indent=2, default=str) + "\n"
    )
    fig_dir = out / "figures"
    pngs, fc = plots.result()
    for name, png in pngs.items():  # beside the page, not inside it
        atomic_write_bytes(fig_dir / f"{name}.png", base64.b64decode(png))
    mech_csv, mech_figs = mech.result()  # the mechanism study, when it ran
    if mech_csv is not None:
        atomic_write_text(out / "mechanism.csv", mech_csv)
    for name, (png, _alt, _cap) in mech_figs.items():  # beside the page too
        atomic_write_bytes(fig_dir / f"{name}.png", base64.b64decode(png))
    mech_files = {n: (f"figures/{n}.png", alt, cap) for n, (_png, alt, cap) in mech_figs.items()}
    if fc.csv is not None:  # forecasts.csv and the Goyal-Welch figure (the main report's code)
        atomic_write_text(out / "forecasts.csv", fc.csv)
        atomic_write_bytes(fig_dir / "goyal_welch.png", base64.b64decode(fc.png))
    ep_rows = [
        [
            e["start"],
            e["end"],
            str(e["quarters"]),
            _n(e["spread_return"], "+.1%"),
            _n(e["strategy_return"], "+.1%"),
            _n(e["factor_mean"]),
        ]
        for e in m["episodes"]
    ]
    ab_rows = [
        [
            plain(a["name"]),
            _n(a["in_sample"]["active_sharpe"]),
            _n(a["in_sample"]["predictive_tstat"]),
            _n(a["in_sample"]["predictive_pvalue"], ".3f"),
            _n(a.get("placebo_pvalue"), ".3f"),
            _n(a["held_out"]["active_sharpe"]),
            _n(a["held_out"]["predictive_tstat"]),
        ]
        for a in m["ablation"]
    ]
    samples_head = ["", *[SAMPLE_LABELS[k] for k in SAMPLE_LABELS if k in m["samples"]]]
    ab_head = ["factor", "pre-2000 active Sharpe", "pre-2000 predictive t"]
    ab_head += ["pre-2000 predictive p", "pre-2000 placebo p", "post-2000 active Sharpe"]
    ep_head = ["start", "end", "quarters", "spread return", "strategy return", "factor mean"]
    page = history_page(
        m,
        figures={"factor": "figures/factor.png", "equity": "figures/equity.png"},
        tables={
            "inference": (inference_rows(m), ["test", "value", "reading"]),
            "samples": (sample_rows(m), samples_head),
            "episodes": (ep_rows, ep_head),
            "ablation": (ab_rows, [*ab_head, "post-2000 predictive t"]),
        },
        today=today_line(m),
        increment=capex_increment_line(m),
        cfg=res.cfg,
        out_dir=out,
        lead=mechanism_link(m),
        extra=mechanism_section(m, mech_files)
        + forecast_html(m, figure("figures/goyal_welch.png", fc.alt, fc.caption) if fc.png else ""),
    )
    atomic_write_text(out / "index.html", page)

"""Write a report directory from one pipeline result.

``reports/<name>/`` receives ``index.html``, ``metrics.json``, ``summary.md``,
``returns.csv``, ``weights.csv``, ``config.toml`` (the configuration used), and the signal
files (``factor.csv``, ``components.csv``, ``events.csv``), ``sweep.csv`` when a sweep ran
and ``mechanism.csv`` when the mechanism study ran.
Every file is written atomically (temporary file, then rename).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from backtests.report import metrics_samples as S
from backtests.report import words as W
from backtests.report.figure_jobs import FigureJob
from backtests.report.frames import returns_frame
from backtests.report.html import render_html
from backtests.report.html_base import figure
from backtests.report.html_dating import dating_markdown
from backtests.report.html_first import advice_markdown, rule_words
from backtests.report.html_forecast import (
    competing_html,
    competing_markdown,
    forecast_html,
    forecast_markdown,
)
from backtests.report.html_mechanism import mechanism_markdown
from backtests.report.html_tearsheet import tearsheet_markdown
from backtests.report.long_history import html_paragraph, markdown_line
from backtests.report.metrics import build_metrics, validate_metrics
from backtests.report.plain import plain
from backtests.report.robustness import universe_markdown
from backtests.report.staging import write_staged
from backtests.report.stale_components import stale_sentence

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportPaths:
    """Where a report was written."""

    root: Path
    html: Path
    metrics: Path
    summary: Path

    def __str__(self) -> str:
        return str(self.root)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory.

    The file gets the mode an ordinary ``open`` would give (``0666`` less the umask, so
    ``0644`` usually), not the ``0600`` of a temporary file. An ``OSError`` (full disk,
    read-only directory, permissions) becomes :class:`~data.errors.DataError` naming the
    file; no partial or temporary file is left.
    """
    from data.errors import DataError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise DataError(
            f"cannot write the report: {exc.strerror or exc}", source=str(path)
        ) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise DataError(
            f"cannot write the report: {exc.strerror or exc}", source=str(path)
        ) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def summary_markdown(
    metrics: dict[str, Any], figures: dict[str, str] | None = None, rule: str = ""
) -> str:
    """Write a short Markdown summary of the report (numbers rounded, names in words).

    ``figures`` (name -> alt text) adds links to the PNGs written under ``figures/``;
    ``rule`` (the rule in words) closes the first paragraph.
    """
    lines = []
    if metrics["synthetic"]:
        lines.append("> **SYNTHETIC DATA** — simulated market, not real history.\n")
    s, inf = metrics["strategy"], metrics["inference"]
    bench = W.name(inf.get("benchmark"))
    ci = inf.get("sharpe_ci95") or [None, None]
    trials = inf.get("trials") or {}
    now = metrics.get("now") or {}
    lines += [
        "# capital-scarcity report",
        "",
        f"**Verdict ({metrics['verdict']['label']}).** {plain(metrics['verdict']['sentence'])}",
        "",
    ]
    if now:
        held = ", ".join(
            f"{t} {w * 100:.1f}%" for t, w in now.get("holdings", {}).items() if abs(w) > 1e-9
        )
        lines += [
            f"**Today ({now['date']}):** factor {W.dec(now.get('factor'), sign=True)}, regime "
            f"{'exhausted' if now.get('regime') else 'not exhausted'}, holding the "
            f"{now.get('held_basket')} basket ({held or 'nothing'}). "
            f"{plain(now.get('coverage_sentence', ''))} {plain(stale_sentence(metrics))}".rstrip(),
            "",
            advice_markdown(metrics, rule),
            "",
        ]
    lines += [
        f"- data: {W.source(metrics['data_source'])}, {metrics['period']['start']} to "
        f"{metrics['period']['end']}",
        f"- strategy: {s['rule']} ({s['rebalance']}), Sharpe {W.dec(s['sharpe'])}, total "
        f"return {W.pct(s['total_return'])}, max drawdown {W.pct(s['max_drawdown'])}",
        f"- against {bench}, {S.in_sample_line(metrics)}; deflated Sharpe "
        f"{W.dec(inf.get('deflated_sharpe'))}, PBO {W.dec(inf.get('pbo'))}, studentized SPA p "
        f"{W.pval(inf.get('spa_pvalue'))}, placebo p {W.pval(inf.get('placebo_pvalue'))} "
        f"(all in-sample); full sample: HAC alpha t {W.dec(inf.get('hac_alpha_tstat'))}, "
        f"active Sharpe 95% CI {W.dec(ci[0])} to {W.dec(ci[1])}",
        f"- trials: {S.trial_counts_text(trials)}",
        f"- {S.held_out_line(metrics, bench)}",
        f"- registration: {S.registration_sentence(metrics)}",
        "",
        f"Against {bench}, sample by sample:",
        "",
        "| sample | dates | days | Sharpe | benchmark Sharpe | difference | placebo p |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, blk in (metrics.get("samples") or {}).items():
        lines.append(
            f"| {key.replace('_', '-')} | {blk['start'] or '-'} to {blk['end'] or '-'} | "
            f"{blk['n_days']} | {W.dec(blk['strategy'].get('sharpe'))} | "
            f"{W.dec(blk['benchmark'].get('sharpe'))} | "
            f"{W.dec(blk['active'].get('sharpe_diff'), sign=True)} | "
            f"{W.pval(blk.get('placebo_pvalue'))} |"
        )
    abl = metrics.get("ablation") or []
    if abl:
        lines += [
            "",
            "Ablation (active Sharpe in-sample / held-out, predictive p, placebo p):",
            "",
        ]
        lines += [
            f"- {plain(r['name'])}: {W.dec(r['in_sample_active_sharpe'], sign=True)} / "
            f"{W.dec(r['held_out_active_sharpe'], sign=True)}, p "
            f"{W.pval(r['predictive_pvalue'])}, placebo {W.pval(r['placebo_pvalue'])}"
            for r in abl
        ]
    for text in W.nested_sentences(metrics):
        lines += ["", text]
    lines += tearsheet_markdown(metrics)
    lines += universe_markdown(metrics)
    lines += dating_markdown(metrics)
    lines += mechanism_markdown(metrics)
    lines += forecast_markdown(metrics) + competing_markdown(metrics)
    lines.append("")
    if figures:
        lines += [f"![{alt}](figures/{name}.png)" for name, alt in figures.items()]
        lines.append("")
    return "\n".join(lines)


def write_report(
    result: Any, out_dir: str | Path, *, figures: FigureJob | None = None
) -> ReportPaths:
    """Write every report file for ``result`` into ``out_dir``, all at once.

    The files go into a staging folder beside ``out_dir`` that is renamed into place when
    all are written (:func:`backtests.report.staging.write_staged`): a killed run leaves the
    previous report whole, never a partial or mixed folder.

    Parameters
    ----------
    result : PipelineResult
        A finished run (:func:`backtests.study.pipeline.run_pipeline`).
    out_dir : str or Path
        The report directory (created if needed; an existing one is replaced as a whole,
        only when it is empty or holds a report).
    figures : FigureJob, optional, keyword-only
        The figures, started from the run's partial result
        (``run_pipeline(..., on_partial=figures.start)``); None: drawn here.

    Returns
    -------
    ReportPaths

    Raises
    ------
    OutputError
        When ``out_dir`` is a file or a non-empty folder that holds no report.
    """
    final = Path(out_dir)
    write_staged(final, lambda stage: _write_files(result, stage, final.name, figures))
    log.info("report written to %s", final)
    return ReportPaths(final, final / "index.html", final / "metrics.json", final / "summary.md")


def _write_files(result: Any, root: Path, name: str, figures: FigureJob | None = None) -> None:
    """Write every report file into ``root`` (the staging folder of report ``name``).

    The figures are drawn in background processes (:mod:`backtests.report.figure_jobs`)
    while this one writes the tables: ``figures`` when the caller started them during the
    run, else from here.
    """
    report_name = name  # the loops below reuse ``name`` for files and figures
    if figures is None:  # not started during the run: draw while the tables are written
        figures = FigureJob()
        figures.start(result)
    metrics = build_metrics(result)
    validate_metrics(metrics)
    atomic_write_text(root / "metrics.json", json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    atomic_write_text(root / "returns.csv", returns_frame(result).to_csv(float_format="%.10g"))
    weights = result.backtest.weights.copy()
    weights.index.name = "date"
    atomic_write_text(root / "weights.csv", weights.to_csv(float_format="%.10g"))
    atomic_write_text(root / "config.toml", tomli_w.dumps(result.cfg.to_dict()))
    frames = result.factor.to_frames()
    for name, frame in frames.items():
        atomic_write_text(root / f"{name}.csv", frame.to_csv(index=False, float_format="%.10g"))
    if result.sweep is not None:
        atomic_write_text(root / "sweep.csv", result.sweep.table.to_csv(index=False))
    predictive = getattr(result.predictive, "table", None)
    availability = getattr(result.factor, "availability", None)
    core, late = figures.core(result), figures.late(result)
    figs, mech_figs, fc = core.png, late.mechanism, late.forecasts
    if late.mechanism_csv is not None:
        atomic_write_text(root / "mechanism.csv", late.mechanism_csv)
    fig_dir = root / "figures"
    fig_dir.mkdir(exist_ok=True)
    for name, (png, _alt, _caption) in {**figs, **mech_figs}.items():
        atomic_write_bytes(fig_dir / f"{name}.png", base64.b64decode(png))
    alts = {name: alt for name, (_png, alt, _caption) in {**figs, **mech_figs}.items()}
    if fc.csv is not None:  # forecasts.csv and the Goyal-Welch figure
        atomic_write_text(root / "forecasts.csv", fc.csv)
        atomic_write_bytes(fig_dir / "goyal_welch.png", base64.b64decode(fc.png))
        alts["goyal_welch"] = fc.alt
    rule = rule_words(getattr(result, "spec", None))
    summary = summary_markdown(metrics, alts, rule) + markdown_line(root)
    atomic_write_text(root / "summary.md", summary)
    files = {n: (f"figures/{n}.png", alt, cap) for n, (_png, alt, cap) in figs.items()}
    page = render_html(
        metrics,
        files,  # the PNGs beside the page, not inside it
        predictive=predictive,
        availability=availability,
        title=f"capital-scarcity report: {report_name}",
        interactive=core.interactive,
        spec=getattr(result, "spec", None),
        mechanism_figures={
            n: (f"figures/{n}.png", alt, cap) for n, (_png, alt, cap) in mech_figs.items()
        },  # files beside the page
        plotly=core.plotly,
    )
    anchor = "<h2>Calendar years</h2>"  # forecasts and rivals after the robustness grid
    gw = figure("figures/goyal_welch.png", fc.alt, fc.caption) if fc.png else ""  # a file
    extra = forecast_html(metrics, gw) + competing_html(metrics)
    page = page.replace(anchor, extra + anchor, 1)
    link = html_paragraph(root)  # the long-history headline, when reports/history exists
    if link:  # on the first screen, after the verdict and its checks
        anchor = "<h2>Data coverage</h2>" if "<h2>Data coverage</h2>" in page else "</main>"
        page = page.replace(anchor, link + anchor, 1)
    atomic_write_text(root / "index.html", page)

"""The report's figures, drawn in background processes while the rest is written.

Drawing is most of the time a report takes to write (matplotlib PNGs, plotly divs, the
gzip of plotly.js), and none of it changes a number. :func:`core_figures` draws what a
*partial* run already fixes (the factor, the backtest and its benchmarks, the events, the
sweep: :class:`CoreFigures`); :func:`late_figures` what only the finished run has (the
mechanism study's panel and figures, the forecasts' table and Goyal-Welch figure:
:class:`LateFigures`). :class:`FigureJob` runs the first from the partial result
``run_pipeline(..., on_partial=...)`` hands over, so ``scarcity report`` draws while the
study goes on; :func:`backtests.report.writer.write_report` runs whatever has not been
started (:class:`data.background.Background`: a forked child on Linux, this process
elsewhere). The figures are the same wherever they were drawn.

matplotlib and plotly are imported by the functions here, not at module import: a process
that only collects figures drawn elsewhere never loads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backtests.report import words as W
from backtests.report.frames import returns_frame, sweep_pivot
from backtests.report.html_first import switch_levels
from data.background import Background

Figures = dict[str, tuple[str, str, str]]
"""name -> (base64 PNG, alt text, caption)."""


@dataclass(frozen=True)
class CoreFigures:
    """What the partial run fixes, drawn.

    Attributes
    ----------
    png : dict
        name -> (base64 PNG, alt text, caption) (:func:`make_figures`).
    interactive : dict
        name -> (plotly ``<div>``, caption): the page's interactive figures.
    plotly : str
        plotly.js embedded once (:func:`backtests.report.interactive_base.plotly_script`).
    """

    png: Figures
    interactive: dict[str, tuple[str, str]]
    plotly: str


@dataclass(frozen=True)
class LateFigures:
    """What only the finished run has, drawn.

    Attributes
    ----------
    mechanism_csv : str or None
        ``mechanism.csv`` (None without the study).
    mechanism : dict
        The mechanism section's figures (name -> (base64 PNG, alt, caption)).
    forecasts : ForecastOutputs
        ``forecasts.csv`` and the Goyal-Welch figure
        (:func:`backtests.report.forecast_outputs.forecast_outputs`).
    """

    mechanism_csv: str | None
    mechanism: Figures
    forecasts: Any


def make_figures(result: Any) -> dict[str, tuple[str, str, str]]:
    """All report PNG figures as name -> (base64 PNG, alt text, caption)."""
    from backtests.report import figures as F
    from backtests.report.figures_tearsheet import tearsheet_png

    syn = bool(result.market.synthetic)
    rets = returns_frame(result)
    fac = result.factor
    window = rets.index
    figs: dict[str, tuple[str, str, str]] = {}
    figs["factor"] = (
        F.to_png_base64(
            F.factor_figure(
                fac.factor.reindex(window),
                fac.zscores.reindex(window),
                fac.regime.reindex(window),
                synthetic=syn,
                levels=switch_levels(getattr(result, "spec", None)),
            )
        ),
        "Line chart of the capital-scarcity factor and its component z-scores",
        "The composite factor (top) and its signed component z-scores (bottom); shaded spans are "
        "dates when idle money was exhausted.",
    )
    car = getattr(result.events, "car", None)
    figs["events"] = (
        F.to_png_base64(F.events_figure(fac.events, car, synthetic=syn)),
        "Scatter of capex surprises and the mean spread return around filings",
        f"Capex announcements: {W.events_in_window(fac.events, window)} inside the report's "
        "window: the surprise at each (left) and the mean cumulative near-minus-long return "
        "around them with a 95% band (right).",
    )
    figs["equity"] = (
        F.to_png_base64(F.equity_figure(rets, synthetic=syn)),
        "Equity curves of the strategy and benchmarks",
        "Growth of one dollar, net of all costs, log scale.",
    )
    figs["drawdown"] = (
        F.to_png_base64(F.drawdown_figure(rets, synthetic=syn)),
        "Drawdowns of the strategy and benchmarks",
        "Drawdown from the running peak.",
    )
    figs["rolling_sharpe"] = (
        F.to_png_base64(F.rolling_sharpe_figure(rets, synthetic=syn)),
        "Rolling one-year Sharpe ratio",
        "Trailing 252-day annualized Sharpe ratio.",
    )
    figs["tearsheet"] = tearsheet_png(result, rets, synthetic=syn)
    if result.sweep is not None:
        pivot = sweep_pivot(result.sweep.table)
        if pivot is not None:
            figs["sweep"] = (
                F.to_png_base64(
                    F.sweep_heatmap(pivot, title="Sweep: in-sample Sharpe", synthetic=syn)
                ),
                "Heatmap of in-sample Sharpe ratios across the parameter sweep",
                f"Mean in-sample Sharpe over {result.sweep.n_trials} trials (before the "
                "held-out start), by rule, rebalance frequency and threshold.",
            )
    return figs


def core_figures(result: Any) -> CoreFigures:
    """Draw every figure a partial run fixes (see :class:`CoreFigures`).

    ``result`` may be the partial :class:`~backtests.study.pipeline.PipelineResult` given to
    ``on_partial`` (no inference yet) or a finished one: the figures are the same.
    """
    from backtests.report.interactive import build_interactive
    from backtests.report.interactive_base import plotly_script
    from backtests.report.interactive_tables import build_table_figures

    rets = returns_frame(result)
    interactive = {**build_interactive(result, rets), **build_table_figures(result, rets)}
    return CoreFigures(make_figures(result), interactive, plotly_script())


def late_figures(result: Any) -> LateFigures:
    """Draw the mechanism study's and the forecasts' files of a finished run."""
    from backtests.report.forecast_outputs import forecast_outputs
    from backtests.report.mechanism_files import mechanism_files

    mech_csv, mech_figs = mechanism_files(result)  # the mechanism study, when it ran
    fc = forecast_outputs(
        (getattr(result, "extras", {}) or {}).get("forecasts"),
        marks={"held-out": result.cfg.run.oos_start, "registered": result.cfg.run.registered},
        synthetic=bool(result.market.synthetic),
    )
    return LateFigures(mech_csv, mech_figs, fc)


class FigureJob:
    """The report's figures, drawn in the background from a run's partial results.

    Pass :meth:`start` as ``run_pipeline(..., on_partial=job.start)`` and the job to
    :func:`backtests.report.writer.write_report` (``figures=job``): the pipeline's first
    partial result starts :func:`core_figures`, its second (with ``extras``) starts
    :func:`late_figures`.
    """

    def __init__(self) -> None:
        self._core: Background[CoreFigures] | None = None
        self._late: Background[LateFigures] | None = None

    def start(self, partial: Any) -> None:
        """Start every figure set ``partial`` allows that is not started yet."""
        if self._core is None:
            self._core = Background(core_figures, partial, name="report figures")
        if self._late is None and (getattr(partial, "extras", None) or {}):
            self._late = Background(late_figures, partial, name="report figures (late)")

    def core(self, result: Any) -> CoreFigures:
        """Return the core figures; drawn from ``result`` here when never started."""
        return self._core.result() if self._core is not None else core_figures(result)

    def late(self, result: Any) -> LateFigures:
        """Return the late figures; drawn from ``result`` here when never started."""
        return self._late.result() if self._late is not None else late_figures(result)

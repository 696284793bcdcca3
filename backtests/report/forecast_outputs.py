"""The forecast files of a report: ``forecasts.csv`` and the Goyal–Welch figure.

``forecasts.csv``: one row per forecast date and horizon, ``date, horizon, realized`` (the
h-day spread return from t + 1 to t + h, empty for the last h dates), ``prevailing_mean`` and
one column per variant's forecast; R²_OS and Clark–West of ``metrics.json`` are recomputable
from it (a test does so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backtests.report.html_base import figure


@dataclass(frozen=True)
class ForecastOutputs:
    """What the writer puts on disk and in the page for the forecast section."""

    csv: str | None
    png: str | None
    alt: str
    caption: str

    def figure_html(self) -> str:
        """Return the embedded figure ('' without one)."""
        return figure(self.png, self.alt, self.caption) if self.png else ""


def forecast_outputs(study: Any, *, marks: dict[str, Any], synthetic: bool) -> ForecastOutputs:
    """Build the CSV text and the figure of a :class:`~backtests.study.forecasts.ForecastStudy`.

    Parameters
    ----------
    study : ForecastStudy or None
        The run's forecasts (None: nothing to write).
    marks : dict of str to date
        Vertical lines of the figure (sample boundaries).
    synthetic : bool
        Stamp the figure as synthetic data.
    """
    alt = "Cumulative squared-error difference of each variant's forecasts against the mean"
    caption = (
        "Goyal–Welch figure: cumulative sum of (squared error of the historical mean) minus "
        "(squared error of the variant's forecast), one line per variant; the line rises on "
        "dates where the factor's forecast was closer to the realized h-day spread return."
    )
    if study is None or not study.frames:
        return ForecastOutputs(None, None, alt, caption)
    from backtests.report.figures import to_png_base64  # matplotlib: only where it draws
    from backtests.report.figures_forecast import goyal_welch_figure

    csv = study.long_frame().to_csv(index=False, float_format="%.10g", date_format="%Y-%m-%d")
    lines = {h: study.cumulative(h) for h in study.horizons}
    fig = goyal_welch_figure(lines, marks=marks, synthetic=synthetic)
    return ForecastOutputs(csv, to_png_base64(fig), alt, caption)

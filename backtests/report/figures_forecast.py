"""The Goyal–Welch figure: cumulative squared-error difference of each variant's forecasts.

One panel per horizon, one line per variant: ``cumsum((r - mean)^2 - (r - forecast)^2)``,
rising where the variant's forecast beat the prevailing mean. Vertical lines mark the start of
the held-out sample and the registration date.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from backtests.report.figures import _new


def goyal_welch_figure(
    lines: dict[int, pd.DataFrame],
    *,
    marks: dict[str, Any] | None = None,
    synthetic: bool = False,
    title: str = "Out of sample against the historical mean (Goyal–Welch)",
) -> Figure:
    """Plot the cumulative squared-error difference, one panel per horizon.

    Parameters
    ----------
    lines : dict of int to DataFrame
        Horizon -> date x variant cumulative differences
        (:meth:`backtests.study.forecasts.ForecastStudy.cumulative`).
    marks : dict of str to date, optional
        Label -> date of a vertical line (e.g. ``{"held-out starts": oos_start}``).
    synthetic : bool
        Stamp the figure as synthetic data.
    title : str
        Figure title.

    Returns
    -------
    Figure
    """
    hs = [h for h, f in lines.items() if not f.empty] or list(lines)[:1]
    fig, axes = _new(title, rows=max(1, len(hs)), height=3.0, synthetic=synthetic)
    for ax, h in zip(axes, hs, strict=False):
        frame = lines.get(h, pd.DataFrame())
        for col in frame.columns:
            s = frame[col].dropna()
            if len(s):
                ax.plot(s.index, s.to_numpy(), lw=1.2 if col == "composite" else 0.9, label=col)
        ax.axhline(0.0, color="#888", lw=0.6)
        for label, when in (marks or {}).items():
            if when is not None and len(frame) and frame.index[0] <= pd.Timestamp(when):
                ax.axvline(pd.Timestamp(when), color="#555", ls="--", lw=0.7)
                ax.annotate(
                    label, (pd.Timestamp(when), 1.0), xycoords=("data", "axes fraction"),
                    fontsize=7, va="top", rotation=90, color="#555",
                )  # fmt: skip
        ax.set_ylabel(f"h = {h} days\ncum. SSE(mean) − SSE(model)", fontsize=8)
        if frame.shape[1]:
            ax.legend(fontsize=7, loc="best", ncol=min(3, frame.shape[1]))
        if not np.isfinite(frame.to_numpy(dtype=float)).any():
            ax.text(0.5, 0.5, "no forecasts", transform=ax.transAxes, ha="center")
    axes[-1].set_xlabel("forecast date (above zero: the variant beat the historical mean)")
    fig.tight_layout()
    return fig

"""Readable axes and light figure data for the report's plotly figures.

:func:`log_ticks` puts 1-2-5 ticks on a log axis (never the crammed 2..9 of every decade);
:func:`switch_lines` draws the levels where a switch rule changes basket;
:func:`compact_figure` thins long line traces to at most ``max_points`` points (every k-th
date, plus each trace's first, last, lowest and highest point), writes dates as
``YYYY-MM-DD`` and values as float32 typed arrays, so a page of ten-year daily figures stays
small; the plotly template keeps its layout but not its per-trace-type defaults. The data
files (``returns.csv`` and the others) keep every day.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

MAX_POINTS = 200


def log_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    """Tick values 1, 2, 5 times powers of ten between ``lo`` and ``hi`` (positive), labeled.

    When the range spans more than four decades only the powers of ten are kept.

    Examples
    --------
    >>> log_ticks(0.6, 12.0)
    ([1.0, 2.0, 5.0, 10.0], ['1', '2', '5', '10'])
    """
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo <= 0 or hi <= lo:
        return [], []
    e0, e1 = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    subs = (1.0,) if e1 - e0 > 4 else (1.0, 2.0, 5.0)
    vals = [s * 10.0**e for e in range(e0, e1 + 1) for s in subs]
    vals = [v for v in vals if lo <= v <= hi]
    return vals, [f"{v:g}" for v in vals]


def set_log_ticks(fig: go.Figure, values: pd.DataFrame, *, row: int = 1, col: int = 1) -> None:
    """Give the log y axis of (``row``, ``col``) the :func:`log_ticks` of ``values``' range."""
    v = values.to_numpy(dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size:
        ticks, text = log_ticks(float(v.min()), float(v.max()))
        if len(ticks) >= 2:
            fig.update_yaxes(tickvals=ticks, ticktext=text, row=row, col=col)


def switch_lines(fig: go.Figure, levels: Mapping[str, float], *, row: int = 1, col: int = 1):
    """Dotted lines at the switch levels: ``{"near": up-level, "long": down-level}``."""
    words = {"near": "near basket above {:+.2f}", "long": "long basket below {:+.2f}"}
    for side, level in levels.items():
        fig.add_hline(
            y=level,
            line={"dash": "dot", "color": "#2a9d8f" if side == "near" else "#e63946"},
            row=row,
            col=col,
            annotation_text=words.get(side, side + " {:+.2f}").format(level),
            annotation_position="top left" if side == "near" else "bottom left",
        )
    return fig


def _dates(x: np.ndarray) -> np.ndarray:
    return pd.DatetimeIndex(x).strftime("%Y-%m-%d").to_numpy(dtype=object)


def _keep(y: np.ndarray, n: int, max_points: int) -> np.ndarray:
    step = math.ceil(n / max_points)
    keep = np.zeros(n, dtype=bool)
    keep[::step] = True
    keep[[0, n - 1]] = True
    if np.isfinite(y).any():
        keep[[int(np.nanargmin(y)), int(np.nanargmax(y))]] = True
    return keep


def compact_figure(fig: go.Figure, *, max_points: int = MAX_POINTS) -> go.Figure:
    """Thin long line traces and store their data compactly (see the module docstring).

    Marker-only traces, filled polygons and short traces keep every point; dates become
    ``YYYY-MM-DD`` strings and numbers float32 (plotly writes them as typed arrays).
    """
    for tr in fig.data:
        if not isinstance(tr, go.Scatter) or tr.x is None or tr.y is None:
            continue
        x, y = np.asarray(tr.x), np.asarray(tr.y)
        if x.shape != y.shape or x.ndim != 1:
            continue
        is_date = np.issubdtype(x.dtype, np.datetime64) or (
            x.dtype == object and len(x) and isinstance(x[0], pd.Timestamp)
        )
        lines = (tr.mode or "lines") == "lines" and tr.fill != "toself"
        try:
            yf = y.astype(float)
        except (TypeError, ValueError):
            continue
        if lines and len(x) > max_points and tr.customdata is None:
            keep = _keep(yf, len(x), max_points)
            if tr.line is not None and tr.line.shape == "hv":  # keep every step of a step line
                moved = np.flatnonzero(np.diff(yf) != 0)
                keep[moved] = keep[moved + 1] = True
            x, yf = x[keep], yf[keep]
        tr.x = _dates(x) if is_date else x
        tr.y = yf.astype(np.float32)
    template = fig.layout.template
    if template is not None and template.data is not None:
        # keep the template's layout (colors, grid, fonts); its per-trace-type defaults for
        # every kind of trace plotly knows (about 5 KB a figure) are not needed here
        fig.layout.template = go.layout.Template(layout=template.layout)
    return fig

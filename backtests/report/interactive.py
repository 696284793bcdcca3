"""Interactive plotly figures for index.html, with plotly.js embedded once (works offline).

Each builder returns a :class:`plotly.graph_objects.Figure`; :func:`build_interactive` turns
a run's figures into HTML ``<div>`` blocks (:func:`figure_div`) that need no script from the
network, and :func:`plotly_script` is the one ``<script>`` tag holding plotly.js for the whole
page (both from :mod:`backtests.report.interactive_base`, with the palette and layout). The
static PNGs of :mod:`backtests.report.figures` stay for summary.md and the notebooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from backtests.report import words as W
from backtests.report.frames import sweep_pivot
from backtests.report.html_first import switch_levels
from backtests.report.interactive_axes import set_log_ticks, switch_lines
from backtests.report.interactive_base import (
    CONFIG,
    PALETTE,
    SHADE,
    STRATEGY_COLOUR,
    SYNTHETIC_TITLE,
    _layout,
    figure_div,
    interactive_section,
    plotly_script,
)
from backtests.report.metrics_events import account_events, events_block, sign_cars

__all__ = [
    "BLOCK_TITLES",
    "CONFIG",
    "PALETTE",
    "SHADE",
    "STRATEGY_COLOUR",
    "SYNTHETIC_TITLE",
    "build_interactive",
    "components_by_block",
    "equity_drawdown",
    "event_study_by_sign",
    "factor_regime",
    "figure_div",
    "interactive_section",
    "plotly_script",
    "sweep_heatmap",
    "trade_dates",
]


def _spans(mask: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Contiguous runs of True in a boolean series as (first, last) dates."""
    m = mask.fillna(False).astype(bool).to_numpy()
    if not m.any():
        return []
    edges = np.flatnonzero(np.diff(np.r_[0, m.astype(int), 0]))
    idx = mask.index
    return [(idx[a], idx[b - 1]) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def trade_dates(near_share: pd.Series, *, min_change: float = 0.05) -> pd.DataFrame:
    """Dates where the near-basket share moves by at least ``min_change``.

    Parameters
    ----------
    near_share : Series
        Weight in the near basket, by date (a row of weights.csv summed over near names).
    min_change : float
        Smallest change that counts as a trade (drift rebalances are smaller).

    Returns
    -------
    DataFrame
        Index date; columns ``share`` (after the trade) and ``change``.
    """
    s = near_share.astype(float).fillna(0.0)
    d = s.diff().fillna(s.iloc[0] if len(s) else 0.0)
    hit = d.abs() >= min_change
    return pd.DataFrame({"share": s[hit], "change": d[hit]})


def equity_drawdown(
    returns: pd.DataFrame, near_share: pd.Series, *, synthetic: bool = False
) -> go.Figure:
    """Growth of one dollar (log) and drawdown, strategy and benchmarks, with trade markers."""
    wealth = (1.0 + returns.fillna(0.0)).cumprod()
    dd = wealth / wealth.cummax() - 1.0
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.04
    )
    for i, col in enumerate(returns.columns):
        colour = STRATEGY_COLOUR if col == "strategy" else PALETTE[i % len(PALETTE)]
        name = "strategy" if col == "strategy" else W.bare_name(col)
        width = 2.2 if col == "strategy" else 1.1
        fig.add_trace(
            go.Scatter(
                x=wealth.index,
                y=wealth[col],
                name=name,
                legendgroup=col,
                line={"color": colour, "width": width},
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=dd.index,
                y=dd[col],
                name=name,
                legendgroup=col,
                showlegend=False,
                line={"color": colour, "width": width},
            ),
            row=2,
            col=1,
        )
    trades = trade_dates(near_share.reindex(returns.index).ffill())
    if "strategy" in wealth and not trades.empty:
        up = trades[trades["change"] > 0]
        down = trades[trades["change"] < 0]
        for sub, sym, label, colour in (
            (up, "triangle-up", "to near basket", "#2a9d8f"),
            (down, "triangle-down", "to long basket", "#e63946"),
        ):
            if sub.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=sub.index,
                    y=wealth["strategy"].reindex(sub.index),
                    mode="markers",
                    name=f"trade {label}",
                    marker={"symbol": sym, "size": 8, "color": colour},
                    customdata=np.c_[sub["share"].to_numpy() * 100],
                    hovertemplate="near share %{customdata[0]:.0f}%<extra></extra>",
                ),
                row=1,
                col=1,
            )
    fig.update_yaxes(type="log", title_text="growth of $1", row=1, col=1)
    set_log_ticks(fig, wealth)  # 1-2-5 per decade, not 2..9
    fig.update_yaxes(tickformat=".0%", title_text="drawdown", row=2, col=1)
    return _layout(fig, "Equity and drawdown, net of costs", synthetic=synthetic, height=620)


def factor_regime(
    factor: pd.Series,
    regime: pd.Series,
    near_share: pd.Series,
    *,
    threshold: float | None = None,
    levels: Mapping[str, float] | None = None,
    synthetic: bool = False,
) -> go.Figure:
    """Plot the factor with the exhausted regime shaded, and the near-basket share held.

    ``levels`` (``{"near": ..., "long": ...}``, a switch rule's) replace the threshold line.
    """
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.05
    )
    fig.add_trace(
        go.Scatter(
            x=factor.index, y=factor, name="factor", line={"color": STRATEGY_COLOUR, "width": 1.6}
        ),
        row=1,
        col=1,
    )
    if levels:
        switch_lines(fig, levels)
    elif threshold is not None and np.isfinite(threshold):
        fig.add_hline(
            y=threshold,
            line={"dash": "dot", "color": "#888"},
            row=1,
            col=1,
            annotation_text="threshold",
            annotation_position="top left",
        )
    # one layout update for every shaded span (add_vrect re-validates all shapes per call)
    shade = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "y domain",
            "x0": a,
            "x1": b,
            "y0": 0,
            "y1": 1,
            "fillcolor": SHADE,
            "line": {"width": 0},
            "layer": "below",
        }
        for a, b in _spans(regime.reindex(factor.index).astype("boolean").fillna(False))
    ]
    if shade:
        fig.update_layout(shapes=[*fig.layout.shapes, *shade])
    share = near_share.reindex(factor.index).ffill()
    fig.add_trace(
        go.Scatter(
            x=share.index,
            y=share,
            name="near-basket share held",
            line={"color": "#2a9d8f", "width": 1.4, "shape": "hv"},
            fill="tozeroy",
        ),
        row=2,
        col=1,
    )
    fig.update_yaxes(title_text="factor", row=1, col=1)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05], title_text="near share", row=2, col=1)
    return _layout(
        fig,
        "The factor (shaded: idle money exhausted) and the basket held",
        synthetic=synthetic,
        height=560,
    )


def components_by_block(
    zscores: pd.DataFrame, blocks: Mapping[str, tuple[str, ...]], *, synthetic: bool = False
) -> go.Figure:
    """Signed component z-scores as small multiples, one panel per block, distinct colours."""
    present = {b: [c for c in cols if c in zscores] for b, cols in blocks.items()}
    present = {b: cols for b, cols in present.items() if cols}
    if not present:
        present = {"components": list(zscores.columns)}
    names = list(present)
    fig = make_subplots(
        rows=len(names),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        subplot_titles=[BLOCK_TITLES.get(b, b) for b in names],
    )
    for r, block in enumerate(names, start=1):
        for i, col in enumerate(present[block]):
            fig.add_trace(
                go.Scatter(
                    x=zscores.index,
                    y=zscores[col],
                    name=col.replace("_", " "),
                    legendgroup=block,
                    legendgrouptitle_text=BLOCK_TITLES.get(block, block),
                    line={"color": PALETTE[i % len(PALETTE)], "width": 1.1},
                ),
                row=r,
                col=1,
            )
        fig.update_yaxes(title_text="z", row=r, col=1)
    fig = _layout(
        fig,
        "Components by block (signed z-scores)",
        synthetic=synthetic,
        height=260 * len(names) + 80,
    )
    fig.update_layout(
        legend={"orientation": "v", "y": 1, "x": 1.02, "groupclick": "toggleitem"},
        hovermode="closest",
        margin={"r": 200},
    )
    return fig


BLOCK_TITLES = {"capex": "capex demand", "liquidity": "idle liquidity", "funding": "funding price"}


def event_study_by_sign(
    cars: Mapping[str, pd.DataFrame], counts: Mapping[str, int], *, synthetic: bool = False
) -> go.Figure:
    """Mean cumulative near-minus-long return around announcements, one line per surprise sign."""
    fig = go.Figure()
    colours = {"positive": "#2a9d8f", "negative": "#e63946"}
    for sign, car in cars.items():
        if car is None or car.empty or car["car"].isna().all():
            continue
        c = colours.get(sign, "#555")
        x = car.index.to_numpy()
        fig.add_trace(
            go.Scatter(
                x=np.r_[x, x[::-1]],
                y=np.r_[car["hi"], car["lo"][::-1]],
                fill="toself",
                fillcolor=c,
                opacity=0.15,
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=car["car"],
                name=f"{sign} surprise ({counts[sign]})",
                line={"color": c, "width": 2},
            )
        )
    fig.add_vline(x=0, line={"color": "#888", "width": 1})
    fig.update_xaxes(title_text="business days from the announcement (day 0)")
    fig.update_yaxes(tickformat=".1%", title_text="cumulative return")
    return _layout(
        fig,
        "Near-minus-long return around capex announcements, by surprise sign",
        synthetic=synthetic,
        height=420,
    )


def sweep_heatmap(pivot: pd.DataFrame, *, synthetic: bool = False) -> go.Figure:
    """In-sample Sharpe by rule/rebalance (rows) and threshold (columns)."""
    z = pivot.to_numpy(dtype=float)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(c) for c in pivot.columns],
            y=[str(i) for i in pivot.index],
            colorscale="RdBu",
            zmid=0.0,
            colorbar={"title": "Sharpe"},
            text=np.vectorize(lambda v: "" if not np.isfinite(v) else f"{v:.2f}")(z),
            texttemplate="%{text}",
            hovertemplate="%{y}, threshold %{x}: %{z:.2f}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=str(pivot.columns.name or "threshold"))
    return _layout(
        fig, "Sweep: in-sample Sharpe", synthetic=synthetic, height=max(320, 40 * len(pivot) + 160)
    )


def build_interactive(result: Any, returns: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """All interactive figures of a run as ``name -> (div html, caption)``."""
    from signals.composite import BLOCKS

    syn = bool(result.market.synthetic)
    spec = result.spec
    w = result.backtest.weights
    near = [t for t in spec.near if t in w]
    share = w[near].sum(axis=1) if near else pd.Series(0.0, index=w.index)
    fac = result.factor
    window = returns.index
    out: dict[str, tuple[str, str]] = {}
    out["equity"] = (
        figure_div(equity_drawdown(returns, share, synthetic=syn), "fig-equity"),
        "Growth of one dollar (log scale) and drawdown from the running peak; triangles mark "
        "the strategy's moves into the near basket (up) and into the long basket (down).",
    )
    out["factor"] = (
        figure_div(
            factor_regime(
                fac.factor.reindex(window),
                fac.regime.reindex(window),
                share,
                threshold=float(spec.threshold),
                levels=switch_levels(spec),
                synthetic=syn,
            ),
            "fig-factor",
        ),
        "The composite factor; shaded spans are dates when idle money was exhausted. Below: "
        "the share of the portfolio in the near basket.",
    )
    out["components"] = (
        figure_div(
            components_by_block(fac.zscores.reindex(window), BLOCKS, synthetic=syn),
            "fig-components",
        ),
        "Each component's signed z-score, one panel per block; click a legend entry to hide it.",
    )
    ev = fac.events
    spread = getattr(result, "spread", None)
    if ev is not None and len(ev) and spread is not None:
        ew = tuple(result.cfg.inference.event_window)  # the events the caption counts are
        acc = account_events(ev, spread, ew)  # exactly those behind the two paths
        block = events_block(ev, spread, ew, synthetic=syn)
        counts = {s: block["included"][s] for s in ("positive", "negative")}
        out["events"] = (
            figure_div(
                event_study_by_sign(sign_cars(acc, spread, ew), counts, synthetic=syn),
                "fig-events",
            ),
            f"{block['caption']} Lines: the mean paths by surprise sign, with 95% bands.",
        )
    if result.sweep is not None:
        pivot = sweep_pivot(result.sweep.table)
        if pivot is not None:
            out["sweep"] = (
                figure_div(sweep_heatmap(pivot, synthetic=syn), "fig-sweep"),
                f"Mean in-sample Sharpe over {result.sweep.n_trials} trials, by rule, rebalance "
                "frequency and threshold.",
            )
    return out

"""Shared pieces of the interactive (plotly) figures: colours, layout and page embedding.

The figure builders (:mod:`backtests.report.interactive`,
:mod:`backtests.report.interactive_tables`) take their palette and common layout from here;
the page (:mod:`backtests.report.html`) takes :func:`plotly_script`, the one ``<script>``
holding plotly.js, and :func:`interactive_section`. :func:`figure_div` turns a figure into
an HTML ``<div>`` that needs no script from the network.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import plotly.graph_objects as go

# a qualitative palette of distinct colours (Okabe-Ito, then Tableau), never reused in one panel
PALETTE = (
    *("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"),
    *("#8C564B", "#7F7F7F", "#BCBD22", "#17BECF", "#9467BD", "#F0E442"),
)
STRATEGY_COLOUR = "#1d3557"
SHADE = "rgba(230, 57, 70, 0.13)"
SYNTHETIC_TITLE = " (SYNTHETIC DATA)"
CONFIG = {"displaylogo": False, "responsive": True}


def _layout(fig: go.Figure, title: str, *, synthetic: bool, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title + (SYNTHETIC_TITLE if synthetic else ""), "font": {"size": 15}},
        height=height,
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        legend={"font": {"size": 12}, "orientation": "h", "y": -0.08},
        hovermode="x unified",
        template="plotly_white",
    )
    return fig


def figure_div(fig: go.Figure, div_id: str) -> str:
    """One figure as an HTML ``<div>`` (plotly.js not included; see :func:`plotly_script`).

    Long traces are thinned and stored compactly first
    (:func:`backtests.report.interactive_axes.compact_figure`).
    """
    from backtests.report.interactive_axes import compact_figure

    fig = compact_figure(fig)
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=CONFIG)


def plotly_script() -> str:
    """Return the single inline ``<script>`` holding plotly.js (no network request)."""
    from plotly.offline import get_plotlyjs

    return f'<script type="text/javascript" id="plotly-js">{get_plotlyjs()}</script>'


def interactive_section(figs: Mapping[str, tuple[str, str]]) -> str:
    """Render ``name -> (div html, caption)`` as figure blocks."""
    out = []
    for name, (div, caption) in figs.items():
        out.append(
            f'<figure class="interactive" data-figure="{html.escape(name)}">{div}'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )
    return "".join(out)

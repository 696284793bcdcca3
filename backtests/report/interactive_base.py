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
    (:func:`backtests.report.interactive_axes.compact_figure`). The figure is drawn once
    plotly.js is ready (``window.plotlyReady``, set by :func:`plotly_script`).
    """
    from backtests.report.interactive_axes import compact_figure

    fig = compact_figure(fig)
    div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=CONFIG)
    return _after_plotly(div)


def _after_plotly(div: str) -> str:
    """Wrap each inline script of a plotly ``<div>`` so it runs once plotly.js is loaded."""
    import re

    def wrap(m: re.Match[str]) -> str:
        return f"<script>window.plotlyReady.then(function () {{{m.group(1).strip()}}});</script>"

    return re.sub(r"<script(?: type=\"text/javascript\")?>(.*?)</script>", wrap, div, flags=re.S)


PLOTLY_LOADER = (
    "window.plotlyReady = (async function () {"
    "var b64 = document.getElementById('plotly-js').textContent.trim();"
    "var bytes = Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });"
    "var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));"
    "var code = await new Response(stream).text();"
    "var s = document.createElement('script'); s.textContent = code;"
    "document.head.appendChild(s); return window.Plotly; })();"
)
"""Unpacks the embedded plotly.js (gzip, base64) with the browser's own DecompressionStream."""


def plotly_bytes() -> bytes:
    """Return plotly.js gzip-compressed, reproducibly (no time stamp in the header)."""
    import gzip

    from plotly.offline import get_plotlyjs

    return gzip.compress(get_plotlyjs().encode("utf-8"), compresslevel=9, mtime=0)


def plotly_script() -> str:
    """Return plotly.js embedded once (gzip and base64: 1.9 MB, not 4.8 MB) and its loader.

    Nothing is fetched: the page unpacks the script in the browser and then draws every
    figure (each figure's script waits for ``window.plotlyReady``).
    """
    import base64

    b64 = base64.b64encode(plotly_bytes()).decode("ascii")
    return (
        f'<script type="application/gzip;base64" id="plotly-js">{b64}</script>'
        f'<script type="text/javascript">{PLOTLY_LOADER}</script>'
    )


def interactive_section(figs: Mapping[str, tuple[str, str]]) -> str:
    """Render ``name -> (div html, caption)`` as figure blocks."""
    out = []
    for name, (div, caption) in figs.items():
        out.append(
            f'<figure class="interactive" data-figure="{html.escape(name)}">{div}'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )
    return "".join(out)

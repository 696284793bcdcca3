"""Interactive monthly-returns heat map and rolling beta of the strategy (plotly).

Companions of :mod:`backtests.report.interactive` (sharing its layout and embedding from
:mod:`backtests.report.interactive_base`): pure builders returning plotly Figures,
and :func:`build_table_figures` giving ``name -> (div html, caption)`` for the page.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from backtests.report.frames import declared_benchmark
from backtests.report.interactive_base import _layout, figure_div
from backtests.report.tables import monthly_returns, rolling_beta

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def monthly_heatmap(table: pd.DataFrame, *, synthetic: bool = False) -> go.Figure:
    """Draw a year x month table of returns as a heat map centred on zero, values in percent."""
    z = table.to_numpy(dtype=float)
    finite = np.abs(z[np.isfinite(z)])
    bound = float(finite.max()) if finite.size else 1.0
    text = [["" if not np.isfinite(v) else f"{v * 100:+.1f}" for v in row] for row in z]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[MONTHS[int(m) - 1] for m in table.columns],
            y=[str(y) for y in table.index],
            text=text,
            texttemplate="%{text}",
            colorscale="RdBu",
            zmid=0.0,
            zmin=-bound,
            zmax=bound,
            colorbar={"title": "return", "tickformat": ".0%"},
            hovertemplate="%{y} %{x}: %{z:+.2%}<extra></extra>",
            hoverongaps=False,
        )
    )
    fig.update_yaxes(type="category", autorange="reversed", title_text="year")
    fig.update_xaxes(type="category", title_text="month")
    fig = _layout(
        fig,
        "Strategy monthly returns (%)",
        synthetic=synthetic,
        height=max(320, 26 * len(table) + 160),
    )
    fig.update_layout(hovermode="closest")
    return fig


def rolling_beta_figure(beta: pd.Series, label: str, *, synthetic: bool = False) -> go.Figure:
    """Plot the trailing beta of the strategy's daily returns on a benchmark's."""
    fig = go.Figure(
        go.Scatter(x=beta.index, y=beta.values, name="rolling beta", line={"color": "#1d3557"})
    )
    fig.add_hline(y=1.0, line_color="grey", line_width=0.6, line_dash="dot")
    fig.add_hline(y=0.0, line_color="grey", line_width=0.6)
    fig.update_yaxes(title_text=f"beta to {label}")
    return _layout(fig, f"Rolling beta of the strategy to {label}", synthetic=synthetic, height=340)


def build_table_figures(
    result: Any, returns: pd.DataFrame, *, window: int = 126
) -> dict[str, tuple[str, str]]:
    """Return the monthly heat map and the rolling beta as ``name -> (div html, caption)``."""
    from backtests.study.benchmarks import benchmark_label

    syn = bool(result.market.synthetic)
    out = {
        "monthly": (
            figure_div(
                monthly_heatmap(monthly_returns(returns["strategy"]), synthetic=syn), "fig-monthly"
            ),
            "Compounded monthly net return of the strategy, in percent.",
        )
    }
    bench = declared_benchmark(result)
    if bench in returns.columns:
        label = benchmark_label(bench)
        beta = rolling_beta(returns["strategy"], returns[bench], window=window)
        out["beta"] = (
            figure_div(rolling_beta_figure(beta, label, synthetic=syn), "fig-beta"),
            f"Trailing {window}-day OLS beta of the strategy's daily returns on {label}.",
        )
    return out

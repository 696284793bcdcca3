"""Monthly heat map and rolling beta figures, and the page's single offline plotly.js."""

from __future__ import annotations

import base64
import gzip
import re

import numpy as np
import pandas as pd
import pytest
from plotly.offline import get_plotlyjs

from backtests.report.interactive_tables import monthly_heatmap, rolling_beta_figure
from backtests.report.tables import monthly_returns, rolling_beta


def test_monthly_heatmap_cells_are_compounded_month_returns():
    idx = pd.DatetimeIndex(["2023-12-29", "2024-01-02", "2024-01-03", "2024-02-01"])
    fig = monthly_heatmap(monthly_returns(pd.Series([0.03, 0.1, -0.05, 0.02], index=idx)))
    hm = fig.data[0]
    assert list(hm.y) == ["2023", "2024"] and list(hm.x)[:2] == ["Jan", "Feb"]
    z = np.asarray(hm.z, dtype=float)
    assert z[1, 0] == pytest.approx(1.1 * 0.95 - 1) and z[0, 11] == pytest.approx(0.03)
    assert np.isnan(z[0, 0]) and hm.text[1][1] == "+2.0"
    assert hm.zmid == 0.0 and hm.zmin == -hm.zmax


def test_rolling_beta_figure_plots_the_least_squares_slope():
    rng = np.random.default_rng(1)
    idx = pd.bdate_range("2024-01-01", periods=80)
    b = pd.Series(rng.normal(0, 0.01, 80), index=idx)
    s = 0.6 * b + pd.Series(rng.normal(0, 0.003, 80), index=idx)
    fig = rolling_beta_figure(rolling_beta(s, b, window=40), "the 50/50 mix")
    slope = np.polyfit(b.iloc[-40:], s.iloc[-40:], 1)[0]
    assert fig.data[0].y[-1] == pytest.approx(slope, rel=1e-9)
    assert "the 50/50 mix" in fig.layout.title.text


def test_page_has_plotly_once_and_no_remote_reference(golden_report):
    out, _ = golden_report
    page = (out / "index.html").read_text(encoding="utf-8")
    # plotly.js is embedded once, gzip + base64, and unpacks to plotly's own bundle exactly
    found = re.findall(
        r'<script type="application/gzip;base64" id="plotly-js">([^<]*)</script>', page
    )
    assert len(found) == 1
    assert gzip.decompress(base64.b64decode(found[0])).decode("utf-8") == get_plotlyjs()
    rest = page.replace(found[0], "")
    assert re.search(r"<script[^>]*\bsrc\s*=", rest, re.I) is None
    assert re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", rest, re.I) is None
    assert "http://" not in rest and "https://" not in rest
    for name in ("equity", "factor", "components", "events", "sweep", "monthly", "beta"):
        assert f'data-figure="{name}"' in rest, name


def test_figure_scripts_wait_for_plotly_and_the_bundle_is_reproducible():
    """Each figure's script runs once plotly.js is unpacked; the packed bundle never changes."""
    import plotly.graph_objects as go

    from backtests.report.interactive_base import figure_div, plotly_bytes, plotly_script

    div = figure_div(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])), "fig-test")
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", div, flags=re.S)
    assert scripts and all(s.startswith("window.plotlyReady.then(") for s in scripts)
    assert "Plotly.newPlot" in scripts[0]
    assert plotly_bytes() == plotly_bytes()  # no time stamp in the gzip header
    head = plotly_script()
    assert head.count('id="plotly-js"') == 1 and "window.plotlyReady" in head

"""Monthly heat map and rolling beta figures, and the page's single offline plotly.js."""

from __future__ import annotations

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
    js = get_plotlyjs()
    assert page.count(js) == 1
    rest = page.replace(js, "")
    assert re.search(r"<script[^>]*\bsrc\s*=", rest, re.I) is None
    assert re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", rest, re.I) is None
    assert "http://" not in rest and "https://" not in rest
    for name in ("equity", "factor", "components", "events", "sweep", "monthly", "beta"):
        assert f'data-figure="{name}"' in rest, name

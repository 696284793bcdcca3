"""The interactive factor figure: one shaded rectangle per regime span, as add_vrect draws it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from backtests.report.interactive import SHADE, factor_regime


def test_regime_shading_matches_add_vrect():
    idx = pd.bdate_range("2015-01-01", periods=100)
    factor = pd.Series(np.arange(100.0), index=idx)
    regime = pd.Series((np.arange(100) // 23) % 2 == 0, index=idx)  # spans of 23 days
    fig = factor_regime(factor, regime, pd.Series(0.5, index=idx), threshold=0.0)
    rects = [s.to_plotly_json() for s in fig.layout.shapes if s.type == "rect"]
    assert len(rects) == 3  # days 0-22, 46-68, 92-99
    ref = make_subplots(rows=2, cols=1, shared_xaxes=True)
    ref.add_trace(go.Scatter(x=idx, y=factor), row=1, col=1)
    ref.add_vrect(x0=idx[0], x1=rects[0]["x1"], fillcolor=SHADE, line_width=0, layer="below",
                  row=1, col=1)  # fmt: skip
    assert rects[0] == ref.layout.shapes[0].to_plotly_json()
    assert [r["x0"] for r in rects] == [idx[0], idx[46], idx[92]]

"""The forecast and competing-explanations sections: rendering, and the numbers behind them.

The end-to-end test recomputes every ``oos_forecast`` R²_OS of the golden synthetic report
from its ``forecasts.csv`` (numpy, not the package's code).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.report.html_forecast import (
    COMPETING_TITLE,
    FORECAST_TITLE,
    competing_html,
    competing_markdown,
    forecast_html,
    forecast_markdown,
    forecast_reading,
)

ROWS = [
    {"variant": "composite", "horizon": 21, "sample": "in_sample", "start": "2016-01-04",
     "end": "2019-12-31", "n": 900, "r2_os": -0.0123, "cw_stat": 0.5, "cw_pvalue": 0.31},
    {"variant": "composite", "horizon": 21, "sample": "held_out", "start": "2020-01-02",
     "end": "2022-12-30", "n": 700, "r2_os": 0.045, "cw_stat": 2.1, "cw_pvalue": 0.018},
    {"variant": "composite", "horizon": 21, "sample": "post_registration", "start": None,
     "end": None, "n": 0, "r2_os": None, "cw_stat": None, "cw_pvalue": None},
    {"variant": "capex only", "horizon": 21, "sample": "in_sample", "start": "2016-01-04",
     "end": "2019-12-31", "n": 900, "r2_os": 0.002, "cw_stat": 1.0, "cw_pvalue": 0.16},
]  # fmt: skip
COMPETING = {
    "nested": [
        {"rival": "spread_trend", "horizon": 21, "sample": "in_sample", "beta_factor": 0.01,
         "t_factor": 1.5, "beta_rival": 0.2, "t_rival": 2.5, "n": 800},
    ],
    "alpha_ff": {"alpha_ann": None, "tstat": None, "pvalue": None, "betas": None, "r2": None,
                 "n": None, "lags": None, "sample": "full", "note": "no data: test"},
    "trend_rotation": {"sharpe": 0.4, "total_return": 0.25, "active_sharpe": -0.1,
                       "n_days": 1000, "strategy_active_sharpe": 0.2, "samples": {}},
}  # fmt: skip


def test_forecast_section_renders_every_cell():
    m = {"oos_forecast": ROWS, "factor": {"horizon_days": 21}}
    page = forecast_html(m, "<figure>fig</figure>")
    assert FORECAST_TITLE in page and "<figure>fig</figure>" in page
    assert 'data-key="oos_forecast.1.r2_os" data-value="0.045">4.50%<' in page
    assert 'data-key="oos_forecast.0.cw_pvalue" data-value="0.31">0.310<' in page
    assert "oos_forecast.2." not in page  # an empty sample is a dash, not a number
    assert "held-out (pseudo-OOS): beat the mean" in forecast_reading(m)
    assert "in-sample: did worse than the mean" in forecast_reading(m)
    md = "\n".join(forecast_markdown(m))
    assert "| composite | 21 | -1.23% / 0.310 | +4.50% / 0.018 | — |" in md
    assert forecast_markdown({}) == [] and "No out-of-sample" in forecast_html({})


def test_competing_section_says_no_data_without_french_files():
    page = competing_html({"competing": COMPETING})
    assert COMPETING_TITLE in page and "no data: test" in page
    assert 'data-key="competing.nested.0.t_factor" data-value="1.5"' in page
    assert 'data-key="competing.trend_rotation.total_return" data-value="0.25">25.00%<' in page
    md = "\n".join(competing_markdown({"competing": COMPETING}))
    assert "five factors and momentum: no data: test" in md
    assert "trend rotation (one more trial): Sharpe 0.40" in md
    assert competing_markdown({"competing": None}) == []


@pytest.mark.slow
def test_golden_report_forecasts_recompute_from_csv(golden_report):
    out, metrics = golden_report
    rows = metrics["oos_forecast"]
    assert rows and {"composite", "capex only"} <= {r["variant"] for r in rows}
    fc = pd.read_csv(out / "forecasts.csv", parse_dates=["date"])
    checked = 0
    for r in rows:
        if not r["n"]:
            continue
        part = fc[(fc["horizon"] == r["horizon"]) & fc["date"].between(r["start"], r["end"])]
        part = part[["realized", r["variant"], "prevailing_mean"]].dropna().to_numpy()
        assert len(part) == r["n"]
        y, f, b = part.T
        assert r["r2_os"] == pytest.approx(
            1 - np.sum((y - f) ** 2) / np.sum((y - b) ** 2), rel=1e-6
        )
        checked += 1
    assert checked >= 8
    page = (out / "index.html").read_text()
    assert FORECAST_TITLE in page and COMPETING_TITLE in page
    assert "goyal_welch.png" in (out / "summary.md").read_text()
    assert (out / "figures" / "goyal_welch.png").is_file()
    assert metrics["competing"]["alpha_ff"]["note"].startswith("no data")  # synthetic market

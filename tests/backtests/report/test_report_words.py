"""Numbers and labels as a reader sees them (summary.md and the HTML report)."""

from __future__ import annotations

import pandas as pd

from backtests.report import words as W
from backtests.report.writer import summary_markdown


def test_bare_benchmark_names():
    assert W.bare_name("fifty_fifty") == "50/50 mix"
    assert W.bare_name("always_near") == "always-near basket"
    assert W.bare_name("SPY") == "SPY"


def test_events_in_window_counts_only_inside_and_by_sign():
    ev = pd.DataFrame(
        {
            "available_at": pd.to_datetime(
                ["2010-01-05", "2021-03-01", "2022-06-01", "2024-01-02"]
            ),
            "surprise": [0.3, 0.1, -0.2, -0.05],
        }
    )
    idx = pd.bdate_range("2021-01-01", "2023-12-29")
    assert W.events_in_window(ev, idx) == "2 filings (1 positive and 1 negative surprises)"
    assert W.events_in_window(ev.iloc[:0], idx) == "0 filings"


def test_summary_links_the_static_pngs():
    m = {
        "synthetic": False,
        "data_source": "mirror (cached)",
        "period": {"start": "2021-01-04", "end": "2025-06-30"},
        "strategy": {
            "rule": "threshold",
            "rebalance": "W",
            "sharpe": 0.812345678,
            "total_return": 22.78078661618219,
            "max_drawdown": -0.53123456,
        },
        "inference": {"benchmark": "fifty_fifty", "sharpe_ci95": [0.1, 1.2], "n_trials": 40},
        "oos": {"start": "2024-01-02", "sharpe": 0.3333333, "total_return": 0.123456},
        "verdict": {"label": "inconclusive", "sentence": "No edge."},
    }
    text = summary_markdown(m, {"equity": "Equity curves"})
    assert "22.78078661618219" not in text and "+2278.08%" in text
    assert "![Equity curves](figures/equity.png)" in text

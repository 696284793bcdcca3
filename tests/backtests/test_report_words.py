"""Numbers and labels as a reader sees them (summary.md and the HTML report)."""

from __future__ import annotations

import math

import pandas as pd

from backtests.report import words as W
from backtests.report.writer import summary_markdown


def test_pct_sign_and_two_decimals():
    assert W.pct(22.78078661618219) == "+2278.08%"
    assert W.pct(-0.5312) == "-53.12%"
    assert W.pct(0.0) == "+0.00%"
    assert W.pct(0.25, sign=False) == "25.00%"
    assert W.pct(None) == W.pct(math.nan) == W.pct(math.inf) == "n/a"


def test_ratio_pvalue_interval():
    assert W.ratio(0.4567) == "0.46"
    assert W.ratio(0.4567, sign=True) == "+0.46"
    assert W.pvalue(0.04321) == "0.043"
    assert W.pvalue(0.0001) == "<0.001"
    assert W.pvalue(None) == "n/a"
    assert W.interval([-0.1234, 0.5678]) == "[-0.12, 0.57]"
    assert W.interval(None) == "n/a"


def test_benchmark_and_data_words():
    assert W.benchmark_words("fifty_fifty") == "50/50 mix"
    assert W.benchmark_words("always_near") == "always-near basket"
    assert W.benchmark_words("SPY") == "SPY"
    assert W.data_origin("cache") == "mirror (cached)"
    assert W.data_origin("mirror (cached)") == "mirror (cached)"
    assert W.data_note("cache /x/y: sec/AAPL not cached") == "sec/AAPL absent from the mirror"


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


def test_summary_has_no_raw_floats():
    m = {
        "synthetic": False,
        "data_source": "cache",
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
        "now": {
            "date": "2025-06-30",
            "factor": 1.234,
            "regime": "exhausted",
            "holdings": {"MU": 0.5, "WDC": 0.5, "COIN": 0.0},
        },
        "gaps": ["cache /m: sec/AAPL not cached"],
        "verdict": {"label": "inconclusive", "sentence": "No edge."},
    }
    text = summary_markdown(m)
    assert "22.78078661618219" not in text and "+2278.08%" in text
    assert "-53.12%" in text and "0.81" in text and "+12.35%" in text
    assert "mirror (cached)" in text and "on cache" not in text.lower()
    assert "50/50 mix" in text and "fifty_fifty" not in text
    assert "absent from the mirror" in text and "not cached" not in text
    assert "MU 50.00%" in text and "COIN" not in text

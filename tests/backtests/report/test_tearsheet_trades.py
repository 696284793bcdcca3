"""The switch log, attribution by ticker and stress windows: hand cases and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.engines.engine import run_backtest
from backtests.report.metrics_tearsheet import attribution_block, switches_block
from backtests.report.tearsheet_trades import (
    attribution_by_period,
    contributions,
    held_basket,
    stress_returns,
    switch_log,
)
from backtests.rotation.spec import RotationSpec
from data.config import load_config
from data.errors import ConfigError
from data.stress_windows import StressWindow, parse_stress_windows


def _days(n: int, start: str = "2024-01-01") -> pd.DatetimeIndex:
    return pd.bdate_range(start, periods=n)


def test_held_basket_reads_the_larger_side():
    w = pd.DataFrame(
        {"A": [0.0, 0.6, 0.2, 0.5], "B": [0.0, 0.4, 0.3, 0.0], "X": [0.0, 0.0, 0.5, 0.5]},
        index=_days(4),
    )
    w["cash"] = 1.0 - w.sum(axis=1)
    held = held_basket(w, ("A", "B"), ("X",))
    assert held.tolist() == ["none", "near", "none", "none"]


def test_switch_log_hand_case():
    idx = _days(7)
    held = pd.Series(["none", "near", "near", "long", "long", "long", "near"], idx)
    spread = pd.Series([0.5, 0.5, 0.01, 0.02, -0.01, 0.02, 0.3], idx)
    strat = pd.Series([0.0, 0.0, 0.01, 0.02, 0.01, -0.02, 0.1], idx)
    rows = switch_log(held, spread, strat)
    assert [(r["date"], r["from"], r["to"]) for r in rows] == [
        ("2024-01-02", "none", "near"),
        ("2024-01-04", "near", "long"),
        ("2024-01-09", "long", "near"),
    ]
    first, second, last = rows
    # near held from the close of Jan 2: earns Jan 3 and Jan 4 (the next switch's day)
    assert first["days_held"] == 2 and first["spread_return"] == pytest.approx(0.03)
    assert first["paid"] is True and first["open"] is False
    assert first["strategy_return"] == pytest.approx(1.01 * 1.02 - 1)
    # long held: spread -0.01 + 0.02 + 0.3 = +0.31 went against it
    assert second["days_held"] == 3 and second["spread_return"] == pytest.approx(0.31)
    assert second["paid"] is False
    # the last holding is open and has earned nothing yet
    assert last["open"] is True and last["days_held"] == 0 and last["paid"] is None


def test_switch_log_is_not_moved_by_the_future():
    idx = _days(30)
    rng = np.random.default_rng(3)
    held = pd.Series(np.where(rng.random(30) > 0.5, "near", "long"), idx)
    spread = pd.Series(rng.normal(0, 0.01, 30), idx)
    cut = 20
    a = switch_log(held, spread)
    changed = spread.copy()
    changed.iloc[cut + 1 :] += 1.0
    b = switch_log(held, changed)
    # every holding that ended by the cut is unchanged
    for ra, rb in zip(a, b, strict=True):
        end = idx.get_loc(pd.Timestamp(ra["date"])) + ra["days_held"]
        if end <= cut:
            assert ra == rb


def test_contributions_hand_case():
    idx = _days(3)
    w = pd.DataFrame({"A": [1.0, 0.5, 0.0], "B": [0.0, 0.5, 1.0], "cash": 0.0}, index=idx)
    r = pd.DataFrame({"A": [0.9, 0.1, 0.2], "B": [0.5, -0.1, 0.3]}, index=idx)
    c = contributions(w, r)
    # day 1: the previous close's weights; day 2: A 1.0 x 0.1; day 3: 0.5 x 0.2, 0.5 x 0.3
    np.testing.assert_allclose(c["A"].to_numpy(), [0.0, 0.1, 0.1])
    np.testing.assert_allclose(c["B"].to_numpy(), [0.0, 0.0, 0.15])
    by_year = attribution_by_period(c)
    assert by_year.loc["2024", "A"] == pytest.approx(0.2)
    with pytest.raises(ConfigError, match="no returns for held tickers"):
        contributions(w, r[["A"]])


def test_contributions_add_up_to_the_engines_return_before_costs():
    """An independent check: the reference engine with zero costs reproduces the row sums."""
    idx = _days(120)
    rng = np.random.default_rng(11)
    prices = pd.DataFrame(
        100 * np.exp(np.cumsum(rng.normal(0, 0.02, (120, 3)), axis=0)), idx, ["A", "B", "C"]
    )
    targets = pd.DataFrame(0.0, idx, ["A", "B", "C"])
    targets.iloc[:60, :2] = 0.5
    targets.iloc[60:, 2] = 1.0
    spec = RotationSpec(
        near=("A", "B"), long=("C",), equity_bps=0.0, crypto_bps=0.0, slippage_bps=0.0
    )
    res = run_backtest(prices, targets, spec, engine="reference")
    c = contributions(res.weights, prices.pct_change(fill_method=None))
    np.testing.assert_allclose(c.sum(axis=1).to_numpy(), res.returns.to_numpy(), atol=1e-12)
    block = attribution_block(res.weights, prices.pct_change(fill_method=None), res.returns)
    assert abs(block["by_year"]["2024"]["cash_and_costs"]) < 1e-12
    top = block["top_months"][0]
    assert abs(top["contribution"]) == pytest.approx(
        float(c.groupby(c.index.month).sum().abs().max().max())
    )
    sw = switches_block(res.weights, prices["A"].pct_change(), res.returns, ("A", "B"), ("C",))
    assert sw["n"] >= 1 and sw["log"][-1]["to"] == "long"


def test_stress_windows_compound_and_clip():
    idx = _days(6, "2024-01-01")  # Jan 1..Jan 8
    s = pd.Series([0.1, 0.1, -0.5, 0.0, 0.2, 0.0], idx)
    b = pd.Series([0.0, 0.1, 0.1, 0.1, 0.0, 0.0], idx)
    windows = [
        StressWindow("two days", pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03")),
        StressWindow("before", pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01")),
        StressWindow("runs past", pd.Timestamp("2024-01-05"), pd.Timestamp("2024-02-01")),
    ]
    two, before, past = stress_returns(s, b, windows)
    assert two["strategy"] == pytest.approx(1.1 * 0.5 - 1)
    assert two["benchmark"] == pytest.approx(1.1 * 1.1 - 1)
    assert two["active"] == pytest.approx(0.55 / 1.21 - 1) and two["note"] == ""
    assert before["n_days"] == 0 and before["strategy"] is None
    assert before["note"] == "outside the backtest period"
    assert past["first"] == "2024-01-05" and past["last"] == "2024-01-08"
    assert past["note"] == "partly outside the backtest period"


def test_stress_windows_in_the_config():
    cfg = load_config()
    windows = parse_stress_windows(cfg.report.stress_windows)
    assert [w.start.strftime("%Y-%m-%d") for w in windows][0] == "2020-02-19"
    bad = [{"name": "x", "start": "2024-02-01", "end": "2024-01-01"}]
    with pytest.raises(ConfigError, match="report.stress_windows.*before start"):
        load_config(report={"stress_windows": bad})
    with pytest.raises(ConfigError, match=r"must be a table \{name, start, end\}"):
        load_config(report={"stress_windows": [["x", "2024-01-01", "2024-02-01"]]})


def test_stress_windows_do_not_change_the_spec_hash(cfg):
    from data.registration import spec_hash

    other = cfg.replace(report={"stress_windows": []})
    assert spec_hash(other) == spec_hash(cfg)

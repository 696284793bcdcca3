"""The PM tables (now, calendar years, ablation, drawdowns) against returns.csv and weights.csv."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.report import tables as T
from backtests.report.today import flip_distance


@pytest.fixture(scope="module")
def report(golden_report):
    return golden_report


def test_now_holdings_are_the_last_row_of_weights_csv(report):
    out, m = report
    w = pd.read_csv(out / "weights.csv", index_col="date", parse_dates=True)
    now = m["now"]
    assert now["date"] == w.index[-1].strftime("%Y-%m-%d")
    assert set(now["holdings"]) == set(w.columns)
    for t, v in now["holdings"].items():
        assert v == pytest.approx(float(w.iloc[-1][t]), abs=1e-9)
    fac = pd.read_csv(out / "factor.csv", index_col="date", parse_dates=True)
    last = fac.loc[: w.index[-1], "factor"]
    assert now["factor"] == pytest.approx(float(last.iloc[-1]), rel=1e-8)
    past = last.dropna()
    assert now["percentile"] == pytest.approx(float((past <= past.iloc[-1]).mean()), abs=1e-3)
    assert now["regime"] == bool(fac.loc[: w.index[-1], "regime"].iloc[-1])
    for c in now["components"].values():
        assert set(c) == {"value", "as_of", "stale"}


def test_calendar_years_recomputed_from_returns_csv(report):
    out, m = report
    r = pd.read_csv(out / "returns.csv", index_col="date", parse_dates=True)
    bench = m["inference"]["benchmark"]
    years = sorted({str(d.year) for d in r.index})
    assert sorted(m["calendar_years"]) == years  # every year of the period
    for y in years:
        part = r.loc[y]
        s = float(np.prod(1 + part["strategy"].to_numpy()) - 1)
        b = float(np.prod(1 + part[bench].to_numpy()) - 1)
        got = m["calendar_years"][y]
        assert got["strategy"] == pytest.approx(s, rel=1e-8, abs=1e-12)
        assert got["benchmark"] == pytest.approx(b, rel=1e-8, abs=1e-12)
        # returns.csv holds 10 significant digits
        assert got["active"] == pytest.approx((1 + s) / (1 + b) - 1, rel=1e-6, abs=1e-8)


def test_ablation_composite_matches_the_strategy(report):
    out, m = report
    names = [row["name"] for row in m["ablation"]]
    assert names[0] == "composite" and "naive rrp rule" in names
    assert {"capex only", "without liquidity"} <= set(names)
    # the composite row re-simulates the default spec (numba sweep engine) and must match
    # the strategy's active returns in returns.csv (vectorbt engine)
    r = pd.read_csv(out / "returns.csv", index_col="date", parse_dates=True)
    bench = m["inference"]["benchmark"]
    act = (r["strategy"] - r[bench]).loc[: m["samples"]["in_sample"]["end"]]
    sr = float(act.mean() / act.std(ddof=1) * np.sqrt(252))
    assert m["ablation"][0]["in_sample_active_sharpe"] == pytest.approx(sr, rel=1e-6)
    assert m["ablation"][0]["placebo_pvalue"] == pytest.approx(
        m["samples"]["in_sample"]["placebo_pvalue"]
    )
    # ablation variants count as trials, and enter the trial matrix (with the universe pairs)
    t = m["inference"]["trials"]
    assert t["variants"] >= len(names) - 1 and t["raw"] >= t["distinct"] >= t["variants"]


def test_worst_drawdowns_by_hand():
    idx = pd.bdate_range("2024-01-01", periods=7)
    r = pd.Series([0.1, -0.5, 0.2, 1.0, -0.1, 0.05, 0.0], index=idx)
    dd = T.worst_drawdowns(r, 5)
    assert dd[0]["depth"] == pytest.approx(-0.5)
    assert dd[0]["start"] == "2024-01-01" and dd[0]["trough"] == "2024-01-02"
    assert dd[0]["recovery"] == "2024-01-04"  # 1.1*0.5*1.2*2.0 = 1.32 > 1.1
    assert dd[1]["depth"] == pytest.approx(-0.1) and dd[1]["recovery"] is None


def test_monthly_and_rolling_beta_by_hand():
    idx = pd.bdate_range("2024-01-30", periods=4)  # Jan 30, 31, Feb 1, Feb 2
    r = pd.Series([0.1, 0.1, -0.5, 0.0], index=idx)
    mt = T.monthly_returns(r)
    assert mt.loc[2024, 1] == pytest.approx(0.21) and mt.loc[2024, 2] == pytest.approx(-0.5)
    b = pd.Series(np.arange(200, dtype=float) % 7 / 100, index=pd.bdate_range("2020", periods=200))
    assert T.rolling_beta(2 * b + 0.001, b, 20).dropna().to_numpy() == pytest.approx(2.0)


def test_flip_distance_follows_the_switch_band():
    f = flip_distance(0.33, 1.0, "switch", 0.0, 0.5)
    assert f == {"level": -0.25, "distance": pytest.approx(-0.58), "direction": "down"}
    g = flip_distance(-0.1, 0.0, "switch", 0.0, 0.5)
    assert g["level"] == 0.25 and g["distance"] == pytest.approx(0.35) and g["direction"] == "up"


def test_nested_blocks_in_the_report(report):
    """capex and liquidity given funding: one regression per sample, on the sample's days."""
    out, m = report
    for key in ("capex_beyond_funding", "liquidity_beyond_funding"):
        blk = m[key]
        assert blk["base"] == "funding only" and blk["extra"] == key.split("_")[0] + " only"
        ins = blk["in_sample"]
        # the factors start after their warm-up: at most the sample's days less the horizon
        assert 0 < ins["n"] <= m["samples"]["in_sample"]["n_days"] - blk["horizon"]
        assert -1.0 <= ins["correlation"] <= 1.0
    assert "factor given the funding only factor" in (out / "summary.md").read_text()
    assert "factor given the funding only factor" in (out / "index.html").read_text()

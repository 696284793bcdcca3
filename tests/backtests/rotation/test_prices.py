"""Prices are checked once at the boundary: a ``Prices`` is trusted, a DataFrame is checked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import backtests.rotation.prices as prices_mod
from backtests.engines.engine import run_backtest
from backtests.inference.samples import Sample, split_samples
from backtests.rotation.prices import Prices, as_prices, check_prices
from backtests.rotation.spec import RotationSpec
from backtests.rotation.targets import target_weights
from backtests.study.benchmarks import run_benchmarks
from backtests.sweep.core import run_sweep
from data.errors import DataError

TICKERS = ("N1", "N2", "L1", "L2", "SPY")
GRID = {"near": [["N1", "N2"]], "long": [["L1", "L2"]], "crypto": [[]]}


def _prices(n: int = 80, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2024-01-01", periods=n, name="date")
    walk = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, (n, len(TICKERS))), axis=0))
    px = pd.DataFrame(walk, index=idx, columns=list(TICKERS))
    px.iloc[:10, 1] = np.nan  # N2 starts later
    return px


def _spec() -> RotationSpec:
    return RotationSpec(near=("N1", "N2"), long=("L1", "L2"), crypto=(), rebalance="weekly")


def _factor(index: pd.DatetimeIndex) -> pd.Series:
    f = pd.Series(np.sin(np.arange(len(index)) / 7.0), index=index)
    f.iloc[:5] = np.nan
    return f


@pytest.fixture
def checks(monkeypatch):
    """Count every run of the price check (``validate_wide`` inside ``check_prices``)."""
    calls: list[str] = []
    real = prices_mod.validate_wide

    def counting(frame, name):
        calls.append(name)
        return real(frame, name)

    monkeypatch.setattr(prices_mod, "validate_wide", counting)
    return calls


def _run_all(prices):
    """Every public entry point that takes prices, once."""
    frame = prices.frame if isinstance(prices, Prices) else prices
    spec = _spec()
    fac = _factor(frame.index)
    targets = target_weights(fac, prices, spec)
    run_backtest(prices, targets, spec, engine="reference")
    run_benchmarks(prices, spec, tickers=("SPY",), engine="reference")
    run_sweep(
        prices, lambda zw, cw: fac, {**GRID, "threshold": [0.0, 0.5]}, None, engine="reference"
    )


def test_a_checked_table_is_not_checked_again(checks):
    px = Prices(_prices())
    assert checks == ["prices"]
    _run_all(px)
    assert checks == ["prices"]


def test_a_plain_dataframe_is_checked_once_per_public_call(checks):
    _run_all(_prices())
    # target_weights, run_backtest, run_benchmarks (once for its five backtests), run_sweep
    assert checks == ["prices"] * 4


def test_a_plain_dataframe_and_a_checked_one_give_the_same_results():
    raw = _prices()
    spec = _spec()
    fac = _factor(raw.index)
    for px in (raw, Prices(raw)):
        pd.testing.assert_frame_equal(target_weights(fac, px, spec), target_weights(fac, raw, spec))
    a = run_backtest(raw, target_weights(fac, raw, spec), spec, engine="reference")
    b = run_backtest(Prices(raw), target_weights(fac, raw, spec), spec, engine="reference")
    pd.testing.assert_series_equal(a.returns, b.returns, check_exact=True)
    ba = run_benchmarks(raw, spec, tickers=("SPY",), engine="reference")
    bb = run_benchmarks(Prices(raw), spec, tickers=("SPY",), engine="reference")
    for name in ba:
        pd.testing.assert_series_equal(ba[name].returns, bb[name].returns, check_exact=True)


def test_construction_casts_like_check_prices():
    idx = pd.bdate_range("2024-01-01", periods=3)  # unnamed index, integer prices
    raw = pd.DataFrame({"A": [1, 2, 3]}, index=idx)
    px = Prices(raw)
    assert px.frame["A"].dtype == np.float64 and px.index.name == "date"
    pd.testing.assert_frame_equal(px.frame, check_prices(raw))
    assert len(px) == 3 and list(px.columns) == ["A"]
    assert as_prices(px) is px
    assert check_prices(px) is px.frame
    assert isinstance(as_prices(raw), Prices)


def test_subsets_stay_checked_without_a_second_check(checks):
    raw = _prices()
    px = Prices(raw)
    samples = split_samples(px.index, raw.index[40], raw.index[60])
    sub = px.select(["L2", "N1"])
    head = px.between(end=raw.index[39])
    mid = px.between(raw.index[10], raw.index[20])
    ins = px.take(samples["in_sample"])
    empty = px.take(Sample("post_registration", None, None, 0))
    assert checks == ["prices"]
    assert all(isinstance(p, Prices) for p in (sub, head, mid, ins, empty))
    pd.testing.assert_frame_equal(sub.frame, px.frame[["L2", "N1"]])
    pd.testing.assert_frame_equal(head.frame, px.frame.iloc[:40])
    pd.testing.assert_frame_equal(mid.frame, px.frame.iloc[10:21])
    pd.testing.assert_frame_equal(ins.frame, samples["in_sample"].take(px.frame))
    assert len(empty) == 0
    with pytest.raises(KeyError):
        px.select(["ZZZ"])


def test_prices_is_frozen():
    px = Prices(_prices())
    with pytest.raises(AttributeError):
        px.frame = _prices()  # type: ignore[misc]


def _bad_price() -> pd.DataFrame:
    raw = _prices()
    raw.loc[raw.index[30], "L1"] = -2.5
    return raw


@pytest.mark.parametrize(
    "call",
    [
        lambda px: Prices(px),
        lambda px: target_weights(_factor(px.index), px, _spec()),
        lambda px: run_backtest(px, pd.DataFrame({"N1": np.nan}, index=px.index), _spec()),
        lambda px: run_benchmarks(px, _spec(), tickers=()),
        lambda px: run_sweep(
            px, lambda zw, cw: _factor(px.index), {**GRID, "threshold": [0.0]}, None
        ),
    ],
    ids=["Prices", "target_weights", "run_backtest", "run_benchmarks", "run_sweep"],
)
def test_a_bad_price_raises_the_named_error_at_the_boundary(call):
    raw = _bad_price()
    with pytest.raises(DataError, match=r"price must be positive, got \S*-2\.5\S* for L1") as err:
        call(raw)
    assert str(err.value).startswith(f"prices, row {raw.index[30].date()}: ")
    assert err.value.row == str(raw.index[30].date())
    assert err.value.source == "prices"


def test_a_malformed_table_raises_the_canonical_error():
    raw = _prices()
    with pytest.raises(DataError, match="duplicate date"):
        Prices(pd.concat([raw.iloc[:3], raw.iloc[2:5]]))
    with pytest.raises(DataError, match="not sorted"):
        run_backtest(raw.iloc[::-1], pd.DataFrame(index=raw.index[::-1]), _spec())
    with pytest.raises(DataError, match="tz-naive"):
        target_weights(_factor(raw.index), raw.tz_localize("UTC"), _spec())
    with pytest.raises(DataError, match="expected a DataFrame"):
        Prices(raw.to_numpy())  # type: ignore[arg-type]


def test_one_pipeline_run_checks_its_prices_once(cfg, checks):
    """The whole study (backtest, benchmarks, sweep, ablation, universes, placebos) checks once."""
    from backtests.study.pipeline import run_pipeline
    from data.loaders import load_market

    small = cfg.replace(
        inference={"placebo_reps": 20, "bootstrap_reps": 50},
        sweep={"zscore_window": [252], "change_window": [63], "threshold": [0.0, 0.5]},
    )
    market = load_market(small, source="synthetic")
    res = run_pipeline(small, market=market)
    assert checks == ["prices"]
    assert res.extras["universes"].n_trials > 0 and res.extras["ablation"] is not None

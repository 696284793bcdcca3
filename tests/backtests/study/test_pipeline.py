"""The pipeline's wiring: placebo runs equal single backtests; the sweep stays before oos_start."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.engines.engine import run_backtest
from backtests.engines.stats import sharpe
from backtests.rotation.spec import RotationSpec
from backtests.rotation.targets import target_weights
from backtests.study.pipeline import factor_variant_sharpes
from backtests.study.window import backtest_window, cash_rate_series
from data.loaders import load_market
from signals import build_factor


@pytest.fixture(scope="module")
def setup(cfg):
    market = load_market(cfg, source="synthetic")
    fac = build_factor(market, cfg).factor
    prices = backtest_window(market.prices, cfg, fac)
    return market, fac.reindex(prices.index), prices


def test_factor_variants_equal_single_reference_backtests(setup, cfg):
    market, fac, prices = setup
    cash = cash_rate_series(market, cfg, prices.index)
    spec = RotationSpec.from_config(cfg)
    shifted = pd.Series(np.roll(fac.to_numpy(), 100), index=fac.index)
    frames = pd.DataFrame({"real": fac, "shifted": shifted})
    fast = factor_variant_sharpes(frames, prices, cfg, cash)
    for i, col in enumerate(frames.columns):
        ref = run_backtest(
            prices,
            target_weights(frames[col], prices, spec),
            spec,
            engine="reference",
            cash_rate=cash,
        )
        assert fast[i] == pytest.approx(float(sharpe(ref.returns)), rel=1e-9, abs=1e-12)


def test_backtest_window_starts_with_the_factor(setup, cfg):
    _, fac, prices = setup
    assert prices.index[0] == fac.first_valid_index()
    assert prices.index[0] >= pd.Timestamp(cfg.run.start)


@pytest.mark.slow
def test_pipeline_engine_gives_vectorbt_numbers_bit_for_bit(setup, cfg):
    """The report runs its backtests on ENGINE (no vectorbt import) only because it is exact."""
    from backtests.study.benchmarks import run_benchmarks
    from backtests.study.pipeline import ENGINE

    market, fac, prices = setup
    cash = cash_rate_series(market, cfg, prices.index)
    spec = RotationSpec.from_config(cfg)
    targets = target_weights(fac, prices, spec)
    costly = spec.replace(equity_bps=spec.equity_bps * 5, slippage_bps=spec.slippage_bps * 5)
    for sp in (spec, costly):
        ours = run_backtest(prices, targets, sp, engine=ENGINE, cash_rate=cash)
        vbt = run_backtest(prices, targets, sp, engine="vectorbt", cash_rate=cash)
        for attr in ("returns", "weights", "equity", "turnover", "trades"):
            assert getattr(ours, attr).equals(getattr(vbt, attr)), attr
    ours_b = run_benchmarks(prices, spec, cfg, engine=ENGINE, cash_rate=cash)
    vbt_b = run_benchmarks(prices, spec, cfg, engine="vectorbt", cash_rate=cash)
    assert list(ours_b) == list(vbt_b)
    for name in ours_b:
        assert ours_b[name].returns.equals(vbt_b[name].returns), name
        assert ours_b[name].weights.equals(vbt_b[name].weights), name

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

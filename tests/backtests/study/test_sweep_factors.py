"""The sweep's factor builds share the capex block and equal full builds, window by window."""

from __future__ import annotations

import pandas as pd
import pytest

from backtests.study.sweep import factor_function
from data.loaders import load_market
from signals import build_factor
from signals.composite import build_capex_block, build_factor_tables


@pytest.fixture(scope="module")
def market(cfg):
    return load_market(cfg, source="synthetic")


@pytest.mark.parametrize("windows", [(252, 63), (504, 21), (0, 126)])
def test_sweep_factor_equals_a_full_build(market, cfg, windows):
    alt = cfg.replace(factor={"zscore_window": windows[0], "change_window": windows[1]})
    want = build_factor(market, alt).factor
    got = factor_function(market, cfg)(*windows)
    pd.testing.assert_series_equal(got, want, check_exact=True)


def test_shared_capex_block_gives_the_same_factor_result(market, cfg):
    idx = market.prices.index
    alt = cfg.replace(factor={"change_window": 21})
    block = build_capex_block(market.capex, idx, cfg)
    shared = build_factor_tables(market.macro, market.capex, idx, alt, capex_block=block)
    alone = build_factor_tables(market.macro, market.capex, idx, alt)
    pd.testing.assert_series_equal(shared.factor, alone.factor, check_exact=True)
    pd.testing.assert_frame_equal(shared.components, alone.components, check_exact=True)
    pd.testing.assert_frame_equal(shared.events, alone.events, check_exact=True)


def test_factor_function_builds_the_capex_block_once(market, cfg, monkeypatch):
    import backtests.study.sweep as sweep_mod

    calls = []
    real = sweep_mod.build_capex_block
    monkeypatch.setattr(
        sweep_mod, "build_capex_block", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    fn = factor_function(market, cfg)
    for w in ((252, 21), (252, 126), (504, 63)):
        fn(*w)
    assert len(calls) == 1

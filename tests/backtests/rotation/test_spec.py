"""RotationSpec: built from the config, overridable, frozen, validated with named errors."""

from __future__ import annotations

import dataclasses

import pytest

from backtests.rotation.spec import FIELD_NAMES, RotationSpec
from data.errors import ConfigError


def test_from_config_reads_every_section(cfg):
    spec = RotationSpec.from_config(cfg)
    bt, costs = cfg.backtest, cfg.costs
    assert spec.rule == bt.rule
    assert spec.threshold == bt.threshold
    assert spec.band == bt.band
    assert spec.rebalance == bt.rebalance
    assert spec.execution_lag == bt.execution_lag
    assert spec.basket_vol_window == bt.basket_vol_window
    assert spec.near == tuple(cfg.universe.near)
    assert spec.long == tuple(cfg.universe.long)
    assert spec.crypto == tuple(cfg.data.crypto)
    assert spec.equity_bps == costs.equity_bps
    assert spec.borrow_bps_annual == costs.borrow_bps_annual


def test_overrides_and_replace(cfg):
    spec = RotationSpec.from_config(cfg, rule="tilt", near=["MU", "WDC"], execution_lag=2)
    assert spec.rule == "tilt"
    assert spec.near == ("MU", "WDC")  # lists become tuples
    assert spec.execution_lag == 2
    other = spec.replace(threshold=0.7)
    assert other.threshold == 0.7 and spec.threshold == cfg.backtest.threshold
    assert spec.tickers == ("MU", "WDC", *cfg.universe.long)


def test_frozen():
    spec = RotationSpec()
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.rule = "tilt"  # type: ignore[misc]


def test_fee_rate_by_asset_class():
    spec = RotationSpec(equity_bps=5.0, crypto_bps=15.0, crypto=("BTC-USD",), slippage_bps=2.0)
    assert spec.fee_rate("MU") == pytest.approx(0.0005)
    assert spec.fee_rate("BTC-USD") == pytest.approx(0.0015)
    assert spec.slippage == pytest.approx(0.0002)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("rule", "momentum"),
        ("rebalance", "hourly"),
        ("weighting", "cap"),
        ("band", -0.1),
        ("tilt_scale", 0.0),
        ("vol_target", -1.0),
        ("leverage_cap", 0.0),
        ("vol_window", 1),
        ("basket_vol_window", 1),
        ("execution_lag", 0),
        ("execution_lag", 1.5),
        ("drift_band", -0.01),
        ("equity_bps", -1.0),
        ("crypto_bps", float("nan")),
        ("slippage_bps", 10_000.0),
        ("init_cash", 0.0),
        ("threshold", float("inf")),
    ],
)
def test_bad_values_name_the_parameter_and_value(name, value):
    with pytest.raises(ConfigError) as err:
        RotationSpec(**{name: value})
    assert f"`{name}`" in str(err.value)
    assert str(value) in str(err.value) or repr(value) in str(err.value)


def test_bad_baskets():
    with pytest.raises(ConfigError, match="both"):
        RotationSpec(near=("MU", "IGV"), long=("IGV",))
    with pytest.raises(ConfigError, match="`near`"):
        RotationSpec(near=())
    with pytest.raises(ConfigError, match="twice"):
        RotationSpec(long=("IGV", "IGV"))
    with pytest.raises(ConfigError, match="list of tickers"):
        RotationSpec(near="MU")


def test_unknown_override_is_named(cfg):
    with pytest.raises(ConfigError, match="treshold"):
        RotationSpec.from_config(cfg, treshold=0.5)
    with pytest.raises(ConfigError, match="treshold"):
        RotationSpec().replace(treshold=0.5)


def test_to_dict_round_trip():
    spec = RotationSpec(rule="longshort", near=("A",), long=("B",))
    d = spec.to_dict()
    assert set(d) == set(FIELD_NAMES)
    assert RotationSpec(**d) == spec

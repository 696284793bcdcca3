"""The mechanism's declaration and its monthly panel: hand cases and point-in-time checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.errors import ConfigError
from signals.mechanism.panel import month_ends, monthly_panel, state_series
from signals.mechanism.spec import MechanismSpec


def _cfg(cfg, **mech):
    return cfg.replace(mechanism=mech) if mech else cfg


def test_month_ends_are_each_months_last_date():
    idx = pd.DatetimeIndex(["2024-01-30", "2024-01-31", "2024-02-01", "2024-02-29", "2024-03-01"])
    assert list(month_ends(idx).strftime("%Y-%m-%d")) == ["2024-01-31", "2024-02-29", "2024-03-01"]


def test_spec_reads_the_default_links(cfg):
    spec = MechanismSpec.from_config(cfg)
    names = [link.name for link in spec.links]
    assert names == list(cfg.mechanism.run)
    end_to_end = {link.name: link for link in spec.links}["capex_spread"]
    assert (end_to_end.shock, end_to_end.outcome, end_to_end.sign) == ("capex_growth", "spread", 1)
    assert set(spec.needed) >= {"capex_growth", "spread", "rrp_level"}


def test_an_undeclared_link_is_named(cfg):
    bad = cfg.replace(mechanism={"run": ["capex_spread", "no_such_link"]})
    with pytest.raises(ConfigError, match="no_such_link"):
        MechanismSpec.from_config(bad)


def test_a_link_with_a_bad_sign_is_named(cfg):
    bad = cfg.replace(mechanism={"links": {"capex_spread": {"sign": 0}}, "run": ["capex_spread"]})
    with pytest.raises(ConfigError, match=r"capex_spread.*sign"):
        MechanismSpec.from_config(bad)


def _inputs():
    days = pd.bdate_range("2020-01-01", "2021-12-31", name="date")
    rng = np.random.default_rng(3)
    comps = pd.DataFrame(
        {
            "capex_growth": np.cumsum(rng.normal(0, 0.01, len(days))),
            "rrp_level": 1000 + np.cumsum(rng.normal(0, 5, len(days))),
            "reserves_level": np.nan,
            "net_liquidity": 5000 + np.cumsum(rng.normal(0, 5, len(days))),
            "debt_to_capex": np.nan,
        },
        index=days,
    )
    macro_days = pd.date_range("2019-12-01", "2021-12-31", freq="D", name="date")
    macro = pd.DataFrame(
        {
            s: 2 + np.cumsum(rng.normal(0, 0.02, len(macro_days)))
            for s in ("DGS10", "DFII10", "ACMTP10", "BAA10Y", "BAMLH0A0HYM2")
        },
        index=macro_days,
    )
    spread = pd.Series(rng.normal(0, 0.01, len(days)), index=days)
    regime = pd.Series(days >= "2021-01-01", index=days)
    return comps, macro, {"spread": spread}, regime


def test_panel_values_by_hand(cfg):
    spec = MechanismSpec.from_config(cfg)
    comps, macro, targets, regime = _inputs()
    p = monthly_panel(spec, cfg=cfg, components=comps, macro=macro, targets=targets, regime=regime)
    d = pd.Timestamp("2020-06-30")
    assert p.loc[d, "capex_growth"] == comps.loc[d, "capex_growth"]
    # DGS10 is released the next business day: at the month's last day the value shown is the
    # observation of the business day before (or the last one released by then)
    lag = cfg.macro.series["DGS10"]["lag"]
    from data.pit import available_date

    avail = available_date(macro.index, lag)
    expected = macro["DGS10"][avail <= d].iloc[-1]
    assert p.loc[d, "dgs10"] == expected
    r = targets["spread"]
    assert p.loc[d, "spread"] == pytest.approx(np.log1p(r.loc[:d]).sum(), abs=1e-12)
    assert p["reserves_level"].isna().all() and p["debt_to_capex"].isna().all()
    assert p.loc["2020-12-31", "state"] == 0.0 and p.loc["2021-01-29", "state"] == 1.0


def test_panel_at_a_date_ignores_later_rows(cfg):
    spec = MechanismSpec.from_config(cfg)
    comps, macro, targets, regime = _inputs()
    full = monthly_panel(
        spec, cfg=cfg, components=comps, macro=macro, targets=targets, regime=regime
    )
    cut = pd.Timestamp("2021-03-15")
    rng = np.random.default_rng(9)
    later_c = comps.copy()
    later_c.loc[later_c.index > cut] = rng.normal(size=later_c.loc[later_c.index > cut].shape)
    later_m = macro.copy()
    later_m.loc[later_m.index > cut] = 99.0
    later_t = {"spread": targets["spread"].where(targets["spread"].index <= cut, 0.5)}
    changed = monthly_panel(
        spec, cfg=cfg, components=later_c, macro=later_m, targets=later_t, regime=~regime
    )
    truncated = monthly_panel(
        spec,
        cfg=cfg,
        components=comps.loc[:cut],
        macro=macro.loc[:cut],
        targets={"spread": targets["spread"].loc[:cut]},
        regime=regime.loc[:cut],
    )
    done = full.index[full.index <= "2021-02-26"]
    pd.testing.assert_frame_equal(truncated.loc[done], full.loc[done])
    # the state flips because the regime series was replaced everywhere, the rest is equal
    pd.testing.assert_frame_equal(
        changed.loc[done].drop(columns="state"), full.loc[done].drop(columns="state")
    )


def test_state_below_expanding_median_by_hand(cfg):
    spec = MechanismSpec.from_config(
        cfg.replace(mechanism={"state_variable": "rrp_level", "threshold_variable": "rrp_level"})
    )
    idx = pd.date_range("2020-01-31", periods=14, freq="ME")
    x = pd.Series([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1, 100, -5], index=idx, dtype=float)
    s = state_series(pd.DataFrame({"rrp_level": x}), None, spec)
    assert s.iloc[:11].isna().all()
    # month 12: median of the 12 values up to it is 4.5 and -1 <= 4.5; month 13: 100 > median 4;
    # month 14: -5 <= median 4.5
    assert s.iloc[11] == 1.0 and s.iloc[12] == 0.0 and s.iloc[13] == 1.0

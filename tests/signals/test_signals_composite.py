"""The composite factor: weights, staleness and renormalization, start date, methods, result."""

import math

import numpy as np
import pandas as pd
import pytest

from data.tables import empty_quarters
from signals import SIGNS, build_factor, build_factor_tables, combine
from signals.composite import FREQUENCY

D = pd.Timestamp
NAN = np.nan


def only(cfg, weights: dict[str, float], **factor):
    """The config with every weight zero except ``weights`` (and other [factor] keys)."""
    w = dict.fromkeys(dict(cfg.factor.weights), 0.0) | weights
    return cfg.replace(factor={"weights": w, "zscore_clip": 0.0, **factor})


def test_combine_renormalizes_over_active_components_by_hand():
    idx = pd.bdate_range("2024-01-01", periods=4, name="date")
    z = pd.DataFrame(
        {
            "a": [1.0, 1.0, 2.0, 3.0],
            "b": [0.5, -1.0, 9.9, 1.0],
            "c": [NAN, 2.0, 4.0, 1.0],
            "zero": [7.0, 7.0, 7.0, 7.0],
        },
        index=idx,
    )
    active = pd.DataFrame(
        {
            "a": [True, True, True, False],
            "b": [True, True, False, False],
            "c": [False, True, True, False],
            "zero": [True] * 4,
        },
        index=idx,
    )
    f = combine(z, active, {"a": 1.0, "b": 2.0, "c": 1.0, "zero": 0.0})
    # c has no history yet: a and b carry the factor on their own
    assert f.iloc[0] == pytest.approx((1 * 1.0 + 2 * 0.5) / 3)
    assert f.iloc[1] == pytest.approx((1 * 1.0 + 2 * -1.0 + 1 * 2.0) / 4)
    assert f.iloc[2] == pytest.approx((1 * 2.0 + 1 * 4.0) / 2)  # b stale: 9.9 ignored
    assert np.isnan(f.iloc[3])  # nothing active
    assert f.name == "factor"
    # with three active components required, the first and third rows are undefined
    f3 = combine(z, active, {"a": 1.0, "b": 2.0, "c": 1.0, "zero": 0.0}, min_components=3)
    assert np.isnan(f3.iloc[0]) and np.isnan(f3.iloc[2]) and np.isnan(f3.iloc[3])
    assert f3.iloc[1] == pytest.approx(f.iloc[1])


def test_combine_interaction_by_hand():
    idx = pd.bdate_range("2024-01-01", periods=2, name="date")
    z = pd.DataFrame(
        {
            "capex_growth": [1.0, 1.0],
            "capex_surprise": [2.0, 2.0],
            "rrp_level": [-1.0, -1.0],
            "reserves_level": [0.5, 0.5],
            "nominal_10y_change": [5.0, 5.0],
        },
        index=idx,
    )
    active = z.notna()
    active.loc[idx[1], "reserves_level"] = False
    w = {
        "capex_growth": 1.0,
        "capex_surprise": 0.5,
        "rrp_level": 1.0,
        "reserves_level": 0.5,
        "nominal_10y_change": 1.0,
    }
    f = combine(z, active, w, method="interaction")
    capex = (1.0 + 0.5 * 2.0) / 1.5
    phi = {-0.5: 0.3085375387259869, -1.0: 0.15865525393145707}  # standard normal CDF
    assert f.iloc[0] == pytest.approx(capex * phi[(-1.0 + 0.5 * 0.5) / 1.5])  # funding not used
    assert f.iloc[1] == pytest.approx(capex * phi[-1.0])
    with pytest.raises(ValueError, match="got 'median'"):
        combine(z, active, w, method="median")


@pytest.mark.parametrize(
    ("capex", "liq", "sign"),
    [(1.0, 1.0, +1), (1.0, -1.0, +1), (-1.0, 1.0, -1), (-1.0, -1.0, -1)],
)
def test_interaction_sign_is_scarcity(capex, liq, sign):
    # high capex demand and exhausted liquidity is scarcity; low capex demand never is,
    # whatever the liquidity (a plain product would be positive for low capex and ample money)
    idx = pd.bdate_range("2024-01-01", periods=1, name="date")
    z = pd.DataFrame({"capex_growth": [capex], "rrp_level": [liq]}, index=idx)
    f = combine(z, z.notna(), {"capex_growth": 1.0, "rrp_level": 1.0}, method="interaction")
    assert np.sign(f.iloc[0]) == sign
    more_exhausted = combine(
        z.assign(rrp_level=liq + 1.0),
        z.notna(),
        {"capex_growth": 1.0, "rrp_level": 1.0},
        method="interaction",
    )
    # more exhaustion amplifies the capex signal in its own direction
    assert abs(more_exhausted.iloc[0]) > abs(f.iloc[0])


# ---------------------------------------------------------------------------------------------
# build_factor_tables on hand-made macro data: DGS10 daily for two months, ON RRP ending on
# Jan 31; weights rrp_level 1, nominal_10y_change 2; z-scores need 3 observations.
OBS = pd.bdate_range("2024-01-01", "2024-02-29", name="date")
DGS10 = 4.0 + np.cumsum(np.sin(np.arange(len(OBS)) * 1.7)) / 10  # made-up yields
RRP_OBS = OBS[OBS <= D("2024-01-31")]
RRP = 500.0 - 3.0 * np.arange(len(RRP_OBS)) + 5.0 * np.cos(np.arange(len(RRP_OBS)))


def hand_macro() -> pd.DataFrame:
    m = pd.DataFrame(
        {"DGS10": pd.Series(DGS10, index=OBS), "RRPONTSYD": pd.Series(RRP, index=RRP_OBS)}
    )
    m.index.name = "date"
    return m.astype(float)


def expanding_z(values: np.ndarray, i: int, min_obs: int = 3) -> float:
    """Z-score of ``values[i]`` against ``values[:i+1]`` (NaN skipped), by hand."""
    past = values[: i + 1]
    past = past[np.isfinite(past)]
    if len(past) < min_obs or not np.isfinite(values[i]):
        return NAN
    return (values[i] - past.mean()) / past.std(ddof=1)


@pytest.fixture
def hand(cfg):
    c = only(cfg, {"rrp_level": 1.0, "nominal_10y_change": 2.0}, min_periods=3, change_window=1)
    return build_factor_tables(hand_macro(), empty_quarters(), OBS, c)


def test_staleness_and_renormalization_by_hand(hand):
    n = len(OBS)
    known10 = np.r_[NAN, DGS10[:-1]]  # lag 1B: the previous business day's yield
    chg = known10 - np.r_[NAN, known10[:-1]]
    rrp_known = np.full(n, NAN)
    rrp_known[1 : len(RRP_OBS) + 1] = RRP  # Jan 31 is known on Feb 1, then ages
    last_active = OBS.get_loc(D("2024-02-09"))  # 9 days after Jan 31; Feb 12 is 12 > 10
    rrp_known[len(RRP_OBS) + 1 : last_active + 1] = RRP[-1]
    assert (
        hand.active["rrp_level"].loc["2024-02-09"]
        and not hand.active["rrp_level"].loc["2024-02-12"]
    )
    both = OBS.get_loc(D("2024-02-07"))
    z10, zr = expanding_z(chg, both), -expanding_z(rrp_known, both)
    assert hand.factor.iloc[both] == pytest.approx((1.0 * zr + 2.0 * z10) / 3.0, rel=1e-10)
    assert hand.zscores["rrp_level"].iloc[both] == pytest.approx(zr, rel=1e-10)
    alone = OBS.get_loc(D("2024-02-14"))  # ON RRP stale: the weights renormalize to DGS10
    assert np.isnan(hand.zscores["rrp_level"].iloc[alone])
    assert np.isnan(hand.components["rrp_level"].iloc[alone])
    assert hand.factor.iloc[alone] == pytest.approx(expanding_z(chg, alone), rel=1e-10)
    # first date: three known RRP values on Jan 4 (ON RRP carries the factor alone), then
    # DGS10 joins on Jan 5 with its three changes (Jan 3, 4, 5)
    assert hand.first_date == D("2024-01-04")
    assert hand.factor.loc[: D("2024-01-03")].isna().all()
    assert hand.factor.loc[D("2024-01-04") :].notna().all()
    jan4 = OBS.get_loc(D("2024-01-04"))
    assert hand.factor.iloc[jan4] == pytest.approx(-expanding_z(rrp_known, jan4), rel=1e-10)
    assert not hand.active["nominal_10y_change"].iloc[jan4]
    assert hand.weights == {"rrp_level": 1.0, "nominal_10y_change": 2.0}


def test_components_join_with_their_own_history(cfg):
    macro = hand_macro()
    late = OBS[OBS >= D("2024-02-01")]
    macro["SOFR"] = pd.Series(5.3 + 0.01 * np.arange(len(late)) ** 1.5, index=late)
    macro["DFF"] = pd.Series(5.33, index=late)
    c = only(
        cfg,
        {"rrp_level": 1.0, "nominal_10y_change": 2.0, "repo_spread": 1.0},
        min_periods=3,
        change_window=1,
    )
    res = build_factor_tables(macro, empty_quarters(), OBS, c)
    # the repo spread is known from Feb 2 and has three values on Feb 6: it joins then, while
    # the factor started on Jan 4 with the component that had its history (ON RRP)
    first = res.active["repo_spread"].idxmax()
    assert first == D("2024-02-06")
    assert res.first_date == D("2024-01-04")
    assert res.factor.loc["2024-01-10"] == pytest.approx(
        (
            1.0 * res.zscores.loc["2024-01-10", "rrp_level"]
            + 2.0 * res.zscores.loc["2024-01-10", "nominal_10y_change"]
        )
        / 3.0
    )
    # requiring all three components waits for the repo spread
    c3 = c.replace(factor={"min_components": 3})
    res3 = build_factor_tables(macro, empty_quarters(), OBS, c3)
    assert res3.first_date == first
    assert res3.factor.loc[:"2024-02-05"].isna().all()


def test_default_signs_and_weights(cfg):
    assert set(dict(cfg.factor.weights)) == set(SIGNS)
    assert SIGNS["rrp_level"] == SIGNS["reserves_level"] == SIGNS["net_liquidity_change"] == -1
    assert all(SIGNS[c] == 1 for c in ("capex_growth", "nominal_10y_change", "repo_spread"))


def test_zscore_clip(cfg):
    res = build_factor_tables(
        hand_macro(),
        empty_quarters(),
        OBS,
        only(cfg, {"nominal_10y_change": 1.0}, min_periods=3, change_window=1, zscore_clip=0.5),
    )
    z = res.zscores["nominal_10y_change"].dropna()
    assert z.abs().max() == pytest.approx(0.5)
    pd.testing.assert_series_equal(res.factor.dropna(), z.rename("factor"), check_freq=False)


# ---------------------------------------------------------------------------------------------
# on the synthetic market
def test_methods_are_finite_where_zsum_is(syn_market, syn_factor, cfg):
    zsum = syn_factor.factor
    assert zsum.notna().sum() > 1000
    for method in ("pca", "interaction"):
        other = build_factor(syn_market, cfg.replace(factor={"method": method})).factor
        if method == "pca":  # defined from its first loadings estimate on
            later = zsum.notna() & (zsum.index >= other.first_valid_index())
            assert np.isfinite(other[later]).all(), method
        else:  # needs both the capex and the liquidity block
            assert other.notna().sum() > 1000
        assert other[zsum.isna()].isna().all(), method
        assert other.std() > 0


def test_raw_components_shown_where_their_inputs_are_fresh(syn_factor):
    comp = syn_factor.components
    # every raw component has a staleness class; the TTM level exists wherever growth does
    assert comp["capex_ttm_bn"].notna().mean() > 0.5
    assert (comp["capex_ttm_bn"].notna() >= comp["capex_growth"].notna()).all()
    assert (comp["n_companies"].notna() >= comp["capex_growth"].notna()).all()
    assert (comp["net_liquidity"].notna() >= comp["net_liquidity_change"].notna()).all()
    assert FREQUENCY["net_liquidity"] == "weekly" and FREQUENCY["capex_ttm_bn"] == "quarterly"


def test_result_tables_and_summary(syn_factor, syn_market):
    res = syn_factor
    assert res.factor.index.equals(syn_market.prices.index)
    assert res.regime.dtype == bool and res.regime.any()
    assert list(res.zscores.columns) == list(res.weights)
    assert (res.zscores.notna() == res.active).all().all()
    frames = res.to_frames()
    assert list(frames["factor"].columns) == ["date", "factor", "regime"]
    assert len(frames["factor"]) == len(syn_market.prices.index)
    assert frames["components"]["date"].iloc[0] == syn_market.prices.index[0].strftime("%Y-%m-%d")
    assert list(frames["events"].columns) == [
        "available_at",
        "ticker",
        "period_end",
        "capex_usd",
        "surprise",
        "dated_by",
        "accepted_at",
    ]
    assert set(frames["events"]["dated_by"]) <= {"release", "filing", "lag"}
    text = str(res)
    assert text == res.summary()
    assert f"defined {res.first_date.date()}" in text
    assert "capex announcements" in text and "repo_spread" in text
    av = res.availability
    assert list(av.columns) == ["first_active", "last_active", "share_active"]
    assert av.loc["rrp_level", "share_active"] == pytest.approx(res.active["rrp_level"].mean())
    assert math.isfinite(res.factor.dropna().iloc[-1])


def test_build_factor_call_forms_and_validation(cfg):
    c = only(cfg, {"nominal_10y_change": 1.0}, min_periods=3, change_window=1)
    tables = build_factor(hand_macro(), empty_quarters(), OBS, c)

    class Market:
        macro, capex, prices = hand_macro(), empty_quarters(), pd.DataFrame(index=OBS)

    market = build_factor(Market(), c)
    assert tables.factor.notna().sum() > 20
    pd.testing.assert_series_equal(tables.factor, market.factor)
    with pytest.raises(TypeError, match="needs"):
        build_factor(hand_macro(), empty_quarters(), OBS)


def test_reweight_equals_a_full_build(synthetic_market_for_reweight):
    """Recombining the composite's z-scores equals building the factor with those weights."""
    from signals.composite import BLOCKS, reweight

    market, cfg = synthetic_market_for_reweight
    full = build_factor(market, cfg)
    weights = {k: float(v) for k, v in cfg.factor.weights.items()}
    for keep in (("capex",), ("funding",), ("capex", "liquidity"), ("liquidity", "funding")):
        members = {c for b in keep for c in BLOCKS[b]}
        w = {c: (v if c in members else 0.0) for c, v in weights.items()}
        rebuilt = build_factor(market, cfg.replace(factor={"weights": w})).factor
        pd.testing.assert_series_equal(reweight(full, cfg, w), rebuilt)
    for method in ("interaction", "pca"):
        c2 = cfg.replace(factor={"method": method})
        f2 = build_factor(market, c2)
        w = {c: (v if c not in BLOCKS["funding"] else 0.0) for c, v in weights.items()}
        rebuilt = build_factor(market, c2.replace(factor={"weights": w})).factor
        pd.testing.assert_series_equal(reweight(f2, c2, w), rebuilt)


def test_reweight_refuses_components_it_did_not_build(synthetic_market_for_reweight):
    from data.errors import ConfigError
    from signals.composite import reweight

    market, cfg = synthetic_market_for_reweight
    w = {k: float(v) for k, v in cfg.factor.weights.items()}
    w["capex_growth"] = 0.0
    part = build_factor(market, cfg.replace(factor={"weights": w}))
    with pytest.raises(ConfigError, match="capex_growth"):
        reweight(part, cfg, {**w, "capex_growth": 1.0})


@pytest.fixture(scope="module")
def synthetic_market_for_reweight():
    from data.config import load_config
    from data.loaders import load_market

    cfg = load_config()
    return load_market(cfg, source="synthetic"), cfg

"""Public API of the factor: call forms, config wiring, PCA sign, regime staleness, CSV frames."""

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from data.errors import DataError
from data.tables import QUARTERS_COLUMNS, empty_quarters
from signals import build_factor, build_factor_from_market, build_factor_tables, capex_events
from signals.composite import _pca_factor, pca_loadings

D = pd.Timestamp
NAN = np.nan
IDX = pd.bdate_range("2024-01-01", "2024-02-29", name="date")


def only(cfg, weights: dict[str, float], **factor):
    """The config with every weight zero except ``weights`` (and other [factor] keys)."""
    w = dict.fromkeys(dict(cfg.factor.weights), 0.0) | weights
    return cfg.replace(factor={"weights": w, "zscore_clip": 0.0, **factor})


def rrp_macro() -> pd.DataFrame:
    """ON RRP (billions, made up) observed Jan 2 .. Jan 12 only, always below 100 bn."""
    obs = pd.bdate_range("2024-01-02", "2024-01-12", name="date")
    m = pd.DataFrame({"RRPONTSYD": 50.0 + np.arange(len(obs), dtype=float)}, index=obs)
    return m


def quarters(ticker: str, values: list[float], first: str = "2020Q1", lag: int = 40):
    ends = [p.end_time.normalize() for p in pd.period_range(first, periods=len(values), freq="Q")]
    rows = [
        {
            "ticker": ticker,
            "concept": "capex",
            "period_start": pe.to_period("Q").start_time,
            "period_end": pe,
            "value": float(v),
            "filed": pe + pd.Timedelta(days=lag - 1),
            "available_at": pe + pd.Timedelta(days=lag),
            "source": "edgar",
        }
        for pe, v in zip(ends, values, strict=True)
    ]
    return pd.DataFrame(rows, columns=list(QUARTERS_COLUMNS))


# ---------------------------------------------------------------------------------------------
# call forms
def test_build_factor_table_and_market_forms_agree(cfg):
    c = only(cfg, {"rrp_level": 1.0}, min_periods=3)
    macro, capex = rrp_macro(), empty_quarters()
    market = SimpleNamespace(macro=macro, capex=capex, prices=pd.DataFrame(index=IDX))
    a = build_factor(macro, capex, IDX, c)
    b = build_factor(market, c)
    d = build_factor_from_market(market, c)
    e = build_factor_tables(macro, capex, IDX, c)
    for other in (b, d, e):
        pd.testing.assert_series_equal(a.factor, other.factor)
        pd.testing.assert_frame_equal(a.zscores, other.zscores)
    assert a.factor.notna().sum() > 0


def test_build_factor_rejects_mixed_forms(cfg):
    macro = rrp_macro()
    with pytest.raises(TypeError, match="no `index` or `cfg`"):
        build_factor(SimpleNamespace(), cfg, IDX)
    with pytest.raises(TypeError, match=r"\(macro, capex, index, cfg\)"):
        build_factor(macro, empty_quarters(), IDX)
    with pytest.raises(TypeError, match=r"lacks \['capex', 'prices'\]"):
        build_factor_from_market(SimpleNamespace(macro=macro), cfg)


# ---------------------------------------------------------------------------------------------
# the surprise's trend window comes from [factor] surprise_trend_quarters
def test_capex_events_from_config_uses_surprise_trend_quarters(cfg):
    c = cfg.replace(
        universe={"hyperscalers": ["MSFT"]},
        factor={"surprise_trend_quarters": 2, "capex_growth_quarters": 4},
    )
    q = quarters("MSFT", [1.0, 2.0, 3.0, 4.0, 5.0])
    ev = capex_events(q, c)
    # trend of 2 quarters: expected = year-ago (1) x (3 + 4) / (1 + 2); with 4 it is undefined
    assert ev["surprise"].iloc[-1] == pytest.approx(math.log(5.0 / (7.0 / 3.0)))
    assert ev["surprise"].iloc[:-1].isna().all()
    assert capex_events(q, ["MSFT"], quarters=4)["surprise"].isna().all()
    idx = pd.bdate_range("2021-04-01", "2021-06-30", name="date")
    res = build_factor_tables(pd.DataFrame(index=pd.DatetimeIndex([], name="date")), q, idx, c)
    pd.testing.assert_frame_equal(res.events, ev)
    # the daily component shows the fresh surprise from the filing's available_at
    at = ev["available_at"].iloc[-1]
    assert res.components.loc[at, "capex_surprise"] == pytest.approx(ev["surprise"].iloc[-1])
    before = res.components.loc[: at - pd.Timedelta(days=1), "capex_surprise"]
    assert len(before) > 20 and before.isna().all()


def test_capex_events_validate_inputs():
    with pytest.raises(ValueError, match="`quarters` must be >= 1, got 0"):
        capex_events(quarters("A", [1.0]), ["A"], quarters=0)
    with pytest.raises(DataError, match=r"capex_events.*\['available_at'\]"):
        capex_events(quarters("A", [1.0]).drop(columns=["available_at"]), ["A"])


# ---------------------------------------------------------------------------------------------
# the regime needs a fresh ON RRP
def test_regime_switches_off_when_rrp_goes_stale(cfg):
    c = only(cfg, {"rrp_level": 1.0}, min_periods=3)
    res = build_factor(rrp_macro(), empty_quarters(), IDX, c)
    # Jan 12 (the last observation, 59 bn < 100) is known from Jan 15; the daily limit is
    # 10 calendar days, so ON RRP is fresh through Jan 22 and stale from Jan 23
    assert cfg.factor.staleness_days["daily"] == 10
    assert not res.regime.loc["2024-01-02"]  # nothing released yet
    assert res.regime.loc["2024-01-03":"2024-01-22"].all()
    assert not res.regime.loc["2024-01-23":].any()
    assert res.active["rrp_level"].loc["2024-01-22"]
    assert not res.active["rrp_level"].loc["2024-01-23"]


# ---------------------------------------------------------------------------------------------
# PCA: loadings' sign follows the zsum factor, against a plain-pandas twin
def test_pca_loadings_sign_follows_the_reference_by_hand():
    past = np.array([[1.0, -3.0], [-1.0, 3.0], [2.0, -6.0], [0.0, 0.0]])
    # all variance along (1, -3)/sqrt(10); the reference moves with the first column
    load = pca_loadings(past, past[:, 0])
    np.testing.assert_allclose(load, np.array([1.0, -3.0]) / math.sqrt(10.0), atol=1e-12)
    # a reference moving with the second column flips it; no usable reference: sum > 0
    np.testing.assert_allclose(pca_loadings(past, past[:, 1]), -load, atol=1e-12)
    np.testing.assert_allclose(pca_loadings(past, np.full(4, NAN)), -load, atol=1e-12)


def naive_pca(z: pd.DataFrame, zs: pd.Series, min_periods: int) -> pd.Series:
    """Slow twin: re-estimate at every month end with pandas slicing, apply until the next."""
    filled = z.fillna(0.0)
    month_ends = set(z.index.to_series().groupby(z.index.to_period("M")).max())
    out = pd.Series(NAN, index=z.index)
    load = None
    for d in z.index:
        if d in month_ends and z.loc[:d].dropna(how="all").shape[0] >= min_periods:
            past = filled.loc[:d].to_numpy()
            w, v = np.linalg.eigh(np.cov(past, rowvar=False))
            load = v[:, -1]
            ref = zs.loc[:d]
            ok = ref.notna().to_numpy()
            if np.corrcoef(past[ok] @ load, ref[ok])[0, 1] < 0:
                load = -load
        if load is not None and np.isfinite(zs.loc[d]):
            out.loc[d] = float(filled.loc[d].to_numpy() @ load)
    return out


def test_pca_factor_matches_a_plain_twin():
    rng = np.random.default_rng(5)
    idx = pd.bdate_range("2023-01-01", periods=130, name="date")
    common = rng.normal(size=len(idx)).cumsum() / 5
    z = pd.DataFrame(
        {
            c: common * s + rng.normal(size=len(idx))
            for c, s in (("a", 1.0), ("b", 0.5), ("c", -0.2))
        },
        index=idx,
    )
    z.iloc[:10, 2] = NAN  # a late component
    z.iloc[50:55, 1] = NAN
    zs = z.mean(axis=1).where(z.index >= idx[15])
    got = _pca_factor(z, zs, min_periods=30)
    want = naive_pca(z, zs, 30)
    pd.testing.assert_series_equal(got, want, check_names=False, rtol=1e-10)
    assert got.notna().sum() > 60
    assert got.corr(zs) > 0.5  # aligned with the zsum factor


# ---------------------------------------------------------------------------------------------
# the three CSV frames
def test_to_frames_layout(cfg):
    c = only(cfg, {"rrp_level": 1.0}, min_periods=3)
    res = build_factor(rrp_macro(), quarters("MSFT", [1.0, 2.0]), IDX, c)
    frames = res.to_frames()
    fac = frames["factor"]
    assert list(fac.columns) == ["date", "factor", "regime"]
    assert fac["date"].tolist() == [d.strftime("%Y-%m-%d") for d in IDX]
    assert fac["regime"].dtype == bool
    np.testing.assert_array_equal(fac["factor"].to_numpy(), res.factor.to_numpy())
    comp = frames["components"]
    assert comp.columns[0] == "date" and "rrp_level" in comp.columns and len(comp) == len(IDX)
    ev = frames["events"]
    assert list(ev.columns) == [
        "available_at",
        "ticker",
        "period_end",
        "capex_usd",
        "surprise",
        "dated_by",
        "accepted_at",
    ]
    assert ev["period_end"].tolist() == ["2020-03-31", "2020-06-30"]
    assert "defined 2024-01-05" in res.summary()  # three known RRP values: Jan 3, 4, 5

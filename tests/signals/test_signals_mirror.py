"""The factor on the real offline mirror: start date and component availability.

Expected dates are derived from the loaded tables (never copied from the mirror's files).
"""

import numpy as np
import pandas as pd
import pytest

from data.pit import available_date

pytestmark = pytest.mark.mirror


def last_index_date_within(idx: pd.DatetimeIndex, obs: pd.Timestamp, days: int) -> pd.Timestamp:
    return idx[idx <= obs + pd.Timedelta(days=days)][-1]


def test_factor_starts_with_the_first_component_that_has_its_history(mirror_factor):
    res = mirror_factor
    names = list(res.weights)
    assert set(names) == set(res.zscores.columns)
    # each component joins on its own first active date; the factor needs one of them
    firsts = pd.to_datetime(res.availability.loc[names, "first_active"])
    first = firsts.min()
    assert res.first_date == first
    assert np.isfinite(res.factor.loc[first])
    assert res.factor.loc[: first - pd.Timedelta(days=1)].isna().all()
    # the late repo spread (SOFR from 2018) joins years after the factor starts
    assert firsts["repo_spread"] > first + pd.Timedelta(days=365)
    after = res.factor.loc[first:]
    assert after.notna().mean() > 0.99


def test_reserves_drop_out_after_wresbal_ends(mirror_market, mirror_factor, cfg):
    idx = mirror_market.prices.index
    last_obs = mirror_market.macro["WRESBAL"].dropna().index[-1]
    released = available_date([last_obs], cfg.macro_lag("WRESBAL"))[0]
    limit = cfg.factor.staleness_days["weekly"]
    expected = last_index_date_within(idx, last_obs, limit)
    assert released <= expected < idx[-1]  # the series ends well before the other data
    av = mirror_factor.availability.loc["reserves_level"]
    assert av["last_active"] == expected.strftime("%Y-%m-%d")
    assert not mirror_factor.active["reserves_level"].loc[expected + pd.Timedelta(days=1) :].any()
    assert (
        mirror_factor.components["reserves_level"]
        .loc[expected + pd.Timedelta(days=1) :]
        .isna()
        .all()
    )
    # the factor carries on without it, renormalized over the remaining components
    assert mirror_factor.factor.loc[expected + pd.Timedelta(days=1) :].notna().mean() > 0.99


def test_capex_to_ocf_ends_with_the_last_company_reporting_both(mirror_market, mirror_factor, cfg):
    q = mirror_market.capex
    q = q[q["ticker"].isin(cfg.universe.hyperscalers)]
    both = q[q["concept"] == "capex"].merge(
        q[q["concept"] == "ocf"], on=["ticker", "period_end"], suffixes=("_capex", "_ocf")
    )
    end = both["period_end"].max()
    idx = mirror_market.prices.index
    limit = cfg.factor.staleness_days["quarterly"]
    expected = last_index_date_within(idx, end, limit)
    assert expected < idx[-1]
    assert mirror_factor.availability.loc["capex_to_ocf", "last_active"] == expected.strftime(
        "%Y-%m-%d"
    )
    # growth and surprises still come from the companies that keep reporting capex
    assert mirror_factor.active["capex_growth"].iloc[-1]
    assert mirror_factor.components["capex_ttm_bn"].notna().iloc[-1]


def test_mirror_summary_lists_every_component(mirror_factor):
    text = mirror_factor.summary()
    for name in mirror_factor.weights:
        assert name in text
    assert (mirror_factor.availability["share_active"] > 0).all()

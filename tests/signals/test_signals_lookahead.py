"""No look-ahead: perturbing every input released after t leaves the factor at and before t alone.

Macro observations are perturbed by their *release* date (observation date + the series' lag),
so an observation dated before t but released after t is perturbed too; capex vintages by
their ``available_at`` (values changed, rows dropped, restatements of old quarters added).
Prices do not enter the factor (their dates are only the index).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.pit import available_date
from signals import build_factor_tables

SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def perturb_after(macro: pd.DataFrame, capex: pd.DataFrame, cfg, t: pd.Timestamp, seed: int):
    """Change every macro observation released after t and every capex row available after t."""
    rng = np.random.default_rng(seed)
    m = macro.copy()
    for col in m.columns:
        released = available_date(m.index, cfg.macro_lag(col))
        late = np.asarray(released > t) & m[col].notna().to_numpy()
        k = int(late.sum())
        if k:
            noise = rng.normal(0.0, 1.0, k) * (m[col].abs().max() * 0.2 + 1.0)
            new = m.loc[late, col].to_numpy() + noise
            new[rng.random(k) < 0.1] = np.nan  # some observations disappear
            m.loc[late, col] = new
    q = capex.copy()
    late = q["available_at"] > t
    q.loc[late, "value"] = q.loc[late, "value"] * rng.uniform(0.2, 3.0, int(late.sum()))
    keep = ~late | (rng.random(len(q)) > 0.2)  # some future filings never happen
    q = q[keep]
    old = q[q["available_at"] <= t]
    if len(old):
        # restatements of already known quarters, filed after t
        pick = old.sample(n=min(5, len(old)), random_state=seed)
        gap = pd.to_timedelta(rng.integers(1, 400, len(pick)), unit="D")
        pick = pick.assign(value=pick["value"] * 1.7, available_at=t + gap, filed=t + gap)
        q = pd.concat([q, pick], ignore_index=True)
    return m, q


def assert_unchanged_through(base, other, t: pd.Timestamp) -> None:
    upto = base.factor.index <= t
    pd.testing.assert_series_equal(base.factor[upto], other.factor[upto], check_exact=True)
    pd.testing.assert_series_equal(base.regime[upto], other.regime[upto])
    for name in ("zscores", "components", "active"):
        pd.testing.assert_frame_equal(
            getattr(base, name)[upto], getattr(other, name)[upto], check_exact=True, obj=name
        )
    ev_b = base.events[base.events["available_at"] <= t].reset_index(drop=True)
    ev_o = other.events[other.events["available_at"] <= t].reset_index(drop=True)
    pd.testing.assert_frame_equal(ev_b, ev_o, check_exact=True, obj="events")


def something_changed_after(base, other, t: pd.Timestamp) -> bool:
    after = base.components.index > t
    a, b = base.components[after], other.components[after]
    return not a.equals(b)


@pytest.fixture(scope="module")
def syn_tables(syn_market):
    return syn_market.macro, syn_market.capex, syn_market.prices.index


@SETTINGS
@given(data=st.data())
def test_no_lookahead_synthetic(syn_tables, syn_factor, cfg, data):
    macro, capex, idx = syn_tables
    first = syn_factor.first_date
    lo = idx.get_loc(first) - 300  # also before the factor starts (z-scores, components)
    pos = data.draw(st.integers(lo, len(idx) - 5), label="t position")
    seed = data.draw(st.integers(0, 2**31 - 1), label="seed")
    t = idx[pos]
    m, q = perturb_after(macro, capex, cfg, t, seed)
    other = build_factor_tables(m, q, idx, cfg)
    assert_unchanged_through(syn_factor, other, t)
    assert something_changed_after(syn_factor, other, t)  # the perturbation bites


def test_observation_before_t_released_after_t_is_not_used(syn_tables, syn_factor, cfg):
    """A Wednesday H.4.1 level is public on Friday: on Thursday the factor must not see it."""
    macro, capex, idx = syn_tables
    thursdays = idx[(idx.day_of_week == 3) & (idx > syn_factor.first_date)]
    t = thursdays[len(thursdays) // 2]
    wednesday = t - pd.Timedelta(days=1)
    assert wednesday in macro.index and np.isfinite(macro.loc[wednesday, "WALCL"])
    m = macro.copy()
    m.loc[wednesday, ["WALCL", "WTREGEN", "WRESBAL"]] *= 0.5
    other = build_factor_tables(m, capex, idx, cfg)
    assert_unchanged_through(syn_factor, other, t)
    friday = t + pd.Timedelta(days=1)
    assert other.components.loc[friday, "reserves_level"] == pytest.approx(
        syn_factor.components.loc[friday, "reserves_level"] * 0.5
    )


@pytest.mark.parametrize("method", ["pca", "interaction"])
def test_no_lookahead_other_methods(syn_tables, cfg, method):
    macro, capex, idx = syn_tables
    c = cfg.replace(factor={"method": method})
    base = build_factor_tables(macro, capex, idx, c)
    t = idx[int(len(idx) * 0.7)]
    m, q = perturb_after(macro, capex, c, t, seed=11)
    other = build_factor_tables(m, q, idx, c)
    assert_unchanged_through(base, other, t)
    assert not base.factor[idx > t].equals(other.factor[idx > t])


@pytest.mark.mirror
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_no_lookahead_mirror(mirror_market, mirror_factor, cfg, data):
    macro, capex, idx = mirror_market.macro, mirror_market.capex, mirror_market.prices.index
    lo = idx.get_loc(mirror_factor.first_date) - 300
    pos = data.draw(st.integers(lo, len(idx) - 5), label="t position")
    seed = data.draw(st.integers(0, 2**31 - 1), label="seed")
    t = idx[pos]
    m, q = perturb_after(macro, capex, cfg, t, seed)
    other = build_factor_tables(m, q, idx, cfg)
    assert_unchanged_through(mirror_factor, other, t)
    assert something_changed_after(mirror_factor, other, t)

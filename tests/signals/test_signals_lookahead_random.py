"""No look-ahead on random markets generated here (independent of the synthetic simulator).

Each example draws a small random market (every default macro series, weekly H.4.1 series in
millions and billions, one ending early; capex, OCF and debt issuance with random filing lags,
a missing quarter, a company that stops reporting and restatements), a date t and a method,
then perturbs everything released after t: macro observations whose *release* (observation
date + the series' lag) is after t, capex vintages with ``available_at`` after t, new
restatements of old quarters filed after t and new quarters. Nothing at or before t may move.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from data.pit import available_date
from data.tables import QUARTERS_COLUMNS
from signals import build_factor

DAILY = ["DGS10", "DFII10", "T10Y2Y", "BAA10Y", "BAMLC0A0CM", "BAMLH0A0HYM2", "SOFR", "DFF"]
IDX = pd.bdate_range("2019-01-01", "2021-06-30", name="date")
TICKERS = ["MSFT", "GOOGL", "AMZN"]


def small_cfg(cfg, method: str):
    return cfg.replace(
        factor={
            "method": method,
            "min_periods": 40,
            "change_window": 10,
            "rrp_peak_window": 60,
            "rrp_exhausted_bn": 300.0,
        },
        universe={"hyperscalers": TICKERS},
    )


def random_macro(rng: np.random.Generator) -> pd.DataFrame:
    obs = pd.bdate_range("2018-10-01", IDX[-1], name="date")
    n = len(obs)
    m = pd.DataFrame(index=obs)
    for s in DAILY:
        m[s] = 2.0 + np.cumsum(rng.normal(0, 0.03, n))
    m["IORB"] = (m["DFF"] + 0.05).where(obs >= pd.Timestamp("2020-03-02"))
    m["RRPONTSYD"] = np.abs(500.0 + np.cumsum(rng.normal(0, 25.0, n)))  # billions
    holes = rng.random(m.shape) < 0.03  # holidays and missing cells
    m = m.mask(holes)
    wed = obs[obs.day_of_week == 2]
    k = len(wed)
    m.loc[wed, "WALCL"] = 7_000_000.0 + np.cumsum(rng.normal(0, 20_000.0, k))  # millions
    m.loc[wed, "WTREGEN"] = 600_000.0 + np.cumsum(rng.normal(0, 10_000.0, k))  # millions
    res = 3_000.0 + np.cumsum(rng.normal(0, 30.0, k))  # billions, ends early
    m.loc[wed, "WRESBAL"] = np.where(wed <= pd.Timestamp("2020-12-30"), res, np.nan)
    return m.astype(float)


def random_capex(rng: np.random.Generator) -> pd.DataFrame:
    ends = [p.end_time.normalize() for p in pd.period_range("2016Q1", "2021Q1", freq="Q")]
    rows = []
    for j, ticker in enumerate(TICKERS):
        level = rng.uniform(2e9, 8e9)
        for q, pe in enumerate(ends):
            if ticker == "AMZN" and pe > pd.Timestamp("2019-12-31"):
                break  # stops reporting
            if ticker == "GOOGL" and q == 9:
                continue  # one quarter never reported
            lag = int(rng.integers(25, 60))
            for concept, scale in (("capex", 1.0), ("ocf", 2.5), ("debt_issuance", 0.3)):
                if concept == "debt_issuance" and j == 0:
                    continue
                value = level * scale * np.exp(0.03 * q + rng.normal(0, 0.1))
                filed = pe + pd.Timedelta(days=lag)
                rows.append((ticker, concept, pe, value, filed))
                if rng.random() < 0.1:  # restated in a later filing
                    later = filed + pd.Timedelta(days=int(rng.integers(60, 300)))
                    rows.append((ticker, concept, pe, value * rng.uniform(0.8, 1.2), later))
    return quarter_table(rows)


def quarter_table(rows: list[tuple]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["ticker", "concept", "period_end", "value", "filed"])
    out["period_start"] = out["period_end"].dt.to_period("Q").dt.start_time
    out["available_at"] = out["filed"] + pd.offsets.BDay(1)
    out["source"] = "edgar"
    for c in ("period_start", "period_end", "filed", "available_at"):
        out[c] = out[c].astype("datetime64[ns]")
    return out[list(QUARTERS_COLUMNS)]


def perturb_after(macro, capex, cfg, t, rng):
    m = macro.copy()
    for col in m.columns:
        late = np.asarray(available_date(m.index, cfg.macro_lag(col)) > t)
        late &= m[col].notna().to_numpy()
        k = int(late.sum())
        new = m.loc[late, col].to_numpy() * rng.uniform(0.2, 3.0, k) + rng.normal(0, 1.0, k)
        new[rng.random(k) < 0.1] = np.nan
        m.loc[late, col] = new
    q = capex.copy()
    late = (q["available_at"] > t).to_numpy()
    q.loc[late, "value"] = q.loc[late, "value"] * rng.uniform(0.2, 3.0, int(late.sum()))
    q = q[~late | (rng.random(len(q)) > 0.2)]
    old = q[q["available_at"] <= t]
    extra = []
    if len(old):
        for _, r in old.sample(
            n=min(6, len(old)), random_state=int(rng.integers(1 << 30))
        ).iterrows():
            filed = t + pd.Timedelta(days=int(rng.integers(0, 200)))
            extra.append((r["ticker"], r["concept"], r["period_end"], r["value"] * 1.9, filed))
    nxt = (t + pd.offsets.QuarterEnd(1)).normalize()
    extra.append(("MSFT", "capex", nxt, 9e10, nxt + pd.Timedelta(days=1)))
    return m, pd.concat([q, quarter_table(extra)], ignore_index=True)


def assert_unchanged_through(base, other, t):
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


@settings(max_examples=20, deadline=None)
@given(
    market_seed=st.integers(0, 2**16),
    seed=st.integers(0, 2**31 - 1),
    pos=st.integers(0, len(IDX) - 30),
    method=st.sampled_from(["zsum", "pca", "interaction"]),
)
def test_no_lookahead_on_random_markets(cfg, market_seed, seed, pos, method):
    rng = np.random.default_rng(market_seed)
    c = small_cfg(cfg, method)
    macro, capex = random_macro(rng), random_capex(rng)
    base = build_factor(macro, capex, IDX, c)
    assert base.factor.notna().sum() > 100  # the generator yields a defined factor
    t = IDX[pos]
    m, q = perturb_after(macro, capex, c, t, np.random.default_rng(seed))
    other = build_factor(m, q, IDX, c)
    assert_unchanged_through(base, other, t)
    after = IDX > t
    assert not base.components[after].equals(other.components[after])  # the perturbation bites


def test_random_market_exercises_staleness_and_entry(cfg):
    """The generator covers what the property needs: a series ending, a company leaving."""
    res = build_factor(*_market(cfg), IDX, small_cfg(cfg, "zsum"))
    last_reserves = res.active["reserves_level"][res.active["reserves_level"]].index[-1]
    # the last Wednesday level (Dec 30) is used from Jan 1 (2B) until 21 days old
    assert last_reserves == pd.Timestamp("2021-01-20")
    assert res.factor.loc["2021-02-01":].notna().all()  # renormalized without reserves
    n = res.components["n_companies"]
    assert n.max() == 3 and n.loc["2021-03-01":].max() == 2  # AMZN stopped after 2019Q4


def _market(cfg):
    rng = np.random.default_rng(0)
    return random_macro(rng), random_capex(rng)

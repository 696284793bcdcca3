"""The universe robustness grid: pairs, absent members, trials, and a second-engine check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.engines.engine import run_backtest
from backtests.inference.samples import split_samples
from backtests.rotation.spec import RotationSpec
from backtests.rotation.targets import target_weights
from backtests.study.benchmarks import basket_mix_targets
from backtests.study.universes import declared_pairs, run_universe_grid
from backtests.study.window import backtest_window, cash_rate_series
from data.config import load_config
from data.errors import ConfigError
from data.loaders import load_market
from data.sources.synthetic_model import simulate_market
from signals import build_factor


@pytest.fixture(scope="module")
def world():
    cfg = load_config()
    market = load_market(cfg, source="synthetic")
    factor = build_factor(market, cfg)
    prices = backtest_window(market.prices, cfg, factor.factor)
    fac = factor.factor.reindex(prices.index)
    samples = split_samples(prices.index, cfg.run.oos_start, cfg.run.registered)
    cash = cash_rate_series(market, cfg, prices.index)
    return cfg, prices, fac, samples, cash


def _robust(cfg, near, long):
    base = cfg.to_dict()["universe"]["robustness"]
    drop_near = {k: [] for k in base["near"]}
    drop_long = {k: [] for k in base["long"]}
    return cfg.replace(
        universe={"robustness": {"near": {**drop_near, **near}, "long": {**drop_long, **long}}}
    )


def test_default_pairs_are_the_declared_cross_product(cfg):
    pairs = declared_pairs(cfg)
    rob = cfg.universe.robustness
    assert len(pairs) == len(rob["near"]) * len(rob["long"]) == 9
    assert ("memory", ("MU", "WDC", "STX", "SNDK")) == pairs[0][:2]
    assert {p[2] for p in pairs} == {"crypto", "software", "speculative"}
    assert declared_pairs(cfg.replace(universe={"robustness": {"enabled": False}})) == []
    assert cfg.replace(universe={"robustness": {"enabled": False}}).robustness_tickers == []


def test_robustness_members_are_optional_prices(cfg):
    extra = cfg.robustness_tickers
    assert {"VTV", "XLE", "ETH-USD", "WCLD"} <= set(extra)
    assert not set(extra) & set(cfg.tickers)


def test_bad_robustness_ticker_names_its_key(cfg):
    with pytest.raises(ConfigError, match=r"universe\.robustness\.near\.value"):
        cfg.replace(universe={"robustness": {"near": {"value": ["../etc"]}}})
    with pytest.raises(ConfigError, match=r"robustness\.near\], key `value` must be a list"):
        cfg.replace(universe={"robustness": {"near": {"value": "VTV"}}})


def test_extra_stream_leaves_the_other_synthetic_prices_unchanged(cfg):
    off = cfg.replace(universe={"robustness": {"enabled": False}}, synthetic={"end": "2016-12-30"})
    on = cfg.replace(synthetic={"end": "2016-12-30"})
    a = simulate_market(off, seed=3, effect_size=0.001).prices
    b = simulate_market(on, seed=3, effect_size=0.001).prices
    assert set(b) - set(a) == set(cfg.robustness_tickers)
    for t in a:
        pd.testing.assert_series_equal(a[t], b[t])


def test_pair_with_the_default_baskets_matches_a_second_engine(world):
    """One pair = the default baskets: its active Sharpe recomputed with the reference engine."""
    cfg, prices, fac, samples, cash = world
    c = _robust(cfg, {"default": list(cfg.universe.near)}, {"default": list(cfg.universe.long)})
    spec = RotationSpec.from_config(c)
    grid = run_universe_grid(c, fac, prices, spec, samples, cash)
    assert grid.n_trials == 1 and len(grid.rows) == 1
    row = grid.rows[0]
    assert row["run"] and row["note"] == ""
    px = prices[list(spec.tickers)]
    strat = run_backtest(px, target_weights(fac, px, spec), spec, engine="vectorbt", cash_rate=cash)
    mix = run_backtest(
        px, basket_mix_targets(px, spec, 0.5), spec, engine="vectorbt", cash_rate=cash
    )
    act = strat.returns - mix.returns
    for key, smp in (("in_sample", samples["in_sample"]), ("held_out", samples["held_out"])):
        a = smp.take(act).dropna()
        sr = float(a.mean() / a.std(ddof=1) * np.sqrt(252))
        assert row[f"{key}_active_sharpe"] == pytest.approx(sr, rel=1e-6)


def test_absent_members_are_left_out_and_empty_baskets_do_not_run(world):
    cfg, prices, fac, samples, cash = world
    c = _robust(cfg, {"memory": ["MU", "NOPE"], "ghost": ["ZZZZ"]}, {"crypto": ["BTC-USD"]})
    grid = run_universe_grid(c, fac, prices, RotationSpec.from_config(c), samples, cash)
    rows = {r["near"]: r for r in grid.rows if r["long"] == "crypto"}
    assert rows["memory"]["run"] and rows["memory"]["near_members"] == ["MU"]
    assert "NOPE" in rows["memory"]["note"]
    assert not rows["ghost"]["run"] and "ZZZZ" in rows["ghost"]["note"]
    assert rows["ghost"]["in_sample_active_sharpe"] is None
    assert grid.n_trials == sum(r["run"] for r in grid.rows)
    table = grid.frame("in_sample_active_sharpe")
    assert np.isnan(table.loc["ghost", "crypto"])
    assert table.loc["memory", "crypto"] == pytest.approx(rows["memory"]["in_sample_active_sharpe"])
    assert "not run" in grid.summary()


def test_report_grid_counts_as_trials(golden_report):
    out, m = golden_report
    grid = m["universes"]
    ran = [r for r in grid if r["run"]]
    assert len(ran) == 9  # the synthetic market simulates every declared member
    names = {r["near"] for r in grid}
    assert names == {"memory", "value", "energy"}
    t = m["inference"]["trials"]
    # sweep trials + ablation variants beyond the composite + pairs that ran, all of them
    # in the trial matrix (distinct, effective count, SPA, StepM, PBO)
    trend = 1 if (m.get("competing") or {}).get("trend_rotation") else 0  # a competing rule
    assert t["variants"] == (len(m["ablation"]) - 1) + len(ran) + trend
    assert t["raw"] >= t["distinct"] >= t["variants"]
    assert m["inference"]["pbo_splits"] is not None
    html = (out / "index.html").read_text()
    assert 'id="universe-grid"' in html
    assert "Universe robustness" in (out / "summary.md").read_text()


def test_grid_rendering_by_hand():
    from backtests.report.robustness import cell_text, universe_html, universe_markdown

    base = {"near_members": ["MU"], "long_members": ["BTC-USD"], "start": None, "end": None}
    rows = [
        {**base, "near": "memory", "long": "crypto", "run": True, "note": "",
         "in_sample_active_sharpe": 0.123, "held_out_active_sharpe": -0.3,
         "full_active_sharpe": 0.0, "predictive_pvalue": 0.0412},
        {**base, "near": "value", "long": "crypto", "run": False, "near_members": [],
         "note": "absent from the data: VTV", "in_sample_active_sharpe": None,
         "held_out_active_sharpe": None, "full_active_sharpe": None, "predictive_pvalue": None},
    ]  # fmt: skip
    assert cell_text(rows[0]) == "+0.12 / -0.30 (p 0.041)"
    assert cell_text(rows[1]) == "not run (absent from the data: VTV)"
    md = universe_markdown({"universes": rows, "inference": {"benchmark": "fifty_fifty"}})
    assert md[-2:] == [
        "| memory | +0.12 / -0.30 (p 0.041) |",
        "| value | not run (absent from the data: VTV) |",
    ]
    page = universe_html({"universes": rows, "inference": {"benchmark": "fifty_fifty"}})
    assert "The pair counts as a trial." in page and "near: value (none)" in page
    assert universe_html({"universes": []}) == "" and universe_markdown({}) == []


def test_a_member_that_stops_leaves_its_basket_and_the_note_says_when(world):
    """ETH-USD's prices end in the held-out sample: the crypto pair runs on with BTC-USD alone."""
    from backtests.rotation.prices import Prices
    from backtests.study.window import window_prices

    cfg, prices, fac, samples, cash = world
    c = _robust(
        cfg,
        {"memory": list(cfg.universe.near)},
        {"crypto": ["BTC-USD", "ETH-USD"], "software": ["IGV"]},
    )
    last = prices.index[-60]
    cut = prices.copy()
    cut.loc[cut.index > last, "ETH-USD"] = np.nan
    checked = window_prices(cut, c)
    assert checked.stops == {"ETH-USD": last}
    # the stop is known once the last price is older than the crypto staleness limit
    limit = int(c.data.staleness_days["crypto"])
    known = last + pd.Timedelta(days=limit)
    assert checked.leaves == {"ETH-USD": known}
    spec = RotationSpec.from_config(c)
    grid = run_universe_grid(c, fac, checked, spec, samples, cash)
    rows = {r["long"]: r for r in grid.rows}
    after = prices.index[prices.index > known][0].date()
    assert (
        f"ETH-USD stops on {last.date()}, out of its basket from {after}" in rows["crypto"]["note"]
    )
    assert rows["crypto"]["run"] and rows["crypto"]["end"] == prices.index[-1].strftime("%Y-%m-%d")
    # the other pair is the same as without the stop; the crypto pair equals BTC-USD alone
    # from the session after the stop on (checked against targets built by hand)
    plain = run_universe_grid(c, fac, Prices(prices), spec, samples, cash)
    assert {k: v for k, v in plain.rows[1].items()} == rows["software"]
    pair = checked.select(("MU", "WDC", "STX", "SNDK", "BTC-USD", "ETH-USD"))
    t = target_weights(fac, pair, spec.replace(long=("BTC-USD", "ETH-USD")))
    assert t.loc[t.index > known, "ETH-USD"].fillna(0.0).eq(0.0).all()
    held = t.loc[t.index <= last].dropna()
    assert (held["ETH-USD"] > 0).any()  # it was in the basket before
    # between its last price and the day the stop is known it is still a member: no decision
    # uses the stop before it could be seen
    from backtests.rotation.baskets import active_members

    member = active_members(pair.frame, ["BTC-USD", "ETH-USD"], stops=pair.leaves)["ETH-USD"]
    between = member.loc[(member.index > last) & (member.index <= known)]
    assert len(between) and between.all() and not member.loc[member.index > known].any()
    assert rows["crypto"]["full_active_sharpe"] != plain.rows[0]["full_active_sharpe"]


def test_a_main_member_that_stops_does_not_end_the_window(world):
    cfg, prices, *_ = world
    cut = prices.copy()
    cut.loc[cut.index > prices.index[-60], "WDC"] = np.nan
    assert backtest_window(cut, cfg).index[-1] == prices.index[-1]
    # a one-session tail is within the staleness limit: a ragged edge, it ends the window
    ragged = prices.copy()
    ragged.loc[prices.index[-1], "WDC"] = np.nan
    assert backtest_window(ragged, cfg).index[-1] == prices.index[-2]

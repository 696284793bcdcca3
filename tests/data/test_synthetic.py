"""The synthetic market: determinism, mirror layout through the real parsers, stylized facts,
point-in-time truth and the recoverability of the planted effect."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.diagnostic import acorr_ljungbox

from data.calendar import to_business_days
from data.config import load_config
from data.errors import ConfigError, DataError
from data.fundamentals import as_of, quarterly_from_ytd
from data.pit import macro_known_at
from data.sources.edgar import parse_companyfacts
from data.sources.fred import parse_fredgraph_csv
from data.sources.synthetic import SyntheticTruth, write_synthetic_mirror
from data.sources.synthetic_model import scarcity_truth, simulate_market
from data.sources.yahoo import parse_price_csv

SHORT = {"start": "2019-01-01", "end": "2021-06-30"}  # a small world for the cheap tests


def tree_hash(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def read_prices(root: Path, tickers) -> pd.DataFrame:
    frames = [parse_price_csv(root / "prices" / f"{t}.csv", t) for t in tickers]
    return pd.concat(frames, axis=1, sort=True)


def read_truth(root: Path) -> pd.DataFrame:
    return pd.read_csv(root / "truth" / "scarcity.csv", index_col="date", parse_dates=["date"])


def ols_t(y: pd.Series, x: pd.Series) -> tuple[float, float]:
    ok = y.notna() & x.notna()
    res = sm.OLS(y[ok].to_numpy(), sm.add_constant(x[ok].to_numpy())).fit()
    return float(res.params[1]), float(res.tvalues[1])


def spread_from(prices: pd.DataFrame, cfg) -> pd.Series:
    r = prices.pct_change(fill_method=None)
    return r[list(cfg.universe.near)].mean(axis=1) - r[list(cfg.universe.long)].mean(axis=1)


@pytest.fixture(scope="module")
def short_cfg(cfg):
    return cfg.replace(synthetic=SHORT)


@pytest.fixture(scope="module")
def bday_prices(synthetic_dir, cfg) -> pd.DataFrame:
    # the simulator's own calendar is Monday-Friday; the loaders put it on the NYSE's
    return to_business_days(read_prices(synthetic_dir, cfg.tickers), calendar="BDAY")


@pytest.fixture(scope="module")
def fundamentals(synthetic_dir, cfg) -> pd.DataFrame:
    docs = []
    for t in cfg.universe.hyperscalers:
        path = synthetic_dir / "edgar" / f"CIK{str(cfg.universe.cik[t]).zfill(10)}.json"
        docs.append(parse_companyfacts(path, t))
    return pd.concat(docs, ignore_index=True)


# --- determinism and the files written -------------------------------------------------------


def test_same_seed_byte_identical_other_seed_differs(short_cfg, tmp_path):
    a = write_synthetic_mirror(tmp_path / "a", short_cfg, seed=7)
    b = write_synthetic_mirror(tmp_path / "b", short_cfg, seed=7)
    c = write_synthetic_mirror(tmp_path / "c", short_cfg, seed=8)
    ha, hb, hc = tree_hash(tmp_path / "a"), tree_hash(tmp_path / "b"), tree_hash(tmp_path / "c")
    assert ha == hb
    assert ha == dict(a.files) == dict(b.files)  # the provenance reported is the tree written
    assert set(hc) == set(ha)
    differ = [k for k in ha if k.startswith(("prices/", "fred/", "edgar/")) and ha[k] != hc[k]]
    same = sorted(k for k in ha if k.startswith(("prices/", "edgar/")) and ha[k] == hc[k])
    assert same == [] and len(differ) > 30
    assert not c.scarcity.equals(a.scarcity)


def test_effect_size_changes_only_the_baskets(short_cfg, tmp_path):
    null = write_synthetic_mirror(tmp_path / "n", short_cfg, seed=3, effect_size=0.0)
    eff = write_synthetic_mirror(tmp_path / "e", short_cfg, seed=3, effect_size=0.002)
    basket = {f"prices/{t}.csv" for t in (*short_cfg.universe.near, *short_cfg.universe.long)}
    # robustness-basket members carry the planted effect of their side too
    basket |= {f"prices/{t}.csv" for t in short_cfg.robustness_tickers}
    changed = {k for k in null.files if null.files[k] != eff.files[k]}
    assert changed == basket | {"truth/scarcity.csv", "SYNTHETIC.md", "synthetic.json"}
    pd.testing.assert_series_equal(null.scarcity, eff.scarcity)
    assert (null.expected_spread == 0).all()
    exp = 0.002 * eff.scarcity.shift(1).fillna(0.0)
    np.testing.assert_allclose(eff.expected_spread.to_numpy(), exp.to_numpy(), atol=1e-15)


def test_markers_and_truth_file(synthetic_dir, cfg):
    meta = json.loads((synthetic_dir / "synthetic.json").read_text())
    assert meta["synthetic"] is True
    assert meta["seed"] == cfg.synthetic.seed and meta["effect_size"] == cfg.synthetic.effect_size
    md = (synthetic_dir / "SYNTHETIC.md").read_text()
    assert "SYNTHETIC DATA" in md and f"seed: {cfg.synthetic.seed}" in md
    truth = read_truth(synthetic_dir)
    assert list(truth.columns) == [
        "scarcity",
        "capex_growth",
        "rrp_bn",
        "expected_spread",
        "spread",
    ]
    s = truth["scarcity"].dropna()
    assert abs(s.mean()) < 1e-8 and s.std() == pytest.approx(1.0, abs=1e-8)
    assert (truth.index.day_of_week < 5).all()
    # row t holds the expectation realized on t: effect x scarcity of the previous row
    exp = cfg.synthetic.effect_size * truth["scarcity"].shift(1).fillna(0.0)
    np.testing.assert_allclose(truth["expected_spread"], exp, atol=1e-11)


def test_truth_object_summary_and_timing(short_cfg, tmp_path):
    truth = write_synthetic_mirror(tmp_path / "s", short_cfg, seed=5, effect_size=0.001)
    assert isinstance(truth, SyntheticTruth)
    text = truth.summary()
    assert str(truth) == text
    assert "SYNTHETIC" in text and "seed 5" in text and "effect_size 0.001" in text
    assert truth.seconds < 5.0, f"generation took {truth.seconds:.2f} s"
    assert truth.implied_sharpe() > 0


def test_rewrite_replaces_stale_files_and_refuses_unmarked_mirrors(short_cfg, tmp_path):
    write_synthetic_mirror(tmp_path / "m", short_cfg, seed=1)
    (tmp_path / "m" / "prices" / "OLD.csv").write_text("Date,Close\n2020-01-02,1.0\n")
    write_synthetic_mirror(tmp_path / "m", short_cfg, seed=2)
    assert not (tmp_path / "m" / "prices" / "OLD.csv").exists()
    real = tmp_path / "real"
    (real / "prices").mkdir(parents=True)
    (real / "prices" / "SPY.csv").write_text("Date,Close\n2020-01-02,1.0\n")
    with pytest.raises(DataError, match="without a synthetic.json marker"):
        write_synthetic_mirror(real, short_cfg)
    assert (real / "prices" / "SPY.csv").read_text() == "Date,Close\n2020-01-02,1.0\n"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"seed": -1}, "`seed` must be an integer >= 0, got -1"),
        ({"seed": 1.5}, "`seed` must be an integer"),
        ({"effect_size": float("nan")}, "`effect_size` must be a finite number"),
        ({"effect_size": 0.5}, r"in \(-0.05, 0.05\), got 0.5"),
    ],
)
def test_bad_arguments_are_named(short_cfg, tmp_path, kwargs, match):
    with pytest.raises(ConfigError, match=match):
        write_synthetic_mirror(tmp_path, short_cfg, **kwargs)


def test_bad_model_config_is_named(tmp_path):
    bad = load_config(synthetic={**SHORT, "garch_alpha": 0.2, "garch_beta": 0.85})
    with pytest.raises(ConfigError, match="garch_alpha \\+ garch_beta` must be < 1"):
        write_synthetic_mirror(tmp_path, bad)
    bad = load_config(synthetic={**SHORT, "rrp_drain_end": "2020-01-01"})
    with pytest.raises(ConfigError, match="RRP dates must be in order"):
        write_synthetic_mirror(tmp_path, bad)
    bad = load_config(synthetic={**SHORT, "end": ""})
    with pytest.raises(ConfigError, match="`synthetic.end` must be a date, got ''"):
        write_synthetic_mirror(tmp_path, bad)
    bad = load_config(synthetic={**SHORT, "end": "2019-03-01"})
    with pytest.raises(ConfigError, match="at least 300 business days, got 44"):
        write_synthetic_mirror(tmp_path, bad)
    assert not any(tmp_path.iterdir())  # nothing written on a config error


# --- the layout, through the real parsers ------------------------------------------------------


def test_prices_parse_crypto_weekends_equity_weekdays(synthetic_dir, cfg):
    start, end = pd.Timestamp(cfg.synthetic.start), pd.Timestamp(cfg.synthetic.end)
    for t in cfg.tickers:
        px = parse_price_csv(synthetic_dir / "prices" / f"{t}.csv", t)[t]
        assert (px > 0).all() and px.index.is_monotonic_increasing
        if t in cfg.data.crypto:
            assert len(px) == (end - start).days + 1  # every calendar day
            assert (px.index.day_of_week >= 5).sum() > 1000
        else:
            assert (px.index.day_of_week < 5).all()
    sndk = parse_price_csv(synthetic_dir / "prices" / "SNDK.csv", "SNDK")
    assert sndk.index[0] == pd.Timestamp(cfg.synthetic.late_start)  # a Monday: starts late
    spy = parse_price_csv(synthetic_dir / "prices" / "SPY.csv", "SPY")
    assert spy.index[0] == pd.Timestamp("2014-01-01") and len(spy) == len(
        pd.bdate_range(start, end)
    )


def test_fred_files_parse_in_their_units_and_calendars(synthetic_dir, cfg):
    got = {s: parse_fredgraph_csv(synthetic_dir / "fred" / f"{s}.csv", s) for s in cfg.macro.series}
    assert set(got) == set(cfg.macro.series)
    text = (synthetic_dir / "fred" / "DGS10.csv").read_text().splitlines()
    assert text[0] == "observation_date,DGS10" and "2014-01-01," in text  # New Year: empty
    for s in ("WALCL", "WTREGEN", "WRESBAL"):
        assert (got[s].index.day_of_week == 2).all()  # Wednesday levels
    assert got["ACMTP10"].index.is_month_end.all()
    assert len(got["DFF"]) == (pd.Timestamp("2025-12-31") - pd.Timestamp("2014-01-01")).days + 1
    assert got["SOFR"].index[0] == pd.Timestamp("2018-04-03")
    assert got["IORB"].index[0] == pd.Timestamp("2021-07-29")
    rrp = got["RRPONTSYD"].dropna()
    assert 1500 < rrp.max() < 3500 and rrp["2025"].median() < 50  # billions: fills, drains
    assert rrp.idxmax().year in (2021, 2022, 2023)
    assert 3e6 < got["WALCL"].min() and got["WALCL"].max() < 1.2e7  # millions
    assert 300 <= got["WRESBAL"].min() and got["WRESBAL"].max() < 6000  # billions
    for s in ("DGS10", "DGS2", "DGS3MO", "DFF", "SOFR", "BAA10Y", "BAMLH0A0HYM2"):
        assert -0.5 < got[s].min() and got[s].max() < 12, s  # percent
    d = pd.concat([got["DGS10"], got["DGS2"], got["T10Y2Y"]], axis=1).dropna()
    assert ((d["DGS10"] - d["DGS2"] - d["T10Y2Y"]).abs() < 0.011).all()
    assert 9 <= got["VIXCLS"].min() and got["VIXCLS"].median() < 30


def test_edgar_layout_fiscal_years_and_filing_lags(fundamentals, cfg):
    f = fundamentals[fundamentals["concept"] == "capex"]
    assert set(f["ticker"]) == set(cfg.universe.hyperscalers)
    assert set(fundamentals["concept"]) == {"capex", "ocf", "debt_issuance"}
    fy_end = f[f["form"] == "10-K"].groupby("ticker")["period_end"].agg(lambda s: set(s.dt.month))
    assert fy_end["MSFT"] == {6} and fy_end["ORCL"] == {5} and fy_end["AMZN"] == {12}
    first = f.sort_values("filed").drop_duplicates(["ticker", "period_start", "period_end"])
    lag = (first["filed"] - first["period_end"]).dt.days
    months = ((first["period_end"] - first["period_start"]).dt.days / 30.4).round()
    q = first["form"] == "10-Q"
    assert lag[q].between(25, 42).all() and lag[~q].between(30, 62).all()
    assert set(months[q]) == {3, 6, 9} and set(months[~q]) == {12}
    assert (first["filed"].dt.day_of_week < 5).all()


def test_ytd_facts_difference_into_positive_quarters(fundamentals):
    quarters = quarterly_from_ytd(fundamentals)
    for concept in ("capex", "ocf"):
        assert (quarters.loc[quarters["concept"] == concept, "value"] > 0).all(), concept
    assert (quarters.loc[quarters["concept"] == "debt_issuance", "value"] >= 0).all()
    # the first vintages of a fiscal year's four quarters add up to the first 10-K value
    capex = quarters[quarters["concept"] == "capex"].drop_duplicates(
        ["ticker", "period_end"], keep="first"
    )
    tenk = fundamentals[(fundamentals["concept"] == "capex") & (fundamentals["form"] == "10-K")]
    tenk = tenk.sort_values("filed").drop_duplicates(["ticker", "period_end"], keep="first")
    for row in tenk.itertuples():
        inside = capex[
            (capex["ticker"] == row.ticker)
            & (capex["period_start"] >= row.period_start)
            & (capex["period_end"] <= row.period_end)
        ]
        assert len(inside) == 4 and inside["value"].sum() == row.value


def test_restatements_and_funding_gap(fundamentals):
    vals = fundamentals.groupby(["ticker", "concept", "period_start", "period_end"])["value"]
    restated = vals.nunique()
    assert (restated > 1).sum() >= 5  # the same period filed again with another value
    assert (restated > 1).mean() < 0.2
    q = quarterly_from_ytd(fundamentals).drop_duplicates(
        ["ticker", "concept", "period_end"], keep="first"
    )
    wide = q.pivot_table(index=["ticker", "period_end"], columns="concept", values="value")
    assert (wide["ocf"] > wide["capex"]).mean() > 0.9  # OCF covers capex most of the time
    gap = wide["capex"] > 0.85 * wide["ocf"]
    assert gap.sum() >= 3
    assert wide.loc[gap, "debt_issuance"].mean() > 2 * wide.loc[~gap, "debt_issuance"].mean()


# --- point-in-time truth -------------------------------------------------------------------------


def test_truth_components_are_known_at_t(tmp_path):
    """Rebuild the truth's inputs from the written files with the pipeline's own PIT tools."""
    cfg = load_config(synthetic={"restatement_prob": 0.0})
    root = tmp_path / "pit"
    truth = write_synthetic_mirror(root, cfg, seed=11)
    funda = pd.concat(
        [
            parse_companyfacts(root / "edgar" / f"CIK{str(cfg.universe.cik[t]).zfill(10)}.json", t)
            for t in cfg.universe.hyperscalers
        ]
    )
    quarters = quarterly_from_ytd(funda)
    quarters = quarters[quarters["concept"] == "capex"]
    rrp = parse_fredgraph_csv(root / "fred" / "RRPONTSYD.csv", "RRPONTSYD").to_frame()
    dates = truth.scarcity.index[::97]
    rrp_known, _ = macro_known_at(rrp, cfg, dates)
    np.testing.assert_allclose(truth.components.loc[dates, "rrp_bn"], rrp_known["RRPONTSYD"])
    for t in dates:
        known = as_of(quarters, t).sort_values("period_end")
        last8 = known.groupby("ticker").tail(8).groupby("ticker")["value"]
        now = last8.apply(lambda v: v.iloc[-4:].sum()).sum()
        prev = last8.apply(lambda v: v.iloc[:4].sum()).sum()
        assert truth.components.loc[t, "capex_growth"] == pytest.approx(
            np.log(now / prev), abs=1e-12
        )


def test_truth_inputs_ignore_the_future(short_cfg):
    """Perturb filings filed on or after t and RRP observed on or after t: nothing at t moves."""
    m = simulate_market(short_cfg, seed=6, effect_size=0.0)
    days = m.scarcity.index
    rrp = m.macro["RRPONTSYD"]
    for t in (pd.Timestamp("2020-02-14"), pd.Timestamp("2020-11-02")):  # a Friday, a Monday
        q = m.quarters.copy()
        q.loc[q["filed"] >= t, "capex"] *= 3.0
        r = rrp.where(rrp.index < t, 0.0)
        _, base = scarcity_truth(short_cfg, m.quarters, rrp, days)
        _, moved = scarcity_truth(short_cfg, q, r, days)
        cols = ["capex_growth", "rrp_bn"]
        pd.testing.assert_frame_equal(base.loc[:t, cols], moved.loc[:t, cols])
        assert not base.loc[t:, cols].equals(moved.loc[t:, cols])  # the perturbation bites


def test_capex_boom_switch(cfg):
    on = simulate_market(cfg, seed=4, effect_size=0.0).components["capex_growth"]
    off_cfg = cfg.replace(synthetic={"capex_boom": False})
    off = simulate_market(off_cfg, seed=4, effect_size=0.0).components["capex_growth"]
    pd.testing.assert_series_equal(on[:"2022-12-31"], off[:"2022-12-31"])
    assert on["2025"].mean() > off["2025"].mean() + 0.2


# --- stylized facts -------------------------------------------------------------------------------


def test_fat_tails_and_volatility_clustering(bday_prices):
    r = bday_prices.pct_change(fill_method=None)
    kurt = r.kurt()
    assert kurt["SPY"] > 1 and kurt["MU"] > 1 and kurt["BTC-USD"] > 1
    assert kurt.median() > 1.5
    for t in ("SPY", "MU", "BTC-USD"):
        x = r[t].dropna()
        sq = x**2 - (x**2).mean()
        acf = [
            float(sq.iloc[k:].to_numpy() @ sq.iloc[:-k].to_numpy() / (sq @ sq))
            for k in (1, 2, 3, 4, 5)
        ]
        assert np.mean(acf) > 0.02, (t, acf)
        assert acorr_ljungbox(x**2, lags=[10])["lb_pvalue"].iloc[0] < 0.001, t


def test_crypto_weekend_moves_land_on_monday(synthetic_dir, bday_prices):
    btc = parse_price_csv(synthetic_dir / "prices" / "BTC-USD.csv", "BTC-USD")["BTC-USD"]
    weekend = btc.pct_change()[btc.index.day_of_week >= 5]
    assert (weekend.abs() > 1e-4).mean() > 0.9  # weekend rows move
    monday = bday_prices["BTC-USD"].pct_change()[bday_prices.index.day_of_week == 0]
    fri_to_mon = btc.reindex(monday.index) / btc.shift(3).reindex(monday.index) - 1
    np.testing.assert_allclose(monday.dropna(), fri_to_mon[monday.notna()], rtol=1e-12)


# --- the planted effect ---------------------------------------------------------------------------


def test_planted_effect_recovered_from_the_files(synthetic_dir, bday_prices, cfg):
    truth = read_truth(synthetic_dir)
    spread = spread_from(bday_prices, cfg)
    # the files give back the spread the simulator realized
    np.testing.assert_allclose(
        spread.dropna(), truth["spread"].reindex(spread.index).dropna(), atol=1e-10
    )
    slope, t = ols_t(spread, truth["scarcity"].shift(1).reindex(spread.index))
    assert t > 2 and slope > 0


@pytest.fixture(scope="module")
def seed_pairs(cfg):
    """Eight worlds, each with and without the default effect (same innovations)."""
    out = []
    for seed in range(900, 908):
        pair = [
            simulate_market(cfg, seed=seed, effect_size=e) for e in (0.0, cfg.synthetic.effect_size)
        ]
        out.append([ols_t(m.spread, m.scarcity.shift(1)) for m in pair])
    return np.array(out)  # (seed, null/effect, slope/t)


def test_effect_is_the_slope_difference_in_each_world(seed_pairs, cfg):
    diff = seed_pairs[:, 1, 0] - seed_pairs[:, 0, 0]
    np.testing.assert_allclose(diff, cfg.synthetic.effect_size, rtol=0.01)


def test_null_world_has_no_slope_and_default_effect_has_power(seed_pairs):
    t_null, t_eff = seed_pairs[:, 0, 1], seed_pairs[:, 1, 1]
    assert abs(t_null.mean()) < 1.0 and (np.abs(t_null) > 2.5).sum() <= 1
    assert t_eff.mean() > 2.0 and (t_eff > 2).sum() >= 5

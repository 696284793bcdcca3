"""The mechanism stage of the main report, end to end on the synthetic market.

``run_pipeline`` (small settings) runs the study; the report writes ``metrics.json`` and
``mechanism.csv``. The block is checked against the contract and against an independent
statsmodels computation from the CSV alone (slope, HC3 error, one-sided p, Holm, the
state-difference Wald test); the panel's rows are checked not to move when every input is cut
after a date, through the same wiring (``run_pipeline`` on the cut market).
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from backtests.report import write_report
from backtests.report.metrics import validate_metrics
from backtests.study.pipeline import run_pipeline
from data.config import load_config
from data.loaders import load_market

pytestmark = pytest.mark.slow

SMALL = {
    "synthetic": {"seed": 42},
    "inference": {"bootstrap_reps": 50, "placebo_reps": 10, "pbo_splits": 4},
    "mechanism": {"threshold_boot": 49, "horizons": 6},
}
CONTRACT_LINK = {
    "name",
    "shock",
    "outcome",
    "horizon",
    "sign",
    "beta",
    "se",
    "pvalue",
    "pvalue_adjusted",
    "label",
    "n",
    "by_state",
    "state_diff_pvalue",
    "irf",
}
CONTRACT_THRESHOLD = {"shock", "outcome", "variable", "gamma", "gamma_ci", "sup_wald", "pvalue"}


def _run(cfg, market=None):
    return run_pipeline(
        cfg,
        source="synthetic",
        market=market,
        with_sweep=False,
        with_ablation=False,
        with_universes=False,
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    cfg = load_config(**SMALL)
    res = _run(cfg)
    out = tmp_path_factory.mktemp("mech") / "synthetic"
    paths = write_report(res, out)
    metrics = json.loads(paths.metrics.read_text())
    csv = pd.read_csv(out / "mechanism.csv", index_col="date", parse_dates=["date"])
    return cfg, res, out, metrics, csv


def test_block_follows_the_contract(report):
    cfg, _, _, m, csv = report
    validate_metrics(m)
    mech = m["mechanism"]
    assert {"frequency", "lags", "errors", "state", "links", "threshold"} <= set(mech)
    assert mech["frequency"] == "monthly" and mech["lags"] == cfg.mechanism.lags
    assert mech["errors"] == "lag_augmented"  # the main study's default (docs/POWER.md)
    assert {"variable", "rule"} <= set(mech["state"])
    assert [r["name"] for r in mech["links"]] == list(cfg.mechanism.run)  # none dropped
    for r in mech["links"]:
        assert CONTRACT_LINK <= set(r)
        assert set(r["by_state"]) == {"exhausted", "ample"}
        for st in r["by_state"].values():
            assert {"beta", "se", "n"} <= set(st)
        assert [p["h"] for p in r["irf"]] == list(range(cfg.mechanism.horizons + 1))
        assert all({"h", "beta", "lo90", "hi90"} <= set(p) for p in r["irf"])
        for name in (r["shock"], r["outcome"]):
            assert name in csv.columns  # the CSV names are the links' names
    assert "state" in csv.columns
    assert [t["link"] for t in mech["threshold"]] == list(cfg.mechanism.threshold_links)
    for t in mech["threshold"]:
        assert CONTRACT_THRESHOLD | {"n_boot"} <= set(t)
        assert t["n_boot"] == 49 and t["horizon"] == 0  # the one-step change
        assert t["variable"] in csv.columns
    # the rotation's verdict says which links hold
    assert mech["sentence"] in m["verdict"]["sentence"]


def _design(csv: pd.DataFrame, shock: str, outcome: str, h: int, lags: int) -> pd.DataFrame:
    y, x = csv[outcome], csv[shock]
    dy = y.diff()
    cols = {"out": y.shift(-h) - y.shift(1), "const": 1.0, "x": x}
    for j in range(1, lags + 1):
        cols[f"dy{j}"] = dy.shift(j)
        cols[f"x{j}"] = x.shift(j)
    return pd.DataFrame(cols, index=csv.index).dropna()


@pytest.mark.parametrize("name", ["capex_spread", "capex_10y"])
def test_a_link_recomputed_from_the_csv_with_statsmodels(report, name):
    cfg, _, _, m, csv = report
    row = next(r for r in m["mechanism"]["links"] if r["name"] == name)
    h, lags = row["horizon"], cfg.mechanism.lags
    d = _design(csv, row["shock"], row["outcome"], h, lags)
    fit = sm.OLS(d["out"], d.drop(columns="out")).fit(cov_type="HC3")
    assert row["n"] == len(d)
    assert row["beta"] == pytest.approx(fit.params["x"], rel=1e-6)
    assert row["se"] == pytest.approx(fit.bse["x"], rel=1e-6)
    t = fit.params["x"] / fit.bse["x"]
    assert row["pvalue"] == pytest.approx(sps.norm.sf(row["sign"] * t), rel=1e-5, abs=1e-9)
    # the state split: every regressor interacted with the state at t, one HC3 covariance
    s = csv["state"].reindex(d.index)
    keep = s.notna()
    X = d.drop(columns="out")[keep]
    Xs = pd.concat(
        [X.mul(s[keep], axis=0).add_suffix("_ex"), X.mul(1 - s[keep], axis=0).add_suffix("_am")],
        axis=1,
    )
    fs = sm.OLS(d["out"][keep], Xs).fit(cov_type="HC3")
    assert row["by_state"]["exhausted"]["beta"] == pytest.approx(fs.params["x_ex"], rel=1e-6)
    assert row["by_state"]["ample"]["beta"] == pytest.approx(fs.params["x_am"], rel=1e-6)
    wald = fs.t_test("x_ex - x_am")
    p_diff = float(2 * sps.norm.sf(abs(np.asarray(wald.tvalue).item())))
    assert row["state_diff_pvalue"] == pytest.approx(p_diff, rel=1e-5, abs=1e-9)


def test_holm_adjustment_recomputed(report):
    _, _, _, m, _ = report
    prim = [
        r for r in m["mechanism"]["links"] if r.get("primary", True) and r["pvalue"] is not None
    ]
    adj = multipletests([r["pvalue"] for r in prim], method="holm")[1]
    assert [r["pvalue_adjusted"] for r in prim] == pytest.approx(list(adj), abs=1e-12)


def test_threshold_recomputed_from_the_csv(report):
    """gamma minimises the SSR of the one-step change over the trimmed grid (by brute force)."""
    cfg, _, _, m, csv = report
    t = m["mechanism"]["threshold"][0]
    y, x, q = csv[t["outcome"]].diff(), csv[t["shock"]], csv[t["variable"]]
    cols = {"y": y, "const": 1.0, "x": x, "q": q}
    for j in range(1, cfg.mechanism.lags + 1):
        cols[f"dy{j}"], cols[f"x{j}"] = y.shift(j), x.shift(j)
    d = pd.DataFrame(cols, index=csv.index).dropna()
    assert t["n"] == len(d)
    m_ = int(np.ceil(cfg.mechanism.threshold_trim * len(d) - 1e-9))
    best = (np.inf, None)
    for g in np.unique(d["q"]):
        below = d["q"] <= g
        if below.sum() < m_ or (~below).sum() < m_:
            continue
        X = d.drop(columns=["y", "x", "q"]).assign(xb=d["x"] * below, xa=d["x"] * ~below)
        ssr = sm.OLS(d["y"], X.astype(float)).fit().ssr
        best = min(best, (ssr, g), key=lambda b: b[0])
    assert t["gamma"] == pytest.approx(best[1], rel=1e-9)


def test_section_on_the_page(report):
    _, _, out, m, _ = report
    page = (out / "index.html").read_text()
    assert "<h2 id='mechanism'>Does the mechanism hold?</h2>" in page
    first_screen = page[: page.index("<h2>Data coverage</h2>")]
    assert "href='#mechanism'" in first_screen
    for i, r in enumerate(m["mechanism"]["links"]):
        if r["beta"] is not None:
            assert f'data-key="mechanism.links.{i}.beta" data-value="{r["beta"]!r}"' in page
    assert "Impulse responses of each link by idle-money state" in page
    assert "Does the mechanism hold?" in (out / "summary.md").read_text()
    assert (out / "figures" / "mechanism_irf.png").is_file()
    assert (out / "figures" / "mechanism_threshold.png").is_file()


def _cut_market(market, cut: pd.Timestamp):
    fund = market.fundamentals
    return dataclasses.replace(
        market,
        prices=market.prices.loc[:cut],
        macro=market.macro.loc[:cut],
        capex=market.capex[market.capex["available_at"] <= cut],
        fundamentals=fund[pd.to_datetime(fund["filed"]) <= cut] if len(fund) else fund,
    )


def test_panel_rows_do_not_move_when_later_rows_are_removed(report):
    """Point in time through the real wiring: run_pipeline on a market cut after a date."""
    cfg, res, _, _, _ = report
    market = load_market(cfg, source="synthetic")
    cut = pd.Timestamp("2021-06-16")
    short = _run(cfg, _cut_market(market, cut)).extras["mechanism"].panel
    full = res.extras["mechanism"].panel
    done = full.index[full.index < cut]
    assert len(done) > 60 and short.index[-1] <= cut
    pd.testing.assert_frame_equal(short.loc[done], full.loc[done], check_exact=True)

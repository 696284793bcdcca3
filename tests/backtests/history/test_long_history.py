"""Long history: spread accounting, the point-in-time cut, returns.csv against the French file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.history.spreads import run_spread, spread_decisions
from backtests.rotation.spec import RotationSpec
from data.config import load_config
from data.history import load_history
from data.sources.french import parse_french_csv

REPO_CONFIG = "configs/long_history.toml"


def test_spread_accounting_hand_case():
    idx = pd.bdate_range("2024-01-01", periods=5, name="date")
    s = pd.Series([0.01, 0.02, -0.01, 0.03, 0.01], index=idx, name="HML")
    f = pd.Series([1.0, 1.0, -1.0, -1.0, -1.0], index=idx)
    spec = RotationSpec(rebalance="daily", band=0.0, execution_lag=1)
    res = run_spread(s, f, spec, off="short", cost_bps=10.0)
    # decisions +1,+1,-1,-1,-1, lagged one bar: held 0,+1,+1,-1,-1
    held = [0.0, 1.0, 1.0, -1.0, -1.0]
    assert res.weights["HML"].tolist() == held
    c = 10.0 / 1e4
    want = [0.0, 0.0 - c, 1 * -0.01, 1 * 0.03 - 2 * c, -1 * 0.01]
    assert res.returns.tolist() == pytest.approx(want, abs=1e-15)
    assert res.weights.sum(axis=1).tolist() == pytest.approx([1.0] * 5)
    cash = run_spread(s, f, spec, off="cash", cost_bps=0.0)
    assert cash.weights["HML"].tolist() == [0.0, 1.0, 1.0, 0.0, 0.0]


def test_decisions_before_factor_are_cash():
    spec = RotationSpec(rebalance="daily", band=0.5)
    out = spread_decisions(np.array([np.nan, np.nan, 0.1, -0.4]), spec, off="short")
    assert out.tolist() == [0.0, 0.0, 1.0, -1.0]


def _cut_text(text: str, cut: pd.Timestamp, kind: str) -> str:
    """Drop every data row dated after ``cut`` (keeping the file's own layout)."""
    out = []
    for line in text.splitlines(keepends=True):
        first = line.split(",")[0].strip()
        try:
            if kind == "french" and len(first) == 8 and first.isdigit():
                d = pd.Timestamp(first)
            elif kind != "french" and first.count("/") == 2:
                d = pd.to_datetime(first, format="%m/%d/%Y")
            else:
                d = None
        except ValueError:
            d = None
        if d is not None and d > cut:
            continue
        out.append(line)
    return "".join(out)


def _write_cut_mirror(src, dst, cut):
    for kind in ("french", "fred-md", "fred-qd"):
        (dst / kind).mkdir(parents=True)
        for p in (src / kind).iterdir():
            text = p.read_bytes().decode("utf-8")
            (dst / kind / p.name).write_bytes(_cut_text(text, cut, kind).encode("utf-8"))


def _factor(root, cfg):
    from backtests.history.run import build_history_factor

    market = load_history(cfg, source="mirror", mirror=root)
    return build_history_factor(market, cfg).factor


@pytest.fixture(scope="module")
def tiny_history(tmp_path_factory):
    """A small long-history mirror in the native layouts, built here (no real numbers)."""
    root = tmp_path_factory.mktemp("history")
    rng = np.random.default_rng(7)
    days = pd.bdate_range("1960-01-04", "1968-12-31")
    (root / "french").mkdir()
    lines = [
        "This file was created by using the 202601 CRSP database.",
        "",
        ",Mkt-RF,SMB,HML,RMW,CMA,RF",
    ]
    for d in days:
        v = rng.normal(0, 0.5, 5)
        lines.append(d.strftime("%Y%m%d") + "," + ",".join(f"{x:8.2f}" for x in v) + ",    0.01")
    lines += ["", "Copyright 2026 Eugene F. Fama and Kenneth R. French", ""]
    (root / "french" / "F-F_Research_Data_5_Factors_2x3_daily.csv").write_bytes(
        "\r\n".join(lines).encode()
    )
    cfg = load_config(REPO_CONFIG)
    md_cols = [s for s, spec in cfg.macro.series.items() if spec.get("source") == "fred-md"]
    qd_cols = [s for s, spec in cfg.macro.series.items() if spec.get("source") == "fred-qd"]
    months = pd.date_range("1959-01-01", "1968-12-01", freq="MS")
    (root / "fred-md").mkdir()
    md = ["sasdate," + ",".join(md_cols), "Transform:," + ",".join("5" for _ in md_cols)]
    # plausible levels (data.plausibility checks them): rates in percent near 5, the rest 100
    level = {c: 5.0 if cfg.macro_units(c) == "percent" else 100.0 for c in md_cols}
    for m in months:
        cells = []
        for c in md_cols:
            level[c] *= float(np.exp(rng.normal(0.003, 0.01)))
            cells.append(f"{level[c]:.4f}")
        md.append(f"{m.month}/{m.day}/{m.year}," + ",".join(cells))
    (root / "fred-md" / "current.csv").write_text("\n".join(md) + "\n")
    quarters = pd.date_range("1959-03-01", "1968-12-01", freq="3MS")
    (root / "fred-qd").mkdir()
    qd = [
        "sasdate," + ",".join(qd_cols),
        "factors," + ",".join("1" for _ in qd_cols),
        "transform," + ",".join("5" for _ in qd_cols),
    ]
    ql = {c: 100.0 for c in qd_cols}
    for q in quarters:
        cells = []
        for c in qd_cols:
            ql[c] *= float(np.exp(rng.normal(0.01, 0.02)))
            cells.append(f"{ql[c]:.4f}")
        qd.append(f"{q.month}/{q.day}/{q.year}," + ",".join(cells))
    (root / "fred-qd" / "current.csv").write_text("\n".join(qd) + "\n")
    return root


def _small_cfg():
    return load_config(REPO_CONFIG, run={"start": "1963-07-01"}, factor={"min_periods": 60})


def test_cutting_every_file_leaves_the_factor_before_the_cut_unchanged(tiny_history, tmp_path):
    cfg = _small_cfg()
    full = _factor(tiny_history, cfg)
    assert full.notna().sum() > 500
    for cut in (pd.Timestamp("1965-06-15"), pd.Timestamp("1967-02-01")):
        dst = tmp_path / cut.strftime("%Y%m%d")
        _write_cut_mirror(tiny_history, dst, cut)
        short = _factor(dst, cfg)
        common = short.index[short.index <= cut]
        assert len(common) > 100
        pd.testing.assert_series_equal(short.loc[common], full.loc[common])


def test_factor_ignores_french_rows(tiny_history, tmp_path):
    """The French file is a target only: changing its numbers does not move the factor."""
    cfg = _small_cfg()
    dst = tmp_path / "shuffled"
    _write_cut_mirror(tiny_history, dst, pd.Timestamp("2100-01-01"))
    p = dst / "french" / "F-F_Research_Data_5_Factors_2x3_daily.csv"
    p.write_bytes(p.read_bytes().replace(b"-0.", b" 0."))
    pd.testing.assert_series_equal(_factor(dst, cfg), _factor(tiny_history, cfg))


def test_returns_csv_holds_the_spreads_exactly(tiny_history, tmp_path):
    from backtests.history.report import write_history_report
    from backtests.history.run import run_history

    cfg = _small_cfg().replace(
        inference={"bootstrap_reps": 50, "placebo_reps": 20, "pbo_splits": 4}
    )
    res = run_history(cfg, source="mirror", mirror=tiny_history)
    write_history_report(res, tmp_path / "report")
    got = pd.read_csv(tmp_path / "report" / "returns.csv", index_col="date", parse_dates=True)
    assert {"strategy", "hml", "rmw", "cma"} <= set(got.columns)
    french = parse_french_csv(tiny_history / "french" / "F-F_Research_Data_5_Factors_2x3_daily.csv")
    raw = pd.read_csv(
        tiny_history / "french" / "F-F_Research_Data_5_Factors_2x3_daily.csv",
        skiprows=2,
        index_col=0,
        skipfooter=1,
        engine="python",
    )
    raw.index = pd.to_datetime(raw.index.astype(str), format="%Y%m%d")
    common = got.index.intersection(raw.index)
    assert len(common) == len(got)
    np.testing.assert_allclose(
        got.loc[common, "hml"], raw.loc[common, "HML"] / 100, rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        got.loc[common, "hml"], french.loc[common, "HML"], rtol=0, atol=1e-12
    )
    m = res.metrics
    assert m["verdict"]["label"] in ("supported", "inconclusive", "not supported")
    assert set(m["samples"]) >= {"in_sample", "held_out", "full"}
    assert isinstance(m["episodes"], list)
    for e in m["episodes"]:
        assert {"start", "end", "spread_return", "strategy_return", "factor_mean"} <= set(e)
    for name in ("index.html", "metrics.json", "weights.csv", "summary.md", "factor.csv"):
        assert (tmp_path / "report" / name).is_file()
    # forecasts against the historical mean, the main report's code: R2_OS from forecasts.csv
    fc = pd.read_csv(tmp_path / "report" / "forecasts.csv", parse_dates=["date"])
    scored = [r for r in m["oos_forecast"] if r["n"]]
    assert {r["variant"] for r in scored} >= {"composite", "capex only"}
    for r in scored:
        part = fc[(fc["horizon"] == r["horizon"]) & fc["date"].between(r["start"], r["end"])]
        y, f, b = part[["realized", r["variant"], "prevailing_mean"]].dropna().to_numpy().T
        assert len(y) == r["n"]
        want = 1 - np.sum((y - f) ** 2) / np.sum((y - b) ** 2)
        assert r["r2_os"] == pytest.approx(want, rel=1e-6)
    assert 'id="oos-forecast"' in (tmp_path / "report" / "index.html").read_text()


@pytest.mark.mirror
def test_real_mirror_static_hml_is_the_french_file(mirror_dir):
    from backtests.history.run import target_frame

    cfg = load_config(REPO_CONFIG)
    market = load_history(cfg, source="mirror", mirror=mirror_dir)
    hml = target_frame(market.spreads, cfg)["hml"]
    p = mirror_dir / "french" / "F-F_Research_Data_5_Factors_2x3_daily.csv"
    raw = pd.read_csv(p, skiprows=3, index_col=0, skipfooter=2, engine="python")
    raw.index = pd.to_datetime(raw.index.astype(str).str.strip(), format="%Y%m%d")
    common = hml.index.intersection(raw.index)
    assert len(common) == len(raw) > 15000
    np.testing.assert_allclose(hml.loc[common], raw.loc[common, "HML"] / 100, rtol=0, atol=1e-12)


def test_history_metrics_follow_the_main_contract(tiny_history, tmp_path):
    """Schema of the main report; now, calendar years and the ablation against the CSVs."""
    import json

    from backtests.history.report import write_history_report
    from backtests.history.run import run_history
    from backtests.report.metrics import validate_metrics

    cfg = _small_cfg().replace(
        inference={"bootstrap_reps": 50, "placebo_reps": 20, "pbo_splits": 4}
    )
    res = run_history(cfg, source="mirror", mirror=tiny_history)
    out = tmp_path / "report"
    write_history_report(res, out)
    m = json.loads((out / "metrics.json").read_text())
    validate_metrics(m)
    inf = m["inference"]
    assert isinstance(inf["stepm_better"], list)
    assert inf["tstat_hurdle"] is not None and inf["tstat_hurdle_raw"] >= inf["tstat_hurdle"]
    # 4 targets x 2 off positions, plus the ablation variants beyond "all"
    assert inf["trials"]["raw"] == 8 + len(m["ablation"]) - 1
    r = pd.read_csv(out / "returns.csv", index_col="date", parse_dates=True)
    w = pd.read_csv(out / "weights.csv", index_col="date", parse_dates=True)
    assert m["now"]["date"] == w.index[-1].strftime("%Y-%m-%d")
    for t, v in m["now"]["holdings"].items():
        assert v == pytest.approx(float(w.iloc[-1][t]), abs=1e-12)
    for y, v in m["calendar_years"].items():
        part = r.loc[y]
        s = float(np.prod(1 + part["strategy"]) - 1)
        b = float(np.prod(1 + part["hml"]) - 1)
        assert v["strategy"] == pytest.approx(s, rel=1e-8, abs=1e-12)
        assert v["benchmark"] == pytest.approx(b, rel=1e-8, abs=1e-12)
    # the "all" ablation row is the headline rotation: its active Sharpe from returns.csv
    act = (r["strategy"] - r["hml"]).loc[: m["samples"]["in_sample"]["end"]]
    sr = float(act.mean() / act.std(ddof=1) * np.sqrt(252))
    assert m["ablation"][0]["name"] == "all"
    assert m["ablation"][0]["in_sample_active_sharpe"] == pytest.approx(sr, rel=1e-6)
    assert m["ablation"][0]["placebo_pvalue"] == pytest.approx(
        m["samples"]["in_sample"]["placebo_pvalue"]
    )
    cb = m["capex_beyond_funding"]
    assert cb["base"] == "funding only" and cb["extra"] == "capex only"
    assert cb["in_sample"]["n"] > 100 and "tstat_extra_nw" in cb["in_sample"]
    text = (out / "summary.md").read_text()
    assert "StepM" in text and "placebo p" in text
    assert "capex only factor given the funding only factor" in text
    assert "placebo p | +" not in text  # p-values print without a sign


def test_history_reweight_equals_a_full_build(tiny_history):
    """The block ablation recombines z-scores; it equals a rebuild with macro components."""
    from backtests.history.run import build_history_factor
    from signals.composite import reweight
    from signals.macro import component_specs

    cfg = _small_cfg()
    market = load_history(cfg, source="mirror", mirror=tiny_history)
    full = build_history_factor(market, cfg)
    recipes = component_specs(cfg)
    for block in ("capex", "funding", "liquidity"):
        w = {
            k: (0.0 if k in recipes and recipes[k].block == block else float(v))
            for k, v in cfg.factor.weights.items()
        }
        rebuilt = build_history_factor(market, cfg.replace(factor={"weights": w})).factor
        pd.testing.assert_series_equal(reweight(full, cfg, w), rebuilt)

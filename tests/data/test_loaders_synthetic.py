"""The loader over the real synthetic writer (data.sources.synthetic)."""

from data.loaders import load_market


def test_synthetic_mirror_reads_like_a_real_one(synthetic_dir, cfg, tmp_path):
    md = load_market(cfg, "mirror", mirror=synthetic_dir, cache=tmp_path / "c")
    # the run's tickers, then the robustness-basket members (simulated too)
    assert list(md.prices.columns) == cfg.tickers + cfg.robustness_tickers
    assert set(md.macro.columns) == set(cfg.macro.series)
    capex = md.capex[md.capex["concept"] == "capex"]
    assert set(capex["ticker"]) == set(cfg.universe.hyperscalers)
    assert (capex["available_at"] > capex["filed"]).all()

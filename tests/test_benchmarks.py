"""Benchmarks: the peers run the same rotation as our reference engine, the hardware floor does
the engine's arithmetic, and ``benchmarks/run.py --tiny`` runs end to end (no timing
assertions: the numbers of the tiny mode mean nothing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from backtests.engines.engine import run_backtest  # noqa: E402
from backtests.rotation.spec import RotationSpec  # noqa: E402
from backtests.rotation.targets import target_weights  # noqa: E402
from backtests.sweep.core import expand_grid  # noqa: E402
from benchmarks import peers, sweeps  # noqa: E402
from benchmarks.peers import PeerSpec, SwitchDecider  # noqa: E402

NEAR = ("MU", "WDC", "STX", "SNDK")
LONG = ("BTC-USD", "ARKK", "IGV")
INSTALL_HINT = "not installed; the peers need the bench extra: pip install -e '.[bench]'"


def _market(n: int = 180, seed: int = 7) -> tuple[pd.DataFrame, pd.Series]:
    """Made-up prices (SNDK starting late) and a factor that crosses its band often."""
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2023-01-02", periods=n, name="date")
    cols = [*NEAR, *LONG]
    px = pd.DataFrame(
        50 * np.exp(np.cumsum(rng.normal(0.0, 0.02, (n, len(cols))), axis=0)),
        index=idx,
        columns=cols,
    )
    px.iloc[: n // 2, cols.index("SNDK")] = np.nan
    factor = pd.Series(np.sin(np.arange(n) / 6.0) + rng.normal(0, 0.2, n), index=idx)
    factor.iloc[:10] = np.nan
    factor.iloc[40:43] = np.nan  # a gap: the rule holds
    return px, factor


def _spec(**kw) -> RotationSpec:
    return RotationSpec(near=NEAR, long=LONG, rule="switch", rebalance="weekly", **kw)


def _reference(px: pd.DataFrame, factor: pd.Series, spec: RotationSpec) -> pd.Series:
    return run_backtest(px, target_weights(factor, px, spec), spec, engine="reference").returns


def test_switch_decider_hand_case():
    spec = PeerSpec(near=("N1", "N2"), long=("L",), threshold=0.0, band=0.4, fees={}, slippage=0.0)
    d = SwitchDecider(spec)
    days = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-08", "2024-01-09"])
    factor = [np.nan, 0.1, 0.3, -0.1, -0.3]
    n2 = [False, False, True, True, True]
    got = [
        d.on_bar(day, f, {"N1": True, "N2": has, "L": True})
        for day, f, has in zip(days, factor, n2, strict=True)
    ]
    # Monday, no factor yet: a decision to hold cash
    assert got[0] == {"N1": 0.0, "N2": 0.0, "L": 0.0}
    # same week: no decision (0.1 sets the state inside the band by the threshold: near)
    assert got[1] is None and got[2] is None
    # next Monday: -0.1 is inside the band, the near state holds; N2 has had a price
    assert got[3] == {"N1": 0.5, "N2": 0.5, "L": 0.0}
    # -0.3 switches to long, but Tuesday is not a decision date
    assert got[4] is None and d.state == 0.0


def test_switch_decider_matches_target_weights():
    """An independent event-driven implementation decides what ``target_weights`` decides."""
    px, factor = _market()
    spec = _spec(threshold=0.1, band=0.3)
    ours = target_weights(factor, px, spec)
    d = SwitchDecider(PeerSpec.from_rotation(spec))
    for i, day in enumerate(px.index):
        has = {t: bool(px[t].iloc[i] == px[t].iloc[i]) for t in px.columns}
        decided = d.on_bar(day, factor.iloc[i], has)
        row = ours.iloc[i]
        if decided is None:
            assert row.isna().all(), day
        else:
            np.testing.assert_allclose(row[list(decided)].to_numpy(), list(decided.values()))


def test_peer_spec_refuses_other_rules():
    with pytest.raises(ValueError, match="switch rule with weekly"):
        PeerSpec.from_rotation(_spec().replace(rule="tilt"))


# bt.run computes ffn's performance statistics, which call pd.infer_freq (pandas 3 warns)
@pytest.mark.filterwarnings("ignore:A future version of pandas will return a BaseOffset")
@pytest.mark.parametrize("name", ["backtrader", "bt"])
def test_peer_agrees_with_reference(name):
    pytest.importorskip(name, reason=f"{name} {INSTALL_HINT}")
    px, factor = _market()
    run = peers.PEERS[name]
    free = _spec(equity_bps=0.0, crypto_bps=0.0, slippage_bps=0.0, threshold=0.1)
    res = run(px, factor, PeerSpec.from_rotation(free))
    # the same rule and the same arithmetic: equal to floating-point noise without costs
    assert peers.compare(_reference(px, factor, free), res.returns) < 1e-10

    costly = _spec(threshold=0.1, equity_bps=20.0, crypto_bps=40.0, slippage_bps=10.0)
    ours = _reference(px, factor, costly)
    res = run(px, factor, PeerSpec.from_rotation(costly))
    diff = peers.compare(ours, res.returns)
    assert diff > 1e-8  # the cost models do differ ...
    if name == "backtrader":
        # ... only in the day costs are booked: moved back to the fill date they agree
        assert res.rejected_orders == 0
        assert peers.compare(ours, res.settled) < 1e-10
        assert diff < 2 * (40 + 10) / 1e4
    else:
        # ... by bt buying (fee + slippage) less: a weight error of that size times a day's move
        max_move = float(px.pct_change().abs().max().max())
        assert diff < 2 * (40 + 10) / 1e4 * max_move


def test_sweep_grid_sizes():
    for n, expected in [(100, 108), (1000, 1026), (10000, 10044)]:
        grid = sweeps.sweep_grid(n, sweeps.DEFAULT_AXES)
        assert len(expand_grid(grid, None)) == expected
        assert grid["threshold"][0] == -1.0 and grid["threshold"][-1] == 1.0
    assert sweeps.sweep_grid(3, sweeps.TINY_AXES)["threshold"] == [0.0]
    assert len(sweeps.factor_pairs(sweeps.DEFAULT_AXES)) == 9


def test_arithmetic_floor_is_the_engines_arithmetic():
    """Without costs and with long-only targets the floor and the engine agree."""
    from backtests.engines.nb import simulate_many
    from backtests.engines.simulation import filled_close

    rng = np.random.default_rng(1)
    k, n, m = 4, 60, 3
    close = 10 * np.exp(np.cumsum(rng.normal(0, 0.02, (n, m)), axis=0))
    size = np.full((k, n, m), np.nan)
    for t in range(k):
        for i in range(1, n, 5):
            w = rng.random(m)
            size[t, i] = w / w.sum() * rng.uniform(0.5, 1.0)
    floor = sweeps.arithmetic_only_nb(np.ascontiguousarray(filled_close(close)), size, np.ones(k))
    engine = simulate_many(close, size, np.zeros((k, m)), np.zeros((k, m)), 1.0)
    np.testing.assert_allclose(floor, engine["value"], rtol=1e-12)
    assert np.array_equal(sweeps.read_only_nb(size), np.isfinite(size).sum(axis=(1, 2)) * 1.0)


def _run_tiny(tmp_path: Path, *extra: str) -> dict:
    out = tmp_path / "results.json"
    env = {
        **os.environ,
        "NUMBA_CACHE_DIR": os.environ.get("NUMBA_CACHE_DIR", str(REPO / ".numba_cache")),
    }
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "run.py"),
            "--tiny",
            "--out",
            str(out),
            "--workdir",
            str(tmp_path / "work"),
            *extra,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "results written to" in proc.stdout
    return json.loads(out.read_text())


def _check_sweeps_and_peers(res: dict) -> None:
    assert res["mode"] == "tiny" and res["data"]["source"] == "synthetic"
    assert res["data"]["bars"] == 300 and res["data"]["assets"] == 7
    rows = res["sweeps"]
    assert [r["n_variants"] for r in rows] == [6, 12]
    for r in rows:
        assert r["seconds"] > 0 and r["peak_rss_mib"] > 0
        assert r["per_variant_s"] == pytest.approx(r["seconds"] / r["n_variants"])
        assert r["chunks"] == -(-r["n_variants"] // r["chunk_size"])
    # the compile phase fills a cache directory of its own before the warm measurement, so
    # the warm run loads everything whatever NUMBA_CACHE_DIR held (order and cache state)
    assert res["numba_compile"]["cold"]["cache_misses"] > 0
    assert res["numba_compile"]["warm"]["cache_misses"] == 0
    for name in ("backtrader", "bt"):
        p = res["peers"][name]
        if "skipped" in p:
            assert "not installed" in p["skipped"]
            continue
        assert p["n_variants"] == 1 and p["per_variant_s"] > 0 and p["speed_ratio"] > 0
        assert p["max_abs_diff_frictionless"] < 1e-10
        assert p["max_abs_diff"] < 5e-3
    # tiny numbers are never compared with the targets
    assert all(row["measured"] is None for row in res["targets"].values())


def test_tiny_script_core_phases(tmp_path):
    """Data, sweeps, compile and peers at toy sizes (kernels, report, inference: slow)."""
    res = _run_tiny(tmp_path, "--skip", "kernels,report,inference")
    _check_sweeps_and_peers(res)
    assert "hardware_limit" not in res and "inference" not in res
    assert res["report_seconds"] == {"cold": None, "warm": None, "skipped": "--skip report"}
    # a tiny run has no mirror: the long-history report says why it did not run
    assert res["long_history_report"] == {
        "skipped": "no mirror: --tiny and --synthetic runs have none"
    }
    assert res["targets"]["long_history_report_s"]["target"] == 15.0


def _phases(tmp_path: Path, mirror: Path):
    from benchmarks import run

    args = run._parser().parse_args(["--tiny"])
    return run._Phases(
        args=args, s=run._settings(args), workdir=tmp_path, mirror=mirror, data_path=tmp_path
    )


def test_long_history_report_phase_on_a_small_mirror(history_mirror, tmp_path):
    """The ``history`` phase times the long-history report in a worker; table and target."""
    from benchmarks import run

    results: dict = {}
    _phases(tmp_path, history_mirror).history(results)
    lr = results["long_history_report"]
    assert lr["source"] == "mirror" and lr["source_cached"] == "mirror (cached)"
    assert lr["start"] == "1963-07-01" and lr["bars"] > 800 and lr["n_trials"] >= 8
    t = lr["seconds"]
    assert set(t) == {"load", "factor", "study", "report", "total", "load_cached"}
    assert t["total"] == pytest.approx(t["load"] + t["factor"] + t["study"] + t["report"])
    assert min(t.values()) > 0 and lr["peak_rss_mib"] > 0
    assert (tmp_path / "history_cache" / "manifest.json").is_file()  # a cache of its own
    full = {"mode": "full", "long_history_report": lr}
    row = run._target_rows(full)["long_history_report_s"]
    assert row["measured"] == t["total"] and row["op"] == "<=" and row["met"] is not None
    base = {
        "mode": "full",
        "generated_at": "now",
        "machine": {"cpu": "cpu", "cores": 2, "memory_gib": 4},
        "load_average": {"start": 0.0},
        "data": {"source": "synthetic", "start": "a", "end": "b", "bars": 1, "assets": 1},
    }
    text = run.table({**base, **full, "targets": run._target_rows(full)})
    assert f"long-history report (mirror, 1963-07-01..{lr['end']}: {lr['bars']} bars" in text
    assert "long_history_report_s" in text


def test_long_history_report_phase_skips_a_mirror_without_the_files(tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "prices").mkdir(parents=True)
    (mirror / "fred-md").mkdir()
    (mirror / "fred-md" / "current.csv").write_text("sasdate\n")
    results: dict = {}
    _phases(tmp_path, mirror).history(results)
    why = results["long_history_report"]["skipped"]
    assert why.startswith(f"the mirror {mirror} lacks fred-qd/current.csv, french/")
    assert "fred-md" not in why


@pytest.mark.slow
def test_tiny_script_every_phase(tmp_path):
    res = _run_tiny(tmp_path)
    _check_sweeps_and_peers(res)
    hw = res["hardware_limit"]
    assert hw["cells"] == 12 * 300 * 7 and hw["engine_kernel_nb_s"] > 0
    rep = res["report_seconds"]
    assert rep["cold"] is None and rep["warm"] > 0  # tiny mode never times a cold compile
    inf = res["inference"]
    assert inf["draws"] == 20 and inf["bootstrap_s"] >= 0 and inf["placebo_s"] > 0
    # the pipeline's placebo (numba sweep) and one reference backtest per draw agree
    assert inf["placebo_statistic"] == pytest.approx(inf["placebo_statistic_reference"], abs=1e-9)
    assert set(inf["pipeline_stages_s"]) >= {"signal", "backtest", "sweep", "inference", "report"}
    # what the mechanism study adds: its stage plus its report files (results.json mechanism_s)
    assert inf["mechanism_s"] >= inf["pipeline_stages_s"]["mechanism"] > 0
    assert res["mechanism_s"] == inf["mechanism_s"] and "mechanism_s" in res["targets"]


def test_first_output_times_every_long_command(tmp_path):
    """Each command's first stderr line is waited for, then the process is stopped."""
    from benchmarks.first_use import FIRST_OUTPUT_COMMANDS, first_output
    from benchmarks.results_table import TARGETS, target_rows

    env = {k: v for k, v in os.environ.items() if not k.startswith("SCARCITY_")}
    env["SCARCITY_CACHE"] = str(tmp_path / "cache")
    res = first_output(env, tmp_path / "work")
    assert set(res["commands_s"]) == set(FIRST_OUTPUT_COMMANDS)
    assert res["max_s"] == max(res["commands_s"].values()) > 0
    assert not (tmp_path / "work" / "first_report" / "metrics.json").exists()  # stopped early
    rows = target_rows({"mode": "full", "first_output_s": res["max_s"], "warm_report_s": None})
    assert rows["first_output_s"]["measured"] == res["max_s"]
    assert rows["warm_report_s"]["measured"] is None
    assert {k: TARGETS[k][0] for k in ("first_report_s", "warm_report_s", "first_output_s")} == {
        "first_report_s": 25.0,
        "warm_report_s": 6.0,
        "first_output_s": 1.0,
    }

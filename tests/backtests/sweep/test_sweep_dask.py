"""The Dask path of the sweep gives the same table as the local run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.sweep.core import run_sweep

pytest.importorskip("distributed")


def _inputs(cfg):
    rng = np.random.default_rng(5)
    n = 200
    idx = pd.bdate_range("2021-01-01", periods=n, name="date")
    cols = list(cfg.universe.near) + list(cfg.universe.long)
    px = pd.DataFrame(
        50 * np.exp(np.cumsum(rng.normal(0, 0.02, (n, len(cols))), axis=0)),
        index=idx,
        columns=cols,
    )
    base = np.cumsum(rng.normal(0, 0.3, n))

    def factor_fn(zw: int, cw: int) -> pd.Series:
        f = pd.Series(base + cw / 100 + zw / 1000, index=idx)
        f.iloc[:20] = np.nan
        return f

    grid = {"change_window": [21, 63], "threshold": [-0.5, 0.0, 0.5], "rule": ["switch", "tilt"]}
    return px, factor_fn, grid


def test_local_cluster_gives_identical_table(cfg):
    from distributed import Client, LocalCluster

    px, factor_fn, grid = _inputs(cfg)
    local = run_sweep(px, factor_fn, grid, cfg, engine="numba", chunk_size=4)
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
            host="127.0.0.1",
            protocol="tcp://",
        ) as cluster,
        Client(cluster) as client,
    ):
        dist = run_sweep(px, factor_fn, grid, cfg, engine="numba", chunk_size=4, scheduler=client)
        assert client.status == "running"  # a Client passed in is left open
    pd.testing.assert_frame_equal(dist.table, local.table, check_exact=True)
    pd.testing.assert_frame_equal(dist.returns, local.returns, check_exact=True)
    assert dist.info["chunks"] == 3


def test_scheduler_local_starts_and_closes_its_own_cluster(cfg):
    px, factor_fn, grid = _inputs(cfg)
    local = run_sweep(px, factor_fn, grid, cfg, engine="numba", chunk_size=5)
    dist = run_sweep(px, factor_fn, grid, cfg, engine="numba", chunk_size=5, scheduler="local")
    pd.testing.assert_frame_equal(dist.table, local.table, check_exact=True)


def test_lean_and_on_disk_sweeps_on_dask_match_the_local_run(cfg, tmp_path):
    px, factor_fn, grid = _inputs(cfg)
    local = run_sweep(px, factor_fn, grid, cfg, engine="numba", chunk_size=5)
    lean = run_sweep(
        px,
        factor_fn,
        grid,
        cfg,
        engine="numba",
        chunk_size=5,
        scheduler="local",
        keep_returns=False,
    )
    pd.testing.assert_frame_equal(lean.table, local.table, check_exact=True)
    np.testing.assert_array_equal(lean.moments["sum"], local.moments["sum"])
    disk = run_sweep(
        px,
        factor_fn,
        grid,
        cfg,
        engine="numba",
        chunk_size=2,
        scheduler="local",
        returns_path=tmp_path / "r.npy",
    )
    pd.testing.assert_frame_equal(disk.returns, local.returns, check_exact=True)


@pytest.mark.slow
def test_a_100000_variant_sweep_on_a_local_cluster_is_identical(cfg):
    px, factor_fn, _ = _inputs(cfg)
    grid = {
        "change_window": [21, 63],
        "rule": ["switch", "tilt", "longshort"],
        "rebalance": ["daily", "weekly", "monthly"],
        "threshold": [round(float(x), 6) for x in np.linspace(-1, 1, 5556)],
    }
    kw = dict(engine="numba", chunk_size=5000, keep_returns=False)
    local = run_sweep(px, factor_fn, grid, cfg, **kw)
    assert local.n_trials >= 100_000
    dist = run_sweep(px, factor_fn, grid, cfg, scheduler="local", **kw)
    pd.testing.assert_frame_equal(dist.table, local.table, check_exact=True)
    for key in ("n", "sum", "sumsq"):
        np.testing.assert_array_equal(dist.moments[key], local.moments[key])

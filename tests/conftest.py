"""Shared fixtures: configuration, the real mirror (or a skip), synthetic and long-history data."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from data.config import load_config

REPO = Path(__file__).resolve().parents[1]
MIRROR = Path(os.environ.get("SCARCITY_MIRROR", REPO.parent / "shared" / "market-data"))


def pytest_configure(config):
    """Point the cache at a temporary directory for the whole session (module fixtures too)."""
    os.environ["SCARCITY_CACHE"] = tempfile.mkdtemp(prefix="scarcity-test-cache-")
    os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Never let a test touch the user's cache directory."""
    monkeypatch.setenv("SCARCITY_CACHE", str(tmp_path_factory.mktemp("cache")))
    for var in ("FRED_API_KEY", "SEC_USER_AGENT", "SCARCITY_SOURCE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def cfg():
    """The default configuration."""
    return load_config()


@pytest.fixture(scope="session")
def mirror_dir() -> Path:
    """The real offline mirror; tests that need it skip with a reason when it is absent."""
    if not (MIRROR / "prices").is_dir():
        pytest.skip(f"real market-data mirror not found at {MIRROR} (set SCARCITY_MIRROR)")
    return MIRROR


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory, cfg) -> Path:
    """A synthetic market written in the mirror layout (default seed and effect size)."""
    from data.sources.synthetic import write_synthetic_mirror

    root = tmp_path_factory.mktemp("synthetic")
    write_synthetic_mirror(root, cfg)
    return root


HISTORY_CONFIG = REPO / "configs" / "long_history.toml"
FRENCH_FIVE = "F-F_Research_Data_5_Factors_2x3_daily"
_LEVELS = {"percent": 5.0, "billions_usd": 500.0, "billions_usd_signed": 50.0}


def write_history_mirror(
    root: Path, *, start: str = "1962-01-02", end: str = "1966-12-30", seed: int = 3
) -> Path:
    """Write a small long-history mirror in the native layouts (made-up numbers).

    ``french/`` holds the five-factor daily file (percent per day, CRLF, preamble, trailing
    copyright); ``fred-md/current.csv`` and ``fred-qd/current.csv`` one column per series of
    ``configs/long_history.toml`` that reads them, at levels plausible for its units.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    cfg = load_config(HISTORY_CONFIG)
    (root / "french").mkdir(parents=True)
    lines = [
        "This file was created by using the 202601 CRSP database.",
        "",
        ",Mkt-RF,SMB,HML,RMW,CMA,RF",
    ]
    for d in pd.bdate_range(start, end):
        v = rng.normal(0, 0.5, 5)
        lines.append(d.strftime("%Y%m%d") + "," + ",".join(f"{x:8.2f}" for x in v) + ",    0.01")
    lines += ["", "Copyright 2026 Eugene F. Fama and Kenneth R. French", ""]
    (root / "french" / f"{FRENCH_FIVE}.csv").write_bytes("\r\n".join(lines).encode())
    for kind, freq, meta in (
        ("fred-md", "MS", ["Transform:"]),
        ("fred-qd", "3MS", ["factors", "transform"]),
    ):
        cols = [s for s, spec in cfg.macro.series.items() if spec.get("source") == kind]
        level = {c: _LEVELS.get(cfg.macro_units(c), 50_000.0) for c in cols}
        rows = ["sasdate," + ",".join(cols), *(f"{m}," + ",".join("5" for _ in cols) for m in meta)]
        first = "1959-01-01" if kind == "fred-md" else "1959-03-01"
        for d in pd.date_range(first, end, freq=freq):
            cells = []
            for c in cols:
                level[c] *= float(np.exp(rng.normal(0.003, 0.01)))
                cells.append(f"{level[c]:.4f}")
            rows.append(f"{d.month}/{d.day}/{d.year}," + ",".join(cells))
        (root / kind).mkdir()
        (root / kind / "current.csv").write_text("\n".join(rows) + "\n")
    return root


@pytest.fixture(scope="session")
def history_mirror(tmp_path_factory) -> Path:
    """A small long-history mirror (:func:`write_history_mirror`); copy it before editing."""
    return write_history_mirror(tmp_path_factory.mktemp("history_mirror"))


@pytest.fixture(scope="session")
def golden_report(tmp_path_factory):
    """The report of the golden synthetic configuration, written once per session."""
    from tests.golden.make_golden import golden_run

    out = tmp_path_factory.mktemp("report") / "synthetic"
    metrics = golden_run(out)
    return out, metrics


def pytest_terminal_summary(terminalreporter, config):
    """Say how to reproduce this run's test order (pytest-randomly shuffles it)."""
    seed = getattr(config.option, "randomly_seed", None)
    if config.pluginmanager.hasplugin("randomly") and isinstance(seed, int):
        terminalreporter.write_line(
            f"test order: shuffled with --randomly-seed={seed}; reproduce with "
            f"`pytest -p randomly --randomly-seed={seed}`, file order with `-p no:randomly`"
        )

"""Shared fixtures: configuration, the real mirror (skipped when absent), the synthetic market."""

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

"""Fixtures of the signals tests: the synthetic and real markets loaded once per session."""

from __future__ import annotations

import pytest

from data.loaders import load_market
from signals import build_factor


@pytest.fixture(scope="session")
def syn_market(cfg, tmp_path_factory):
    """The synthetic market (default seed and planted effect), loaded once."""
    return load_market(cfg, source="synthetic", cache=tmp_path_factory.mktemp("sig-syn-cache"))


@pytest.fixture(scope="session")
def syn_factor(syn_market, cfg):
    """The default factor on the synthetic market."""
    return build_factor(syn_market, cfg)


@pytest.fixture(scope="session")
def mirror_market(cfg, mirror_dir, tmp_path_factory):
    """The real offline mirror, loaded once (skips when the mirror is absent)."""
    return load_market(
        cfg, source="mirror", mirror=mirror_dir, cache=tmp_path_factory.mktemp("sig-mirror-cache")
    )


@pytest.fixture(scope="session")
def mirror_factor(mirror_market, cfg):
    """The default factor on the real mirror."""
    return build_factor(mirror_market, cfg)

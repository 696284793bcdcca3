"""The warm-up of ``make setup``: a valid short synthetic study that writes a full report."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from backtests.study.warmup import WARMUP_OVERRIDES, compile_kernels
from data.config import load_config


def test_the_warmup_config_is_valid_and_short():
    cfg = load_config(**WARMUP_OVERRIDES)
    start, end = pd.Timestamp(cfg.synthetic.start), pd.Timestamp(cfg.synthetic.end)
    assert (end - start).days < 5 * 366  # a short market: compile time, not work
    assert cfg.inference.bootstrap_reps <= 50 and cfg.inference.placebo_reps <= 10
    # every rule of the default sweep stays in (each is a code path of the kernel)
    assert set(cfg.sweep.rule) == set(load_config().sweep.rule)


@pytest.mark.slow
def test_compile_kernels_writes_a_synthetic_report(tmp_path, monkeypatch):
    monkeypatch.setenv("SCARCITY_CACHE", str(tmp_path / "cache"))
    seconds = compile_kernels(tmp_path / "report")
    assert seconds > 0
    metrics = json.loads((tmp_path / "report" / "metrics.json").read_text())
    assert metrics["synthetic"] is True

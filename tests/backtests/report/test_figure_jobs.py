"""Figures drawn from the run's partial results, in background processes, equal the inline ones."""

from __future__ import annotations

import pytest

from backtests.report.figure_jobs import FigureJob, core_figures, late_figures
from backtests.report.writer import write_report
from backtests.study.pipeline import run_pipeline
from data import background as B
from data.config import load_config
from tests.golden.make_golden import OVERRIDES


@pytest.fixture(scope="module")
def run():
    cfg = load_config(**OVERRIDES)
    partials, job = [], FigureJob()

    def on_partial(partial):
        partials.append(partial)
        job.start(partial)

    res = run_pipeline(cfg, source="synthetic", on_partial=on_partial)
    return res, partials, job


def test_the_pipeline_hands_over_two_partial_results(run):
    res, partials, _ = run
    assert len(partials) == 2
    first, second = partials
    assert first.inference is None and first.assessment is None and first.extras == {}
    assert first.backtest is res.backtest and first.sweep is res.sweep
    assert set(second.extras) == {"forecasts", "mechanism"}
    assert second.extras["forecasts"] is res.extras["forecasts"]
    assert second.extras["mechanism"] is res.extras["mechanism"]


def test_partial_figures_equal_the_finished_runs(run):
    res, _, job = run
    assert job.core(res) == core_figures(res)  # drawn from the first partial result
    assert job.late(res) == late_figures(res)  # and from the second


def test_report_is_the_same_drawn_in_the_background_or_here(run, tmp_path, monkeypatch):
    res, _, job = run
    background = write_report(res, tmp_path / "a" / "report", figures=job).root
    monkeypatch.setenv(B.SERIAL_ENV, "1")  # everything in this process, nothing forked
    inline = write_report(res, tmp_path / "b" / "report").root
    names = sorted(p.relative_to(inline) for p in inline.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(background) for p in background.rglob("*") if p.is_file())
    assert "figures/equity.png" in {str(n) for n in names}
    for name in names:
        assert (background / name).read_bytes() == (inline / name).read_bytes(), name

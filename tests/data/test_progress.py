"""Progress: closing log lines off a terminal, bars on one, inner steps only when switched on."""

from __future__ import annotations

import io
import logging

import pytest

from data import progress as pg


@pytest.fixture
def lines(caplog):
    caplog.set_level(logging.INFO, logger="scarcity.progress")
    caplog.set_level(logging.INFO, logger="scarcity.progress.detail")
    return caplog


def test_off_a_terminal_one_line_with_count_and_duration(lines, monkeypatch):
    monkeypatch.setattr(pg, "on_terminal", lambda: False)
    with pg.Progress("sweep", 3, unit="chunk", enabled=True) as bar:
        for _ in range(3):
            bar.update()
    assert not bar.drawing
    msgs = [r.getMessage() for r in lines.records]
    assert len(msgs) == 1 and msgs[0].startswith("sweep: 3 chunks in ") and msgs[0].endswith(" s")
    bar.close()  # closing twice logs once
    assert len(lines.records) == 1


def test_disabled_and_default_off_outside_showing_progress(lines, monkeypatch):
    monkeypatch.setattr(pg, "on_terminal", lambda: False)
    with pg.Progress("quiet", 1, enabled=False) as bar:
        bar.update()
    with pg.Progress("inner", 2, unit="draw", detail=True) as bar:  # enabled=None: context
        bar.update(2)
    assert lines.records == []
    with pg.showing_progress(), pg.Progress("inner", 2, unit="draw", detail=True) as bar:
        bar.update(2)
    assert [(r.name, r.getMessage()[:14]) for r in lines.records] == [
        ("scarcity.progress.detail", "inner: 2 draws")
    ]
    assert not pg.progress_shown()  # reset after the block


def test_on_a_terminal_a_bar_and_no_log_line(lines, monkeypatch):
    monkeypatch.setattr(pg, "on_terminal", lambda: True)
    buf = io.StringIO()
    monkeypatch.setattr(pg.sys, "stderr", buf)
    with pg.Progress("power", 4, unit="market", enabled=True) as bar:
        bar.update(4)
    assert bar.drawing and "power:" in buf.getvalue() and "0/4" in buf.getvalue()
    assert lines.records == []


def test_stages_time_each_stage(lines, monkeypatch):
    monkeypatch.setattr(pg, "on_terminal", lambda: False)
    st = pg.Stages("report", ["a", "b"])
    st("a")
    st("b")
    durations = st.finish()
    assert list(durations) == ["a", "b"] and all(v >= 0 for v in durations.values())
    msgs = [r.getMessage() for r in lines.records]
    assert msgs[0].startswith("report: a done in ") and msgs[1].startswith("report: b done in ")
    assert msgs[2].startswith("report: ") and "in total" in msgs[2]


def test_track_counts_the_items(lines, monkeypatch):
    monkeypatch.setattr(pg, "on_terminal", lambda: False)
    assert list(pg.track(["x", "y"], "mirror", enabled=True)) == ["x", "y"]
    assert lines.records[0].getMessage().startswith("mirror: 2 items in ")


def test_bootstrap_counts_its_draws(lines, monkeypatch):
    import numpy as np

    from backtests.inference import sharpe_ci

    monkeypatch.setattr(pg, "on_terminal", lambda: False)
    rets = np.random.default_rng(3).normal(0.001, 0.01, 300)
    with pg.showing_progress():
        sharpe_ci(rets, reps=37, seed=1)
    assert lines.records[0].getMessage().startswith("bootstrap: 37 draws in ")

"""data.background: the value is the caller's function's value, wherever it ran."""

from __future__ import annotations

import os

import numpy as np
import pytest

from data import background as B
from data.background import Background, forking_available


def _stats(x: np.ndarray) -> tuple[float, float, int]:
    return float(x.sum()), float(np.sort(x)[::-1].cumsum()[-1]), os.getpid()


def _raise(message: str) -> None:
    raise ValueError(message)


def _unpicklable() -> object:
    return lambda: None  # a lambda cannot be pickled back to the parent


def _nested() -> tuple[bool, int]:
    job = Background(os.getpid, name="nested")
    return job.forked, job.result()


needs_fork = pytest.mark.skipif(not forking_available(), reason="no fork (not Linux or one CPU)")


@needs_fork
def test_value_comes_from_a_child_and_equals_the_inline_value():
    x = np.random.default_rng(1).normal(size=10_000)
    job = Background(_stats, x, name="stats")
    assert job.forked
    total, rev, pid = job.result()
    inline = _stats(x)
    assert (total, rev) == inline[:2]  # bit for bit
    assert pid != os.getpid()
    assert job.result() is job.result()  # collected once, then kept


@needs_fork
def test_child_sees_the_arguments_as_they_were_at_construction():
    x = np.arange(5.0)
    job = Background(_stats, x, name="snapshot")
    x[:] = 100.0  # the caller changes its array afterwards: the child's copy is older
    assert job.result()[0] == 10.0


def test_an_exception_is_raised_in_the_caller(caplog):
    caplog.set_level("INFO", logger="data.background")
    job = Background(_raise, "bad input in the child", name="raising")
    with pytest.raises(ValueError, match="bad input in the child"):
        job.result()
    if job.forked:
        assert "the background process raised" in caplog.text
        assert "ValueError" in caplog.text
        assert "WARNING" not in caplog.text


def test_an_unpicklable_value_is_computed_here(caplog):
    job = Background(_unpicklable, name="lambda")
    value = job.result()
    assert callable(value)
    if job.forked:
        assert "background process failed" in caplog.text


def test_serial_environment_runs_inline(monkeypatch):
    monkeypatch.setenv(B.SERIAL_ENV, "1")
    assert not forking_available()
    job = Background(os.getpid, name="serial")
    assert not job.forked
    assert job.result() == os.getpid()


@needs_fork
def test_a_child_runs_its_own_jobs_inline():
    forked, pid = Background(_nested, name="outer").result()
    assert forked is False
    assert pid != os.getpid()


@needs_fork
def test_cancel_stops_the_child():
    job = Background(_stats, np.ones(3), name="cancelled")
    proc = job._proc
    job.cancel()
    assert not proc.is_alive()


def _in_pool_worker() -> tuple[bool, int]:
    job = Background(os.getpid, name="inside a pool")
    return job.forked, job.result()


@needs_fork
def test_a_process_pool_worker_runs_jobs_inline():
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as pool:
        forked, pid = pool.apply(_in_pool_worker)
    assert forked is False
    assert pid != os.getpid()

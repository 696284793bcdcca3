"""A report folder is written all at once: a failed or killed run never leaves a mixed folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backtests.report.staging import check_replaceable, write_staged
from data.errors import OutputError

REPO = Path(__file__).resolve().parents[3]


def _old_report(root: Path) -> dict[str, str]:
    root.mkdir(parents=True)
    files = {"metrics.json": '{"run": 1}\n', "sweep.csv": "trial\n0\n", "index.html": "old"}
    for name, text in files.items():
        (root / name).write_text(text)
    return files


def _contents(root: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in root.iterdir()}


def _siblings(root: Path) -> list[str]:
    return sorted(p.name for p in root.parent.iterdir() if p.name != root.name)


def test_a_new_report_replaces_the_old_one_whole(tmp_path):
    out = tmp_path / "default"
    _old_report(out)

    def write(stage: Path) -> str:
        assert stage.parent == out.parent and stage.name.startswith(".default.partial-")
        (stage / "metrics.json").write_text('{"run": 2}\n')
        (stage / "index.html").write_text("new")
        return "done"

    assert write_staged(out, write) == "done"
    # no file of the first run survives (sweep.csv was not written by the second)
    assert _contents(out) == {"metrics.json": '{"run": 2}\n', "index.html": "new"}
    assert _siblings(out) == []


def test_a_failing_write_leaves_the_old_report_as_it_was(tmp_path):
    out = tmp_path / "default"
    before = _old_report(out)

    def write(stage: Path) -> None:
        (stage / "metrics.json").write_text('{"run": 2}\n')
        raise RuntimeError("figure failed")

    with pytest.raises(RuntimeError, match="figure failed"):
        write_staged(out, write)
    assert _contents(out) == before
    assert _siblings(out) == []
    # into a new folder: nothing at all is left
    with pytest.raises(RuntimeError):
        write_staged(tmp_path / "fresh", write)
    assert not (tmp_path / "fresh").exists() and _siblings(out) == []


_KILLED = """
import sys, time
from pathlib import Path
from backtests.report.staging import write_staged

def write(stage):
    (stage / "metrics.json").write_text("half")
    Path(sys.argv[2]).write_text("started")
    time.sleep(60)

write_staged(sys.argv[1], write)
"""


def test_a_killed_run_leaves_the_old_report_and_the_next_run_cleans_up(tmp_path):
    out = tmp_path / "reports" / "default"
    before = _old_report(out)
    flag = tmp_path / "flag"
    proc = subprocess.Popen([sys.executable, "-c", _KILLED, str(out), str(flag)], cwd=REPO)
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert time.monotonic() < deadline and proc.poll() is None, "writer did not start"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert _contents(out) == before  # the half-written files never reached the report
    (left,) = _siblings(out)
    assert left.startswith(f".default.partial-{proc.pid}-")
    write_staged(out, lambda stage: (stage / "metrics.json").write_text("{}"))
    assert _siblings(out) == [] and _contents(out) == {"metrics.json": "{}"}


def test_a_folder_that_is_not_a_report_is_never_replaced(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.docx").write_text("precious")
    with pytest.raises(
        OutputError, match=rf"report folder {home} is not empty and holds no report"
    ):
        write_staged(home, lambda stage: None)
    assert _contents(home) == {"thesis.docx": "precious"} and _siblings(home) == []
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_replaceable(tmp_path / "afile")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert check_replaceable(empty) == empty

"""The command line's quick exit keeps what a normal exit does: handlers, flushed output, code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import atexit, sys
from backtests.cli.exit import exit_now
atexit.register(lambda: sys.stdout.write(" handler"))
sys.stdout.write("buffered")  # not flushed yet: exit_now must flush it
exit_now(3)
"""


def test_exit_now_runs_handlers_flushes_and_keeps_the_code():
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 3
    assert proc.stdout == "buffered handler"
    assert proc.stderr == ""


def test_module_entry_returns_the_commands_code(tmp_path):
    missing = tmp_path / "no-such-mirror"
    proc = subprocess.run(
        [sys.executable, "-m", "backtests.cli", "fetch", "--mirror", str(missing)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "mirror directory not found" in proc.stderr

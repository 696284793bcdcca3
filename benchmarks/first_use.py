"""What a new user waits for: the compile of ``make setup``, the first report, the first line.

- :func:`compile_at_setup` runs what ``make setup`` runs last (``python -m
  backtests.study.warmup``: the report on a short synthetic market, compiling every kernel
  into ``NUMBA_CACHE_DIR``) and returns its seconds.
- :func:`first_history_report` times the long-history report as ``make report`` runs it first
  (when the mirror has its files), right after that compile.
- :func:`first_output` starts each command as a user types it and times the wait for its
  first line on stderr (:mod:`backtests.cli.announce`), then stops the process: the seconds
  a person looks at a silent terminal.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import REPO

#: The commands timed by :func:`first_output`, with flags that make them do real work
#: (``{out}`` becomes a path in the scratch directory).
FIRST_OUTPUT_COMMANDS: dict[str, list[str]] = {
    "fetch": ["fetch", "--source", "synthetic"],
    "signal": ["signal", "--source", "synthetic", "--out", "{out}"],
    "backtest": ["backtest", "--source", "synthetic"],
    "sweep": ["sweep", "--source", "synthetic", "--out", "{out}.csv"],
    "report": ["report", "--source", "synthetic", "--out", "{out}"],
    "power": ["power", "--out", "{out}"],
}


def compile_at_setup(env: dict[str, str]) -> float:
    """Run ``python -m backtests.study.warmup`` (the end of ``make setup``); return seconds."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "backtests.study.warmup"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"the warm-up failed ({proc.returncode}):\n{proc.stderr}")
    return time.perf_counter() - t0


def history_files_present(mirror: Path | None) -> bool:
    """Return True when ``make report`` would write the long-history report first."""
    return mirror is not None and (mirror / "french").is_dir()


def first_history_report(workdir: Path, mirror: Path, env: dict[str, str]) -> float:
    """Seconds of the long-history report as ``make report`` runs it (mirror source)."""
    from benchmarks.endtoend import run_cli

    config = str(REPO / "configs" / "long_history.toml")
    args = ["report", "--source", "mirror", "--mirror", str(mirror), "--config", config]
    return run_cli([*args, "--out", str(workdir / "history")], env)


def time_to_first_line(argv: list[str], env: dict[str, str], workdir: Path) -> float:
    """Start ``python -m backtests.cli ARGV``; return the seconds until its first stderr line.

    The process is stopped as soon as the line arrives (only the wait matters here); an
    ``{out}`` in ``argv`` becomes ``workdir/first_<command>``.
    """
    out = str(workdir / f"first_{argv[0]}")
    argv = [a.replace("{out}", out) for a in argv]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "backtests.cli", *argv],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stderr.readline() if proc.stderr is not None else ""
        seconds = time.perf_counter() - t0
    finally:
        proc.kill()
        proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
    if not line.startswith(f"scarcity: {argv[0]}: "):
        raise RuntimeError(f"scarcity {argv[0]}: unexpected first line {line!r}")
    return seconds


def first_output(env: dict[str, str], workdir: Path) -> dict[str, Any]:
    """Seconds to the first line of each of :data:`FIRST_OUTPUT_COMMANDS`; ``max_s`` the worst."""
    workdir.mkdir(parents=True, exist_ok=True)
    per = {
        name: time_to_first_line(argv, env, workdir) for name, argv in FIRST_OUTPUT_COMMANDS.items()
    }
    return {"commands_s": per, "max_s": max(per.values())}

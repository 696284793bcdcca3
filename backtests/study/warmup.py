"""Compile the report's numba kernels once, at install time (``make setup``).

numba compiles a kernel on its first call and, with ``cache=True``, stores the machine code
in ``NUMBA_CACHE_DIR`` (the Makefile sets ``.numba_cache`` in the project). The first report
on a fresh clone used to spend most of its time there. :func:`compile_kernels` runs the whole
study (:func:`backtests.study.pipeline.run_pipeline` and the report writer) on a short
synthetic market, so every kernel the report calls, this package's and vectorbt's, is
compiled with the report's signatures (the same dtypes and layouts; the sizes do not matter).
Its numbers are thrown away: the report goes to a temporary directory and :func:`main`
points the data cache (``SCARCITY_CACHE``) at another one, so the user's cache is untouched.

``python -m backtests.study.warmup`` is what ``make setup`` runs.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

#: A short synthetic market and small draws: the kernels see every code path the report
#: takes (all three rules, both calendars, bootstrap and placebo), in little time.
WARMUP_OVERRIDES: dict[str, dict[str, object]] = {
    "run": {"start": "2019-06-01", "oos_start": "2021-07-01"},
    "factor": {"min_periods": 60},
    "inference": {
        "bootstrap_reps": 20,
        "placebo_reps": 5,
        "pbo_splits": 4,
        "walkforward_train_days": 126,
        "walkforward_test_days": 63,
    },
    "synthetic": {"start": "2018-01-01", "end": "2021-12-31"},
}


def compile_kernels(workdir: str | Path | None = None) -> float:
    """Run the report once on a short synthetic market; return the seconds it took.

    Parameters
    ----------
    workdir : str or Path, optional
        Where the throw-away report is written (default: a temporary directory, removed).

    Returns
    -------
    float
        Wall-clock seconds (compilation when ``NUMBA_CACHE_DIR`` was empty, loading otherwise).
    """
    from backtests.report import write_report
    from backtests.study.pipeline import run_pipeline
    from data.config import load_config

    t0 = time.perf_counter()
    cfg = load_config(**WARMUP_OVERRIDES)
    with tempfile.TemporaryDirectory(prefix="scarcity-warmup-") as tmp:
        out = Path(workdir) if workdir is not None else Path(tmp) / "report"
        res = run_pipeline(cfg, source="synthetic", market=None)
        write_report(res, out)
    return time.perf_counter() - t0


def main() -> int:
    """``python -m backtests.study.warmup``: compile the kernels into ``NUMBA_CACHE_DIR``."""
    where = os.environ.get("NUMBA_CACHE_DIR", "numba's default cache (__pycache__)")
    sys.stderr.write(f"scarcity: compiling the report's kernels into {where} (synthetic run)\n")
    sys.stderr.flush()
    with tempfile.TemporaryDirectory(prefix="scarcity-warmup-cache-") as cache:
        os.environ["SCARCITY_CACHE"] = cache  # the synthetic market leaves no trace
        seconds = compile_kernels()
    sys.stderr.write(f"scarcity: kernels ready in {seconds:.1f} s\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

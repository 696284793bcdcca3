"""Time the long-history report (``configs/long_history.toml``) on the real mirror.

``measure_long_history_report(mirror)`` returns ``{source, mirror, bars, start, end,
n_trials, seconds: {load, factor, study, report, total, load_cached}, peak_rss_mib}``:
``load`` reads, checks and caches the mirror's Ken French and FRED-MD/QD files,
``load_cached`` reads them back from the cache (not part of ``total``), ``study`` is the
sweep of targets x off-positions and the inference, ``report`` writes the pages. The bench
runner (``benchmarks/run.py``, phase ``history``) runs it in a fresh process when the mirror
holds the long-history files (:func:`missing_history_files`), else records why it skipped.
Run by hand::

    .venv/bin/python benchmarks/long_history.py ../shared/market-data
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CONFIG = REPO / "configs" / "long_history.toml"


def _config(tiny: bool):
    from data.config import load_config

    if not tiny:
        return load_config(CONFIG)
    # toy sizes (tests): a few years of made-up data, few resampling draws
    return load_config(
        CONFIG,
        factor={"min_periods": 60},
        inference={"bootstrap_reps": 50, "placebo_reps": 20, "pbo_splits": 4},
    )


def missing_history_files(mirror: str | Path) -> list[str]:
    """Return what the mirror lacks for the long-history report (empty when it has it all).

    The FRED-MD and FRED-QD ``current.csv`` files the config reads, and at least one of its
    Ken French files (``[targets] french_files``).
    """
    from data.collect_history import history_series

    root = Path(mirror)
    cfg = _config(False)
    kinds = sorted({kind for kind, _ in history_series(cfg).values()})
    lost = [f"{k}/current.csv" for k in kinds if not (root / k / "current.csv").is_file()]
    french = [f"french/{f}.csv" for f in cfg.targets.french_files]
    if not any((root / f).is_file() for f in french):
        lost.append(" or ".join(french))
    return lost


def measure_long_history_report(mirror: str | Path, *, tiny: bool = False) -> dict[str, Any]:
    """Time each stage of the long-history report once (load, factor, study, report).

    Parameters
    ----------
    mirror : str or Path
        A mirror with ``french/``, ``fred-md/`` and ``fred-qd/`` files.
    tiny : bool, keyword-only
        Toy settings (fewer warm-up days and resampling draws) for a toy mirror.

    Returns
    -------
    dict
        See the module docstring. The tables go to the cache of ``$SCARCITY_CACHE`` (the
        runner gives the worker a scratch one).
    """
    from backtests.history.report import write_history_report
    from backtests.history.run import build_history_factor, run_history
    from benchmarks.common import peak_rss_mib
    from data.history import load_history

    cfg = _config(tiny)
    t0 = time.perf_counter()
    market = load_history(cfg, source="mirror", mirror=mirror)
    t1 = time.perf_counter()
    build_history_factor(market, cfg)
    t2 = time.perf_counter()
    res = run_history(cfg, market=market)
    t3 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        write_history_report(res, tmp)
    t4 = time.perf_counter()
    cached = load_history(cfg, source="cache")
    t5 = time.perf_counter()
    return {
        "source": market.source,
        "source_cached": cached.source,
        "mirror": str(mirror),
        "bars": int(len(res.targets)),
        "start": str(res.targets.index[0].date()),
        "end": str(res.targets.index[-1].date()),
        "n_trials": int(res.metrics["inference"]["trials"]["raw"]),
        "seconds": {
            "load": t1 - t0,
            "factor": t2 - t1,
            "study": t3 - t2,
            "report": t4 - t3,
            "total": t4 - t0,
            "load_cached": t5 - t4,
        },
        "peak_rss_mib": peak_rss_mib(),
    }


if __name__ == "__main__":
    sys.stdout.write(
        json.dumps(
            measure_long_history_report(
                sys.argv[1] if len(sys.argv) > 1 else "../shared/market-data"
            ),
            indent=2,
        )
        + "\n"
    )

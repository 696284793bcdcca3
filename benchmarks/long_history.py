"""Time the long-history report (``configs/long_history.toml``) on the real mirror.

``measure_long_history_report(mirror)`` returns ``{bars, seconds: {load, factor, study,
report, total}, n_trials}``; the bench runner (``benchmarks/run.py``) can call it when the
mirror holds the long-history files. Run by hand::

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


def measure_long_history_report(mirror: str | Path) -> dict[str, Any]:
    """Time each stage of the long-history report once (load, factor, study, report)."""
    from backtests.history import build_history_factor, run_history
    from backtests.history_report import write_history_report
    from data.config import load_config
    from data.history import load_history

    cfg = load_config(REPO / "configs" / "long_history.toml")
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
    return {
        "bars": int(len(res.targets)),
        "n_trials": int(res.metrics["inference"]["trials"]["raw"]),
        "seconds": {
            "load": t1 - t0,
            "factor": t2 - t1,
            "study": t3 - t2,
            "report": t4 - t3,
            "total": t4 - t0,
        },
    }


if __name__ == "__main__":
    print(
        json.dumps(
            measure_long_history_report(
                sys.argv[1] if len(sys.argv) > 1 else "../shared/market-data"
            ),
            indent=2,
        )
    )

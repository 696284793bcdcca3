"""Regenerate the golden metrics of the synthetic report.

Run ``.venv/bin/python tests/golden/make_golden.py`` after an intended change of numbers and
commit the new ``synthetic_metrics.json`` with a message saying why the numbers moved. The
test ``tests/backtests/report/test_report_golden.py`` compares a fresh run against this file and
prints a readable diff; the same test recomputes the headline statistics independently from
``returns.csv`` so the golden file is not only the code checking itself.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "synthetic_metrics.json"

# A small, fast configuration: fixed seed, reduced resampling, a small grid.
OVERRIDES = {
    "synthetic": {"seed": 42},
    "inference": {"bootstrap_reps": 200, "placebo_reps": 40, "pbo_splits": 8},
    "sweep": {
        "zscore_window": [0],
        "change_window": [21, 63],
        "threshold": [-0.5, 0.0, 0.5],
        "rule": ["switch", "tilt"],
        "rebalance": ["weekly"],
    },
}
# Keys compared exactly (to 1e-9 relative); provenance hashes and paths are excluded.
COMPARED = (
    "period",
    "strategy",
    "benchmarks",
    "inference",
    "factor",
    "oos",
    "samples",
    "verdict",
)


def golden_run(out_dir: Path) -> dict:
    """Run the report on the golden synthetic configuration and return its metrics."""
    from backtests.report import write_report
    from backtests.study.pipeline import run_pipeline
    from data.config import load_config

    cfg = load_config(**OVERRIDES)
    res = run_pipeline(cfg, source="synthetic")
    paths = write_report(res, out_dir)
    return json.loads(paths.metrics.read_text())


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        metrics = golden_run(Path(tmp) / "golden")
    subset = {k: metrics[k] for k in COMPARED}
    GOLDEN.write_text(json.dumps(subset, indent=2, sort_keys=True) + "\n")
    sys.stdout.write(f"wrote {GOLDEN}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

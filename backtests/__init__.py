"""Rotation backtests of the capital-scarcity thesis: engine, statistics, sweeps, inference, report.

The public API is listed in ``__all__`` and imported lazily (the engine pulls in vectorbt and
numba, which take seconds to import), so ``import backtests`` stays cheap:

>>> from backtests import run_pipeline, write_report  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "RotationSpec": "backtests.spec",
    "target_weights": "backtests.rotation",
    "run_backtest": "backtests.engine",
    "BacktestResult": "backtests.result",
    "run_benchmarks": "backtests.benchmarks",
    "SweepResult": "backtests.sweep",
    "run_sweep": "backtests.sweep",
    "load_grid": "backtests.sweep",
    "PipelineResult": "backtests.pipeline",
    "run_pipeline": "backtests.pipeline",
    "run_sweep_for": "backtests.pipeline",
    "write_report": "backtests.report",
    "build_metrics": "backtests.report",
    "run_power_study": "backtests.power_study",
    "InferenceReport": "backtests.inference",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'backtests' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__

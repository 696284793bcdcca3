"""Rotation backtests of the capital-scarcity thesis: engine, statistics, sweeps, inference, report.

The public API is listed in ``__all__`` and imported lazily (the engine pulls in vectorbt and
numba, which take seconds to import), so ``import backtests`` stays cheap:

>>> from backtests import run_pipeline, write_report  # doctest: +SKIP
"""

from __future__ import annotations

from data.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "RotationSpec": "backtests.rotation.spec",
    "Prices": "backtests.rotation.prices",
    "target_weights": "backtests.rotation.targets",
    "run_backtest": "backtests.engines.engine",
    "BacktestResult": "backtests.engines.result",
    "run_benchmarks": "backtests.study.benchmarks",
    "SweepResult": "backtests.sweep.core",
    "run_sweep": "backtests.sweep.core",
    "load_grid": "backtests.sweep.core",
    "PipelineResult": "backtests.study.pipeline",
    "run_pipeline": "backtests.study.pipeline",
    "run_sweep_for": "backtests.study.sweep",
    "write_report": "backtests.report",
    "build_metrics": "backtests.report",
    "run_power_study": "backtests.study.power",
    "InferenceReport": "backtests.inference",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

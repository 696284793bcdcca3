"""The main study (``make report``): data -> factor -> rotation -> benchmark-relative evidence.

Modules, in the order :func:`run_pipeline` runs them: ``window`` (the run's dates, cash rate
and spread), ``benchmarks`` (always-near, always-long, the 50/50 mix, SPY, QQQ), ``pipeline``
(the driver), ``sweep`` (the in-sample parameter sweep and its deflation, PBO and
walk-forward), ``variants`` (the rotation driven by many factors), ``ablation`` (which block
of the thesis carries the result; nested regressions), ``universes`` (the robustness grid of
basket pairs), ``evidence`` (active returns and per-sample blocks), ``assess`` (the inference
stage) and ``power`` (size and power of the headline test on synthetic markets). Public names
are imported lazily.
"""

from __future__ import annotations

from data.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Assessment": "backtests.study.assess",
        "PipelineResult": "backtests.study.pipeline",
        "assess": "backtests.study.assess",
        "run_benchmarks": "backtests.study.benchmarks",
        "run_pipeline": "backtests.study.pipeline",
        "run_power_study": "backtests.study.power",
        "run_sweep_for": "backtests.study.sweep",
        "run_universe_grid": "backtests.study.universes",
    },
)

"""The long history (`configs/long_history.toml`): the thesis on sixty years of French spreads.

Modules, in the order the study runs: ``spreads`` (the spread rotation and its static
benchmark), ``run`` (:func:`run_history`: load, factor, rotations), ``episodes`` (capex
booms by a configured rule), ``metrics`` (``metrics.json`` of the report: samples, inference,
ablation, trials, verdict), ``result`` (:class:`HistoryResult`) and ``report``
(:func:`write_history_report`). Public names are imported lazily.
"""

from __future__ import annotations

from data.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "HistoryResult": "backtests.history.result",
        "build_history_factor": "backtests.history.run",
        "episodes": "backtests.history.episodes",
        "factor_calendar": "backtests.history.run",
        "history_metrics": "backtests.history.metrics",
        "run_history": "backtests.history.run",
        "run_spread": "backtests.history.spreads",
        "target_frame": "backtests.history.run",
        "write_history_report": "backtests.history.report",
    },
)

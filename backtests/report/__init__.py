"""Report writing: metrics, figures, the self-contained HTML page.

Public names are imported on first use (:mod:`data.lazy`): importing a submodule such as
:mod:`backtests.report.staging` stays cheap (the command line checks an output folder
before it loads the study's libraries).
"""

from __future__ import annotations

from typing import Any

from data.lazy import lazy_exports

_names, _lazy, _dir = lazy_exports(
    __name__,
    {
        "ReportPaths": "backtests.report.writer",
        "build_metrics": "backtests.report.metrics",
        "validate_metrics": "backtests.report.metrics",
        "write_report": "backtests.report.writer",
    },
)
__all__ = sorted([*_names, "verdict"])


def __getattr__(name: str) -> Any:
    if name == "verdict":  # the verdict rule, under its short name
        from backtests.inference.verdict import decide_verdict

        return decide_verdict
    return _lazy(name)


def __dir__() -> list[str]:
    return __all__

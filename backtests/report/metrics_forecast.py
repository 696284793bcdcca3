"""The ``oos_forecast`` and ``competing`` blocks of ``metrics.json``.

``oos_forecast``: one row per variant, horizon and sample, ``{variant, horizon, sample,
start, end, n, r2_os, cw_stat, cw_pvalue}`` (:mod:`backtests.study.forecasts`).
``competing``: ``{nested, alpha_ff, trend_rotation}`` (:mod:`backtests.study.competing`).
Both are empty (``[]``, None) when the run did not compute them.
"""

from __future__ import annotations

from typing import Any


def forecast_metrics(result: Any) -> dict[str, Any]:
    """Return ``{"oos_forecast": [...], "competing": {...} or None}`` of a pipeline result.

    Values are raw (numpy, NaN, Timestamps): :func:`backtests.report.metrics.build_metrics`
    cleans the whole dict.
    """
    extras = getattr(result, "extras", {}) or {}
    fc = extras.get("forecasts")
    comp = extras.get("competing")
    return {
        "oos_forecast": fc.rows() if fc is not None else [],
        "competing": comp.metrics() if comp is not None else None,
    }

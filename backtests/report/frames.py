"""The report's frames: daily returns of the strategy and benchmarks, and the sweep pivot.

Pure functions of a pipeline result or a sweep table, shared by the report files
(:mod:`backtests.report.writer`), the static figures and the interactive figures
(:mod:`backtests.report.interactive`). They import nothing else of the report, so every
report module may use them without an import circle.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def returns_frame(result: Any) -> pd.DataFrame:
    """Daily net returns: ``strategy`` then one column per benchmark, index ``date``."""
    cols = {"strategy": result.backtest.returns}
    for name, res in sorted(result.benchmarks.items()):
        cols[name] = res.returns
    out = pd.DataFrame(cols)
    out.index.name = "date"
    return out


def declared_benchmark(result: Any) -> str:
    """Return the benchmark the run's inference is against.

    The assessment's (``result.assessment.benchmark``) once the run is finished; before it
    (the partial result of ``run_pipeline(..., on_partial=...)``) ``[inference] benchmark``
    read as :func:`backtests.study.assess.assess` reads it, which is the same name.
    """
    a = getattr(result, "assessment", None)
    if a is not None:
        return str(a.benchmark)
    return str(result.cfg.inference.get("benchmark", "fifty_fifty"))


def sweep_pivot(table: pd.DataFrame) -> pd.DataFrame | None:
    """Mean in-sample Sharpe by rule/rebalance (rows) and threshold (columns)."""
    need = {"rule", "rebalance", "threshold", "sharpe"}
    if table is None or not need <= set(table.columns):
        return None
    t = table.assign(variant=table["rule"].astype(str) + " / " + table["rebalance"].astype(str))
    pivot = t.pivot_table(index="variant", columns="threshold", values="sharpe", aggfunc="mean")
    pivot.index.name = "rule / rebalance"
    pivot.columns.name = "threshold"
    return pivot

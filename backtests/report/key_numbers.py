"""The key numbers of a report, and whether two runs' key numbers agree.

The research notebooks retell the report; these are the numbers they must state exactly as
``metrics.json`` does (placebo p-value, trial counts, capex events, SPA, deflated Sharpe,
PBO, ...). A notebook computes them with the same pipeline call as ``scarcity report`` and
compares them with the report's file when it exists (:func:`compare_key_numbers`); the
notebook test checks the same.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

__all__ = ["KEY_NUMBERS", "compare_key_numbers", "key_numbers", "same_run"]

KEY_NUMBERS: dict[str, str] = {
    "verdict": "verdict.label",
    "placebo p-value (in-sample)": "inference.placebo_pvalue",
    "trials, raw": "inference.trials.raw",
    "trials, distinct": "inference.trials.distinct",
    "trials, effective": "inference.trials.effective",
    "t-statistic hurdle": "inference.tstat_hurdle",
    "HAC alpha t-statistic": "inference.hac_alpha_tstat",
    "SPA p-value": "inference.spa_pvalue",
    "deflated Sharpe": "inference.deflated_sharpe",
    "PBO": "inference.pbo",
    "capex events in the period": "coverage.capex_events.in_window",
    "predictive p-value (in-sample)": "factor.predictive_pvalue",
    "strategy Sharpe": "strategy.sharpe",
}
"""Label -> dotted path in ``metrics.json``."""


def _get(metrics: dict[str, Any], path: str) -> Any:
    node: Any = metrics
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def key_numbers(metrics: dict[str, Any]) -> dict[str, Any]:
    """Return ``{label: value}`` of :data:`KEY_NUMBERS` (``None`` where a report lacks one)."""
    return {label: _get(metrics, path) for label, path in KEY_NUMBERS.items()}


def same_run(a: dict[str, Any], b: dict[str, Any]) -> tuple[bool, str]:
    """Whether two metrics come from the same configuration and data, and if not why.

    Same ``spec_hash`` (every result-relevant configuration key), same period and the same
    input files (``provenance``: each file's SHA-256).
    """
    for key, what in (("spec_hash", "configuration"), ("period", "period")):
        if a.get(key) != b.get(key):
            return False, f"different {what}: {a.get(key)} vs {b.get(key)}"
    if a.get("provenance") != b.get("provenance"):
        return False, "different input files (provenance hashes differ)"
    return True, "same configuration, period and input files"


def _equal(x: Any, y: Any, rel: float) -> bool:
    if isinstance(x, float) and isinstance(y, float):
        return math.isclose(x, y, rel_tol=rel, abs_tol=1e-12)
    return x == y


def compare_key_numbers(
    mine: dict[str, Any], report: dict[str, Any], *, rel: float = 1e-9
) -> pd.DataFrame:
    """Side by side: each key number here and in the report, and whether they are equal.

    Parameters
    ----------
    mine, report : dict
        Two ``metrics.json`` contents (for instance a notebook's run and the report's file).
    rel : float
        Relative tolerance for floating-point numbers (the run is deterministic; this only
        absorbs the JSON round trip).

    Returns
    -------
    DataFrame
        Index: the labels; columns ``notebook``, ``report``, ``equal``.
    """
    a, b = key_numbers(mine), key_numbers(report)
    rows = {k: {"notebook": a[k], "report": b[k], "equal": _equal(a[k], b[k], rel)} for k in a}
    return pd.DataFrame.from_dict(rows, orient="index")

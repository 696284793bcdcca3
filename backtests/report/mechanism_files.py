"""The mechanism study's report files: ``mechanism.csv`` and the section's figures.

``mechanism.csv`` holds the monthly panel every link used (index ``date``, each month's last
business day; one column per shock, outcome and threshold variable under the names of the
``mechanism`` block's links, and ``state``: 1 idle money exhausted, 0 ample, empty when
unknown), so a referee can recompute any number of the block.
"""

from __future__ import annotations

from typing import Any

from signals.mechanism import mechanism_frame


def mechanism_of(result: Any) -> Any | None:
    """Return the run's :class:`~signals.mechanism.MechanismResult`, or None when none ran.

    A :class:`~backtests.study.pipeline.PipelineResult` keeps it in ``extras["mechanism"]``,
    a :class:`~backtests.history.result.HistoryResult` in ``mechanism``.
    """
    extras = getattr(result, "extras", None) or {}
    return extras.get("mechanism", getattr(result, "mechanism", None))


def mechanism_files(result: Any) -> tuple[str | None, dict[str, tuple[str, str, str]]]:
    """Return ``mechanism.csv`` as text (None without a study) and the section's figures.

    Parameters
    ----------
    result : PipelineResult or HistoryResult
        A finished run.

    Returns
    -------
    tuple
        The CSV text (10 significant digits) or None, and name -> (base64 PNG, alt, caption)
        (:func:`backtests.report.figures_mechanism.mechanism_figures`).
    """
    from backtests.report.figures_mechanism import mechanism_figures  # matplotlib: on use

    mech = mechanism_of(result)
    if mech is None:
        return None, {}
    synthetic = bool(getattr(result, "synthetic", False))
    csv = mechanism_frame(mech).to_csv(float_format="%.10g")
    return csv, mechanism_figures(mech, synthetic=synthetic)

"""Deflated Sharpe ratios of a sweep: its default spec and its in-sample best trial.

:func:`deflate_sweep` deflates for the sweep's trials as counted by
:func:`~backtests.inference.trials.count_trials` (the effective number unless told
otherwise), with the variance of the *distinct* trials' Sharpe ratios, and returns a
:class:`DeflatedTrials`. The single-strategy formulas (probabilistic and deflated Sharpe
ratio, expected maximum Sharpe of N skill-less trials; Bailey & Lopez de Prado 2012, 2014)
are in :mod:`backtests.inference.psr` and re-exported here.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from backtests.inference._common import (
    PERIODS_PER_YEAR,
    check_before,
    check_positive_int,
    clean,
    sharpe_per_period,
)
from backtests.inference.psr import (
    EULER_GAMMA,
    DeflatedSharpe,
    _check_n_trials,
    _count_str,
    deflated_sharpe,
    expected_max_sharpe,
    probabilistic_sharpe,
)
from backtests.inference.trials import TrialCount, count_trials
from data.errors import DataError

__all__ = [
    "EULER_GAMMA",
    "DeflatedSharpe",
    "DeflatedTrials",
    "deflate_sweep",
    "deflated_sharpe",
    "expected_max_sharpe",
    "probabilistic_sharpe",
]


@dataclass(frozen=True)
class DeflatedTrials:
    """Deflated Sharpe of the default spec and of the in-sample best trial of a sweep.

    Attributes
    ----------
    best : DeflatedSharpe
        DSR of the trial with the highest in-sample Sharpe (the one a search would pick).
    best_name : Hashable
        Its column name.
    default : DeflatedSharpe or None
        DSR of the default spec (None when no default was given).
    default_name : Hashable
        Column name of the default (None when given as a Series or not at all).
    n_trials : float
        Number of trials deflated for (the effective count unless given).
    var_trials : float
        Variance of the distinct trials' per-period Sharpe ratios.
    trials : TrialCount
        Raw, distinct and effective counts of the sweep.
    """

    best: DeflatedSharpe
    best_name: Hashable
    default: DeflatedSharpe | None
    default_name: Hashable
    n_trials: float
    var_trials: float
    trials: TrialCount

    def summary(self) -> str:
        """Two or three lines: the counts, the best trial's DSR, the default's DSR."""
        lines = [
            f"{self.trials.summary()}; deflating for {_count_str(self.n_trials)} trials",
            f"  best in-sample trial {self.best_name}: {self.best.summary()}",
        ]
        if self.default is not None:
            name = "" if self.default_name is None else f" {self.default_name}"
            lines.append(f"  default spec{name}: {self.default.summary()}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def to_metrics(self) -> dict[str, Any]:
        """JSON-safe dict: DSRs of default and best, the best's name, counts used."""
        d = self.default
        return clean(
            {
                "deflated_sharpe_default": d.dsr if d is not None else None,
                "deflated_sharpe_best": self.best.dsr,
                "best_trial": str(self.best_name),
                "best_sharpe": self.best.sharpe_ann,
                "expected_max_sharpe": self.best.sr0_ann,
                "n_trials": self.n_trials,
                "var_trials": self.var_trials,
                "trials": self.trials.to_metrics(),
            }
        )


def deflate_sweep(
    trials: pd.DataFrame,
    *,
    default: Hashable | pd.Series | None = None,
    n_trials: float | None = None,
    counts: TrialCount | None = None,
    periods_per_year: int = PERIODS_PER_YEAR,
    oos_start: Any = None,
) -> DeflatedTrials:
    """Deflated Sharpe ratios of a sweep's default spec and of its in-sample best trial.

    The trial Sharpe variance ``V`` comes from the *distinct* trials (exact duplicates
    would shrink it artificially), and the number of trials is the effective one unless
    ``n_trials`` says otherwise.

    Parameters
    ----------
    trials : pandas.DataFrame
        ``T x K`` in-sample daily returns of every trial (no missing values).
    default : column name or pandas.Series, optional
        The default spec: a column of ``trials`` or its own in-sample returns.
    n_trials : float, optional
        Trials to deflate for; default ``counts.effective`` (floored at 1). Pass
        ``counts.raw`` for the raw-count deflation beside it.
    counts : TrialCount, optional
        Precomputed :func:`~backtests.inference.trials.count_trials` of ``trials``.
    periods_per_year : int
        Annualization factor of the reported Sharpe ratios.
    oos_start : date-like, optional
        When given, ``trials`` must end before it (:class:`LookAheadError`).

    Returns
    -------
    DeflatedTrials

    Examples
    --------
    >>> dt = deflate_sweep(is_trials, default="switch|t=0.5|monthly")  # doctest: +SKIP
    >>> dt.best.dsr, dt.default.dsr, dt.n_trials  # doctest: +SKIP
    """
    periods_per_year = check_positive_int(periods_per_year, "periods_per_year")
    if not isinstance(trials, pd.DataFrame):
        raise DataError(
            f"expected a DataFrame (dates x trials), got {type(trials).__name__}", source="trials"
        )
    check_before(trials, oos_start, "trials")
    tc = counts if counts is not None else count_trials(trials)
    distinct = trials.loc[:, list(tc.kept)] if len(tc.duplicates) else trials
    sr = np.asarray(sharpe_per_period(distinct.to_numpy(dtype=float)), dtype=float).ravel()
    finite = np.isfinite(sr)
    if finite.sum() < 2:
        raise DataError(
            f"need at least 2 distinct non-constant trials, got {int(finite.sum())}",
            source="trials",
        )
    n = max(1.0, float(tc.effective)) if n_trials is None else _check_n_trials(n_trials)
    best_pos = int(np.nanargmax(np.where(finite, sr, -np.inf)))
    best_name = distinct.columns[best_pos]

    def dsr(returns: pd.Series, name: str) -> DeflatedSharpe:
        return deflated_sharpe(
            returns.rename(name),
            sr[finite],
            n_trials=n,
            trial_units="period",
            periods_per_year=periods_per_year,
            oos_start=oos_start,
        )

    best = dsr(distinct.iloc[:, best_pos], "best")
    if default is None:
        default_res, default_name = None, None
    elif isinstance(default, pd.Series):
        default_res, default_name = dsr(default, "default"), None
    else:
        if default not in trials.columns:
            raise DataError(f"default spec {default!r} is not a trial column", source="trials")
        default_res, default_name = dsr(trials[default], "default"), default
    return DeflatedTrials(
        best=best,
        best_name=best_name,
        default=default_res,
        default_name=default_name,
        n_trials=n,
        var_trials=float(np.var(sr[finite], ddof=1)),
        trials=tc,
    )

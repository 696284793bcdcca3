"""Probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV).

Bailey, Borwein, Lopez de Prado and Zhu (2017), "The probability of backtest overfitting",
Journal of Computational Finance 20(4). The rows of a dates x trials return matrix are cut
into ``S`` contiguous blocks of equal length; each of the ``C(S, S/2)`` ways of choosing
half of the blocks is an in-sample set, its complement the out-of-sample set. For each
split the best in-sample trial is picked and its relative rank ``omega`` among all trials
out-of-sample is recorded; ``lambda = log(omega / (1 - omega))``. PBO is the share of
splits with ``lambda <= 0``: the in-sample winner does no better than the median trial
out of sample.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Literal

import numpy as np
import pandas as pd

from backtests.inference._common import (
    as_trial_frame,
    check_before,
    check_choice,
    check_positive_int,
    fmt,
)

log = logging.getLogger(__name__)

_CHUNK = 2048  # splits evaluated at once (bounds memory at _CHUNK x n_trials floats)


@dataclass(frozen=True)
class PBOResult:
    """Outcome of CSCV over a sweep's trials.

    Attributes
    ----------
    pbo : float
        Probability of backtest overfitting: share of splits with ``lambda <= 0``.
    degradation_slope, degradation_intercept : float
        OLS fit of the selected trial's out-of-sample metric on its in-sample metric across
        splits (a slope well below 1, or negative, means in-sample performance does not
        carry over).
    prob_loss : float
        Share of splits where the selected trial's out-of-sample metric is below zero.
    n_splits, n_combinations, n_trials, block_size : int
        ``S``, ``C(S, S/2)``, number of trials, rows per block.
    metric : str
        ``sharpe`` (per period), ``mean`` or ``total_return``.
    lambdas, is_metric, oos_metric : numpy.ndarray
        Per split: the logit, and the selected trial's in- and out-of-sample metric.
    selected : numpy.ndarray
        Per split: column position of the in-sample winner.
    """

    pbo: float
    degradation_slope: float
    degradation_intercept: float
    prob_loss: float
    n_splits: int
    n_combinations: int
    n_trials: int
    block_size: int
    metric: str
    lambdas: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.empty(0))
    is_metric: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.empty(0))
    oos_metric: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.empty(0))
    selected: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.empty(0))

    def summary(self) -> str:
        """One line: PBO, degradation slope, probability of loss, the CSCV layout."""
        return (
            f"PBO {fmt(self.pbo, '.2f')} (CSCV, S={self.n_splits}, {self.n_combinations} splits, "
            f"{self.n_trials} trials, {self.metric}); OOS-on-IS slope "
            f"{fmt(self.degradation_slope, '.2f')}; P(OOS loss) {fmt(self.prob_loss, '.2f')}"
        )

    def __str__(self) -> str:
        return self.summary()


def _split_metric(
    s: np.ndarray, q: np.ndarray, lg: np.ndarray, count: int, metric: str
) -> np.ndarray:
    """Metric of every trial from summed block statistics (sum, sum of squares, sum of logs)."""
    if metric == "mean":
        return s / count
    if metric == "total_return":
        return np.expm1(lg)
    mean = s / count
    var = (q - count * mean * mean) / (count - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = mean / np.sqrt(var)
    out[~(var > 1e-300)] = np.nan
    return out


def pbo(
    trial_returns: pd.DataFrame,
    *,
    n_splits: int = 16,
    metric: Literal["sharpe", "mean", "total_return"] = "sharpe",
    oos_start: Any = None,
) -> PBOResult:
    """Probability of backtest overfitting of a sweep by CSCV.

    Parameters
    ----------
    trial_returns : pandas.DataFrame
        Dates x trials daily returns (``SweepResult.returns``), no NaN (fill or drop first).
        When the number of rows is not a multiple of ``n_splits`` the earliest
        ``len % n_splits`` rows are dropped.
    n_splits : int
        ``S``, an even number >= 2 (16 gives 12,870 splits).
    metric : {"sharpe", "mean", "total_return"}
        Performance measure used to pick and rank trials. A trial whose metric is undefined
        on a split (zero variance) ranks below every defined one.
    oos_start : date-like, optional
        When given, the matrix must end before it (:class:`LookAheadError`).

    Returns
    -------
    PBOResult

    Notes
    -----
    ``omega = rank / (N + 1)`` with the out-of-sample rank in 1..N (ties averaged), so with
    an even number of trials ``lambda`` is never exactly 0 without ties and pure noise gives
    PBO = 1/2 in expectation. The blocks are contiguous, preserving serial dependence within
    them. Timing: a diagnostic of the selection process over the tuning period; it does not
    trade.

    Examples
    --------
    >>> res = pbo(sweep.returns.fillna(0.0), n_splits=16)  # doctest: +SKIP
    >>> res.pbo  # doctest: +SKIP
    """
    f = as_trial_frame(trial_returns, "trial_returns")
    check_before(f, oos_start, "trial_returns")
    S = check_positive_int(n_splits, "n_splits", minimum=2)
    if S % 2:
        raise ValueError(f"`n_splits` must be even, got {n_splits}")
    metric = check_choice(metric, "metric", ("sharpe", "mean", "total_return"))
    T, N = f.shape
    b = T // S
    half = S // 2
    if b < 1 or (metric == "sharpe" and half * b < 2):
        raise ValueError(
            f"`n_splits` {S} is too large for {T} rows (each half-sample needs at least "
            f"2 rows for a Sharpe ratio)"
        )
    if T % S:
        log.info("pbo: dropping the first %d of %d rows to make %d equal blocks", T % S, T, S)
    x = f.to_numpy()[T - S * b :].reshape(S, b, N)
    with np.errstate(invalid="ignore"):
        logs = np.log1p(x) if metric == "total_return" else np.zeros_like(x)
    sums, sq, lg = x.sum(axis=1), (x * x).sum(axis=1), logs.sum(axis=1)
    tot_s, tot_q, tot_l = sums.sum(0), sq.sum(0), lg.sum(0)
    combos = np.array(list(combinations(range(S), half)), dtype=np.intp)
    C = len(combos)
    count = half * b
    lambdas = np.empty(C)
    is_best = np.empty(C)
    oos_best = np.empty(C)
    selected = np.empty(C, dtype=np.intp)
    for start in range(0, C, _CHUNK):
        idx = combos[start : start + _CHUNK]
        m = np.zeros((len(idx), S))
        np.put_along_axis(m, idx, 1.0, axis=1)
        s_in, q_in, l_in = m @ sums, m @ sq, m @ lg
        ism = _split_metric(s_in, q_in, l_in, count, metric)
        oosm = _split_metric(tot_s - s_in, tot_q - q_in, tot_l - l_in, count, metric)
        ism = np.where(np.isnan(ism), -np.inf, ism)
        oosm = np.where(np.isnan(oosm), -np.inf, oosm)
        best = np.argmax(ism, axis=1)
        rows = np.arange(len(idx))
        o_star = oosm[rows, best][:, None]
        rank = (oosm < o_star).sum(1) + ((oosm == o_star).sum(1) + 1) / 2.0
        omega = rank / (N + 1.0)
        sl = slice(start, start + len(idx))
        lambdas[sl] = np.log(omega / (1.0 - omega))
        is_best[sl] = ism[rows, best]
        oos_best[sl] = oosm[rows, best]
        selected[sl] = best
    finite = np.isfinite(is_best) & np.isfinite(oos_best)
    slope = intercept = float("nan")
    if finite.sum() >= 2 and np.ptp(is_best[finite]) > 0:
        slope, intercept = (float(v) for v in np.polyfit(is_best[finite], oos_best[finite], 1))
    return PBOResult(
        pbo=float(np.mean(lambdas <= 0.0)),
        degradation_slope=slope,
        degradation_intercept=intercept,
        prob_loss=float(np.mean(oos_best < 0.0)),
        n_splits=S,
        n_combinations=C,
        n_trials=N,
        block_size=b,
        metric=metric,
        lambdas=lambdas,
        is_metric=is_best,
        oos_metric=oos_best,
        selected=selected,
    )


def n_combinations(n_splits: int) -> int:
    """Return the number of CSCV splits ``C(S, S/2)`` for ``S = n_splits``."""
    return math.comb(n_splits, n_splits // 2)

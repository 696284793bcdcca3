"""Multiple-testing hurdles for t-statistics and Sharpe haircuts (Harvey, Liu & Zhu).

After trying N variants, the t-statistic of the best is not compared with 1.96: each method
below controls an error rate over all N tests and gives the two-sided p-value a result must
reach, ``p*``, turned into a t-hurdle ``Phi^-1(1 - p*/2)``.

- ``bonferroni`` (family-wise error): ``p* = alpha / N``.
- ``holm`` (family-wise, step-down): the ``k``-th smallest p-value must satisfy
  ``p <= alpha / (N - k + 1)``; for the best result (``rank=1``) this equals Bonferroni.
- ``bhy`` (Benjamini-Hochberg-Yekutieli false discovery rate, valid under any dependence):
  the ``k``-th smallest p-value passes when ``p <= k alpha / (N c(N))``, with
  ``c(N) = sum_{i=1..N} 1/i``. Being a step-up rule, the hurdle of a result depends on the
  other results' p-values; with none given, ``rank=1`` is the most demanding (worst-case)
  hurdle and is stricter than Bonferroni by the factor ``c(N)``.

Harvey, Liu and Zhu (2016), "...and the Cross-Section of Expected Returns", Review of
Financial Studies 29(1); Harvey and Liu (2015), "Backtesting", Journal of Portfolio
Management 42(1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import special, stats
from statsmodels.stats.multitest import multipletests

from backtests.inference._common import (
    PERIODS_PER_YEAR,
    check_choice,
    check_positive_int,
    check_probability,
    fmt,
)

Method = Literal["bonferroni", "holm", "bhy"]
METHODS = ("bonferroni", "holm", "bhy")


def _harmonic(n: float) -> float:
    """``sum_{i=1..n} 1/i``; for a non-integer (effective) n, ``digamma(n + 1) + gamma``."""
    if float(n).is_integer():
        return float(np.sum(1.0 / np.arange(1, int(n) + 1)))
    return float(special.digamma(n + 1.0) + np.euler_gamma)


def _check_count(value: Any) -> float:
    """Validate a trial count: an integer >= 1, or an effective (non-integer) count >= 1."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"`n_trials` must be a number >= 1, got {value!r}")
    n = float(value)
    if not math.isfinite(n) or n < 1.0:
        raise ValueError(f"`n_trials` must be a number >= 1, got {value!r}")
    return n


def pvalue_threshold(
    n_trials: float, *, alpha: float = 0.05, method: Method = "bonferroni", rank: int = 1
) -> float:
    """Two-sided p-value a result of the given ``rank`` (1 = best) must not exceed.

    ``n_trials`` may be an effective (non-integer) count, used as is: no rounding.
    """
    n = _check_count(n_trials)
    alpha = check_probability(alpha, "alpha")
    method = check_choice(method, "method", METHODS)
    rank = check_positive_int(rank, "rank")
    if rank > n:
        raise ValueError(f"`rank` must be <= n_trials {n}, got {rank}")
    if method == "bonferroni":
        return alpha / n
    if method == "holm":
        return alpha / (n - rank + 1)
    return rank * alpha / (n * _harmonic(n))


def tstat_hurdle(
    n_trials: float, *, alpha: float = 0.05, method: Method = "bonferroni", rank: int = 1
) -> float:
    """Return the t-statistic a result must exceed given the number of trials.

    Parameters
    ----------
    n_trials : float
        Number of variants tried (>= 1); 1 gives the single-test 1.96 at 5%. An effective
        (non-integer) count is used as is.
    alpha : float
        Error rate (family-wise for Bonferroni and Holm, false discovery rate for BHY).
    method : {"bonferroni", "holm", "bhy"}
        See the module docstring.
    rank : int
        Rank of the result among the trials by p-value (1 = most significant); only Holm
        and BHY depend on it.

    Returns
    -------
    float
        ``Phi^-1(1 - p*/2)``, e.g. 1.960 for one trial, 2.807 for 10, 3.78 for 316 (the
        Bonferroni hurdle of Harvey, Liu and Zhu's 316 factors).

    Examples
    --------
    >>> round(tstat_hurdle(10), 3)
    2.807
    """
    p = pvalue_threshold(n_trials, alpha=alpha, method=method, rank=rank)
    return float(stats.norm.isf(p / 2.0))


def adjust_pvalues(pvalues: Any, *, method: Method = "bonferroni") -> np.ndarray:
    """Multiple-testing adjusted p-values of all trials (statsmodels ``multipletests``).

    ``bhy`` maps to statsmodels' ``fdr_by``. A trial is significant at ``alpha`` when its
    adjusted p-value is ``<= alpha``.
    """
    method = check_choice(method, "method", METHODS)
    p = np.asarray(pvalues, dtype=float).ravel()
    if len(p) == 0 or not np.all((p >= 0) & (p <= 1)):
        raise ValueError(f"`pvalues` must be a non-empty array of values in [0, 1], got {p!r}")
    sm_method = {"bonferroni": "bonferroni", "holm": "holm", "bhy": "fdr_by"}[method]
    return np.asarray(multipletests(p, method=sm_method)[1], dtype=float)


@dataclass(frozen=True)
class Haircut:
    """A Sharpe ratio before and after the multiple-testing haircut.

    Attributes
    ----------
    sharpe, adjusted_sharpe : float
        Annualized Sharpe before and after.
    haircut : float
        ``1 - adjusted / sharpe`` (1 when nothing survives).
    pvalue, adjusted_pvalue : float
        Two-sided p-values of the Sharpe as a single test and after adjustment.
    n_trials : int
        Trials adjusted for.
    method : str
        Adjustment.
    """

    sharpe: float
    adjusted_sharpe: float
    haircut: float
    pvalue: float
    adjusted_pvalue: float
    n_trials: int
    method: str

    def summary(self) -> str:
        """One line."""
        return (
            f"Sharpe {fmt(self.sharpe, '.2f')} -> {fmt(self.adjusted_sharpe, '.2f')} after "
            f"{self.method} for {self.n_trials} trials (haircut {fmt(self.haircut, '.0%')}; "
            f"p {fmt(self.pvalue, '.4f')} -> {fmt(self.adjusted_pvalue, '.4f')})"
        )

    def __str__(self) -> str:
        return self.summary()


def haircut_sharpe(
    sharpe: float,
    *,
    n_obs: int,
    n_trials: int,
    method: Method = "bonferroni",
    periods_per_year: int = PERIODS_PER_YEAR,
) -> Haircut:
    """Harvey-Liu haircut of an annualized Sharpe ratio for the number of trials.

    The Sharpe is turned into a t-statistic ``SR sqrt(years)`` (i.i.d. returns,
    ``years = n_obs / periods_per_year``), its two-sided p-value is adjusted as the best of
    ``n_trials`` (Bonferroni and Holm: ``min(1, N p)``; BHY: ``min(1, N c(N) p)``, the
    worst case when the other trials' p-values are unknown) and converted back.

    Parameters
    ----------
    sharpe : float
        Annualized Sharpe ratio (>= 0 for a meaningful haircut).
    n_obs : int
        Return observations behind it.
    n_trials : int
        Trials tried.
    method : {"bonferroni", "holm", "bhy"}
        Adjustment.
    periods_per_year : int
        Observations per year.
    """
    n_obs = check_positive_int(n_obs, "n_obs", minimum=2)
    n = check_positive_int(n_trials, "n_trials")
    method = check_choice(method, "method", METHODS)
    if not math.isfinite(sharpe):
        raise ValueError(f"`sharpe` must be finite, got {sharpe}")
    years = n_obs / periods_per_year
    t = abs(sharpe) * math.sqrt(years)
    p = float(2.0 * stats.norm.sf(t))
    factor = n * (_harmonic(n) if method == "bhy" else 1.0)
    p_adj = min(1.0, p * factor)
    t_adj = float(stats.norm.isf(p_adj / 2.0))
    adj = math.copysign(t_adj / math.sqrt(years), sharpe)
    cut = 1.0 - adj / sharpe if sharpe != 0 else 0.0
    return Haircut(
        sharpe=float(sharpe),
        adjusted_sharpe=float(adj),
        haircut=float(cut),
        pvalue=p,
        adjusted_pvalue=p_adj,
        n_trials=n,
        method=method,
    )

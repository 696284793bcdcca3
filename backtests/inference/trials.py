"""Honest trial counts: raw, distinct (duplicates removed) and effective (correlation-adjusted).

A sweep's grid is not a count of independent tries. Some parameters do nothing for some
rules (the tilt rule ignores ``threshold``), so several trials return exactly the same
series; and the remaining trials share one factor and one pair of baskets, so they are
strongly correlated. Multiple-testing corrections (deflated Sharpe, t-hurdles) want the
number of *independent* trials; this module gives three counts:

- ``raw``: columns of the trial-return matrix.
- ``distinct``: columns left after dropping exact duplicates (bit-identical returns).
- ``effective``: an effective number of independent trials among the distinct ones,
  from the eigenvalues ``lambda_i`` of their return correlation matrix ``R``:

  * ``participation`` (the one estimator implemented): the participation ratio (effective rank)
    ``(sum lambda)^2 / sum lambda^2 = K^2 / ||R||_F^2``: 1 when all trials are perfectly
    correlated, ``K`` when they are uncorrelated, and ``m`` for ``m`` equal-sized groups of
    perfectly correlated trials that are uncorrelated across groups. With ``T``
    observations, independent trials give ``K / (1 + (K - 1) / T)`` on average (sampling
    noise in the correlations), close to ``K`` when ``T >> K``.

  Two other eigenvalue rules were tried and rejected: Li & Ji (2005) counts the fractional
  part of the largest eigenvalue (15 near-copies give ~2, not 1), and Nyholt (2004) gives
  ``K - g + 1`` for ``K / g`` groups of ``g`` copies (17 for 3 groups of 8).

Constant distinct trials (zero variance, e.g. always in cash) have no correlation; together
they add one to ``effective``. The eigenvalues are those of the smaller of the
``K x K`` correlation matrix and the ``T x T`` Gram matrix of standardized returns (the
same non-zero spectrum), so 10,000 trials of 1,500 days cost a 1,500 x 1,500 problem.

López de Prado (2019, "A data science solution to the multiple-testing crisis in financial
research", JFDS 1(1)) counts clusters of trials (ONC clustering) instead; that estimator is
not implemented here.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from backtests.inference._common import as_trial_frame, check_choice, fmt

log = logging.getLogger(__name__)

EffectiveMethod = Literal["participation"]
EFFECTIVE_METHODS = ("participation",)


@dataclass(frozen=True)
class TrialCount:
    """Raw, distinct and effective number of trials of a sweep.

    Attributes
    ----------
    raw : int
        Number of trial columns given.
    distinct : int
        Number left after dropping exact duplicates.
    effective : float
        Effective number of independent trials among the distinct ones (``method``).
    kept : tuple
        Column names of the distinct trials (the first of each group of duplicates), in
        the input order.
    duplicates : Mapping
        Each dropped column name -> the kept column it duplicates.
    method : str
        Estimator of ``effective``.
    n_constant : int
        Distinct trials with constant returns (they add one to ``effective`` together).
    """

    raw: int
    distinct: int
    effective: float
    kept: tuple[Hashable, ...]
    duplicates: Mapping[Hashable, Hashable] = field(repr=False)
    method: str = "participation"
    n_constant: int = 0

    def summary(self) -> str:
        """One line: raw, distinct and effective counts."""
        return (
            f"trials: {self.raw} raw, {self.distinct} distinct "
            f"({self.raw - self.distinct} exact duplicates), "
            f"{fmt(self.effective, '.1f')} effective ({self.method})"
        )

    def __str__(self) -> str:
        return self.summary()

    def to_metrics(self) -> dict[str, Any]:
        """``{raw, distinct, effective}`` for ``metrics.json`` (``inference.trials``)."""
        return {"raw": int(self.raw), "distinct": int(self.distinct), "effective": self.effective}


def distinct_columns(trials: pd.DataFrame) -> tuple[list[Hashable], dict[Hashable, Hashable]]:
    """Split columns into the first of each group of bit-identical ones and the duplicates.

    Returns
    -------
    kept : list
        Column names, input order, one per distinct return series.
    duplicates : dict
        Dropped column name -> kept column name.
    """
    values = np.ascontiguousarray(trials.to_numpy(dtype=float).T)
    values = values + 0.0  # -0.0 and 0.0 are the same return
    kept, duplicates, _ = _distinct(trials.columns, values)
    return kept, duplicates


def _distinct(
    names: Any, rows: np.ndarray
) -> tuple[list[Hashable], dict[Hashable, Hashable], list[int]]:
    first: dict[bytes, Hashable] = {}
    kept: list[Hashable] = []
    positions: list[int] = []
    duplicates: dict[Hashable, Hashable] = {}
    for j, (name, row) in enumerate(zip(names, rows, strict=True)):
        key = row.tobytes()
        if key in first:
            duplicates[name] = first[key]
        else:
            first[key] = name
            kept.append(name)
            positions.append(j)
    return kept, duplicates, positions


def correlation_eigenvalues(values: np.ndarray) -> np.ndarray:
    """Eigenvalues (descending) of the correlation matrix of the columns of ``values``.

    Columns must be non-constant. Uses the ``T x T`` Gram matrix when ``T < K``; the
    ``K - T`` eigenvalues that are then structurally zero are appended.
    """
    x = np.asarray(values, dtype=float)
    t, k = x.shape
    z = x - x.mean(axis=0)
    z /= np.linalg.norm(z, axis=0)
    small = z @ z.T if t < k else z.T @ z
    eig = np.linalg.eigvalsh(small)[::-1]
    eig = np.clip(eig, 0.0, None)
    if len(eig) < k:
        eig = np.concatenate([eig, np.zeros(k - len(eig))])
    return eig


def participation_ratio(values: np.ndarray) -> float:
    """Participation ratio ``K^2 / ||R||_F^2`` of the columns' correlation matrix ``R``."""
    x = np.asarray(values, dtype=float)
    t, k = x.shape
    z = x - x.mean(axis=0)
    z /= np.linalg.norm(z, axis=0)
    small = z @ z.T if t < k else z.T @ z
    frob2 = float(np.sum(small * small))
    return float(k * k / frob2)


def effective_trials(values: np.ndarray, *, method: EffectiveMethod = "participation") -> float:
    """Effective number of independent trials among the (non-constant) columns of ``values``.

    Parameters
    ----------
    values : numpy.ndarray
        ``T x K`` returns of distinct, non-constant trials.
    method : {"participation"}
        Estimator, see the module docstring.
    """
    method = check_choice(method, "method", EFFECTIVE_METHODS)
    x = np.asarray(values, dtype=float)
    if x.shape[1] == 0:
        return 0.0
    if x.shape[1] == 1:
        return 1.0
    return participation_ratio(x)


def count_trials(trials: pd.DataFrame, *, method: EffectiveMethod = "participation") -> TrialCount:
    """Count a sweep's trials raw, distinct and effective.

    Parameters
    ----------
    trials : pandas.DataFrame
        ``T x K`` trial returns (dates x trials), no missing values; pass the period the
        selection was made on (in-sample) so the counts describe that search.
    method : {"participation"}
        Estimator of the effective number (module docstring).

    Returns
    -------
    TrialCount

    Raises
    ------
    DataError
        ``trials`` is not a numeric frame without NaN, or has fewer than 3 rows.

    Examples
    --------
    >>> tc = count_trials(sweep_returns.loc[:"2024-06-28"])  # doctest: +SKIP
    >>> tc.to_metrics()  # doctest: +SKIP
    {'raw': 162, 'distinct': 121, 'effective': 3.1}
    """
    method = check_choice(method, "method", EFFECTIVE_METHODS)
    f = as_trial_frame(trials, "trials", min_trials=1, min_obs=3)
    values = f.to_numpy(dtype=float)
    kept, duplicates, positions = _distinct(f.columns, np.ascontiguousarray(values.T) + 0.0)
    x = values[:, positions]
    std = x.std(axis=0)
    scale = np.maximum(np.abs(x).max(axis=0), 1e-300)
    constant = std <= 1e-14 * scale
    n_constant = int(constant.sum())
    eff = effective_trials(x[:, ~constant], method=method) + (1.0 if n_constant else 0.0)
    if not math.isfinite(eff):
        eff = float(len(kept))
    log.debug("trials: %d raw, %d distinct, %.2f effective", f.shape[1], len(kept), eff)
    return TrialCount(
        raw=int(f.shape[1]),
        distinct=len(kept),
        effective=float(eff),
        kept=tuple(kept),
        duplicates=duplicates,
        method=method,
        n_constant=n_constant,
    )

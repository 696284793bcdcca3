"""How many trials does a sweep count as? A null calibration from the trials' correlation.

The deflated Sharpe ratio (:mod:`backtests.inference.deflated`) needs the Sharpe the best of
N skill-less trials would be expected to reach, ``sqrt(V) E[max_N]``, with ``E[max_N]`` from
the Bailey & López de Prado (2014) formula for N *independent* standard normals. A sweep's
trials are strongly correlated, so this module measures the expected maximum directly:

- :func:`null_expected_max`: Monte Carlo mean of the maximum of K standard normals with the
  trials' correlation (the null: no trial has skill, their Sharpe estimates are jointly
  normal with that correlation).
- :func:`equivalent_trials`: the N whose formula value equals that expected maximum (the
  inverse of :func:`~backtests.inference.deflated.expected_max_sharpe` at ``V = 1``), so
  ``expected_max_sharpe(N, V)`` reproduces the calibrated maximum: no second shrinkage of
  the count is needed or wanted.
- :func:`participation_ratio` and :func:`cluster_count`: two cruder counts beside it (the
  effective rank of the correlation matrix; the number of clusters of trials, a simple
  version of the ONC idea of López de Prado 2019).
- :func:`null_trial_count`: all of them for a dates x trials return matrix
  (:class:`NullTrialCount`).

Timing
------
Counts describe a search; pass the returns of the period the selection was made on.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.optimize import brentq
from scipy.spatial.distance import squareform

from backtests.inference._common import as_trial_frame, fmt
from backtests.inference.deflated import expected_max_sharpe
from backtests.inference.trials import distinct_columns
from data.errors import DataError

log = logging.getLogger(__name__)

Linkage = Literal["average", "complete", "single"]
_MAX_N = 1e12  # beyond this the formula's 1 - 1/N loses its precision


def _check_corr(corr: np.ndarray) -> np.ndarray:
    """Square, finite, symmetric (to rounding) matrix with a unit diagonal; symmetrized."""
    c = np.asarray(corr, dtype=float)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or c.shape[0] < 1:
        raise ValueError(f"`corr` must be a square K x K matrix, got shape {c.shape}")
    if not np.isfinite(c).all():
        raise ValueError("`corr` holds NaN or infinite entries")
    if not np.allclose(c, c.T, atol=1e-8):
        raise ValueError(f"`corr` is not symmetric (max |C - C'| = {np.abs(c - c.T).max():.3g})")
    if not np.allclose(np.diag(c), 1.0, atol=1e-8):
        raise ValueError(f"`corr` must have a unit diagonal, got range {np.ptp(np.diag(c)):.3g}")
    return (c + c.T) / 2.0


def _psd_loadings(corr: np.ndarray) -> np.ndarray:
    """K x r loadings ``L`` with ``L L'`` the nearest-by-clipping PSD correlation matrix.

    Negative eigenvalues (an estimated or hand-made matrix that is not PSD) are set to zero,
    near-zero ones are dropped (rank r), and the rows are rescaled to unit norm so the
    repaired matrix keeps its unit diagonal.
    """
    lam, vec = np.linalg.eigh(corr)
    keep = lam > max(lam.max(), 0.0) * 1e-12
    load = vec[:, keep] * np.sqrt(lam[keep])
    norms = np.linalg.norm(load, axis=1)
    return load / np.where(norms > 0, norms, 1.0)[:, None]


def null_expected_max(
    corr: np.ndarray,
    *,
    n_sims: int = 10_000,
    seed: int | np.random.Generator,
) -> float:
    """Monte Carlo ``E[max_k Z_k]`` for standard normals ``Z`` with correlation ``corr``.

    Parameters
    ----------
    corr : ndarray, shape (K, K)
        Correlation matrix of the trials (symmetric, unit diagonal). A matrix that is not
        positive semi-definite is repaired by clipping its negative eigenvalues.
    n_sims : int
        Draws of the K-vector (>= 100); the standard error is about ``0.6 / sqrt(n_sims)``.
    seed : int or numpy.random.Generator
        Random seed (results are reproducible).

    Returns
    -------
    float
        The mean maximum: 0 for K = 1 or perfectly correlated trials; for K independent
        ones the exact ``E[max_K]`` (1.539 for K = 10), growing like ``sqrt(2 log K)``.

    Examples
    --------
    >>> m = null_expected_max(np.eye(2), n_sims=200_000, seed=0)
    >>> bool(abs(m - 1 / np.sqrt(np.pi)) < 0.005)  # E[max of 2 independent] = 1 / sqrt(pi)
    True
    """
    if isinstance(n_sims, bool) or not isinstance(n_sims, int | np.integer) or n_sims < 100:
        raise ValueError(f"`n_sims` must be an integer >= 100, got {n_sims!r}")
    load = _psd_loadings(_check_corr(corr))
    k, rank = load.shape
    rng = np.random.default_rng(seed)
    chunk = max(1, min(int(n_sims), 2_000_000 // max(k, rank)))
    total, done = 0.0, 0
    while done < n_sims:
        m = min(chunk, n_sims - done)
        z = rng.standard_normal((m, rank)) @ load.T
        total += float(z.max(axis=1).sum())
        done += m
    return total / n_sims


def equivalent_trials(expected_max: float) -> float:
    """Return the N of independent trials whose Bailey–López de Prado maximum is ``expected_max``.

    Solves ``(1 - g) Phi^-1(1 - 1/N) + g Phi^-1(1 - 1/(N e)) = expected_max`` (``g`` the
    Euler–Mascheroni constant) for N, using the same function the deflation uses
    (:func:`~backtests.inference.deflated.expected_max_sharpe` with unit variance), so
    ``expected_max_sharpe(equivalent_trials(m), V) == sqrt(V) m``.

    Parameters
    ----------
    expected_max : float
        Expected maximum of standard normals (e.g. :func:`null_expected_max`).

    Returns
    -------
    float
        N >= 1 (not rounded). 1 for ``expected_max <= 0`` (the formula is floored at 0 below
        N ~ 1.3: every N up to there gives 0, and one trial is the honest count).

    Raises
    ------
    ValueError
        ``expected_max`` is not finite or exceeds the formula's value at N = 1e12.

    Examples
    --------
    >>> round(equivalent_trials(expected_max_sharpe(10, 1.0)), 6)
    10.0
    """
    m = float(expected_max)
    if not math.isfinite(m):
        raise ValueError(f"`expected_max` must be finite, got {expected_max!r}")
    if m <= 0.0:
        return 1.0
    top = expected_max_sharpe(_MAX_N, 1.0)
    if m > top:
        raise ValueError(
            f"`expected_max` {m:.4g} exceeds the formula's {top:.4g} at N = {_MAX_N:.0e}"
        )

    def gap(log_n: float) -> float:
        return expected_max_sharpe(math.exp(log_n), 1.0) - m

    log_n = brentq(gap, 0.0, math.log(_MAX_N), xtol=1e-14, rtol=4 * np.finfo(float).eps)
    return float(math.exp(log_n))


def participation_ratio(corr: np.ndarray) -> float:
    """Effective rank ``(sum lambda)^2 / sum lambda^2 = K^2 / ||C||_F^2`` of a correlation matrix.

    1 when all K trials are perfectly correlated, K when they are uncorrelated, m for m
    uncorrelated blocks of perfectly correlated trials.

    Examples
    --------
    >>> participation_ratio(np.eye(4)), participation_ratio(np.ones((4, 4)))
    (4.0, 1.0)
    """
    c = _check_corr(corr)
    return float(c.shape[0] ** 2 / np.sum(c * c))


def _mean_silhouette(dist: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette of a partition (singletons score 0, as in Rousseeuw 1987)."""
    k = len(dist)
    _, lab = np.unique(labels, return_inverse=True)
    onehot = np.zeros((k, lab.max() + 1))
    onehot[np.arange(k), lab] = 1.0
    sizes = onehot.sum(axis=0)
    sums = dist @ onehot
    rows = np.arange(k)
    own_size = sizes[lab]
    a = np.where(own_size > 1, sums[rows, lab] / np.maximum(own_size - 1, 1), 0.0)
    other = sums / sizes
    other[rows, lab] = np.inf
    b = other.min(axis=1)
    den = np.maximum(a, b)
    s = np.where((own_size > 1) & (den > 0), (b - a) / np.where(den > 0, den, 1.0), 0.0)
    return float(s.mean())


def cluster_count(
    corr: np.ndarray,
    *,
    method: Linkage = "average",
    max_clusters: int | None = None,
    min_silhouette: float = 0.1,
) -> int:
    """Count clusters of trials: hierarchical clustering, k by the best mean silhouette.

    Distances ``d_ij = sqrt((1 - rho_ij) / 2)`` (0 for identical trials, ``1/sqrt(2)`` for
    uncorrelated ones); ``method`` linkage; the tree is cut into k = 2 .. ``max_clusters``
    clusters and the k with the highest mean silhouette wins.

    Parameters
    ----------
    corr : ndarray, shape (K, K)
        Correlation matrix of the trials.
    method : {"average", "complete", "single"}
        Linkage of :func:`scipy.cluster.hierarchy.linkage`.
    max_clusters : int, optional
        Largest k tried (default K - 1). Cost is about ``K^2 max_clusters^2 / 2``.
    min_silhouette : float
        Below this best mean silhouette the trials show no cluster structure; then the
        count is 1 when their mean correlation is at least 0.5 (one group of near copies)
        and K otherwise (near-independent trials).

    Returns
    -------
    int
        Between 1 and K.

    Examples
    --------
    >>> block = np.kron(np.eye(3), np.ones((4, 4)))
    >>> cluster_count(0.2 * np.eye(12) + 0.8 * block)
    3
    """
    if method not in ("average", "complete", "single"):
        raise ValueError(f"`method` must be one of average, complete, single, got {method!r}")
    c = _check_corr(corr)
    k = c.shape[0]
    if k <= 2:
        return 1 if k == 1 or c[0, 1] >= 0.5 else 2
    dist = np.sqrt(np.clip((1.0 - c) / 2.0, 0.0, None))
    np.fill_diagonal(dist, 0.0)
    top = k - 1 if max_clusters is None else max(2, min(int(max_clusters), k - 1))
    tree = linkage(squareform(dist, checks=False), method=method)
    best_k, best_s = k, -np.inf
    for n_clusters in range(2, top + 1):
        labels = fcluster(tree, t=n_clusters, criterion="maxclust")
        if len(np.unique(labels)) < 2:
            continue
        s = _mean_silhouette(dist, labels)
        if s > best_s + 1e-12:
            best_k, best_s = int(len(np.unique(labels))), s
    if best_s < min_silhouette:
        mean_rho = float((c.sum() - k) / (k * (k - 1)))
        log.debug("cluster_count: no structure (silhouette %.3f), mean rho %.3f", best_s, mean_rho)
        return 1 if mean_rho >= 0.5 else k
    return best_k


@dataclass(frozen=True)
class NullTrialCount:
    """Trial counts of a sweep, with the null-calibrated equivalent number.

    Attributes
    ----------
    raw : int
        Trial columns given.
    distinct : int
        Left after dropping exact duplicates (and constant trials).
    participation : float
        Effective rank of the distinct trials' correlation matrix.
    clusters : int
        :func:`cluster_count` of that matrix.
    null_equivalent : float
        :func:`equivalent_trials` of the simulated expected maximum: the N to deflate for.
    expected_max : float
        The simulated ``E[max]`` of standard normals with the trials' correlation.
    n_sims : int
        Monte Carlo draws behind it.
    n_constant : int
        Distinct trials with constant returns (dropped: no Sharpe to select).
    """

    raw: int
    distinct: int
    participation: float
    clusters: int
    null_equivalent: float
    expected_max: float = float("nan")
    n_sims: int = 0
    n_constant: int = 0

    def summary(self) -> str:
        """One line: the five counts and the calibrated expected maximum."""
        return (
            f"trials: {self.raw} raw, {self.distinct} distinct, "
            f"{fmt(self.participation, '.1f')} participation, {self.clusters} clusters, "
            f"{fmt(self.null_equivalent, '.1f')} null-equivalent "
            f"(E[max] {fmt(self.expected_max, '.3f')} from {self.n_sims} draws)"
        )

    def __str__(self) -> str:
        return self.summary()


def null_trial_count(
    trials: pd.DataFrame,
    *,
    n_sims: int = 10_000,
    seed: int | np.random.Generator = 0,
    method: Linkage = "average",
) -> NullTrialCount:
    """Raw, distinct, participation, cluster and null-equivalent counts of a sweep's trials.

    Parameters
    ----------
    trials : DataFrame
        Dates x trials returns of the selection period, no missing values.
    n_sims, seed : int
        Monte Carlo draws and seed of :func:`null_expected_max`.
    method : {"average", "complete", "single"}
        Linkage of :func:`cluster_count`.

    Returns
    -------
    NullTrialCount

    Raises
    ------
    DataError
        ``trials`` is not a numeric frame without NaN, or no trial varies.
    """
    f = as_trial_frame(trials, "trials", min_trials=1, min_obs=3)
    kept, _ = distinct_columns(f)
    x = f.loc[:, kept].to_numpy(dtype=float)
    scale = np.maximum(np.abs(x).max(axis=0), 1e-300)
    varies = x.std(axis=0) > 1e-14 * scale
    if not varies.any():
        raise DataError("every trial has constant returns: nothing to count", source="trials")
    x = x[:, varies]
    corr = np.atleast_2d(np.corrcoef(x, rowvar=False))
    np.fill_diagonal(corr, 1.0)
    m = null_expected_max(corr, n_sims=n_sims, seed=seed)
    return NullTrialCount(
        raw=int(f.shape[1]),
        distinct=int(x.shape[1]),
        participation=participation_ratio(corr),
        clusters=cluster_count(corr, method=method),
        null_equivalent=equivalent_trials(m),
        expected_max=m,
        n_sims=int(n_sims),
        n_constant=int((~varies).sum()),
    )

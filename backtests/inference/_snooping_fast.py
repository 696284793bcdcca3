"""Vectorized SPA / StepM engine (see :mod:`backtests.inference.snooping`).

Same statistics as ``arch.bootstrap.SPA`` and ``StepM`` (non-nested): the bootstrap draws
come from ``arch``'s own ``StationaryBootstrap`` with the same seed; the bootstrap means of
all variants are one matrix product, the kernel variances one FFT per variant.
:meth:`FastSPA.pvalues` is ``arch``'s statistic (the maximum of the raw mean differentials;
``arch`` 8 does not divide by the standard errors even with ``studentize=True``);
:meth:`FastSPA.studentized_pvalues` is Hansen's (2005) studentized one: each variant's mean
and bootstrap means divided by its kernel standard error ``omega_k`` (the same draws, the
same re-centering rule), which equals ``arch.bootstrap.SPA`` run on the studentized
differentials ``d_k / omega_k``.
"""

from __future__ import annotations

import numpy as np
import scipy.fft
from arch.bootstrap import StationaryBootstrap

Seed = int | np.random.Generator | None


def bootstrap_indices(n: int, block_length: float, reps: int, seed: Seed) -> np.ndarray:
    """``reps x n`` stationary-bootstrap indices, the draws ``arch.bootstrap.SPA`` makes.

    ``arch``'s ``StationaryBootstrap`` with the same ``block_length`` and ``seed`` is asked
    for its indices ``reps`` times, as ``SPA`` does when it simulates.
    """
    bs = StationaryBootstrap(block_length, np.zeros(n), seed=seed)
    out = np.empty((reps, n), dtype=np.int64)
    for r in range(reps):
        out[r] = bs.update_indices()
    return out


def bootstrap_means(d: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Bootstrap means of every column of ``d`` (``T x K``): ``C d / T``, ``reps x K``."""
    reps, t = indices.shape
    flat = (indices + (np.arange(reps) * t)[:, None]).ravel()
    counts = np.bincount(flat, minlength=reps * t).reshape(reps, t).astype(float)
    return counts @ d / t


def spa_variances(d: np.ndarray, block_length: float, *, chunk: int = 256) -> np.ndarray:
    """``arch``'s asymptotic variance of each column's mean loss differential.

    ``var = gamma_0 + 2 sum_{i=1}^{T-1} kappa_i gamma_i`` with ``gamma_i`` the (1/T)
    autocovariances of the demeaned column and
    ``kappa_i = (1 - i/T)(1 - p)^i + (i/T)(1 - p)^(T - i)``, ``p = 1 / block_length``
    (Politis-Romano 1994), as ``arch.bootstrap.SPA._compute_variance``. The weighted sum of
    autocovariances is taken in the frequency domain: with ``P = |rfft(d)|^2`` (zero-padded
    to ``n >= 2T - 1``), ``sum_i w_i acov_i = P @ c`` where ``c`` is the irfft of the weights.
    """
    t, k = d.shape
    p = 1.0 / block_length
    i = np.arange(1, t)
    kappa = (1.0 - i / t) * (1.0 - p) ** i + (i / t) * (1.0 - p) ** (t - i)
    weights = np.concatenate([[1.0], 2.0 * kappa]) / t
    nfft = scipy.fft.next_fast_len(2 * t - 1, real=True)
    # irfft(P)[j] = (1/n) sum_f a_f P_f cos(2 pi f j / n), a_f = 1 at f = 0 (and Nyquist)
    c = scipy.fft.rfft(weights, n=nfft).real * (2.0 / nfft)
    c[0] /= 2.0
    if nfft % 2 == 0:
        c[-1] /= 2.0
    out = np.empty(k)
    for start in range(0, k, chunk):
        rows = np.ascontiguousarray(d[:, start : start + chunk].T)
        rows = rows - rows.mean(axis=1, keepdims=True)
        spec = scipy.fft.rfft(rows, n=nfft, axis=1, workers=-1)
        re, im = spec.real, spec.imag
        out[start : start + chunk] = np.einsum("ij,ij,j->i", re, re, c) + np.einsum(
            "ij,ij,j->i", im, im, c
        )
    return out


def _maxima(boot: np.ndarray, mean: np.ndarray, valid: np.ndarray) -> tuple[float, float, float]:
    """Lower, consistent, upper p-values of ``max_k mean_k`` against re-centered ``boot``."""
    best = mean.max()
    lower = np.where(mean < 0, 0.0, mean)
    consistent = np.where(valid, mean, 0.0)
    return (
        float(((boot - lower).max(axis=1) > best).mean()),
        float(((boot - consistent).max(axis=1) > best).mean()),
        float(((boot - mean).max(axis=1) > best).mean()),
    )


class FastSPA:
    """Vectorized SPA state shared by the p-values and the StepM loop."""

    def __init__(self, d: np.ndarray, block_length: float, reps: int, seed: Seed):
        t, _ = d.shape
        self.mean = d.mean(axis=0)
        var = spa_variances(d, block_length)
        threshold = -1.0 * np.sqrt((var / t) * 2 * np.log(np.log(t)))
        valid = self.mean >= threshold
        boot = bootstrap_means(d, bootstrap_indices(t, block_length, reps, seed))
        # Hansen's studentization: a variant whose differential has no variance (a copy of
        # the benchmark) has nothing to studentize and contributes 0 to every maximum
        omega = np.sqrt(np.clip(var, 0.0, None))
        inv = np.divide(1.0, omega, out=np.zeros_like(omega), where=omega > 0)
        self._student = _maxima(boot * inv, self.mean * inv, valid)
        lower = np.where(self.mean < 0, 0.0, self.mean)
        consistent = np.where(valid, self.mean, 0.0)
        self.max_lower = (boot - lower).max(axis=1)
        self.max_upper = (boot - self.mean).max(axis=1)
        boot -= consistent
        self.centered = boot  # bootstrap means re-centered for the consistent p-value

    def pvalues(self) -> tuple[float, float, float]:
        """Lower, consistent and upper p-values of the raw-mean statistic (``arch``'s)."""
        best = self.mean.max()
        cons = self.centered.max(axis=1)
        return (
            float((self.max_lower > best).mean()),
            float((cons > best).mean()),
            float((self.max_upper > best).mean()),
        )

    def studentized_pvalues(self) -> tuple[float, float, float]:
        """Lower, consistent and upper p-values of Hansen's studentized statistic."""
        return self._student

    def stepm(self, size: float) -> list[int]:
        """Romano-Wolf steps exactly as ``arch.bootstrap.StepM.compute``."""
        k = len(self.mean)
        selector = np.ones(k, dtype=bool)

        def better(sel: np.ndarray) -> list[int]:
            cols = self.centered if sel.all() else self.centered[:, sel]
            crit = np.percentile(cols.max(axis=1), 100.0 * (1 - size))
            return [int(j) for j in np.flatnonzero((self.mean > crit) & sel)]

        found = better(selector)
        all_found = found[:]
        while found and len(found) < k:
            selector = np.ones(k, dtype=bool)
            selector[np.array(all_found)] = False
            found = better(selector)
            all_found.extend(found)
        return sorted(all_found)

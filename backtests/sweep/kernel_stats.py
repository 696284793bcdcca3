"""Compiled statistics of one trial's daily net returns, equal to the numpy statistics.

:func:`_stats` fills the statistics row of :func:`backtests.engines.stats.summary_stats`
(total return, CAGR, volatility, Sharpe, Sortino, max drawdown, Calmar, turnover, exposure)
inside the sweep kernel (:mod:`backtests.sweep.kernels`). Its sums are numpy's pairwise sums
(:func:`pairwise_sum`, walked without recursion so numba can cache it), so the numbers are
those of the numpy statistics, operation for operation.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["N_STATS", "pairwise_sum"]

N_STATS = 9
"""Statistics per trial, in the order of ``engines.stats.STAT_NAMES`` minus n_rebalances."""

_PPY = 252


@njit(cache=True)
def _leaf_sum(a: np.ndarray, lo: int, n: int) -> float:
    """Numpy's pairwise-sum leaf: a plain loop below 8 values, else 8 accumulators."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    stop = n - (n % 8)
    while i < stop:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit(cache=True)
def pairwise_sum(a: np.ndarray, lo: int, n: int) -> float:
    """Sum ``a[lo:lo+n]`` exactly as numpy's pairwise summation does.

    numpy halves a block (to a multiple of 8) until it has at most 128 values, then sums
    it with 8 accumulators; the same tree is walked here without recursion (numba cannot
    cache recursive functions safely).
    """
    if n <= 128:
        return _leaf_sum(a, lo, n)
    node_lo = np.empty(64, dtype=np.int64)
    node_n = np.empty(64, dtype=np.int64)
    node_state = np.zeros(64, dtype=np.int64)
    vals = np.empty(64)
    top = 0
    nv = 0
    node_lo[0] = lo
    node_n[0] = n
    node_state[0] = 0
    while top >= 0:
        m = node_n[top]
        if m <= 128:
            vals[nv] = _leaf_sum(a, node_lo[top], m)
            nv += 1
            top -= 1
            continue
        half = m // 2
        half -= half % 8
        st = node_state[top]
        if st == 0:
            node_state[top] = 1
            node_lo[top + 1] = node_lo[top]
            node_n[top + 1] = half
            node_state[top + 1] = 0
            top += 1
        elif st == 1:
            node_state[top] = 2
            node_lo[top + 1] = node_lo[top] + half
            node_n[top + 1] = m - half
            node_state[top + 1] = 0
            top += 1
        else:
            right = vals[nv - 1]
            left = vals[nv - 2]
            nv -= 2
            vals[nv] = left + right
            nv += 1
            top -= 1
    return vals[0]


@njit(cache=True)
def _nan_mean(x: np.ndarray, buf: np.ndarray) -> float:
    """Mean of the non-NaN values (NaN counted as 0 in the sum), as ``stats._Rows.mean``."""
    n = 0
    for t in range(x.shape[0]):
        if np.isnan(x[t]):
            buf[t] = 0.0
        else:
            buf[t] = x[t]
            n += 1
    if n == 0:
        return np.nan
    return pairwise_sum(buf, 0, x.shape[0]) / n


@njit(cache=True)
def _stats(r: np.ndarray, turn: np.ndarray, expo: np.ndarray, buf: np.ndarray, out: np.ndarray):
    """Fill ``out`` with the statistics of ``engines.stats.summary_stats`` for one trial."""
    n_rows = r.shape[0]
    n = 0
    for t in range(n_rows):
        if np.isnan(r[t]):
            buf[t] = 0.0
        else:
            buf[t] = r[t]
            n += 1
    a = buf.copy()
    mean = pairwise_sum(a, 0, n_rows) / n if n > 0 else np.nan
    for t in range(n_rows):
        dev = a[t] - mean
        buf[t] = 0.0 if np.isnan(r[t]) else dev * dev
    sd = np.sqrt(pairwise_sum(buf, 0, n_rows) / (n - 1)) if n > 1 else np.nan
    for t in range(n_rows):
        d = min(a[t], 0.0)
        buf[t] = d * d
    dd = np.sqrt(pairwise_sum(buf, 0, n_rows) / n) if n > 0 else np.nan
    eq = 1.0
    peak = 1.0
    mdd = 0.0
    worst = np.inf
    for t in range(n_rows):
        eq = eq * (1.0 + a[t])
        if t == 0:
            run = eq
        elif eq > run or np.isnan(eq):
            run = eq
        peak = max(run, 1.0) if not np.isnan(run) else np.nan
        x = eq / peak - 1.0
        if x < worst or np.isnan(x):
            worst = x
    growth = eq
    if n_rows:
        mdd = min(worst, 0.0) if not np.isnan(worst) else np.nan
    sq = np.sqrt(float(_PPY))
    if n > 0:
        cagr = growth ** (_PPY / n) - 1.0 if growth > 0 else -1.0
    else:
        cagr = np.nan
    out[0] = growth - 1.0
    out[1] = cagr
    out[2] = sd * sq
    out[3] = mean / sd * sq if sd > 0 else np.nan
    out[4] = mean / dd * sq if dd > 0 else np.nan
    out[5] = mdd
    out[6] = cagr / abs(mdd) if mdd < 0 else np.nan
    out[7] = _nan_mean(turn, buf) * _PPY
    out[8] = _nan_mean(expo, buf)

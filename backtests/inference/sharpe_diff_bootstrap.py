"""Circular block bootstrap of a Sharpe-ratio difference (Ledoit & Wolf 2008).

:func:`cbb_indices` draws ``l = floor(T / b)`` circular blocks of length ``b`` per resample
(both series take the same blocks); :func:`_bootstrap` turns them into the bootstrap
differences ``Delta*`` and the studentized ``(Delta* - Delta) / se*`` with the block-based
standard error ``se*``; :func:`auto_diff_block_length` picks ``b`` as the Politis-White
circular block length of the difference's influence function. The test built on them is
:func:`backtests.inference.sharpe_diff.sharpe_diff_test`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from arch.bootstrap import optimal_block_length

from backtests.inference.sharpe_diff_hac import _moments

__all__ = ["auto_diff_block_length", "cbb_indices"]


def auto_diff_block_length(strategy: Any, benchmark: Any) -> int:
    """Politis-White circular block length of the influence function ``grad' y_t`` of Delta."""
    x, y = np.asarray(strategy, dtype=float), np.asarray(benchmark, dtype=float)
    grad, resid = _moments(x, y)
    value = float(optimal_block_length(resid @ grad)["circular"].iloc[0])
    if not math.isfinite(value):
        return 1
    return int(min(max(1, round(value)), max(1, len(x) // 4)))


def cbb_indices(n: int, block_length: int, reps: int, rng: np.random.Generator) -> np.ndarray:
    """Circular-block-bootstrap indices, ``reps x (l b)`` with ``l = floor(n / b)`` blocks."""
    n_blocks = n // block_length
    starts = rng.integers(0, n, size=(reps, n_blocks))
    idx = (starts[:, :, None] + np.arange(block_length)) % n
    return idx.reshape(reps, n_blocks * block_length)


def _bootstrap(
    x: np.ndarray, y: np.ndarray, delta: float, b: int, reps: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap ``Delta*`` and studentized ``(Delta* - Delta) / se*`` (block-based se*)."""
    t = len(x)
    idx = cbb_indices(t, b, reps, rng)
    n_blocks = idx.shape[1] // b
    xs, ys = x[idx], y[idx]
    mu1, mu2 = xs.mean(axis=1), ys.mean(axis=1)
    g1, g2 = (xs * xs).mean(axis=1), (ys * ys).mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        v1, v2 = (g1 - mu1**2) ** 1.5, (g2 - mu2**2) ** 1.5
        grad = np.stack([g1 / v1, -g2 / v2, -0.5 * mu1 / v1, 0.5 * mu2 / v2], axis=1)
        # u_t = grad' y*_t, the per-observation influence; its block means give se*
        u = (
            grad[:, :1] * (xs - mu1[:, None])
            + grad[:, 1:2] * (ys - mu2[:, None])
            + grad[:, 2:3] * (xs * xs - g1[:, None])
            + grad[:, 3:4] * (ys * ys - g2[:, None])
        )
        zeta = math.sqrt(b) * u.reshape(reps, n_blocks, b).mean(axis=2)
        se_star = np.sqrt((zeta * zeta).mean(axis=1) / t)
        d_star = mu1 / xs.std(axis=1, ddof=1) - mu2 / ys.std(axis=1, ddof=1)
        t_star = (d_star - delta) / se_star
    return d_star, t_star

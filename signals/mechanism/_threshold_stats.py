"""Kernels of the threshold test: the grid, the Wald statistics at every γ, the multipliers.

Kept private: :mod:`signals.mechanism.threshold` composes them. Every array of the "split"
regressors D has shape n x G x d (observations, grid points, split coefficients) and is
already partialled on the linear regressors (constant, controls, x), so by Frisch–Waugh the
Wald statistic of the split coefficients at γ is that of D[:, g, :] in a regression of the
partialled outcome. :func:`wald_ssr_direct` loops over γ (the slow, explicit twin);
:func:`wald_moments` does every γ and every bootstrap draw at once; the tests check they agree.
"""

from __future__ import annotations

import itertools
import math
from typing import Literal, NamedTuple

import numpy as np


def threshold_grid(q: np.ndarray, trim: float) -> np.ndarray:
    """Sorted unique q values leaving at least ceil(trim n) observations in each regime."""
    if not 0.0 < trim < 0.5:
        raise ValueError(f"`trim` must be in (0, 0.5), got {trim}")
    n = len(q)
    m = max(1, math.ceil(trim * n - 1e-9))  # 0.15 * 20 is 3.0000000000000004
    values = np.unique(q)
    below = np.searchsorted(np.sort(q), values, side="right")
    keep = (below >= m) & (n - below >= m)
    return values[keep]


def partial(Q: np.ndarray, A: np.ndarray) -> np.ndarray:
    """Residuals of the columns of A on the orthonormal basis Q."""
    return A - Q @ (Q.T @ A)


def split_regressors(x: np.ndarray, q: np.ndarray, grid: np.ndarray, d: int) -> np.ndarray:
    """Return the split regressors, n x G x d: x 1{q <= γ} (and 1{q <= γ})."""
    ind = (q[:, None] <= grid[None, :]).astype(float)
    parts = [x[:, None] * ind] + ([ind] if d == 2 else [])
    return np.stack(parts, axis=2)


def leverage_weights(D: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """HC3 weights 1 / (1 - h_i(γ))² of the threshold model at each γ (n x G).

    The leverage of the model with regressors (W, D(γ)) is that of W (basis Q) plus that of
    the partialled split regressors D (n x G x d).
    """
    S_inv = np.linalg.inv(np.einsum("iga,igb->gab", D, D))
    h = np.sum(Q * Q, axis=1)[:, None] + np.einsum("iga,gab,igb->ig", D, S_inv, D)
    return 1.0 / np.clip(1.0 - h, 1e-8, None) ** 2


def wald_ssr_direct(
    D: np.ndarray, y: np.ndarray, w: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Robust Wald and SSR at each γ for one partialled outcome ``y`` (n), D partialled.

    ``w`` (n x G) weights the squared residuals in the meat (None: HC0; the output of
    :func:`leverage_weights`: HC3). The slow, explicit twin of :func:`wald_moments`
    (residuals formed one γ at a time).
    """
    n, G, d = D.shape
    wald = np.empty(G)
    ssr = np.empty(G)
    for g in range(G):
        Dg = D[:, g, :]
        S = Dg.T @ Dg
        delta = np.linalg.solve(S, Dg.T @ y)
        e = y - Dg @ delta
        ssr[g] = e @ e
        Si = np.linalg.inv(S)
        e2 = e * e if w is None else e * e * w[:, g]
        meat = (Dg * e2[:, None]).T @ Dg
        V = Si @ meat @ Si
        wald[g] = delta @ np.linalg.solve(V, delta)
    return wald, ssr


class Moments(NamedTuple):
    """Moments of the partialled split regressors that do not depend on the outcome.

    Products of the d columns are stored once per unordered combination (symmetry):
    ``idx2`` and ``idx3`` map ordered index tuples to the stored combination.
    """

    S_inv: np.ndarray  # G x d x d, inverse of sum_i D_i D_i'
    P2: np.ndarray  # n x (G c2), products w_i D_ia D_ib, a <= b
    P3: np.ndarray  # n x (G c3), products w_i D_ia D_ib D_ik, a <= b <= k
    A4: np.ndarray  # G x d x d x d x d, sum_i w_i D_ia D_ib D_ik D_il
    idx2: np.ndarray  # d x d -> combination
    idx3: np.ndarray  # d x d x d -> combination


def _combos(d: int, r: int) -> tuple[list[tuple[int, ...]], np.ndarray]:
    combos = list(itertools.combinations_with_replacement(range(d), r))
    idx = np.empty((d,) * r, dtype=int)
    for t in itertools.product(range(d), repeat=r):
        idx[t] = combos.index(tuple(sorted(t)))
    return combos, idx


def moments(D: np.ndarray, w: np.ndarray | None = None) -> Moments:
    """Precompute the outcome-free moments of ``D`` (n x G x d) for :func:`wald_moments`.

    ``w`` (n x G): weights of the squared residuals in the meat (None = 1, HC0).
    """
    n, G, d = D.shape
    S = np.einsum("iga,igb->gab", D, D)
    c2, idx2 = _combos(d, 2)
    c3, idx3 = _combos(d, 3)
    wt = np.ones((n, G)) if w is None else w
    P2 = np.stack([D[:, :, a] * D[:, :, b] * wt for a, b in c2], axis=2)  # n x G x c2
    P3 = np.stack([P2[:, :, idx2[a, b]] * D[:, :, k] for a, b, k in c3], axis=2)
    P2u = P2 if w is None else np.stack([D[:, :, a] * D[:, :, b] for a, b in c2], axis=2)
    A4u = np.einsum("igu,igv->guv", P2, P2u)
    A4 = A4u[:, idx2[:, :, None, None], idx2[None, None, :, :]]
    return Moments(np.linalg.inv(S), P2.reshape(n, -1), P3.reshape(n, -1), A4, idx2, idx3)


def wald_moments(D: np.ndarray, Y: np.ndarray, m: Moments) -> np.ndarray:
    """Robust Wald statistics at each γ for many partialled outcomes at once (G x B).

    The squared residuals are expanded, e² = y² - 2 y D'δ + (D'δ)², so the HC0 "meat"
    sum_i D_i D_i' e_i² becomes matrix products of the data's moments (``m``, computed once)
    with y² and y: BLAS work instead of a loop over γ and draws. The fast twin of
    :func:`wald_ssr_direct`.
    """
    n, G, d = D.shape
    a = (D.reshape(n, G * d).T @ Y).reshape(G, d, -1)
    delta = np.einsum("gak,gkr->gar", m.S_inv, a)  # G x d x B
    A2 = (m.P2.T @ (Y * Y)).reshape(G, -1, Y.shape[1])[:, m.idx2]  # G x d x d x B
    A3 = (m.P3.T @ Y).reshape(G, -1, Y.shape[1])[:, m.idx3]  # G x d x d x d x B
    if d == 1:
        dl = delta[:, 0, :]
        meat = A2[:, 0, 0] - 2.0 * A3[:, 0, 0, 0] * dl + m.A4[:, 0, 0, 0, 0, None] * dl * dl
        return dl * dl / (m.S_inv[:, 0, 0, None] ** 2 * meat)
    dd = np.einsum("gkr,glr->gklr", delta, delta).reshape(G, d * d, -1)
    meat = (
        A2
        - 2.0 * np.einsum("gabkr,gkr->gabr", A3, delta)
        + np.matmul(m.A4.reshape(G, d * d, d * d), dd).reshape(G, d, d, -1)
    )
    V = np.einsum("gak,gklr->galr", m.S_inv, meat)
    V = np.einsum("galr,gbl->grab", V, m.S_inv)  # G x B x d x d
    dl = np.moveaxis(delta, 2, 1)  # G x B x d
    return np.einsum("gra,gra->gr", dl, np.linalg.solve(V, dl[..., None])[..., 0])


def multipliers(
    rng: np.random.Generator,
    n: int,
    n_boot: int,
    block: int,
    kind: Literal["rademacher", "normal"] = "rademacher",
) -> np.ndarray:
    """Draw n x B multipliers with mean 0, variance 1 (Rademacher ±1 or standard normal).

    With block ℓ > 1 each multiplier is the moving average of ℓ independent draws scaled
    by 1 / sqrt(ℓ), so Cov(η_i, η_j) = max(0, 1 - |i - j| / ℓ) (Bartlett).
    """
    # drawn draw by draw (rows of a B x n array), so batching does not change the stream
    if kind == "rademacher":
        e = (rng.integers(0, 2, size=(n_boot, n + block - 1)) * 2.0 - 1.0).T
    elif kind == "normal":
        e = rng.standard_normal((n_boot, n + block - 1)).T
    else:
        raise ValueError(f"`multiplier` must be 'rademacher' or 'normal', got {kind!r}")
    if block == 1:
        return e
    c = np.vstack([np.zeros((1, n_boot)), np.cumsum(e, axis=0)])
    return (c[block:] - c[:-block]) / math.sqrt(block)

"""HAC delta-method standard error of a Sharpe-ratio difference (Ledoit & Wolf 2008).

``Delta = SR_s - SR_b`` is a function of the first and second moments of the two return
series; its standard error is ``sqrt(grad' Psi grad / T)`` with ``Psi`` the long-run
covariance of the moment residuals: a Parzen kernel with Andrews' (1991) AR(1) plug-in
bandwidth (:func:`parzen_lrcov`), by default after VAR(1) prewhitening (Andrews & Monahan
1992), as in the authors' published code. The formulas are spelled out in
:mod:`backtests.inference.sharpe_diff`, whose test studentizes with this error.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

from backtests.inference._common import check_choice

__all__ = ["HACS", "Hac", "parzen_lrcov", "sharpe_diff_se"]

Hac = Literal["parzen_pw", "parzen"]
HACS = ("parzen_pw", "parzen")


def _moments(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradient of ``Delta`` at the sample moments and the moment residuals ``y_t``."""
    mu1, mu2 = x.mean(), y.mean()
    g1, g2 = (x * x).mean(), (y * y).mean()
    v1, v2 = (g1 - mu1 * mu1) ** 1.5, (g2 - mu2 * mu2) ** 1.5
    grad = np.array([g1 / v1, -g2 / v2, -0.5 * mu1 / v1, 0.5 * mu2 / v2])
    resid = np.column_stack([x - mu1, y - mu2, x * x - g1, y * y - g2])
    return grad, resid


def _parzen(z: np.ndarray) -> np.ndarray:
    a = np.abs(z)
    return np.where(
        a <= 0.5, 1.0 - 6.0 * a**2 + 6.0 * a**3, np.where(a <= 1.0, 2.0 * (1.0 - a) ** 3, 0.0)
    )


def _andrews_alpha(v: np.ndarray) -> float:
    """Andrews (1991) AR(1) plug-in ``alpha`` for the Parzen bandwidth, over the columns."""
    num = den = 0.0
    for j in range(v.shape[1]):
        c = v[:, j] - v[:, j].mean()
        xlag, xnow = c[:-1], c[1:]
        design = np.column_stack([np.ones(len(xlag)), xlag])
        coef, *_ = np.linalg.lstsq(design, xnow, rcond=None)
        rho = float(coef[1])
        resid = xnow - design @ coef
        sig2 = float(resid @ resid / (len(xnow) - 2))
        num += 4.0 * rho**2 * sig2**2 / (1.0 - rho) ** 8
        den += sig2**2 / (1.0 - rho) ** 4
    return num / den if den > 0 else 0.0


def parzen_lrcov(v: np.ndarray) -> np.ndarray:
    """Long-run covariance of the rows of ``v`` (``T x p``): Parzen kernel, Andrews bandwidth.

    ``Psi = (T / (T - 4)) [G_0 + sum_{1 <= j < S} k(j / S) (G_j + G_j')]`` with
    ``G_j = T^-1 sum_{t > j} v_t v_{t-j}'`` and ``S = min(2.6614 (alpha T)^0.2, T - 1)``.
    ``v`` is used as given (pass centered residuals).
    """
    t = v.shape[0]
    s = min(2.6614 * (_andrews_alpha(v) * t) ** 0.2, t - 1)
    psi = v.T @ v / t
    j = 1
    while j < s:
        g = v[j:].T @ v[:-j] / t
        psi += _parzen(np.array(j / s)) * (g + g.T)
        j += 1
    return psi * (t / (t - 4.0))


def _prewhitened_lrcov(v: np.ndarray) -> np.ndarray:
    """VAR(1)-prewhitened Parzen long-run covariance (Andrews & Monahan 1992)."""
    lag, now = v[:-1], v[1:]
    coef, *_ = np.linalg.lstsq(lag, now, rcond=None)
    a = coef.T
    u, d, vt = np.linalg.svd(a)
    a_hat = u @ np.diag(np.clip(d, -0.97, 0.97)) @ vt
    resid = now - lag @ a_hat.T
    recolor = np.linalg.inv(np.eye(v.shape[1]) - a_hat)
    return recolor @ parzen_lrcov(resid) @ recolor.T


def sharpe_diff_se(strategy: Any, benchmark: Any, *, hac: Hac = "parzen_pw") -> float:
    """HAC delta-method standard error of the per-period Sharpe difference.

    Parameters
    ----------
    strategy, benchmark : array-like
        Returns on the same days, equal length.
    hac : {"parzen_pw", "parzen"}
        Prewhitened (default, as Ledoit and Wolf) or plain Parzen-kernel long-run covariance.

    Returns
    -------
    float
        Standard error of ``SR_s - SR_b`` per period (multiply by ``sqrt(252)`` to annualize).
    """
    hac = check_choice(hac, "hac", HACS)
    x, y = np.asarray(strategy, dtype=float), np.asarray(benchmark, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(
            f"`strategy` and `benchmark` must be 1-D of equal length, got {x.shape}, {y.shape}"
        )
    grad, resid = _moments(x, y)
    psi = _prewhitened_lrcov(resid) if hac == "parzen_pw" else parzen_lrcov(resid)
    return float(math.sqrt(max(grad @ psi @ grad, 0.0) / len(x)))

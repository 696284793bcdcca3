"""Test statistics of long-horizon predictive regressions (pure numpy on aligned arrays).

Every function takes the factor ``x`` (length N, ``x[t]`` known at close t) and the spread's
daily returns ``r`` on the same dates (``r[t]`` earned from close t - 1 to close t), and
tests the slope of ``r[t+1] + ... + r[t+h]`` on ``x[t]``.

- :func:`hodrick_1b`: Hodrick (1992) standard errors "1B". Under the null of no
  predictability the overlapping h-period error is a sum of one-period errors, so
  ``sum_t x_t (r_{t+1} + ... + r_{t+h}) = sum_s eps_{s+1} (x_s + ... + x_{s-h+1})``: the
  covariance is built from one-period (demeaned) returns times the h-period rolling sum
  of the regressor (the "reverse regression" form), which has no serially correlated
  terms to truncate.
- :func:`ivx_wald`: the IVX Wald test of Kostakis, Magdalinos & Stamatogiannis (2015,
  RFS 28, 1506-1553), long-horizon version (their Section 5) with the finite-sample
  correction of the covariance (the ``- n z_bar z_bar' Omega_FM`` term).
- :func:`ar1`: AR(1) coefficient by OLS with an intercept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def ar1(x: np.ndarray) -> float:
    """AR(1) coefficient of ``x`` by OLS of x_t on (1, x_{t-1}); NaN below 3 points."""
    x = np.asarray(x, dtype=float)
    if len(x) < 3:
        return float("nan")
    a, b = x[:-1], x[1:]
    da = a - a.mean()
    den = float(da @ da)
    return float(da @ (b - b.mean()) / den) if den > 0 else float("nan")


def forward_sums(r: np.ndarray, h: int) -> np.ndarray:
    """``r[t+1] + ... + r[t+h]`` for t = 0 .. N-h-1 (length N - h)."""
    c = np.concatenate([[0.0], np.cumsum(np.asarray(r, dtype=float))])
    n = len(r)
    t = np.arange(n - h)
    return c[t + h + 1] - c[t + 1]


def hodrick_1b(x: np.ndarray, r: np.ndarray, h: int) -> tuple[float, float]:
    """Forward OLS slope and its Hodrick (1992) 1B t-statistic.

    Parameters
    ----------
    x, r : ndarray, shape (N,)
        Factor and daily returns on the same dates (no NaN).
    h : int
        Horizon.

    Returns
    -------
    (beta, tstat) : tuple of float
        Slope of the regression of ``r[t+1..t+h]`` on ``(1, x[t])``, t = 0..N-h-1, and
        ``beta / se`` with ``Var = (X'X)^-1 [sum_s eps_{s+1}^2 w_s w_s'] (X'X)^-1``, where
        ``eps`` are the one-period returns r[1..N-1] demeaned (the null imposed) and
        ``w_s = sum_{i=0}^{h-1} (1, x_{s-i})`` over the regression dates (truncated at the
        sample's edges, so the identity above holds exactly).
    """
    x = np.asarray(x, dtype=float)
    r = np.asarray(r, dtype=float)
    m = len(x) - h
    if m < 3:
        return float("nan"), float("nan")
    y = forward_sums(r, h)
    X = np.column_stack([np.ones(m), x[:m]])
    xtx_inv = np.linalg.inv(X.T @ X)
    beta = xtx_inv @ (X.T @ y)
    # one-period errors eps_{s+1}, s = 0 .. m+h-2 (returns r[1] .. r[m+h-1] = r[N-1])
    eps = r[1 : m + h] - r[1 : m + h].mean()
    cx = np.concatenate([[0.0], np.cumsum(X, axis=0)[:, 1]])
    s = np.arange(m + h - 1)
    hi = np.minimum(s, m - 1) + 1  # sum over regression dates t in [s-h+1, s] ∩ [0, m-1]
    lo = np.maximum(s - h + 1, 0)
    w = np.column_stack([(hi - lo).astype(float), cx[hi] - cx[lo]])
    we = w * eps[:, None]
    cov = xtx_inv @ (we.T @ we) @ xtx_inv
    se = math.sqrt(cov[1, 1]) if cov[1, 1] > 0 else float("nan")
    return float(beta[1]), float(beta[1] / se)


@dataclass(frozen=True)
class IVXResult:
    """IVX estimate and Wald test for one horizon.

    Attributes
    ----------
    beta : float
        IVX slope (of the one-period regression, estimated from h-period sums).
    wald : float
        Wald statistic, chi-square(1) under H0: beta = 0.
    pvalue : float
        Two-sided p-value ``P(chi2_1 > wald)``.
    tstat : float
        ``sign(beta) * sqrt(wald)``: asymptotically N(0, 1), for a one-sided test.
    n : int
        Observations of the h-period regression.
    """

    beta: float
    wald: float
    pvalue: float
    tstat: float
    n: int


def _bartlett_cross(a: np.ndarray, b: np.ndarray, lags: int) -> float:
    """``sum_{j=1}^{lags} (1 - j/(lags+1)) (1/n) sum_t a_t b_{t-j}``."""
    n = len(a)
    out = 0.0
    for j in range(1, lags + 1):
        out += (1.0 - j / (lags + 1.0)) * float(a[j:] @ b[: n - j]) / n
    return out


def ivx_wald(
    x: np.ndarray, r: np.ndarray, h: int, *, c_z: float = -1.0, beta_z: float = 0.95
) -> IVXResult:
    """IVX Wald test of Kostakis, Magdalinos & Stamatogiannis (2015), horizon ``h``.

    Parameters
    ----------
    x, r : ndarray, shape (N,)
        Factor and daily returns on the same dates (no NaN).
    h : int
        Horizon (1: the short-horizon test; > 1 the long-horizon version).
    c_z, beta_z : float
        Instrument root ``R_nz = 1 + c_z / n^beta_z`` (the paper's c_z = -1, beta = 0.95).

    Returns
    -------
    IVXResult

    Notes
    -----
    With ``n = N - 1`` one-period pairs (r_t, x_{t-1}):

    1. OLS residuals ``eps`` of r_t on (1, x_{t-1}); AR(1) residuals ``u`` of x_t on
       (1, x_{t-1}); ``Sigma_ee = eps'eps/n``; long-run ``Omega_uu``, ``Omega_eu`` with
       Bartlett weights and ``M = floor(n^(1/3))`` lags;
       ``Omega_FM = Sigma_ee - Omega_eu^2 / Omega_uu``.
    2. Instrument ``z_t = R_nz z_{t-1} + (x_t - x_{t-1})``, ``z_0 = 0``.
    3. For t = 0..N-h-1: ``Y_t = r_{t+1} + ... + r_{t+h}``, ``X_t = x_t + ... + x_{t+h-1}``,
       ``Z_t = z_t + ... + z_{t+h-1}``; Y and X demeaned.
       ``beta = sum(z_t Y_t) / sum(z_t X_t)``;
       ``M_K = Sigma_ee sum(Z_t^2) - n_K zbar^2 Omega_FM`` (zbar the mean of Z_t, the
       paper's finite-sample correction); ``Var(beta) = M_K / sum(z_t X_t)^2``.
    """
    x = np.asarray(x, dtype=float)
    r = np.asarray(r, dtype=float)
    N = len(x)
    n = N - 1
    nk = N - h
    if nk < 10:
        return IVXResult(float("nan"), float("nan"), float("nan"), float("nan"), max(nk, 0))
    xl, xt, yt = x[:-1], x[1:], r[1:]
    dxl = xl - xl.mean()
    sxx = float(dxl @ dxl)
    eps = (yt - yt.mean()) - dxl * (float(dxl @ (yt - yt.mean())) / sxx)
    u = (xt - xt.mean()) - dxl * (float(dxl @ (xt - xt.mean())) / sxx)
    lags = int(math.floor(n ** (1.0 / 3.0)))
    s_ee = float(eps @ eps) / n
    omega_uu = float(u @ u) / n + 2.0 * _bartlett_cross(u, u, lags)
    omega_eu = float(eps @ u) / n + _bartlett_cross(u, eps, lags)
    omega_fm = s_ee - omega_eu**2 / omega_uu
    rz = 1.0 + c_z / n**beta_z
    z = np.zeros(N)
    dx = np.diff(x)
    for t in range(1, N):
        z[t] = rz * z[t - 1] + dx[t - 1]
    Y = forward_sums(r, h)
    cxs = np.concatenate([[0.0], np.cumsum(x)])
    czs = np.concatenate([[0.0], np.cumsum(z)])
    t = np.arange(nk)
    X = cxs[t + h] - cxs[t]
    ZK = czs[t + h] - czs[t]
    zi = z[:nk]
    Yd, Xd = Y - Y.mean(), X - X.mean()
    szx = float(zi @ Xd)
    if szx == 0.0:
        return IVXResult(float("nan"), float("nan"), float("nan"), float("nan"), nk)
    b = float(zi @ Yd) / szx
    zbar = float(ZK.mean())
    mk = s_ee * float(ZK @ ZK) - nk * zbar**2 * omega_fm
    var = mk / szx**2
    if not var > 0:
        return IVXResult(b, float("nan"), float("nan"), float("nan"), nk)
    from scipy import stats as sps

    wald = b * b / var
    return IVXResult(
        b, float(wald), float(sps.chi2.sf(wald, 1)), float(math.copysign(math.sqrt(wald), b)), nk
    )

"""Threshold regression with an unknown threshold (Hansen 1996, 2000).

The model

    y = z'θ + β1 x 1{q <= γ} + β2 x 1{q > γ} + e

(``split_intercept=True`` also splits the constant) is fitted by least squares for every γ in
the sorted observed values of q that leave at least ``trim`` of the sample in each regime;
γ̂ minimises the sum of squared residuals SSR(γ).

- **Test** of no threshold (β1 = β2): at each γ the heteroskedasticity-robust Wald statistic
  of the split coefficients (the x slope, and the intercept when it is split), HC3 by
  default (HC0 with ``leverage=False``); the statistic is the supremum over γ. Its null
  distribution is non-standard (γ is not identified under the null), so the p-value comes
  from Hansen's (1996) fixed-regressor bootstrap: y* = ê η with ê the residuals of the
  linear model, the regressors held fixed, the sup-Wald recomputed per draw (all draws at
  once, in matrix form). The multipliers η are Rademacher signs by default (Hansen draws
  normals, ``multiplier="normal"``; with normals the test over-rejects at n of about 130).
  With ``block`` > 1 each multiplier is a moving average of ``block`` independent draws (a
  dependent wild bootstrap, Shao 2010), so the draws keep the serial correlation of
  overlapping h-step outcomes: use ``block`` > h when y is an h-step change.
- **Confidence set** for γ by inverting the likelihood ratio
  LR(γ) = n (SSR(γ) - SSR(γ̂)) / SSR(γ̂) at c(α) = -2 log(1 - sqrt(1 - α)) (Hansen 2000,
  homoskedastic form); reported as the smallest and largest γ of the set.

Timing
------
A study over the whole sample: the caller builds y, x, q and z so that x, q and z are known
at t (see :mod:`signals.mechanism.size` for an example).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from data.errors import DataError
from signals.mechanism._design import check_int, numeric_series
from signals.mechanism._threshold_stats import (
    leverage_weights,
    moments,
    multipliers,
    partial,
    split_regressors,
    threshold_grid,
    wald_moments,
    wald_ssr_direct,
)


@dataclass(frozen=True)
class ThresholdResult:
    """Threshold estimate, its confidence interval and the test of no threshold.

    Attributes
    ----------
    gamma : float
        Least-squares threshold γ̂.
    gamma_ci : tuple of float
        Smallest and largest γ with LR(γ) <= c(``ci_alpha``).
    ci_alpha : float
        1 - confidence level of ``gamma_ci``.
    sup_wald : float
        Supremum over the grid of the robust Wald statistic of equal split coefficients.
    pvalue : float
        Fixed-regressor bootstrap p-value of ``sup_wald`` (share of draws at least as large).
    n_boot : int
        Bootstrap draws.
    n : int
        Observations used.
    beta_below, beta_above : float
        Slopes on x when q <= γ̂ and q > γ̂.
    n_below : int
        Observations with q <= γ̂.
    block : int
        Multiplier block length (1 = Hansen's independent multipliers).
    split_intercept : bool
        Whether the constant also splits (and enters the test).
    leverage : bool
        HC3 (True) or HC0 (False) Wald statistics.
    profile : DataFrame
        One row per grid γ: ``gamma``, ``ssr``, ``lr``, ``wald``.
    """

    gamma: float
    gamma_ci: tuple[float, float]
    ci_alpha: float
    sup_wald: float
    pvalue: float
    n_boot: int
    n: int
    beta_below: float
    beta_above: float
    n_below: int
    block: int
    split_intercept: bool
    leverage: bool
    profile: pd.DataFrame = field(repr=False)

    def summary(self) -> str:
        """Return the threshold, its interval, the slopes by regime and the test, as text."""
        lo, hi = self.gamma_ci
        level = f"{1 - self.ci_alpha:.0%}"
        split = "slope and intercept" if self.split_intercept else "slope"
        return "\n".join(
            [
                f"Threshold regression (Hansen 2000), n={self.n}, split: {split}",
                f"  gamma = {self.gamma:.6g}  ({level} LR set [{lo:.6g}, {hi:.6g}])",
                f"  slope below (q <= gamma, n={self.n_below}) = {self.beta_below:.4g}; "
                f"above (n={self.n - self.n_below}) = {self.beta_above:.4g}",
                f"  sup-Wald ({'HC3' if self.leverage else 'HC0'}) = {self.sup_wald:.4g}, "
                f"fixed-regressor bootstrap p = {self.pvalue:.4f} "
                f"({self.n_boot} draws, block {self.block})",
            ]
        )

    def __str__(self) -> str:
        return self.summary()


def lr_critical_value(alpha: float) -> float:
    """Hansen's (2000) c(α) = -2 log(1 - sqrt(1 - α)) for the LR confidence set of γ."""
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"`ci_alpha` must be in (0, 1), got {alpha}")
    return -2.0 * math.log(1.0 - math.sqrt(1.0 - alpha))


def _frame(y, x, q, z) -> pd.DataFrame:
    parts = [
        numeric_series(y, "y").rename("y"),
        numeric_series(x, "x").rename("x"),
        numeric_series(q, "q").rename("q"),
    ]
    if z is not None:
        if not isinstance(z, pd.DataFrame):
            raise DataError(f"must be a DataFrame or None, got {type(z).__name__}", source="z")
        parts += [numeric_series(z[c], f"z[{c!r}]").rename(f"z:{c}") for c in z.columns]
    return pd.concat(parts, axis=1, join="outer").sort_index().dropna()


def threshold_regression(
    y: pd.Series,
    x: pd.Series,
    q: pd.Series,
    *,
    z: pd.DataFrame | None = None,
    split_intercept: bool = False,
    trim: float = 0.15,
    n_boot: int = 500,
    seed: int | np.random.Generator | None = None,
    ci_alpha: float = 0.10,
    block: int = 1,
    leverage: bool = True,
    multiplier: Literal["rademacher", "normal"] = "rademacher",
    chunk: int = 250,
) -> ThresholdResult:
    """Estimate a threshold in ``q`` for the slope of ``y`` on ``x`` and test for it.

    Parameters
    ----------
    y : Series
        Outcome as used (e.g. an h-step change), sorted unique dates.
    x : Series
        Regressor whose slope may switch.
    q : Series
        Threshold variable (e.g. an idle-liquidity level known at t).
    z : DataFrame, optional
        Controls with a common slope (a constant is always included).
    split_intercept : bool, default False
        Also split the constant (it then enters the Wald test too).
    trim : float, default 0.15
        Least share of observations in each regime.
    n_boot : int, default 500
        Fixed-regressor bootstrap draws (0 skips the test: p-value NaN).
    seed : int or numpy Generator, optional
        Seed of the multipliers.
    ci_alpha : float, default 0.10
        The LR confidence set has level 1 - ``ci_alpha`` (0.05 gives 95%).
    block : int, default 1
        Multiplier block length; ``>= h + 1`` for overlapping h-step outcomes.
    leverage : bool, default True
        HC3 Wald statistics (residuals scaled by 1 / (1 - leverage) of the threshold model
        at each γ) instead of HC0; the bootstrap uses the same statistic.
    multiplier : {"rademacher", "normal"}, default "rademacher"
        Law of the bootstrap multipliers. Hansen (1996) draws normals; Rademacher signs
        (Davidson & Flachaire 2008) keep the size at n of about 130 where normals over-reject
        (docs/POWER.md).
    chunk : int, default 250
        Draws per matrix batch (bounds memory).

    Returns
    -------
    ThresholdResult

    Examples
    --------
    >>> res = threshold_regression(dy, shock, rrp, n_boot=500, seed=1)  # doctest: +SKIP
    >>> res.gamma, res.gamma_ci, res.pvalue                             # doctest: +SKIP
    """
    B = check_int(n_boot, "n_boot", minimum=0)
    ell = check_int(block, "block", minimum=1)
    ch = check_int(chunk, "chunk", minimum=1)
    crit = lr_critical_value(ci_alpha)
    f = _frame(y, x, q, z)
    n = len(f)
    yv, xv, qv = (f[c].to_numpy() for c in ("y", "x", "q"))
    W = np.column_stack([np.ones(n), f.filter(like="z:").to_numpy(), xv])
    d = 2 if split_intercept else 1
    if n < 4 * (W.shape[1] + d) or n < 10:
        raise DataError(f"too few complete rows ({n}) for {W.shape[1] + d} regressors", source="y")
    grid = threshold_grid(qv, trim)
    if len(grid) == 0:
        raise DataError(f"no threshold candidate leaves {trim:.0%} in each regime", source="q")
    Q, R = np.linalg.qr(W)
    if np.min(np.abs(np.diag(R))) < 1e-10 * np.max(np.abs(np.diag(R))):
        raise DataError("the linear regressors (constant, z, x) are collinear", source="z")
    D = split_regressors(xv, qv, grid, d)
    Dt = partial(Q, D.reshape(n, -1)).reshape(n, len(grid), d)
    ey = partial(Q, yv[:, None])[:, 0]  # residuals of the linear model
    w = leverage_weights(Dt, Q) if leverage else None
    wald, ssr = wald_ssr_direct(Dt, ey, w)
    g_hat = int(np.argmin(ssr))
    lr = n * (ssr - ssr[g_hat]) / ssr[g_hat]
    inside = grid[lr <= crit]
    sup_wald = float(np.max(wald))
    pvalue = float("nan")
    if B > 0:
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        mom = moments(Dt, w)
        exceed = 0
        for start in range(0, B, ch):
            b = min(ch, B - start)
            Ys = partial(Q, ey[:, None] * multipliers(rng, n, b, ell, multiplier))
            exceed += int(np.sum(wald_moments(Dt, Ys, mom).max(axis=0) >= sup_wald * (1 - 1e-12)))
        pvalue = exceed / B
    gamma = float(grid[g_hat])
    below = qv <= gamma
    X = np.column_stack([W[:, :-1], xv * below, xv * ~below] + ([below] if d == 2 else []))
    coef = np.linalg.lstsq(X, yv, rcond=None)[0]
    k = W.shape[1] - 1
    profile = pd.DataFrame({"gamma": grid, "ssr": ssr, "lr": lr, "wald": wald})
    return ThresholdResult(
        gamma=gamma,
        gamma_ci=(float(inside.min()), float(inside.max())),
        ci_alpha=float(ci_alpha),
        sup_wald=sup_wald,
        pvalue=pvalue,
        n_boot=B,
        n=n,
        beta_below=float(coef[k]),
        beta_above=float(coef[k + 1]),
        n_below=int(below.sum()),
        block=ell,
        split_intercept=bool(split_intercept),
        leverage=bool(leverage),
        profile=profile,
    )

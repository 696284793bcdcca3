"""Predictive regressions of forward spread returns on the factor, robust to overlap/persistence.

For each horizon h the slope of ``r_{t+1} + ... + r_{t+h}`` on the factor ``x_t`` is tested
four ways:

- ``tstat_nw`` (= ``tstat_hac``): Newey–West errors on the overlapping daily h-sums, with
  at least h lags. Known to over-reject with a persistent regressor (kept for reference).
- ``tstat_hodrick``: Hodrick (1992) 1B errors (``signals._predictive_stats.hodrick_1b``).
- ``tstat_nonoverlap``: OLS on every h-th date only (non-overlapping h-sums), Newey–West
  errors with the small rule-of-thumb lag of that short sample.
- ``pvalue_ivx``: the IVX Wald test of Kostakis, Magdalinos & Stamatogiannis (2015), long-
  horizon version with their finite-sample correction (``_predictive_stats.ivx_wald``),
  valid whatever the factor's persistence (stationary, near unit root or unit root).

The **headline** is the one-sided IVX test at a horizon (``PredictiveResult.headline_pvalue``):
IVX is the one test of the four whose null distribution does not depend on the unknown
persistence of the regressor nor on the overlap (the others assume a stationary regressor
and, for Newey–West, a bandwidth long enough for the overlap), and its size was checked on
synthetic null markets (docs/POWER.md).

Timing
------
The regressor is the factor at close t; the response starts with the return of t + 1. With
``start``/``end`` both inputs are cut to that window first, so no return after ``end`` is
used (to keep a test in-sample, pass ``end`` = the day before ``run.oos_start``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from signals._predictive_stats import ar1, forward_sums, hodrick_1b, ivx_wald

COLUMNS = (
    "beta",
    "tstat_hac",
    "pvalue",
    "alpha",
    "r2",
    "n",
    "lags",
    "tstat_nw",
    "tstat_hodrick",
    "tstat_nonoverlap",
    "n_nonoverlap",
    "beta_ivx",
    "wald_ivx",
    "pvalue_ivx",
    "tstat_ivx",
)
ROW_KEYS = ("horizon", "beta", "tstat_nw", "tstat_hodrick", "tstat_nonoverlap", "pvalue_ivx", "n")


def newey_west_lags(n: int) -> int:
    """Return the Newey–West (1994) lag rule ``floor(4 (n/100)^(2/9))``."""
    return int(math.floor(4.0 * (max(n, 1) / 100.0) ** (2.0 / 9.0)))


def forward_sum(returns: pd.Series, horizon: int) -> pd.Series:
    """``r_{t+1} + ... + r_{t+h}`` at each t (NaN where the window runs past the data)."""
    if horizon < 1:
        raise ValueError(f"`horizon` must be >= 1, got {horizon}")
    return returns.rolling(horizon).sum().shift(-horizon)


def _json_float(v: Any) -> float | int | None:
    if v is None:
        return None
    f = float(v)
    return f if math.isfinite(f) else None


@dataclass(frozen=True)
class PredictiveResult:
    """Predictive regressions of the forward spread return on the factor, one per horizon.

    Attributes
    ----------
    table : DataFrame
        Index ``horizon``; columns ``beta`` (OLS slope of the h-sum), ``tstat_hac`` and
        ``tstat_nw`` (Newey–West t, the same number), ``pvalue`` (its two-sided p),
        ``alpha``, ``r2``, ``n`` (overlapping observations), ``lags`` (Newey–West lags, at
        least h), ``tstat_hodrick``, ``tstat_nonoverlap``, ``n_nonoverlap``, ``beta_ivx``,
        ``wald_ivx``, ``pvalue_ivx`` (two-sided IVX Wald p), ``tstat_ivx`` (signed root of
        the Wald statistic).
    persistence : float
        AR(1) coefficient of the factor over the regression window.
    start, end : Timestamp or None
        First and last date of the data used (None when there was none).
    """

    table: pd.DataFrame
    persistence: float = float("nan")
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None

    def rows(self) -> list[dict[str, Any]]:
        """Rows for JSON, one per horizon.

        Keys ``horizon, beta, tstat_nw, tstat_hodrick, tstat_nonoverlap, pvalue_ivx, n``.
        NaN becomes None; ``horizon`` and ``n`` are ints.
        """
        out = []
        for h, row in self.table.iterrows():
            d: dict[str, Any] = {"horizon": int(h)}
            for k in ROW_KEYS[1:]:
                d[k] = _json_float(row.get(k))
            d["n"] = int(row["n"])
            out.append(d)
        return out

    def headline_pvalue(self, horizon: int) -> float:
        """One-sided IVX p-value of H0: slope <= 0 against a positive slope at ``horizon``.

        ``1 - Phi(tstat_ivx)``: the IVX Wald statistic of one regressor is the square of an
        asymptotically standard normal t, so the one-sided test uses its signed root. NaN
        when the horizon was not run or the sample was too short.
        """
        if horizon not in self.table.index:
            return float("nan")
        t = float(self.table.loc[horizon, "tstat_ivx"])
        return float(sps.norm.sf(t)) if math.isfinite(t) else float("nan")

    def summary(self) -> str:
        """Return the coefficient table as text."""
        cols = ["beta", "tstat_nw", "tstat_hodrick", "tstat_nonoverlap", "pvalue_ivx", "n"]
        return (
            "Predictive regressions (forward spread return on factor; NW, Hodrick 1B, "
            f"non-overlapping, IVX); factor AR(1) = {self.persistence:.4f}\n"
            + self.table[cols].to_string(float_format=lambda x: f"{x:.4g}")
        )

    def __str__(self) -> str:
        return self.summary()


def _empty_row(h: int, n: int) -> dict[str, Any]:
    row: dict[str, Any] = {c: np.nan for c in COLUMNS}
    row.update(horizon=int(h), n=int(n), n_nonoverlap=0)
    return row


def _one_horizon(x: np.ndarray, r: np.ndarray, h: int, lags: int | None) -> dict[str, Any]:
    m = len(x) - h
    if m < 10:
        return _empty_row(h, max(m, 0))
    if not np.ptp(x[:m]) > 0:  # a constant factor has no slope
        return _empty_row(h, m)
    y = forward_sums(r, h)
    X = add_constant(x[:m], has_constant="add")
    L = int(lags) if lags is not None else max(h, newey_west_lags(m))
    L = max(L, h)
    res = OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": L})
    _, t_hod = hodrick_1b(x, r, h)
    idx = np.arange(0, m, h)
    t_no = np.nan
    if len(idx) >= 5 and np.ptp(x[idx]) > 0:
        Xn = add_constant(x[idx], has_constant="add")
        res_no = OLS(y[idx], Xn).fit(
            cov_type="HAC", cov_kwds={"maxlags": newey_west_lags(len(idx))}
        )
        t_no = float(res_no.tvalues[1])
    iv = ivx_wald(x, r, h)
    return {
        "horizon": int(h),
        "beta": float(res.params[1]),
        "tstat_hac": float(res.tvalues[1]),
        "pvalue": float(res.pvalues[1]),
        "alpha": float(res.params[0]),
        "r2": float(res.rsquared),
        "n": int(m),
        "lags": L,
        "tstat_nw": float(res.tvalues[1]),
        "tstat_hodrick": t_hod,
        "tstat_nonoverlap": t_no,
        "n_nonoverlap": len(idx),
        "beta_ivx": iv.beta,
        "wald_ivx": iv.wald,
        "pvalue_ivx": iv.pvalue,
        "tstat_ivx": iv.tstat,
    }


def predictive_regression(
    spread_returns: pd.Series,
    factor: pd.Series,
    horizons: tuple[int, ...] = (5, 21, 63),
    *,
    lags: int | None = None,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> PredictiveResult:
    """Regress the forward h-day spread return on the factor; NW, Hodrick, non-overlap, IVX.

    Parameters
    ----------
    spread_returns : Series
        Daily near-minus-long basket returns.
    factor : Series
        The factor on the same dates (known at each close).
    horizons : tuple of int
        Forward horizons in business days.
    lags : int, optional
        Newey–West lags; default ``max(h, newey_west_lags(n))``. An explicit value is used
        as given but never below the horizon (overlapping h-day sums are autocorrelated up
        to lag h - 1).
    start, end : str or Timestamp, optional
        Use only data dated in ``[start, end]`` (both series are cut before forward sums are
        formed, so no return after ``end`` enters).

    Returns
    -------
    PredictiveResult

    Raises
    ------
    ValueError
        When ``horizons`` is empty or holds a value below 1, or ``lags`` is negative.

    Notes
    -----
    The sample is the dates where both series are defined (inner join, NaN dropped). With
    N such dates, the overlapping regression has ``n = N - h`` observations and the
    non-overlapping one ``ceil(n / h)`` (dates 0, h, 2h, ...; = ``floor((N - 1) / h)``).

    Timing
    ------
    The regressor is the factor at close t; the response starts with the return of t + 1,
    so nothing the factor could not know is on its side of the equation.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=300)
    >>> f = pd.Series(np.sin(np.arange(300) / 9.0), index=idx)
    >>> r = 0.01 * f.shift(1).fillna(0.0)
    >>> res = predictive_regression(r, f, (1,))
    >>> round(float(res.table.loc[1, "beta"]), 6)
    0.01
    """
    if not horizons:
        raise ValueError("`horizons` must hold at least one horizon, got none")
    if any(int(h) < 1 for h in horizons):
        raise ValueError(f"`horizons` must all be >= 1, got {tuple(horizons)}")
    if lags is not None and int(lags) < 0:
        raise ValueError(f"`lags` must be >= 0, got {lags}")
    d = pd.concat([spread_returns.rename("r"), factor.rename("x")], axis=1, join="inner").dropna()
    d = d.sort_index()
    if start is not None:
        d = d.loc[pd.Timestamp(start) :]
    if end is not None:
        d = d.loc[: pd.Timestamp(end)]
    x = d["x"].to_numpy(dtype=float)
    r = d["r"].to_numpy(dtype=float)
    rows = [_one_horizon(x, r, int(h), lags) for h in horizons]
    table = pd.DataFrame(rows).set_index("horizon")
    table = table[list(COLUMNS)]
    return PredictiveResult(
        table,
        persistence=ar1(x),
        start=d.index[0] if len(d) else None,
        end=d.index[-1] if len(d) else None,
    )

"""Does one signal add to another? A nested predictive regression of forward spread returns.

The forward h-day spread return ``r_{t+1} + ... + r_{t+h}`` is regressed on a base signal and
an extra signal at close t (both standardized over the sample, so the slopes are per standard
deviation): ``Y_t = a + b x_t + c e_t + u``. The question "does ``e`` add anything beyond
``x``" is the test of ``c = 0``, reported with Newey–West errors on the overlapping sums (at
least h lags) and with OLS on every h-th date (non-overlapping sums). With persistent signals
both over-reject (Stambaugh bias, overlap), so a *non*-rejection is conservative evidence of
no increment, while a rejection needs the robust univariate tests
(:mod:`signals.predictive`) to agree.

Timing
------
The signals are at close t; the response starts with the return of t + 1. Standardizing over
the sample makes this a statistical test, not a tradeable rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from signals._predictive_stats import forward_sums
from signals.predictive import newey_west_lags


@dataclass(frozen=True)
class NestedResult:
    """Slope of the extra signal given the base one.

    Attributes
    ----------
    horizon, n, n_nonoverlap : int
        Horizon in days; overlapping and non-overlapping observations.
    beta_base, beta_extra : float
        Slopes per standard deviation of each signal (overlapping OLS).
    tstat_extra_nw, tstat_extra_nonoverlap : float
        t of ``beta_extra``: Newey–West on overlapping sums; OLS with Newey–West on every
        h-th date.
    tstat_base_nw : float
        t of ``beta_base`` (Newey–West), for reference.
    correlation : float
        Correlation of the two signals on the sample.
    """

    horizon: int
    n: int
    n_nonoverlap: int
    beta_base: float
    beta_extra: float
    tstat_extra_nw: float
    tstat_extra_nonoverlap: float
    tstat_base_nw: float
    correlation: float

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as JSON-safe numbers (NaN as None)."""
        out: dict[str, Any] = {}
        for k, v in self.__dict__.items():
            out[k] = None if isinstance(v, float) and not np.isfinite(v) else v
        return out

    def summary(self) -> str:
        """One line: the extra signal's slope and its two t-statistics."""
        return (
            f"h={self.horizon}: extra beta {self.beta_extra:+.5f} per sd given the base "
            f"(NW t {self.tstat_extra_nw:+.2f}, non-overlapping t "
            f"{self.tstat_extra_nonoverlap:+.2f}; n={self.n}, corr {self.correlation:+.2f})"
        )

    def __str__(self) -> str:
        return self.summary()


def nested_regression(
    spread_returns: pd.Series,
    base: pd.Series,
    extra: pd.Series,
    horizon: int = 21,
    *,
    lags: int | None = None,
) -> NestedResult:
    """Regress the forward h-day spread return on two signals; test the extra one's slope.

    Parameters
    ----------
    spread_returns : Series
        Daily spread returns.
    base, extra : Series
        The two signals on (a superset of) the same dates.
    horizon : int
        h, in days (>= 1).
    lags : int, optional
        Newey–West lags of the overlapping regression (default ``max(h, rule of thumb)``).

    Returns
    -------
    NestedResult
        NaN statistics when fewer than 10 complete rows remain or a signal is constant.

    Examples
    --------
    >>> idx = pd.bdate_range("2020-01-01", periods=400)
    >>> rng = np.random.default_rng(0)
    >>> x = pd.Series(rng.normal(size=400), index=idx)
    >>> e = pd.Series(rng.normal(size=400), index=idx)
    >>> r = (0.01 * e.shift(1)).fillna(0) + pd.Series(rng.normal(0, 0.01, 400), index=idx)
    >>> nested_regression(r, x, e, horizon=1).tstat_extra_nw > 5
    True
    """
    if horizon < 1:
        raise ValueError(f"`horizon` must be >= 1, got {horizon}")
    frame = pd.concat([spread_returns.rename("r"), base.rename("x"), extra.rename("e")], axis=1)
    frame = frame.dropna()
    h = int(horizon)
    m = len(frame) - h
    nan = float("nan")
    if m < 10 or not (frame["x"].std() > 0 and frame["e"].std() > 0):
        return NestedResult(h, max(m, 0), 0, nan, nan, nan, nan, nan, nan)
    z = (frame[["x", "e"]] - frame[["x", "e"]].mean()) / frame[["x", "e"]].std()
    y = forward_sums(frame["r"].to_numpy(dtype=float), h)
    X = add_constant(z.to_numpy(dtype=float)[:m], has_constant="add")
    L = max(h, int(lags) if lags is not None else newey_west_lags(m))
    res = OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": L})
    idx = np.arange(0, m, h)
    t_no = nan
    if len(idx) >= 8:
        res_no = OLS(y[idx], X[idx]).fit(
            cov_type="HAC", cov_kwds={"maxlags": newey_west_lags(len(idx))}
        )
        t_no = float(res_no.tvalues[2])
    return NestedResult(
        horizon=h,
        n=int(m),
        n_nonoverlap=int(len(idx)),
        beta_base=float(res.params[1]),
        beta_extra=float(res.params[2]),
        tstat_extra_nw=float(res.tvalues[2]),
        tstat_extra_nonoverlap=t_no,
        tstat_base_nw=float(res.tvalues[1]),
        correlation=float(np.corrcoef(z["x"], z["e"])[0, 1]),
    )

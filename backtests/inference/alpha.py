"""Alpha against benchmarks with Newey-West (HAC) standard errors.

Regress the strategy's daily returns on the benchmarks' daily returns (e.g. the market and
the 50/50 basket mix); the intercept is the return the benchmarks do not explain. Daily
strategy returns are autocorrelated through overlapping holdings and the factor's
persistence, so the intercept's standard error uses the Newey-West estimator (Bartlett
kernel, no small-sample correction: statsmodels ``cov_type="HAC"`` defaults).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from backtests.inference._common import PERIODS_PER_YEAR, as_returns, check_positive_int, fmt
from data.errors import DataError


def newey_west_lags(n: int) -> int:
    """Newey-West (1994) rule of thumb for the Bartlett-kernel lag: ``floor(4 (n/100)^(2/9))``.

    Parameters
    ----------
    n : int
        Number of observations.

    Returns
    -------
    int
        The lag, e.g. 4 for n = 100, 8 for n = 2500.
    """
    n = check_positive_int(n, "n")
    return int(math.floor(4.0 * (n / 100.0) ** (2.0 / 9.0)))


@dataclass(frozen=True)
class AlphaResult:
    """Intercept of a regression of strategy returns on benchmark returns, HAC errors.

    Attributes
    ----------
    alpha : float
        Daily intercept (return units per period).
    alpha_ann : float
        ``alpha * periods_per_year`` (simple, not compounded).
    se : float
        HAC standard error of the daily alpha.
    tstat, pvalue : float
        HAC t-statistic of the alpha and its two-sided normal p-value.
    betas : dict of str to float
        Slope on each benchmark.
    beta_tstats : dict of str to float
        HAC t-statistics of the slopes.
    r2 : float
        R-squared of the regression.
    lags : int
        Newey-West lag used.
    n : int
        Observations (dates where the strategy and every benchmark have a return).
    periods_per_year : int
        Annualization factor.
    """

    alpha: float
    alpha_ann: float
    se: float
    tstat: float
    pvalue: float
    betas: dict[str, float] = field(default_factory=dict)
    beta_tstats: dict[str, float] = field(default_factory=dict)
    r2: float = float("nan")
    lags: int = 0
    n: int = 0
    periods_per_year: int = PERIODS_PER_YEAR

    def summary(self) -> str:
        """One line: annualized alpha, HAC t and p, betas, lag, n."""
        betas = ", ".join(f"{k} {fmt(v, '.2f')}" for k, v in self.betas.items()) or "none"
        return (
            f"HAC alpha: {fmt(self.alpha_ann, '+.2%')}/yr (t={fmt(self.tstat, '.2f')}, "
            f"p={fmt(self.pvalue, '.3f')}; betas {betas}; R2 {fmt(self.r2, '.2f')}; "
            f"Newey-West lags {self.lags}, n={self.n})"
        )

    def __str__(self) -> str:
        return self.summary()


def hac_alpha(
    strategy: pd.Series,
    benchmarks: pd.DataFrame | pd.Series,
    *,
    lags: int | None = None,
    periods_per_year: int = PERIODS_PER_YEAR,
) -> AlphaResult:
    """OLS alpha of strategy returns on benchmark returns with Newey-West standard errors.

    Fits ``r_t = alpha + sum_k beta_k b_{k,t} + e_t`` by OLS and reports the intercept with a
    HAC (Newey-West, Bartlett kernel) standard error. With no benchmark columns it is a HAC
    t-test of the mean return.

    Parameters
    ----------
    strategy : pandas.Series
        Daily simple returns of the strategy, DatetimeIndex ``date``.
    benchmarks : pandas.DataFrame or pandas.Series
        Daily returns of the benchmarks, one column each (e.g. ``SPY``, ``50/50``). Aligned
        on dates with ``strategy``; rows where anything is missing are dropped.
    lags : int, optional
        Newey-West lag. None: the rule of thumb ``floor(4 (n/100)^(2/9))`` of Newey and
        West (1994) (see :func:`newey_west_lags`), e.g. 8 for ten years of daily data.
        0 is a valid lag (White's heteroskedasticity-robust errors), not "automatic": the
        config's ``inference.hac_lags = 0`` is translated to None by the caller.
    periods_per_year : int
        Annualization: ``alpha_ann = alpha * periods_per_year``.

    Returns
    -------
    AlphaResult

    Raises
    ------
    DataError
        Too few aligned observations, or non-numeric or infinite returns.
    ValueError
        ``lags`` negative or not an integer.

    Notes
    -----
    Timing: a regression over the whole sample; it is a test, not a signal, and nothing
    from it feeds back into a trading decision.

    Examples
    --------
    >>> res = hac_alpha(result.returns, bench[["SPY", "50/50"]])  # doctest: +SKIP
    >>> res.alpha_ann, res.tstat  # doctest: +SKIP
    """
    y = as_returns(strategy, "strategy")
    if isinstance(benchmarks, pd.Series):
        benchmarks = benchmarks.to_frame(benchmarks.name or "benchmark")
    if not isinstance(benchmarks, pd.DataFrame):
        raise DataError(
            f"expected a DataFrame of benchmark returns, got {type(benchmarks).__name__}",
            source="benchmarks",
        )
    try:
        bench = benchmarks.astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError("benchmark returns must be numeric", source="benchmarks") from exc
    frame = pd.concat([y.rename("__strategy__"), bench], axis=1, join="inner").dropna()
    k = bench.shape[1]
    n = len(frame)
    if n < k + 3:
        raise DataError(
            f"need at least {k + 3} dates where the strategy and all {k} benchmarks have "
            f"returns, got {n}",
            source="benchmarks",
        )
    if not np.isfinite(frame.to_numpy()).all():
        raise DataError("returns hold an infinite value", source="benchmarks")
    if lags is None:
        lag = newey_west_lags(n)
    else:
        lag = check_positive_int(lags, "lags", minimum=0)
        if lag >= n:
            raise ValueError(f"`lags` must be < the number of observations {n}, got {lag}")
    X = add_constant(frame[list(bench.columns)].to_numpy(), has_constant="add")
    fit = OLS(frame["__strategy__"].to_numpy(), X).fit(cov_type="HAC", cov_kwds={"maxlags": lag})
    params = np.asarray(fit.params)
    bse = np.asarray(fit.bse)
    tvalues = np.asarray(fit.tvalues)
    names = [str(c) for c in bench.columns]
    return AlphaResult(
        alpha=float(params[0]),
        alpha_ann=float(params[0] * periods_per_year),
        se=float(bse[0]),
        tstat=float(tvalues[0]),
        pvalue=float(np.asarray(fit.pvalues)[0]),
        betas={c: float(b) for c, b in zip(names, params[1:], strict=True)},
        beta_tstats={c: float(t) for c, t in zip(names, tvalues[1:], strict=True)},
        r2=float(fit.rsquared) if k else 0.0,
        lags=lag,
        n=n,
        periods_per_year=periods_per_year,
    )

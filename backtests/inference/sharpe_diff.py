"""Sharpe-ratio difference of a strategy and a benchmark (Ledoit & Wolf 2008).

The strategy's Sharpe is compared with the benchmark's on the same days. The Jobson-Korkie
test (as corrected by Memmel 2003) assumes i.i.d. normal returns; daily strategy returns are
fat-tailed and serially dependent, so this module follows Ledoit and Wolf (2008), "Robust
performance hypothesis testing with the Sharpe ratio", Journal of Empirical Finance 15(5):

- ``Delta = SR_s - SR_b`` with ``SR = mean / std(ddof=1)``, per period; a function
  ``f(mu_s, mu_b, g_s, g_b)`` of the first and second moments ``g = E[r^2]``.
- **HAC standard error by the delta method**: ``se = sqrt(grad' Psi grad / T)`` with
  ``grad f = (g_s / v_s^1.5, -g_b / v_b^1.5, -mu_s / (2 v_s^1.5), mu_b / (2 v_b^1.5))``,
  ``v = g - mu^2``, and ``Psi`` the long-run covariance of
  ``y_t = (r_s - mu_s, r_b - mu_b, r_s^2 - g_s, r_b^2 - g_b)``: Parzen kernel with
  Andrews' (1991) AR(1) plug-in bandwidth ``2.6614 (alpha T)^0.2``, small-sample factor
  ``T / (T - 4)``, and (default, ``hac="parzen_pw"``) VAR(1) prewhitening with singular
  values capped at 0.97 (Andrews & Monahan 1992), as in the authors' published code.
- **Studentized circular block bootstrap**: ``M`` resamples of ``l = floor(T/b)`` blocks
  of length ``b`` (both series with the same blocks); each gives ``Delta*`` and a
  block-based standard error ``se*`` (``Psi* = l^-1 sum_j zeta_j zeta_j'``, ``zeta_j`` the
  ``sqrt(b)``-scaled mean of ``y*`` over block ``j``). Two-sided p-value
  ``(1 + #{|Delta* - Delta| / se* >= |Delta| / se}) / (M + 1)``; one-sided (strategy
  better, ``H0: Delta <= 0``) ``(1 + #{(Delta* - Delta) / se* >= Delta / se}) / (M + 1)``;
  symmetric interval ``Delta +- q se`` with ``q`` the ``level`` quantile of
  ``|Delta* - Delta| / se*``.

Block length: Ledoit and Wolf calibrate ``b`` by simulating from a fitted VAR (costly:
thousands of bootstraps). Here, by default, ``b`` is the Politis-White (2004, corrected by
Patton, Politis & White 2009) optimal *circular* block length (``arch``'s
``optimal_block_length``) of the series whose long-run variance is the standard error,
``u_t = grad' y_t`` (the influence function of ``Delta``), rounded, floored at 1 and capped
at ``T / 4``.

Differences and standard errors are reported annualized (times ``sqrt(periods_per_year)``);
p-values do not depend on the scaling.

This module holds the test and its result; the HAC standard error is in
:mod:`~backtests.inference.sharpe_diff_hac` and the circular block bootstrap (with its block
length) in :mod:`~backtests.inference.sharpe_diff_bootstrap` (both re-exported here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from backtests.inference._common import (
    PERIODS_PER_YEAR,
    as_returns,
    check_choice,
    check_positive_int,
    check_probability,
    clean,
    fmt,
)
from backtests.inference.sharpe_diff_bootstrap import (
    _bootstrap,
    auto_diff_block_length,
    cbb_indices,
)
from backtests.inference.sharpe_diff_hac import (
    HACS,
    Hac,
    _andrews_alpha,  # noqa: F401 (importable from here as before the split)
    _moments,  # noqa: F401 (importable from here as before the split)
    _parzen,  # noqa: F401 (importable from here as before the split)
    _prewhitened_lrcov,  # noqa: F401 (importable from here as before the split)
    parzen_lrcov,
    sharpe_diff_se,
)
from data.errors import DataError

__all__ = [
    "HACS",
    "METHOD",
    "Hac",
    "SharpeDiffResult",
    "align_pair",
    "auto_diff_block_length",
    "cbb_indices",
    "parzen_lrcov",
    "sharpe_diff_se",
    "sharpe_diff_test",
]

METHOD = "Ledoit-Wolf (2008) studentized circular block bootstrap, HAC delta-method SE"
Seed = int | np.random.Generator | None


@dataclass(frozen=True)
class SharpeDiffResult:
    """Test of the Sharpe-ratio difference of a strategy and a benchmark.

    Attributes
    ----------
    sharpe_strategy, sharpe_benchmark : float
        Annualized Sharpe ratios over the common days.
    diff : float
        ``sharpe_strategy - sharpe_benchmark``.
    se : float
        HAC delta-method standard error of ``diff`` (annualized).
    ci : tuple of float
        Studentized-bootstrap interval of ``diff`` at ``level`` (annualized).
    level : float
        Two-sided confidence level of ``ci``.
    pvalue : float
        Two-sided bootstrap p-value of ``H0: diff = 0``.
    pvalue_greater : float
        One-sided bootstrap p-value of ``H0: diff <= 0`` against the strategy being better.
    pvalue_hac : float
        Two-sided normal p-value ``2 Phi(-|diff| / se)`` (no bootstrap), for comparison.
    block_length : int
        Circular-block length ``b`` of the bootstrap.
    reps, n : int
        Bootstrap resamples and common observations.
    method, hac : str
        Names of the test and of the HAC estimator.
    """

    sharpe_strategy: float
    sharpe_benchmark: float
    diff: float
    se: float
    ci: tuple[float, float]
    level: float
    pvalue: float
    pvalue_greater: float
    pvalue_hac: float
    block_length: int
    reps: int
    n: int
    method: str = METHOD
    hac: str = "parzen_pw"
    periods_per_year: int = PERIODS_PER_YEAR
    distribution: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False, compare=False)

    def summary(self) -> str:
        """One line: both Sharpes, the difference, its interval and p-values."""
        lo, hi = self.ci
        return (
            f"Sharpe difference {fmt(self.diff, '+.2f')} "
            f"(strategy {fmt(self.sharpe_strategy, '.2f')} vs benchmark "
            f"{fmt(self.sharpe_benchmark, '.2f')}, annualized) "
            f"[{fmt(lo, '.2f')}, {fmt(hi, '.2f')}] {self.level:.0%}; p {fmt(self.pvalue, '.3f')} "
            f"two-sided, {fmt(self.pvalue_greater, '.3f')} strategy better; HAC SE "
            f"{fmt(self.se, '.2f')}; block {self.block_length}, {self.reps} reps, n={self.n} "
            "(Ledoit-Wolf 2008)"
        )

    def __str__(self) -> str:
        return self.summary()

    def to_metrics(self) -> dict[str, Any]:
        """JSON-safe dict: ``sharpe_diff``, ``sharpe_diff_ci`` and the rest of the fields."""
        return clean(
            {
                "sharpe_strategy": self.sharpe_strategy,
                "sharpe_benchmark": self.sharpe_benchmark,
                "sharpe_diff": self.diff,
                "sharpe_diff_se": self.se,
                "sharpe_diff_ci": list(self.ci),
                "level": self.level,
                "pvalue": self.pvalue,
                "pvalue_greater": self.pvalue_greater,
                "pvalue_hac": self.pvalue_hac,
                "block_length": self.block_length,
                "reps": self.reps,
                "n": self.n,
                "method": self.method,
            }
        )


def _sr_diff(x: np.ndarray, y: np.ndarray) -> float:
    return float(x.mean() / x.std(ddof=1) - y.mean() / y.std(ddof=1))


def align_pair(strategy: Any, benchmark: Any) -> tuple[pd.Series, pd.Series]:
    """Validate two return series and keep the days both have (inner join, NaN dropped).

    Two Series are aligned on their index; anything else must have equal length.
    """
    if isinstance(strategy, pd.Series) and isinstance(benchmark, pd.Series):
        both = pd.concat([strategy.rename("s"), benchmark.rename("b")], axis=1, join="inner")
    else:
        s, b = np.asarray(strategy).ravel(), np.asarray(benchmark).ravel()
        if len(s) != len(b):
            raise DataError(
                f"strategy has {len(s)} returns and benchmark {len(b)}: pass Series to align "
                "them on dates",
                source="benchmark",
            )
        both = pd.DataFrame({"s": s, "b": b})
    both = both.dropna()
    return as_returns(both["s"], "strategy", min_obs=10), as_returns(
        both["b"], "benchmark", min_obs=10
    )


def sharpe_diff_test(
    strategy: pd.Series,
    benchmark: pd.Series,
    *,
    reps: int = 1000,
    block_length: int | None = None,
    level: float = 0.95,
    seed: Seed = None,
    hac: Hac = "parzen_pw",
    periods_per_year: int = PERIODS_PER_YEAR,
) -> SharpeDiffResult:
    """Ledoit-Wolf (2008) test of the Sharpe-ratio difference, strategy minus benchmark.

    Parameters
    ----------
    strategy, benchmark : pandas.Series
        Daily simple returns. Series are aligned on their common dates (NaN rows dropped);
        arrays must have equal length.
    reps : int
        Bootstrap resamples ``M`` (>= 10; the paper uses 4,999 for final results).
    block_length : int, optional
        Circular block length ``b``; None: :func:`auto_diff_block_length`.
    level : float
        Confidence level of the symmetric studentized interval.
    seed : int or numpy.random.Generator, optional
        Seed of the block start points; the same seed gives the same result.
    hac : {"parzen_pw", "parzen"}
        HAC estimator of the standard error (see module docstring).
    periods_per_year : int
        Annualization factor of the Sharpe ratios, the difference and its standard error.

    Returns
    -------
    SharpeDiffResult

    Raises
    ------
    DataError
        Fewer than 10 common returns, or a constant series.
    ValueError
        A tuning argument out of range, naming it.

    Notes
    -----
    Timing: a statistic of the whole period given; pass in-sample days for a tuning-free
    comparison, and one call per sample.

    Examples
    --------
    >>> res = sharpe_diff_test(strategy, fifty_fifty, reps=1000, seed=0)  # doctest: +SKIP
    >>> res.diff, res.ci, res.pvalue  # doctest: +SKIP
    """
    reps = check_positive_int(reps, "reps", minimum=10)
    level = check_probability(level, "level")
    hac = check_choice(hac, "hac", HACS)
    periods_per_year = check_positive_int(periods_per_year, "periods_per_year")
    if isinstance(seed, bool) or not (seed is None or isinstance(seed, int | np.random.Generator)):
        raise ValueError(f"`seed` must be an int, a numpy Generator or None, got {seed!r}")
    s, b = align_pair(strategy, benchmark)
    x, y = s.to_numpy(), b.to_numpy()
    t = len(x)
    for name, v in (("strategy", x), ("benchmark", y)):
        if v.std() <= 1e-14 * max(float(np.abs(v).max()), 1e-300):
            raise DataError("returns are constant: the Sharpe ratio is undefined", source=name)
    delta = _sr_diff(x, y)
    se = sharpe_diff_se(x, y, hac=hac)
    if not se > 0:
        raise DataError(
            "the Sharpe difference has zero standard error (identical series?)", source="strategy"
        )
    if block_length is None:
        blk = auto_diff_block_length(x, y)
    else:
        blk = check_positive_int(block_length, "block_length")
        if blk > t // 2:
            raise ValueError(f"`block_length` must be <= T/2 = {t // 2}, got {blk}")
    d_star, t_star = _bootstrap(x, y, delta, blk, reps, np.random.default_rng(seed))
    ok = np.isfinite(t_star)
    d_star, t_star = d_star[ok], t_star[ok]
    m = len(t_star)
    pvalue = (1.0 + np.sum(np.abs(t_star) >= abs(delta) / se)) / (m + 1.0)
    p_greater = (1.0 + np.sum(t_star >= delta / se)) / (m + 1.0)
    q = float(np.quantile(np.abs(t_star), level))
    scale = math.sqrt(periods_per_year)
    sr_s = x.mean() / x.std(ddof=1) * scale
    sr_b = y.mean() / y.std(ddof=1) * scale
    return SharpeDiffResult(
        sharpe_strategy=float(sr_s),
        sharpe_benchmark=float(sr_b),
        diff=delta * scale,
        se=se * scale,
        ci=((delta - q * se) * scale, (delta + q * se) * scale),
        level=level,
        pvalue=float(pvalue),
        pvalue_greater=float(p_greater),
        pvalue_hac=float(2.0 * stats.norm.sf(abs(delta) / se)),
        block_length=blk,
        reps=m,
        n=t,
        hac=hac,
        periods_per_year=periods_per_year,
        distribution=d_star * scale,
    )

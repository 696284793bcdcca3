"""Confidence interval of the annualized Sharpe ratio by the stationary bootstrap.

Daily strategy returns are serially dependent (holdings persist, the factor is slow), so
resampling single days would understate the Sharpe's sampling error. The stationary
bootstrap of Politis and Romano (1994) resamples blocks of random (geometric) length; the
mean block length comes from the automatic rule of Politis and White (2004), corrected by
Patton, Politis and White (2009), as implemented by ``arch.bootstrap.optimal_block_length``.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from arch.bootstrap import StationaryBootstrap, optimal_block_length
from scipy import stats

from backtests.inference._common import (
    PERIODS_PER_YEAR,
    as_returns,
    check_choice,
    check_positive_int,
    check_probability,
    fmt,
    sharpe_per_period,
)
from data.errors import DataError
from data.progress import Progress

log = logging.getLogger(__name__)

Seed = int | np.random.Generator | None


def sharpe_se_iid(sharpe: float, n: int) -> float:
    """Return the standard error of a per-period Sharpe ratio for i.i.d. normal returns (Lo 2002).

    ``SE = sqrt((1 + SR^2 / 2) / n)`` with ``SR`` per period; multiply by
    ``sqrt(periods_per_year)`` for the annualized Sharpe's standard error.
    """
    n = check_positive_int(n, "n")
    return math.sqrt((1.0 + 0.5 * float(sharpe) ** 2) / n)


def auto_block_length(returns: pd.Series | np.ndarray) -> float:
    """Mean block length for the stationary bootstrap of a return series.

    The ``stationary`` column of ``arch.bootstrap.optimal_block_length`` (Politis-White
    with the Patton-Politis-White correction) computed on the returns themselves, floored
    at 1 (1 is the i.i.d. bootstrap). Not rounded: the stationary bootstrap draws geometric
    block lengths, so a fractional mean is fine. The returns (not their squares) drive the
    choice because the Sharpe's sampling error at daily scale is dominated by the mean:
    in Lo's variance ``1 + SR^2/2`` the volatility term is ~0.2% for an annual Sharpe of 1.
    """
    x = np.asarray(returns, dtype=float)
    value = float(optimal_block_length(x)["stationary"].iloc[0])
    if not math.isfinite(value):
        return 1.0
    return max(1.0, value)


@dataclass(frozen=True)
class SharpeCI:
    """Bootstrap confidence interval of the annualized Sharpe ratio.

    Attributes
    ----------
    sharpe : float
        Annualized Sharpe of the observed returns.
    lower, upper : float
        Interval bounds (annualized).
    level : float
        Two-sided confidence level.
    se : float
        Standard deviation of the bootstrap Sharpe distribution (annualized).
    se_iid : float
        Lo (2002) i.i.d.-normal standard error, annualized, for comparison.
    block_length : float
        Mean block length of the stationary bootstrap.
    reps, n : int
        Bootstrap replications and observations.
    method : str
        ``percentile`` or ``bca``.
    distribution : numpy.ndarray
        The bootstrap Sharpe ratios (annualized), length ``reps``.
    """

    sharpe: float
    lower: float
    upper: float
    level: float
    se: float
    se_iid: float
    block_length: float
    reps: int
    n: int
    method: str
    periods_per_year: int = PERIODS_PER_YEAR
    distribution: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False, compare=False)

    @property
    def interval(self) -> tuple[float, float]:
        """``(lower, upper)``."""
        return (self.lower, self.upper)

    def summary(self) -> str:
        """One line: Sharpe, interval, bootstrap vs. i.i.d. standard error, block length."""
        return (
            f"Sharpe {fmt(self.sharpe, '.2f')} "
            f"[{fmt(self.lower, '.2f')}, {fmt(self.upper, '.2f')}] "
            f"({self.level:.0%} {self.method}, stationary bootstrap, mean block "
            f"{self.block_length:.1f} days, {self.reps} reps; SE {fmt(self.se, '.2f')} vs "
            f"i.i.d. {fmt(self.se_iid, '.2f')}; n={self.n})"
        )

    def __str__(self) -> str:
        return self.summary()


def _bca_acceleration(x: np.ndarray) -> float:
    """Jackknife acceleration of the (per-period) Sharpe, delete-one, in closed form."""
    n = len(x)
    s, q = x.sum(), (x * x).sum()
    m = (s - x) / (n - 1)
    var = (q - x * x - (n - 1) * m * m) / (n - 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = m / np.sqrt(var)
    d = theta.mean() - theta
    denom = 6.0 * (d @ d) ** 1.5
    return float((d**3).sum() / denom) if denom > 0 else 0.0


def sharpe_ci(
    returns: pd.Series,
    *,
    reps: int = 1000,
    level: float = 0.95,
    seed: Seed = None,
    block_length: float | None = None,
    method: Literal["percentile", "bca"] = "percentile",
    periods_per_year: int = PERIODS_PER_YEAR,
) -> SharpeCI:
    """Stationary-bootstrap confidence interval of the annualized Sharpe ratio.

    Parameters
    ----------
    returns : pandas.Series
        Daily simple returns (NaN rows are dropped).
    reps : int
        Bootstrap replications.
    level : float
        Two-sided confidence level in (0, 1).
    seed : int or numpy.random.Generator, optional
        Passed to ``StationaryBootstrap(seed=...)`` (arch >= 7 accepts an int or a
        Generator). The same int gives the same interval. None: fresh entropy.
    block_length : float, optional
        Mean block length; None: :func:`auto_block_length` (Politis-White stationary
        rule, floored at 1).
    method : {"percentile", "bca"}
        Percentile interval of the bootstrap distribution, or bias-corrected and
        accelerated (bias from the bootstrap distribution, acceleration from the delete-one
        jackknife, which ignores serial dependence: prefer ``percentile`` for strongly
        autocorrelated returns).
    periods_per_year : int
        Annualization factor of the Sharpe.

    Returns
    -------
    SharpeCI

    Raises
    ------
    DataError
        Fewer than 10 returns, or constant returns (Sharpe undefined).
    ValueError
        A tuning argument out of range, naming it.

    Notes
    -----
    Timing: a whole-sample statistic; it describes the backtest, it does not trade.

    Examples
    --------
    >>> ci = sharpe_ci(result.returns, reps=1000, seed=7)  # doctest: +SKIP
    >>> ci.lower, ci.upper  # doctest: +SKIP
    """
    r = as_returns(returns, "returns", min_obs=10)
    reps = check_positive_int(reps, "reps", minimum=10)
    level = check_probability(level, "level")
    method = check_choice(method, "method", ("percentile", "bca"))
    periods_per_year = check_positive_int(periods_per_year, "periods_per_year")
    x = r.to_numpy()
    sr = sharpe_per_period(x)
    if not math.isfinite(sr):
        raise DataError("returns are constant: the Sharpe ratio is undefined", source="returns")
    if block_length is None:
        block = auto_block_length(x)
    else:
        block = float(block_length)
        if not block >= 1.0:
            raise ValueError(f"`block_length` must be >= 1, got {block_length}")
    if isinstance(seed, bool) or not (seed is None or isinstance(seed, int | np.random.Generator)):
        raise ValueError(f"`seed` must be an int, a numpy Generator or None, got {seed!r}")
    scale = math.sqrt(periods_per_year)

    bar = Progress("bootstrap", reps, unit="draw", detail=True)
    calls = [0]

    def annual_sharpe(v: np.ndarray) -> float:
        if calls[0]:  # arch's first call is on the original data, not a draw
            bar.update()
        calls[0] += 1
        sd = v.std(ddof=1)
        return float(v.mean() / sd * scale) if sd > 0 else float("nan")

    bs = StationaryBootstrap(block, x, seed=seed)
    with bar:
        dist = bs.apply(annual_sharpe, reps)[:, 0]
    valid = dist[np.isfinite(dist)]
    if len(valid) < len(dist):
        log.warning("%d of %d bootstrap samples had zero variance", len(dist) - len(valid), reps)
    tail = (1.0 - level) / 2.0
    if method == "percentile":
        probs = np.array([tail, 1.0 - tail])
    else:
        share = np.clip(np.mean(valid < sr * scale), 1.0 / (reps + 1), reps / (reps + 1))
        z0 = stats.norm.ppf(share)
        a = _bca_acceleration(x)
        zq = stats.norm.ppf([tail, 1.0 - tail])
        probs = stats.norm.cdf(z0 + (z0 + zq) / (1.0 - a * (z0 + zq)))
    lower, upper = np.quantile(valid, probs)
    return SharpeCI(
        sharpe=float(sr * scale),
        lower=float(lower),
        upper=float(upper),
        level=level,
        se=float(valid.std(ddof=1)),
        se_iid=sharpe_se_iid(sr, len(x)) * scale,
        block_length=block,
        reps=reps,
        n=len(x),
        method=method,
        periods_per_year=periods_per_year,
        distribution=dist,
    )

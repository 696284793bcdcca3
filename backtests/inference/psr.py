"""Probabilistic and deflated Sharpe ratio of one strategy (Bailey & Lopez de Prado 2012, 2014).

The probabilistic Sharpe ratio (PSR) is the probability that the true Sharpe exceeds a
benchmark, given the observed Sharpe, the sample length and the returns' skewness and
kurtosis. The deflated Sharpe ratio (DSR) is the PSR against the Sharpe the best of N
skill-less trials would be expected to reach (:func:`expected_max_sharpe`): picking the best
of a sweep inflates the Sharpe, and the DSR removes that inflation. Deflating a whole sweep
(its default spec and its in-sample best, with effective trial counts) is
:func:`backtests.inference.deflated.deflate_sweep`.

All formulas use per-period (here: daily) Sharpe ratios. Skewness and kurtosis are the
sample (biased, moment) estimates; kurtosis is *non-excess* (3 for a normal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from backtests.inference._common import (
    PERIODS_PER_YEAR,
    as_returns,
    check_before,
    check_choice,
    check_positive_int,
    fmt,
    sharpe_per_period,
)
from data.errors import DataError

__all__ = [
    "EULER_GAMMA",
    "DeflatedSharpe",
    "deflated_sharpe",
    "expected_max_sharpe",
    "probabilistic_sharpe",
]

EULER_GAMMA = 0.5772156649015329


def probabilistic_sharpe(sr: float, sr_benchmark: float, n: int, skew: float, kurt: float) -> float:
    """Probability that the true Sharpe exceeds ``sr_benchmark`` (Bailey & Lopez de Prado 2012).

    ``PSR = Phi((sr - sr*) sqrt(n - 1) / sqrt(1 - skew sr + (kurt - 1) / 4 sr^2))``

    Parameters
    ----------
    sr, sr_benchmark : float
        Observed and benchmark Sharpe ratios, per period (not annualized).
    n : int
        Number of return observations (>= 2).
    skew : float
        Skewness of the returns.
    kurt : float
        Kurtosis of the returns, non-excess (3 for a normal distribution).

    Returns
    -------
    float
        A probability in [0, 1].

    Raises
    ------
    ValueError
        ``n < 2``; ``kurt < 1 + skew^2`` (impossible for any distribution: most likely an
        excess kurtosis was passed); or a non-positive variance term.
    """
    n = check_positive_int(n, "n", minimum=2)
    if not kurt >= 1.0 + skew**2 - 1e-12:
        raise ValueError(
            f"`kurt` must be >= 1 + skew^2 = {1.0 + skew**2:.4g} (non-excess, normal = 3), "
            f"got {kurt}; pass excess kurtosis + 3"
        )
    var_term = 1.0 - skew * sr + (kurt - 1.0) / 4.0 * sr**2
    if not var_term > 0:
        raise ValueError(
            f"`kurt`/`skew` give a non-positive variance term {var_term:.4g} "
            f"(skew={skew}, kurt={kurt}, sr={sr}); kurtosis must be non-excess (normal = 3)"
        )
    z = (sr - sr_benchmark) * math.sqrt(n - 1) / math.sqrt(var_term)
    return float(stats.norm.cdf(z))


def expected_max_sharpe(n_trials: float, var_trials: float) -> float:
    """Return the expected maximum Sharpe of ``n_trials`` skill-less trials (Bailey & LdP 2014).

    ``E[max] = sqrt(V) ((1 - g) Phi^-1(1 - 1/N) + g Phi^-1(1 - 1/(N e)))`` with ``g`` the
    Euler-Mascheroni constant and ``V`` the variance of the trials' Sharpe ratios (the
    trials' true Sharpe is zero under the null). The extreme-value approximation of the
    expected maximum of N standard normals behind it overstates the exact value by 2.5% or
    less for N >= 3 (about 2.3% at N = 10, 0.9% at N = 100) and understates it by 8% at
    N = 2. One trial: 0 (nothing was selected).

    Parameters
    ----------
    n_trials : float
        Number of independent trials (>= 1). A non-integer effective count (for example
        :attr:`TrialCount.effective <backtests.inference.trials.TrialCount>`) is used as
        given: the formula is smooth in N. Below N ~ 1.3 the approximation turns negative
        and the result is floored at 0.
    var_trials : float
        Variance of the trial Sharpe ratios, in the units the result is wanted in.
    """
    n_trials = _check_n_trials(n_trials)
    if not var_trials >= 0:
        raise ValueError(f"`var_trials` must be >= 0, got {var_trials}")
    if n_trials == 1:
        return 0.0
    z = (1.0 - EULER_GAMMA) * stats.norm.ppf(1.0 - 1.0 / n_trials) + EULER_GAMMA * stats.norm.ppf(
        1.0 - 1.0 / (n_trials * math.e)
    )
    return float(math.sqrt(var_trials) * max(z, 0.0))


def _count_str(n: float) -> str:
    """``162`` for an integer count, ``3.1`` for an effective one."""
    return str(int(n)) if float(n).is_integer() else f"{n:.1f}"


def _check_n_trials(value: Any) -> float | int:
    """Validate a trial count: an int >= 1 stays an int; a real >= 1 (effective) is allowed."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"`n_trials` must be a number >= 1, got {value!r}")
    if not (math.isfinite(float(value)) and value >= 1):
        raise ValueError(f"`n_trials` must be >= 1, got {value}")
    if isinstance(value, int | np.integer) or float(value).is_integer():
        return int(value)
    return float(value)


@dataclass(frozen=True)
class DeflatedSharpe:
    """Deflated Sharpe ratio of a selected strategy among a sweep's trials.

    Attributes
    ----------
    dsr : float
        Probability that the true Sharpe exceeds the expected best of ``n_trials``
        skill-less trials (PSR against ``sr0``).
    psr : float
        PSR against zero (no deflation), for comparison.
    sharpe, sr0 : float
        Observed Sharpe and expected maximum Sharpe, per period.
    sharpe_ann, sr0_ann : float
        The same annualized.
    var_trials : float
        Variance of the trials' per-period Sharpe ratios.
    n_trials : int or float
        Number of trials deflated for (a float when an effective count was given).
    n : int
        Observations of the selected strategy.
    skew, kurt : float
        Skewness and non-excess kurtosis of the selected strategy's returns.
    """

    dsr: float
    psr: float
    sharpe: float
    sr0: float
    sharpe_ann: float
    sr0_ann: float
    var_trials: float
    n_trials: int | float
    n: int
    skew: float
    kurt: float
    periods_per_year: int = PERIODS_PER_YEAR

    def summary(self) -> str:
        """One line: DSR, observed vs. expected-max Sharpe, trials, moments."""
        return (
            f"deflated Sharpe: DSR {fmt(self.dsr, '.3f')} (PSR vs 0 {fmt(self.psr, '.3f')}); "
            f"Sharpe {fmt(self.sharpe_ann, '.2f')} vs expected best of "
            f"{_count_str(self.n_trials)} trials "
            f"{fmt(self.sr0_ann, '.2f')} (annualized); skew {fmt(self.skew, '.2f')}, "
            f"kurt {fmt(self.kurt, '.1f')}, n={self.n}"
        )

    def __str__(self) -> str:
        return self.summary()


def deflated_sharpe(
    observed_returns: pd.Series,
    trial_sharpes: Any,
    *,
    n_trials: float | None = None,
    trial_units: Literal["annual", "period"] = "annual",
    periods_per_year: int = PERIODS_PER_YEAR,
    oos_start: Any = None,
) -> DeflatedSharpe:
    """Deflated Sharpe ratio of ``observed_returns`` given the Sharpe ratios of all trials.

    Parameters
    ----------
    observed_returns : pandas.Series
        Daily returns of the selected strategy over the period the selection was made on.
    trial_sharpes : array-like
        Sharpe ratio of every trial of the sweep (the selected one included), in
        ``trial_units``. NaN entries (undefined trials) are dropped.
    n_trials : int or float, optional
        Number of independent trials; default the number of finite ``trial_sharpes``.
        Correlated trials are fewer independent ones: pass an effective number if known
        (a float >= 1 is accepted, e.g. ``count_trials(...).effective``).
    trial_units : {"annual", "period"}
        Whether ``trial_sharpes`` are annualized (divided by ``sqrt(periods_per_year)``
        here) or per period.
    periods_per_year : int
        Annualization factor.
    oos_start : date-like, optional
        When given, ``observed_returns`` must end before it (:class:`LookAheadError`).

    Returns
    -------
    DeflatedSharpe

    Notes
    -----
    ``V`` is the sample variance (ddof=1) of the trial Sharpe ratios. Timing: uses the
    whole selection period; pass in-sample returns only (before ``oos_start``).

    Examples
    --------
    >>> d = deflated_sharpe(is_returns, sweep_table["sharpe"])  # doctest: +SKIP
    >>> d.dsr  # doctest: +SKIP
    """
    r = as_returns(observed_returns, "observed_returns", min_obs=10)
    check_before(r, oos_start, "observed_returns")
    trial_units = check_choice(trial_units, "trial_units", ("annual", "period"))
    periods_per_year = check_positive_int(periods_per_year, "periods_per_year")
    try:
        trials = np.asarray(trial_sharpes, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise DataError("trial Sharpe ratios must be numeric", source="trial_sharpes") from exc
    trials = trials[np.isfinite(trials)]
    if len(trials) < 2:
        raise DataError(
            f"need the Sharpe ratios of at least 2 trials, got {len(trials)}",
            source="trial_sharpes",
        )
    scale = math.sqrt(periods_per_year)
    if trial_units == "annual":
        trials = trials / scale
    n_eff = len(trials) if n_trials is None else _check_n_trials(n_trials)
    x = r.to_numpy()
    sr = sharpe_per_period(x)
    if not math.isfinite(sr):
        raise DataError("returns are constant: Sharpe undefined", source="observed_returns")
    skew = float(stats.skew(x, bias=True))
    kurt = float(stats.kurtosis(x, fisher=False, bias=True))
    var = float(np.var(trials, ddof=1))
    sr0 = expected_max_sharpe(n_eff, var)
    return DeflatedSharpe(
        dsr=probabilistic_sharpe(sr, sr0, len(x), skew, kurt),
        psr=probabilistic_sharpe(sr, 0.0, len(x), skew, kurt),
        sharpe=sr,
        sr0=sr0,
        sharpe_ann=sr * scale,
        sr0_ann=sr0 * scale,
        var_trials=var,
        n_trials=n_eff,
        n=len(x),
        skew=skew,
        kurt=kurt,
        periods_per_year=periods_per_year,
    )

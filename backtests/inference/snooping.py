"""Data-snooping tests over a whole sweep: Hansen's SPA and Romano-Wolf StepM.

After trying ``K`` variants, the best one beating the benchmark proves little: some variant
always does by chance. Hansen's (2005) test of superior predictive ability (SPA) asks
whether *any* variant beats the benchmark, accounting for the search; Romano and Wolf's
(2005) StepM names the variants that do, controlling the family-wise error rate at
``size``.

Performance is the **active return**, trial minus benchmark, per day: in ``arch``'s
language, losses are negative returns, so the benchmark's losses are ``-benchmark``, the
models' losses are ``-trials``, and the loss differential ``d_t = trial_t - benchmark_t``.
The null is that no variant has a higher mean return than the benchmark (not a
risk-adjusted comparison: see :mod:`~backtests.inference.sharpe_diff` for the Sharpe).

Two engines give the same numbers:

- ``engine="arch"``: thin wrappers over ``arch.bootstrap.SPA`` / ``StepM`` (stationary
  bootstrap, studentization ``asymptotic``). ``arch`` loops over lags and draws in Python
  and holds ``K x reps x 3`` simulated values: fine for a few hundred variants.
- ``engine="fast"`` (default): the same statistic, vectorized. The bootstrap indices are
  drawn by ``arch``'s own ``StationaryBootstrap`` with the same seed (so the draws are the
  ones ``arch.bootstrap.SPA`` would make), turned into a ``reps x T`` count matrix ``C``;
  the bootstrap means of all variants are one matrix product ``C D / T``. The kernel
  variance ``arch`` uses for the consistent re-centering threshold (its
  ``_compute_variance``: ``sum_i kappa_i`` autocovariances with the stationary-bootstrap
  weights ``kappa_i``) is computed from FFT autocovariances. Results equal ``arch``'s up to
  floating-point rounding of the means (p-values are counts of strict inequalities, so they
  agree exactly unless a bootstrap maximum ties the observed one to ~1e-16).

Note that ``arch`` 8's SPA compares *unstudentized* maxima of mean loss differentials (the
variances only set which variants are re-centered for the consistent p-value); this module
reproduces that statistic as is.

Block length: ``arch`` defaults to ``sqrt(T)``. Here, when None, the mean block of the
stationary bootstrap is the median Politis-White (stationary) optimal block length of the
active returns of up to 100 evenly spaced variants (:func:`snooping_block_length`),
floored at 1.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from arch.bootstrap import SPA, StepM, optimal_block_length

from backtests.inference._common import (
    as_returns,
    as_trial_frame,
    check_before,
    check_choice,
    check_positive_int,
    check_probability,
    clean,
    fmt,
)
from backtests.inference._snooping_fast import (
    FastSPA,
    bootstrap_indices,
    bootstrap_means,
    spa_variances,
)
from data.errors import DataError

__all__ = [
    "DataSnooping",
    "SPAResult",
    "StepMResult",
    "active_matrix",
    "bootstrap_indices",
    "bootstrap_means",
    "data_snooping",
    "snooping_block_length",
    "spa_test",
    "spa_variances",
    "snooping_tests",
    "stepm_test",
]

Engine = Literal["fast", "arch"]
ENGINES = ("fast", "arch")
Seed = int | np.random.Generator | None


@dataclass(frozen=True)
class SPAResult:
    """Hansen's SPA test of "no variant beats the benchmark".

    Attributes
    ----------
    pvalue : float
        Consistent p-value (Hansen's recommended one).
    pvalue_lower, pvalue_upper : float
        Lower (never re-center worse variants) and upper (always re-center, White's
        Reality Check) bounds.
    n_variants, reps, n : int
        Variants, bootstrap draws and days.
    block_length : float
        Mean block length of the stationary bootstrap.
    best : Hashable
        Variant with the highest mean active return.
    best_active_mean : float
        Its mean active return per day.
    engine : str
        ``fast`` or ``arch``.
    """

    pvalue: float
    pvalue_lower: float
    pvalue_upper: float
    n_variants: int
    reps: int
    block_length: float
    n: int = 0
    best: Hashable = None
    best_active_mean: float = float("nan")
    engine: str = "fast"

    def summary(self) -> str:
        """One line: the three p-values and the search size."""
        return (
            f"SPA (Hansen 2005) vs benchmark: p {fmt(self.pvalue, '.3f')} consistent "
            f"[{fmt(self.pvalue_lower, '.3f')} lower, {fmt(self.pvalue_upper, '.3f')} upper] "
            f"over {self.n_variants} variants; best {self.best} "
            f"({fmt(self.best_active_mean * 252 * 100, '+.1f')}%/yr active); stationary "
            f"bootstrap, mean block {self.block_length:.1f} days, {self.reps} draws, n={self.n}"
        )

    def __str__(self) -> str:
        return self.summary()

    def to_metrics(self) -> dict[str, Any]:
        """JSON-safe dict with ``spa_pvalue`` (consistent), the bounds and the settings."""
        return clean(
            {
                "spa_pvalue": self.pvalue,
                "spa_pvalue_lower": self.pvalue_lower,
                "spa_pvalue_upper": self.pvalue_upper,
                "n_variants": self.n_variants,
                "reps": self.reps,
                "block_length": self.block_length,
            }
        )


@dataclass(frozen=True)
class StepMResult:
    """Romano-Wolf StepM: the variants better than the benchmark at family-wise ``size``.

    Attributes
    ----------
    better : list
        Column names of the variants found better (input order).
    n_variants, reps : int
        Variants tested and bootstrap draws.
    size : float
        Family-wise error rate.
    block_length : float
        Mean block length of the stationary bootstrap.
    engine : str
        ``fast`` or ``arch``.
    """

    better: list[Hashable]
    n_variants: int
    size: float
    reps: int = 0
    block_length: float = float("nan")
    engine: str = "fast"

    def summary(self) -> str:
        """One line: how many variants beat the benchmark, and which (up to five)."""
        names = ", ".join(str(b) for b in self.better[:5])
        more = f" and {len(self.better) - 5} more" if len(self.better) > 5 else ""
        found = f": {names}{more}" if self.better else ""
        return (
            f"StepM (Romano-Wolf 2005): {len(self.better)} of {self.n_variants} variants beat "
            f"the benchmark at FWER {self.size:.0%}{found}"
        )

    def __str__(self) -> str:
        return self.summary()

    def to_metrics(self) -> dict[str, Any]:
        """JSON-safe dict: ``stepm_better`` (names as strings), ``n_variants``, ``size``."""
        return {
            "stepm_better": [str(b) for b in self.better],
            "n_variants": int(self.n_variants),
            "size": float(self.size),
        }


@dataclass(frozen=True)
class DataSnooping:
    """SPA and StepM from one set of bootstrap draws."""

    spa: SPAResult
    stepm: StepMResult

    def summary(self) -> str:
        """Two lines: SPA and StepM."""
        return f"{self.spa.summary()}\n{self.stepm.summary()}"

    def __str__(self) -> str:
        return self.summary()

    def to_metrics(self) -> dict[str, Any]:
        """``spa_pvalue``, ``stepm_better`` and the rest, for ``metrics.json`` (inference)."""
        return {**self.spa.to_metrics(), "stepm_better": self.stepm.to_metrics()["stepm_better"]}


def active_matrix(
    trials: pd.DataFrame, benchmark: pd.Series, *, oos_start: Any = None
) -> pd.DataFrame:
    """Trial returns minus the benchmark's on their common dates (``T x K``).

    Raises
    ------
    DataError
        Missing trial returns on a common date, too few dates, or non-numeric input.
    LookAheadError
        Data at or after ``oos_start`` (when given).
    """
    values_t, index, columns = _active(trials, benchmark, oos_start)
    return pd.DataFrame(values_t.T, index=index, columns=columns)


def _active(
    trials: pd.DataFrame, benchmark: pd.Series, oos_start: Any
) -> tuple[np.ndarray, pd.Index, list[Hashable]]:
    """Active returns as a C-contiguous ``K x T`` array (each variant's days contiguous)."""
    if not isinstance(benchmark, pd.Series):
        raise DataError(
            f"expected a Series of benchmark returns, got {type(benchmark).__name__}",
            source="benchmark",
        )
    b = as_returns(benchmark, "benchmark", min_obs=10)
    if not isinstance(trials, pd.DataFrame):
        raise DataError(
            f"expected a DataFrame (dates x trials), got {type(trials).__name__}", source="trials"
        )
    if not trials.index.equals(b.index):
        common = trials.index.intersection(b.index)
        trials, b = trials.loc[common], b.loc[common]
    try:
        values_t = trials.to_numpy(dtype=float).T
    except (TypeError, ValueError):
        values_t = None
    if values_t is None or not np.isfinite(values_t).all() or min(trials.shape) < 1:
        as_trial_frame(trials, "trials", min_trials=1, min_obs=10)  # raises a named error
    if len(b) < 10:
        raise DataError(f"need at least 10 common dates, got {len(b)}", source="trials")
    check_before(trials, oos_start, "trials")
    active = np.subtract(values_t, b.to_numpy()[None, :], order="C")
    return active, trials.index, list(trials.columns)


def snooping_block_length(active: Any, *, max_columns: int = 100) -> float:
    """Median Politis-White stationary block length of up to ``max_columns`` variants.

    Columns are taken evenly spaced; constant columns are skipped. Floored at 1.
    """
    x = np.asarray(active, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    cols = np.unique(np.linspace(0, x.shape[1] - 1, min(max_columns, x.shape[1])).astype(int))
    sub = x[:, cols]
    sub = sub[:, sub.std(axis=0) > 0]
    if sub.shape[1] == 0:
        return 1.0
    value = float(np.nanmedian(optimal_block_length(sub)["stationary"].to_numpy()))
    return max(1.0, value) if math.isfinite(value) else 1.0


def _prepare(
    trials: pd.DataFrame,
    benchmark: pd.Series,
    reps: int,
    block_length: float | None,
    seed: Seed,
    oos_start: Any,
) -> tuple[np.ndarray, list[Hashable], int, float]:
    """Validate; return active returns ``T x K`` (a view of a ``K x T`` array), names, reps, b."""
    reps = check_positive_int(reps, "reps", minimum=10)
    if isinstance(seed, bool) or not (seed is None or isinstance(seed, int | np.random.Generator)):
        raise ValueError(f"`seed` must be an int, a numpy Generator or None, got {seed!r}")
    values_t, _, names = _active(trials, benchmark, oos_start)
    d = values_t.T
    if block_length is None:
        block = snooping_block_length(d)
    else:
        block = float(block_length)
        if not 1.0 <= block <= len(d):
            raise ValueError(f"`block_length` must be in [1, T={len(d)}], got {block_length}")
    return d, names, reps, block


def data_snooping(
    trials: pd.DataFrame,
    benchmark: pd.Series,
    *,
    size: float = 0.05,
    reps: int = 1000,
    block_length: float | None = None,
    seed: Seed = None,
    engine: Engine = "fast",
    oos_start: Any = None,
) -> DataSnooping:
    """SPA p-values and the StepM set of a sweep against a benchmark, one bootstrap.

    Parameters
    ----------
    trials : pandas.DataFrame
        ``T x K`` daily returns of every variant (in-sample), no missing values on the
        dates shared with ``benchmark``.
    benchmark : pandas.Series
        Daily benchmark returns; only the dates shared with ``trials`` are used.
    size : float
        Family-wise error rate of StepM.
    reps : int
        Stationary-bootstrap draws.
    block_length : float, optional
        Mean block length; None: :func:`snooping_block_length`.
    seed : int or numpy.random.Generator, optional
        Seed of the bootstrap; with an int both engines make the same draws.
    engine : {"fast", "arch"}
        Vectorized implementation or ``arch.bootstrap.SPA`` / ``StepM`` themselves.
    oos_start : date-like, optional
        When given, data at or after it raise :class:`LookAheadError`.

    Returns
    -------
    DataSnooping
        ``.spa`` (:class:`SPAResult`) and ``.stepm`` (:class:`StepMResult`).

    Examples
    --------
    >>> ds = data_snooping(is_trials, is_benchmark, reps=1000, seed=0)  # doctest: +SKIP
    >>> ds.spa.pvalue, ds.stepm.better  # doctest: +SKIP
    """
    size = check_probability(size, "size")
    engine = check_choice(engine, "engine", ENGINES)
    d, names, reps, block = _prepare(trials, benchmark, reps, block_length, seed, oos_start)
    mean = d.mean(axis=0)
    best = int(np.argmax(mean))
    if engine == "fast":
        state = FastSPA(d, block, reps, seed)
        lower, cons, upper = state.pvalues()
        better = [names[j] for j in state.stepm(size)]
    else:
        # losses are negative returns: benchmark loss - model loss = trial - benchmark
        bench_loss = np.zeros(len(d))
        stepm = StepM(bench_loss, -d, size=size, block_size=block, reps=reps, seed=seed)
        stepm.compute()
        # StepM leaves the p-values of its last (reduced) step; recompute on all variants
        # from the same cached draws
        stepm.spa.compute()
        pv = stepm.spa.pvalues
        lower, cons, upper = float(pv["lower"]), float(pv["consistent"]), float(pv["upper"])
        better = [names[int(j)] for j in stepm.superior_models]
    spa = SPAResult(
        pvalue=cons,
        pvalue_lower=lower,
        pvalue_upper=upper,
        n_variants=len(names),
        reps=reps,
        block_length=block,
        n=len(d),
        best=names[best],
        best_active_mean=float(mean[best]),
        engine=engine,
    )
    return DataSnooping(
        spa=spa,
        stepm=StepMResult(
            better=better,
            n_variants=len(names),
            size=size,
            reps=reps,
            block_length=block,
            engine=engine,
        ),
    )


def spa_test(
    trials: pd.DataFrame,
    benchmark: pd.Series,
    *,
    reps: int = 1000,
    block_length: float | None = None,
    seed: Seed = None,
    engine: Engine = "fast",
    oos_start: Any = None,
) -> SPAResult:
    """Hansen's SPA of ``trials`` against ``benchmark`` (see :func:`data_snooping`)."""
    engine = check_choice(engine, "engine", ENGINES)
    if engine == "fast":
        return data_snooping(
            trials, benchmark, reps=reps, block_length=block_length, seed=seed, oos_start=oos_start
        ).spa
    d, names, reps, block = _prepare(trials, benchmark, reps, block_length, seed, oos_start)
    spa = SPA(np.zeros(len(d)), -d, block_size=block, reps=reps, seed=seed)
    spa.compute()
    pv = spa.pvalues
    mean = d.mean(axis=0)
    best = int(np.argmax(mean))
    return SPAResult(
        pvalue=float(pv["consistent"]),
        pvalue_lower=float(pv["lower"]),
        pvalue_upper=float(pv["upper"]),
        n_variants=d.shape[1],
        reps=reps,
        block_length=block,
        n=len(d),
        best=names[best],
        best_active_mean=float(mean[best]),
        engine="arch",
    )


def stepm_test(
    trials: pd.DataFrame,
    benchmark: pd.Series,
    *,
    size: float = 0.05,
    reps: int = 1000,
    block_length: float | None = None,
    seed: Seed = None,
    engine: Engine = "fast",
    oos_start: Any = None,
) -> StepMResult:
    """Romano-Wolf StepM of ``trials`` against ``benchmark`` (see :func:`data_snooping`)."""
    return data_snooping(
        trials,
        benchmark,
        size=size,
        reps=reps,
        block_length=block_length,
        seed=seed,
        engine=engine,
        oos_start=oos_start,
    ).stepm


snooping_tests = data_snooping
"""Alias of :func:`data_snooping` (the name the benchmark harness calls)."""

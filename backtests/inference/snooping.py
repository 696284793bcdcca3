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

Studentization: ``arch`` 8's SPA compares *unstudentized* maxima of mean loss differentials
even with ``studentize=True`` (the variances only set which variants are re-centered for the
consistent p-value). Hansen (2005) divides each variant's mean differential, and each of its
bootstrap means, by its standard error ``omega_k`` (the kernel variance above), so a noisy
variant cannot dominate the maximum. With ``studentize=True`` (the default) the reported
p-values are Hansen's; they equal ``arch.bootstrap.SPA`` run on the studentized
differentials ``d_k / omega_k`` with the same draws (the test suite checks this), and the
unstudentized consistent p-value (``arch``'s own statistic) is kept beside them
(``pvalue_unstudentized``). StepM stays ``arch``'s (unstudentized) procedure.

Block length: ``arch`` defaults to ``sqrt(T)``. Here, when None, the mean block of the
stationary bootstrap is the median Politis-White (stationary) optimal block length of the
active returns of up to 100 evenly spaced variants (:func:`snooping_block_length`),
floored at 1.

This module holds the tests; the active returns and the block length are in
:mod:`~backtests.inference.snooping_active`, the result objects in
:mod:`~backtests.inference.snooping_results` and the vectorized bootstrap in
:mod:`~backtests.inference._snooping_fast` (all re-exported here).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from arch.bootstrap import SPA, StepM

from backtests.inference._common import check_choice, check_probability
from backtests.inference._snooping_fast import (
    FastSPA,
    bootstrap_indices,
    bootstrap_means,
    spa_variances,
)
from backtests.inference.snooping_active import (
    Seed,
    _active,  # noqa: F401 (importable from here as before the split)
    _prepare,
    active_matrix,
    snooping_block_length,
)
from backtests.inference.snooping_results import DataSnooping, SPAResult, StepMResult

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
    studentize: bool = True,
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
    studentize : bool
        Report Hansen's studentized SPA p-values (default) or ``arch``'s raw-mean ones.

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
        student = state.studentized_pvalues()
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
        student = _arch_studentized(d, block, reps, seed)
    raw_cons = cons
    if studentize:
        lower, cons, upper = student
    spa = SPAResult(
        pvalue=cons,
        pvalue_lower=lower,
        pvalue_upper=upper,
        studentized=bool(studentize),
        pvalue_unstudentized=raw_cons,
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


def _arch_studentized(d: np.ndarray, block: float, reps: int, seed: Seed) -> tuple[float, ...]:
    """Hansen's studentized SPA p-values from ``arch.bootstrap.SPA`` on ``d_k / omega_k``."""
    omega = np.sqrt(np.clip(spa_variances(d, block), 0.0, None))
    z = np.divide(d, omega, out=np.zeros_like(d), where=omega > 0)
    spa = SPA(np.zeros(len(d)), -z, block_size=block, reps=reps, seed=seed)
    spa.compute()
    pv = spa.pvalues
    return float(pv["lower"]), float(pv["consistent"]), float(pv["upper"])


def spa_test(
    trials: pd.DataFrame,
    benchmark: pd.Series,
    *,
    reps: int = 1000,
    block_length: float | None = None,
    seed: Seed = None,
    engine: Engine = "fast",
    oos_start: Any = None,
    studentize: bool = True,
) -> SPAResult:
    """Hansen's SPA of ``trials`` against ``benchmark`` (see :func:`data_snooping`)."""
    engine = check_choice(engine, "engine", ENGINES)
    if engine == "fast":
        return data_snooping(
            trials,
            benchmark,
            reps=reps,
            block_length=block_length,
            seed=seed,
            oos_start=oos_start,
            studentize=studentize,
        ).spa
    d, names, reps, block = _prepare(trials, benchmark, reps, block_length, seed, oos_start)
    spa = SPA(np.zeros(len(d)), -d, block_size=block, reps=reps, seed=seed)
    spa.compute()
    pv = spa.pvalues
    lower, cons, upper = float(pv["lower"]), float(pv["consistent"]), float(pv["upper"])
    raw_cons = cons
    if studentize:
        lower, cons, upper = _arch_studentized(d, block, reps, seed)
    mean = d.mean(axis=0)
    best = int(np.argmax(mean))
    return SPAResult(
        pvalue=cons,
        pvalue_lower=lower,
        pvalue_upper=upper,
        studentized=bool(studentize),
        pvalue_unstudentized=raw_cons,
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

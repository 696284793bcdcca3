"""Active returns of a sweep against a benchmark: the loss differentials SPA and StepM test.

:func:`active_matrix` validates the trials and the benchmark and subtracts the benchmark on
their common dates (``d_t = trial_t - benchmark_t``; in ``arch``'s language the benchmark's
loss minus the model's, losses being negative returns). :func:`snooping_block_length` is the
mean block of the stationary bootstrap of those differentials: the median Politis-White
(stationary) optimal block length of up to 100 evenly spaced variants, floored at 1.
:func:`_prepare` checks the bootstrap settings shared by both engines of
:mod:`backtests.inference.snooping`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd
from arch.bootstrap import optimal_block_length

from backtests.inference._common import as_returns, as_trial_frame, check_before, check_positive_int
from data.errors import DataError

__all__ = ["Seed", "active_matrix", "snooping_block_length"]

Seed = int | np.random.Generator | None


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

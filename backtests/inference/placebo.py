"""Placebo test: the real factor against factors whose alignment with returns is broken.

A placebo factor keeps the real factor's values and (most of) its serial dependence but
loses its timing relative to the market: either the whole series is shifted circularly by a
random amount (at least ``min_shift`` days, so the shifted factor is not a near-copy), or
its blocks of ``block`` days are put in a random order. Rerunning the strategy on many
placebos gives the distribution of the statistic when the factor carries no information
about the timing of returns; the p-value is ``(1 + #{placebo >= real}) / (1 + reps)``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from backtests.inference._common import check_choice, check_positive_int, fmt
from data.errors import DataError
from data.progress import Progress

log = logging.getLogger(__name__)

Seed = int | np.random.Generator | None
Method = Literal["circular", "block"]


@dataclass(frozen=True)
class PlaceboResult:
    """The real statistic against its placebo distribution.

    Attributes
    ----------
    statistic : float
        The statistic with the real factor.
    pvalue : float
        ``(1 + #{placebo >= real}) / (1 + valid reps)`` (``<=`` for ``alternative="less"``).
    placebo : numpy.ndarray
        The statistic under each placebo factor (NaN where ``run`` returned NaN).
    reps, n_valid : int
        Placebos run, and those with a finite statistic (the p-value uses these).
    method : str
        ``circular`` or ``block``.
    block, min_shift : int
        Block length (``block``) and minimum circular shift (``circular``), in rows.
    alternative : str
        ``greater`` or ``less``.
    """

    statistic: float
    pvalue: float
    reps: int
    n_valid: int
    method: str
    block: int
    min_shift: int
    alternative: str = "greater"
    placebo: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.empty(0))

    @property
    def placebo_mean(self) -> float:
        """Mean placebo statistic."""
        v = self.placebo[np.isfinite(self.placebo)]
        return float(v.mean()) if len(v) else float("nan")

    @property
    def zscore(self) -> float:
        """``(real - mean placebo) / std placebo``."""
        v = self.placebo[np.isfinite(self.placebo)]
        if len(v) < 2 or v.std(ddof=1) == 0:
            return float("nan")
        return float((self.statistic - v.mean()) / v.std(ddof=1))

    def summary(self) -> str:
        """One line: real vs. placebo statistic and the p-value."""
        how = (
            f"circular shifts >= {self.min_shift} days"
            if self.method == "circular"
            else f"{self.block}-day block shuffles"
        )
        return (
            f"placebo: statistic {fmt(self.statistic, '.3f')} vs placebo mean "
            f"{fmt(self.placebo_mean, '.3f')} (z {fmt(self.zscore, '.2f')}); "
            f"p={fmt(self.pvalue, '.3f')} "
            f"({self.alternative}, {self.n_valid}/{self.reps} {how})"
        )

    def __str__(self) -> str:
        return self.summary()


def _check_factor(factor: Any) -> pd.Series:
    if not isinstance(factor, pd.Series):
        raise DataError(f"expected a pandas Series, got {type(factor).__name__}", source="factor")
    try:
        return factor.astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"factor must be numeric, got dtype {factor.dtype}", source="factor"
        ) from exc


def _span(values: np.ndarray) -> tuple[int, int]:
    """First and one-past-last position of a finite value."""
    ok = np.flatnonzero(np.isfinite(values))
    if len(ok) == 0:
        raise DataError("factor has no finite value", source="factor")
    return int(ok[0]), int(ok[-1]) + 1


def placebo_factors(
    factor: pd.Series,
    *,
    reps: int = 500,
    method: Method = "circular",
    block: int = 21,
    min_shift: int = 63,
    seed: Seed = None,
) -> pd.DataFrame:
    """Placebo versions of ``factor``: dates x reps, same index as the factor.

    Only the span from the first to the last finite value is permuted; leading and trailing
    NaN (warm-up) stay where they are, so every placebo has the real factor's availability.

    Parameters
    ----------
    factor : pandas.Series
        The real factor.
    reps : int
        Number of placebos (columns ``0 .. reps - 1``).
    method : {"circular", "block"}
        ``circular``: roll the span by a shift drawn uniformly from
        ``[min_shift, len - min_shift]`` (needs ``len > 2 min_shift``). ``block``: cut the
        span into consecutive blocks of ``block`` rows (the last may be shorter) and put
        them in a random order.
    block : int
        Block length for ``block``.
    min_shift : int
        Minimum circular shift in rows, either direction (63 business days: a quarter).
    seed : int or numpy.random.Generator, optional
        Random source; the same int gives the same placebos.

    Returns
    -------
    pandas.DataFrame
    """
    f = _check_factor(factor)
    reps = check_positive_int(reps, "reps")
    method = check_choice(method, "method", ("circular", "block"))
    block = check_positive_int(block, "block")
    min_shift = check_positive_int(min_shift, "min_shift")
    rng = np.random.default_rng(seed)
    v = f.to_numpy()
    a, b = _span(v)
    core = v[a:b]
    n = len(core)
    out = np.tile(v[:, None], (1, reps))
    if method == "circular":
        if n <= 2 * min_shift:
            raise ValueError(
                f"`min_shift` {min_shift} needs a factor longer than {2 * min_shift} "
                f"defined rows, got {n}"
            )
        shifts = rng.integers(min_shift, n - min_shift + 1, size=reps)
        pos = (np.arange(n)[:, None] - shifts[None, :]) % n
        out[a:b] = core[pos]
    else:
        n_blocks = math.ceil(n / block)
        if n_blocks < 2:
            raise ValueError(f"`block` {block} leaves a single block of the {n} defined rows")
        starts = np.arange(n_blocks) * block
        for j in range(reps):
            order = rng.permutation(n_blocks)
            idx = np.concatenate([np.arange(s, min(s + block, n)) for s in starts[order]])
            out[a:b, j] = core[idx]
    return pd.DataFrame(out, index=f.index, columns=pd.RangeIndex(reps))


def _pvalue(real: float, placebo: np.ndarray, alternative: str) -> tuple[float, int]:
    valid = placebo[np.isfinite(placebo)]
    if len(valid) < len(placebo):
        n_bad = len(placebo) - len(valid)
        log.warning("placebo: %d of %d runs gave no statistic", n_bad, len(placebo))
    if alternative == "greater":
        hits = int((valid >= real).sum())
    else:
        hits = int((valid <= real).sum())
    return (1.0 + hits) / (1.0 + len(valid)), len(valid)


def _result(
    real: float,
    placebo: np.ndarray,
    reps: int,
    method: Method,
    block: int,
    min_shift: int,
    alternative: Literal["greater", "less"],
) -> PlaceboResult:
    p, n_valid = _pvalue(real, placebo, alternative)
    return PlaceboResult(
        statistic=real,
        pvalue=p,
        reps=int(reps),
        n_valid=n_valid,
        method=method,
        block=int(block),
        min_shift=int(min_shift),
        alternative=alternative,
        placebo=placebo,
    )


def _setup(factor, reps, method, block, min_shift, seed, alternative):
    """Return the checked alternative, the checked factor and its placebos (both tests)."""
    alternative = check_choice(alternative, "alternative", ("greater", "less"))
    f = _check_factor(factor)
    frames = placebo_factors(
        f, reps=reps, method=method, block=block, min_shift=min_shift, seed=seed
    )
    return alternative, f, frames


def placebo_test(
    run: Callable[[pd.Series], float],
    factor: pd.Series,
    *,
    reps: int = 500,
    method: Method = "circular",
    block: int = 21,
    min_shift: int = 63,
    seed: Seed = None,
    alternative: Literal["greater", "less"] = "greater",
) -> PlaceboResult:
    """Compare ``run(factor)`` with ``run`` over placebo factors.

    Parameters
    ----------
    run : callable
        Factor series -> statistic (e.g. the strategy's Sharpe). Called once with the real
        factor and ``reps`` times with placebos (same index). A NaN statistic for a placebo
        is dropped from the p-value (and logged).
    factor : pandas.Series
        The real factor.
    reps, method, block, min_shift, seed
        See :func:`placebo_factors`.
    alternative : {"greater", "less"}
        Direction in which the real statistic is expected to be extreme.

    Returns
    -------
    PlaceboResult

    Raises
    ------
    DataError
        The real statistic is not finite.

    Notes
    -----
    Timing: each placebo is a full rerun with a factor that is as point-in-time as the real
    one (its values are real factor values, only moved in time), so it carries the same
    execution lag. The test answers whether the factor's *timing* matters, not whether any
    of its values were knowable.

    Examples
    --------
    >>> res = placebo_test(lambda f: sharpe(run_backtest(f)), factor, reps=500, seed=1)
    ... # doctest: +SKIP
    """
    alternative, f, frames = _setup(factor, reps, method, block, min_shift, seed, alternative)
    real = float(run(f))
    if not math.isfinite(real):
        raise DataError(f"`run` returned {real} for the real factor", source="run")
    with Progress("placebo", reps, unit="draw", detail=True) as bar:
        placebo = np.empty(reps)
        for i, j in enumerate(frames.columns):
            placebo[i] = float(run(frames[j].rename(f.name)))
            bar.update()
    return _result(real, placebo, reps, method, block, min_shift, alternative)


def placebo_test_vectorized(
    run_many: Callable[[pd.DataFrame], Any],
    factor: pd.Series,
    *,
    reps: int = 500,
    method: Method = "circular",
    block: int = 21,
    min_shift: int = 63,
    seed: Seed = None,
    alternative: Literal["greater", "less"] = "greater",
) -> PlaceboResult:
    """Like :func:`placebo_test`, with a ``run_many`` that takes many factors at once.

    ``run_many`` gets a dates x k DataFrame of factors and returns k statistics (array-like,
    in column order). It is called once with the real factor as a one-column frame and once
    with all ``reps`` placebos (e.g. a vectorbt sweep with factors as columns). With the
    same ``seed`` the placebos are identical to :func:`placebo_test`'s, so both give the same
    result for equivalent ``run`` and ``run_many``.
    """
    alternative, f, frames = _setup(factor, reps, method, block, min_shift, seed, alternative)
    real_arr = np.asarray(run_many(f.to_frame(f.name if f.name is not None else 0)), dtype=float)
    if real_arr.size != 1 or not math.isfinite(float(real_arr.ravel()[0])):
        raise DataError(f"`run_many` returned {real_arr!r} for the real factor", source="run_many")
    with Progress("placebo", reps, unit="draw", detail=True) as bar:
        placebo = np.asarray(run_many(frames), dtype=float).ravel()  # all draws in one call
        bar.update(len(placebo))
    if len(placebo) != reps:
        raise DataError(
            f"`run_many` returned {len(placebo)} statistics for {reps} placebos", source="run_many"
        )
    real = float(real_arr.ravel()[0])
    return _result(real, placebo, reps, method, block, min_shift, alternative)

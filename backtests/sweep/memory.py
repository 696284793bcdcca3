"""Refuse a sweep that would not fit in memory, with the estimate, before it allocates.

:func:`estimate_sweep_memory` counts the bytes of the arrays a sweep keeps, from the number of
trials, days and price columns and from how the returns are kept (:mod:`backtests.sweep.chunks`):

- the dates x trials returns matrix (8 bytes a cell) when it is kept in memory, or one chunk
  of it as the buffer when it is streamed to a ``.npy`` file, or nothing;
- the statistics, per-block moments and per-trial parameter arrays (a few hundred bytes a
  trial, plus the fees and slippage per column);
- the inputs shared by every trial (prices three times, basket weights and member returns per
  basket group, factors, tilt shares, volatilities, calendars);
- each compiled worker's scratch (a few rows of days per trial in flight), or, for the
  vectorbt and reference engines, one chunk of backtests' frames and a second copy of the
  returns when the chunks are joined.

:func:`check_sweep_memory` compares it with the memory available now (``psutil`` when
installed, else ``os.sysconf``) and raises :class:`~data.errors.ResourceError` with both
numbers and what to change. The estimate is an upper bound of the arrays, not of Python's
own overhead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pandas as pd

from data.errors import ResourceError

__all__ = [
    "MemoryEstimate",
    "available_memory",
    "check_sweep_fits",
    "check_sweep_memory",
    "estimate_sweep_memory",
]

F8 = 8
PER_TRIAL_BYTES = 64 * F8
"""Per-trial parameters, codes, the trial table's cells and the statistics row (generous)."""


def _mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB" if n < 2**30 else f"{n / 2**30:,.1f} GiB"


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes a sweep keeps, by part.

    Attributes
    ----------
    n_trials, n_days, n_columns : int
        Trials, dates and price columns of the sweep.
    parts : dict of str to int
        Bytes per part (``returns``, ``trials``, ``shared``, ``scratch``).
    """

    n_trials: int
    n_days: int
    n_columns: int
    parts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All parts, in bytes."""
        return int(sum(self.parts.values()))

    def summary(self) -> str:
        """One line: the total and its parts."""
        detail = ", ".join(f"{k} {_mib(v)}" for k, v in self.parts.items())
        return (
            f"sweep of {self.n_trials:,} trials x {self.n_days:,} days x {self.n_columns} "
            f"columns needs about {_mib(self.total)} ({detail})"
        )

    def __str__(self) -> str:
        return self.summary()


def _distinct(trials: pd.DataFrame, *cols: str) -> int:
    have = [c for c in cols if c in trials.columns]
    if not have or not len(trials):
        return 1
    return int(len(trials[have].astype(str).drop_duplicates()))


def estimate_sweep_memory(
    trials: pd.DataFrame,
    n_days: int,
    n_columns: int,
    *,
    engine: str = "numba",
    chunk_size: int = 500,
    keep_returns: bool = True,
    streamed: bool = False,
    moment_blocks: int = 16,
    threads: int | None = None,
) -> MemoryEstimate:
    """Estimate the bytes a sweep keeps (see the module docstring).

    Parameters
    ----------
    trials : DataFrame
        The expanded grid (:func:`backtests.sweep.grid.expand_grid`), one row per trial.
    n_days, n_columns : int
        Dates and price columns of the sweep.
    engine : str, keyword-only
        ``numba``, ``vectorbt`` or ``reference``.
    chunk_size : int, keyword-only
        Trials per chunk.
    keep_returns : bool, keyword-only
        The returns matrix is kept.
    streamed : bool, keyword-only
        The returns are streamed to a file (one chunk in memory).
    moment_blocks : int, keyword-only
        Blocks of the per-trial moments.
    threads : int, optional, keyword-only
        Compiled workers (default: numba's thread count).

    Returns
    -------
    MemoryEstimate

    Examples
    --------
    >>> t = pd.DataFrame({"threshold": [0.0] * 1000})
    >>> e = estimate_sweep_memory(t, 2500, 7)
    >>> e.parts["returns"] == 1000 * 2500 * 8
    True
    """
    n, t, c = len(trials), int(n_days), int(n_columns)
    chunk = max(1, min(int(chunk_size), max(n, 1)))
    if streamed:
        returns = chunk * t * F8
    elif keep_returns:
        returns = n * t * F8 * (1 if engine == "numba" else 2)  # joined chunks: two copies
    else:
        returns = 0
    per_trial = PER_TRIAL_BYTES + 2 * c * F8 + (int(moment_blocks) + 1) * 3 * F8
    groups = _distinct(trials, "near", "long", "weighting", "basket_vol_window")
    factors = _distinct(trials, "zscore_window", "change_window")
    series = factors * (1 + _distinct(trials, "tilt_scale")) + groups * (
        1 + _distinct(trials, "vol_window")
    )
    # prices x3; weights and member returns per group; factors, shares, vols, calendars,
    # block ids, cash accrual and day fractions (one row of days each)
    shared = t * c * F8 * 3 + groups * t * c * F8 * 2 + (series + 8) * t * F8 + 4096
    if engine == "numba":
        if threads is None:
            import numba

            threads = int(numba.config.NUMBA_NUM_THREADS)
        scratch = max(1, int(threads)) * t * (c + 6) * F8
    else:  # one chunk of backtests: weights, targets, positions, orders per trial
        scratch = chunk * t * (4 * c + 10) * F8
    return MemoryEstimate(
        n_trials=n,
        n_days=t,
        n_columns=c,
        parts={
            "returns": int(returns),
            "trials": int(n * per_trial),
            "shared": int(shared),
            "scratch": int(scratch),
        },
    )


def available_memory() -> int:
    """Bytes of memory available now: ``psutil`` when installed, else ``os.sysconf``.

    Raises
    ------
    ResourceError
        When neither can tell (no psutil and no ``SC_AVPHYS_PAGES``).
    """
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is a dependency where it is installed
        try:
            return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError) as exc:
            raise ResourceError("cannot tell the memory available (no psutil, no sysconf)") from exc
    return int(psutil.virtual_memory().available)


def check_sweep_memory(estimate: MemoryEstimate, *, available: int | None = None) -> None:
    """Raise :class:`~data.errors.ResourceError` when ``estimate`` exceeds the memory available.

    Parameters
    ----------
    estimate : MemoryEstimate
        From :func:`estimate_sweep_memory`.
    available : int, optional, keyword-only
        Bytes available (default :func:`available_memory`).

    Raises
    ------
    ResourceError
        With the estimate, its parts, the limit, and what to change.
    """
    limit = available_memory() if available is None else int(available)
    if estimate.total <= limit:
        return
    hints = []
    if estimate.parts.get("returns", 0) > limit // 2:
        hints.append("stream the returns to disk (`--returns-out FILE`, or `returns_path=`)")
    hints.append("use fewer trials (a smaller grid) or a shorter period")
    if estimate.parts.get("scratch", 0) > limit // 4:
        hints.append("use a smaller `chunk_size`")
    raise ResourceError(
        f"{estimate.summary()}; only {_mib(limit)} of memory is available: refused before "
        f"allocating anything. To fit: {'; '.join(hints)}"
    )


def check_sweep_fits(
    trials: pd.DataFrame,
    prices: pd.DataFrame,
    engine: str,
    chunk_size: int,
    keep_returns: bool,
    returns_path: object,
    moment_blocks: int,
) -> MemoryEstimate:
    """Estimate a sweep over ``prices`` (every column counted) and check it fits; return it.

    What :func:`backtests.sweep.core.run_sweep` calls right after expanding the grid, before
    the plan or any result array exists.

    Raises
    ------
    ResourceError
        See :func:`check_sweep_memory`.
    """
    estimate = estimate_sweep_memory(
        trials,
        len(prices),
        len(prices.columns),  # an upper bound of the sweep's own columns
        engine=engine,
        chunk_size=chunk_size,
        keep_returns=keep_returns,
        streamed=returns_path is not None,
        moment_blocks=moment_blocks,
    )
    check_sweep_memory(estimate)
    return estimate

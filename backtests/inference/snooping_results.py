"""Result objects of the data-snooping tests: Hansen's SPA, Romano-Wolf StepM, and both.

:class:`SPAResult` (the p-values of "no variant beats the benchmark"), :class:`StepMResult`
(the variants that do, at a family-wise error rate) and :class:`DataSnooping` (both from one
set of bootstrap draws), each with ``.summary()`` and ``.to_metrics()`` for ``metrics.json``.
The tests that fill them are in :mod:`backtests.inference.snooping`.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from backtests.inference._common import clean, fmt

__all__ = ["DataSnooping", "SPAResult", "StepMResult"]


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
    studentized : bool
        True when the three p-values are Hansen's studentized ones (the default).
    pvalue_unstudentized : float
        Consistent p-value of the raw-mean statistic (``arch``'s own).
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
    studentized: bool = False
    pvalue_unstudentized: float = float("nan")

    def summary(self) -> str:
        """One line: the three p-values and the search size."""
        kind = "studentized " if self.studentized else ""
        return (
            f"{kind}SPA (Hansen 2005) vs benchmark: p {fmt(self.pvalue, '.3f')} consistent "
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
                "spa_studentized": self.studentized,
                "spa_pvalue_unstudentized": self.pvalue_unstudentized,
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

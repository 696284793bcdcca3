"""Numbers and names as a reader expects them: signed percents, two decimals, words."""

from __future__ import annotations

from typing import Any

from backtests.benchmarks import benchmark_label

SOURCE_WORDS = {"cache": "cache (origin unknown)"}


def pct(x: Any) -> str:
    """Format a signed percent with two decimals: ``0.1234 -> "+12.34%"``; None -> ``"n/a"``."""
    return "n/a" if x is None else f"{float(x) * 100:+.2f}%"


def dec(x: Any, places: int = 2, *, sign: bool = False) -> str:
    """Format a number with ``places`` decimals (signed when ``sign``); None -> ``"n/a"``."""
    if x is None:
        return "n/a"
    return f"{float(x):{'+' if sign else ''}.{places}f}"


def pval(x: Any) -> str:
    """Format a p-value with three decimals; None -> ``"n/a"``."""
    return "n/a" if x is None else f"{float(x):.3f}"


def name(benchmark: str | None) -> str:
    """Name a benchmark in words (``fifty_fifty`` -> "the 50/50 mix")."""
    return benchmark_label(benchmark)


def source(label: str) -> str:
    """Say where the data came from, in words."""
    return SOURCE_WORDS.get(label, label)

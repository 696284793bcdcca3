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


def bare_name(benchmark: str | None) -> str:
    """Name a benchmark in words without the article ("50/50 mix", "always-near basket")."""
    label = benchmark_label(benchmark)
    return label[4:] if label.startswith("the ") else label


def events_in_window(events: Any, index: Any) -> str:
    """Count filings whose ``available_at`` falls inside ``index``, split by surprise sign.

    Returns
    -------
    str
        E.g. ``"42 filings (25 positive and 17 negative surprises)"``.
    """
    if events is None or len(events) == 0 or len(index) == 0:
        return "0 filings"
    at = events["available_at"]
    inside = events[(at >= index[0]) & (at <= index[-1])]
    n = len(inside)
    if "surprise" not in inside:
        return f"{n} filings"
    sur = inside["surprise"]
    pos, neg = int((sur > 0).sum()), int((sur < 0).sum())
    return f"{n} filings ({pos} positive and {neg} negative surprises)"

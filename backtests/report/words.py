"""Numbers and labels as a reader sees them in summary.md and the HTML report.

Percentages carry a sign and two decimals (``+2278.08%``), ratios two decimals, p-values
three; the data origin and data notes read in words ("mirror (cached)", "absent from the
mirror") whatever the loader's internal label was.
"""

from __future__ import annotations

import math
import re
from typing import Any

from backtests.benchmarks import benchmark_label

NA = "n/a"

# internal data-origin labels and how a reader should see them
ORIGIN_WORDS: dict[str, str] = {
    "cache": "mirror (cached)",
    "mirror": "mirror",
    "live": "live",
    "synthetic": "synthetic (simulated market)",
}


def _finite(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def pct(x: Any, *, sign: bool = True) -> str:
    """Format a fraction as a percent with two decimals (``0.2278`` -> ``"+22.78%"``).

    Parameters
    ----------
    x : float or None
        The fraction (1.0 is 100%). ``None``, NaN and infinities give ``"n/a"``.
    sign : bool, default True
        Print ``+`` before positive values.

    Returns
    -------
    str
    """
    f = _finite(x)
    if f is None:
        return NA
    return f"{f * 100:{'+' if sign else ''}.2f}%"


def ratio(x: Any, *, sign: bool = False) -> str:
    """Format a ratio (Sharpe, t-statistic) with two decimals; ``"n/a"`` when undefined."""
    f = _finite(x)
    if f is None:
        return NA
    return f"{f:{'+' if sign else ''}.2f}"


def pvalue(x: Any) -> str:
    """Format a p-value with three decimals (``"<0.001"`` below that); ``"n/a"`` if undefined."""
    f = _finite(x)
    if f is None:
        return NA
    if 0 < f < 0.001:
        return "<0.001"
    return f"{f:.3f}"


def interval(ci: Any, *, fmt: str = "ratio") -> str:
    """Format a two-element interval as ``"[lo, hi]"`` (``fmt`` is ``"ratio"`` or ``"pct"``)."""
    if not isinstance(ci, list | tuple) or len(ci) != 2:
        return NA
    f = pct if fmt == "pct" else ratio
    return f"[{f(ci[0])}, {f(ci[1])}]"


def benchmark_words(name: Any) -> str:
    """Return a benchmark's name in words, no article ("50/50 mix", "always-near basket")."""
    label = benchmark_label(None if name is None else str(name))
    return label[4:] if label.startswith("the ") else label


def data_origin(label: Any) -> str:
    """Return the data origin in words: the loader's ``"cache"`` reads ``"mirror (cached)"``.

    Labels the loaders already write in words (``"mirror (cached)"``,
    ``"live (cached, 3 items stale)"``) pass through unchanged.
    """
    text = str(label or "").strip()
    return ORIGIN_WORDS.get(text, text or "unknown")


_NOT_CACHED = re.compile(r"\bnot cached\b")
_CACHE_PREFIX = re.compile(r"^cache\s+\S+:\s*")


def data_note(note: Any) -> str:
    """Return a data note in words.

    ``"cache /x: sec/AAPL not cached"`` reads ``"sec/AAPL absent from the mirror"``.
    """
    text = _CACHE_PREFIX.sub("", str(note))
    return _NOT_CACHED.sub("absent from the mirror", text)


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
    sur = inside["surprise"] if "surprise" in inside else None
    n = len(inside)
    if sur is None:
        return f"{n} filings"
    pos, neg = int((sur > 0).sum()), int((sur < 0).sum())
    return f"{n} filings ({pos} positive and {neg} negative surprises)"

"""Numbers and names as a reader expects them: signed percents, two decimals, words."""

from __future__ import annotations

from typing import Any

from backtests.report.glossary import term  # noqa: F401  (words.term("SPA"): a linked name)
from backtests.study.benchmarks import benchmark_label

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


def nested_sentence(block: dict[str, Any] | None, labels: dict[str, str]) -> str:
    """Say whether one block adds to another (a :func:`backtests.study.ablation.nested_block`).

    Parameters
    ----------
    block : dict or None
        ``{base, extra, horizon, in_sample, held_out}``.
    labels : dict of str to str
        Sample key -> its name in the sentence (``{"in_sample": "in-sample"}``).

    Returns
    -------
    str
        '' when no sample has a regression.

    Examples
    --------
    >>> b = {"base": "funding only", "extra": "capex only", "horizon": 21,
    ...      "in_sample": {"tstat_extra_nw": 0.1, "tstat_extra_nonoverlap": -0.3,
    ...                    "correlation": 0.21}, "held_out": None}
    >>> nested_sentence(b, {"in_sample": "pre-2000"})  # doctest: +NORMALIZE_WHITESPACE
    'The capex only factor given the funding only factor (21-day spread return, both
     standardized): pre-2000 t +0.10 (Newey-West) / -0.30 (non-overlapping), correlation
     +0.21.'
    """
    if not block:
        return ""
    parts = []
    for key, label in labels.items():
        r = block.get(key)
        if not r:
            continue
        parts.append(
            f"{label} t {dec(r.get('tstat_extra_nw'), sign=True)} (Newey-West) / "
            f"{dec(r.get('tstat_extra_nonoverlap'), sign=True)} (non-overlapping), correlation "
            f"{dec(r.get('correlation'), sign=True)}"
        )
    if not parts:
        return ""
    return (
        f"The {block['extra']} factor given the {block['base']} factor "
        f"({block['horizon']}-day spread return, both standardized): " + "; ".join(parts) + "."
    )


NESTED_KEYS = ("capex_beyond_funding", "liquidity_beyond_funding")


def nested_sentences(metrics: dict[str, Any]) -> list[str]:
    """Return the main report's :func:`nested_sentence` for each of :data:`NESTED_KEYS`."""
    labels = {"in_sample": "in-sample", "held_out": "held-out"}
    texts = [nested_sentence(metrics.get(k), labels) for k in NESTED_KEYS]
    return [t for t in texts if t]


NESTED_CAVEAT = (
    "Both t-statistics over-reject with persistent signals, so |t| < 2 is conservative "
    "evidence that the block adds nothing beyond funding price."
)

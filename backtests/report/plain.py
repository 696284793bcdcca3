"""Internal names in words: what a reader sees instead of ``fifty_fifty`` or ``run.start``.

Strings that reach the page from ``metrics.json`` (the verdict's sentence, its checks, the
component names, data notes) may carry the package's identifiers; :func:`plain` rewrites
them for display. :data:`IDENTIFIER` is the pattern the report's tests scan for.
"""

from __future__ import annotations

import re

NAMES = {
    "fifty_fifty": "the 50/50 mix",
    "always_long": "the always-long basket",
    "always_near": "the always-near basket",
    "post_registration_consistent": "post-registration consistency",
    "post_registration": "post-registration",
    "held_out": "held-out",
    "in_sample": "in-sample",
    "capex_to_ocf": "capex relative to operating cash flow",
    "naive_rrp": "naive ON RRP",
    "rrp_level": "ON RRP level",
    "rrp_change": "ON RRP change",
    "run.start": "the run's first date",
    "run.end": "the run's last date",
    "run.oos_start": "the held-out start",
    "run.registered": "the registration date",
    "first_active": "first active",
    "last_active": "last active",
    "share_active": "share of days active",
}

# snake_case words and dotted configuration keys (``run.start``); file names are allowed
IDENTIFIER = re.compile(
    r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b(?!\.(?:csv|json|md|html|png|toml)\b)"
    r"|\b(?:run|data|universe|factor|backtest|costs|inference|verdict|sweep|targets|macro)"
    r"\.(?!(?:csv|json|md|html|png|toml)\b)[a-z_]+\b"
)


def plain(text: str) -> str:
    """Rewrite identifiers in ``text`` as words.

    Known names get their phrase (:data:`NAMES`); any other snake_case word gets spaces;
    a dotted configuration key keeps only its last part in words.

    Examples
    --------
    >>> plain("Not available: post_registration_consistent; against fifty_fifty.")
    'Not available: post-registration consistency; against the 50/50 mix.'
    >>> plain("stale: reserves_level (no value after 2025-01-22)")
    'stale: reserves level (no value after 2025-01-22)'
    """

    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        if word in NAMES:
            return NAMES[word]
        return word.rsplit(".", 1)[-1].replace("_", " ")

    for key in sorted(NAMES, key=len, reverse=True):
        text = re.sub(rf"(?<![\w.]){re.escape(key)}(?![\w])", NAMES[key], text)
    return IDENTIFIER.sub(one, text)


def find_identifiers(text: str) -> list[str]:
    """Return every identifier-like word in ``text`` (what the no-identifier tests reject)."""
    return [m.group(0) for m in IDENTIFIER.finditer(text)]

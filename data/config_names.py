"""Names in a configuration: what a ticker, FRED series id, CIK or table name may look like.

A name from the configuration becomes part of a file name in the cache and the mirror, so it
is checked against a pattern and is never a path.
"""

from __future__ import annotations

import re
from typing import Any

from data.errors import ConfigError

NAME_PATTERNS: dict[str, re.Pattern[str]] = {
    "ticker": re.compile(r"^\^?[A-Za-z0-9][A-Za-z0-9.\-=]{0,19}$"),
    "series": re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{0,39}$"),
    "cik": re.compile(r"^(CIK)?[0-9]{1,10}$"),
    "table": re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"),
}
"""What a ticker, FRED series id, CIK or capex-table name may look like: never a path."""

NAME_RULES = {
    "ticker": "letters, digits, '.', '-', '=' (an optional leading '^'), up to 20 characters",
    "series": "letters, digits and '_', up to 40 characters",
    "cik": "up to 10 digits (optionally prefixed CIK)",
    "table": "letters, digits, '_', '.', '-', up to 64 characters",
}


def valid_name(kind: str, name: object) -> bool:
    """Return whether ``name`` is a valid ``kind`` (``ticker``, ``series``, ``cik``, ``table``)."""
    return (
        isinstance(name, str | int)
        and not isinstance(name, bool)
        and bool(NAME_PATTERNS[kind].match(str(name)))
        and ".." not in str(name)
    )


def check_name(kind: str, name: object, key: str) -> str:
    """Return ``name`` as a string, or raise :class:`ConfigError` naming the config ``key``.

    Examples
    --------
    >>> check_name("ticker", "BTC-USD", "universe.long")
    'BTC-USD'
    """
    if not valid_name(kind, name):
        raise ConfigError(
            f"`{key}`: {name!r} is not a valid {kind} name ({NAME_RULES[kind]}); "
            "names are never paths"
        )
    return str(name)


def check_names(d: dict[str, Any], origin: str) -> None:
    """Check every ticker, CIK and series name of a merged configuration dict (never a path)."""
    u = d["universe"]
    lists = [
        (f"universe.{k}", u.get(k, [])) for k in ("hyperscalers", "near", "long", "benchmarks")
    ]
    lists.append(("data.crypto", d["data"].get("crypto", [])))
    try:
        for key, names in lists:
            for name in names:
                check_name("ticker", name, key)
        rob = u.get("robustness", {})
        for side in ("near", "long"):
            for basket, names in rob.get(side, {}).items():
                if not isinstance(names, list | tuple):
                    raise ConfigError(
                        f"`universe.robustness.{side}.{basket}` must be a list of tickers, "
                        f"got {show_value(names)}"
                    )
                for name in names:
                    check_name("ticker", name, f"universe.robustness.{side}.{basket}")
        for ticker, cik in u.get("cik", {}).items():
            check_name("ticker", ticker, "universe.cik")
            check_name("cik", cik, f"universe.cik.{ticker}")
        for ticker, olds in u.get("cik_history", {}).items():
            check_name("ticker", ticker, "universe.cik_history")
            for old in olds:
                check_name("cik", old, f"universe.cik_history.{ticker}")
        for series in d["macro"]["series"]:
            check_name("series", series, "macro.series")
        cash = d["costs"].get("cash_rate_series", "")
        if cash:
            check_name("series", cash, "costs.cash_rate_series")
        for name in d["costs"].get("cash_rate_fallback", []):
            check_name("series", name, "costs.cash_rate_fallback")
    except ConfigError as exc:
        raise ConfigError(f"{origin}: {exc}") from None


def show_value(value: Any) -> str:
    """Return a TOML-like rendering of a value for an error message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)

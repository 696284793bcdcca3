"""capital-scarcity data layer: sources, offline mirror, cache, point-in-time helpers, loaders.

Imports flow one way: ``data`` <- ``signals`` <- ``backtests``. The public API is listed in
``__all__``; see docs/INTERFACES.md for the table shapes.

The public names are imported lazily (:mod:`data.lazy`): ``import data`` imports no pandas, so
the command line can print its first line before any heavy import.
"""

from __future__ import annotations

from data.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "CONCEPTS": "data.tables",
    "Cache": "data.cache",
    "CacheError": "data.errors",
    "Config": "data.config",
    "ConfigError": "data.errors",
    "DataError": "data.errors",
    "DataWarning": "data.errors",
    "FUNDAMENTALS_COLUMNS": "data.tables",
    "FetchError": "data.errors",
    "FetchReport": "data.loaders",
    "LookAheadError": "data.errors",
    "MarketData": "data.loaders",
    "Mirror": "data.sources.mirror",
    "ParseError": "data.errors",
    "QUARTERS_COLUMNS": "data.tables",
    "ScarcityError": "data.errors",
    "as_of": "data.fundamentals",
    "available_date": "data.pit",
    "business_days": "data.calendar",
    "combine_capex": "data.fundamentals",
    "fetch": "data.loaders",
    "load_config": "data.config",
    "load_market": "data.loaders",
    "macro_known_at": "data.pit",
    "next_business_day": "data.pit",
    "quarterly_from_ytd": "data.fundamentals",
    "to_business_days": "data.calendar",
    "validate_fundamentals": "data.tables",
    "validate_quarters": "data.tables",
    "validate_wide": "data.tables",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

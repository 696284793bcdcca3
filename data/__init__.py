"""capital-scarcity data layer: sources, offline mirror, cache, point-in-time helpers, loaders.

Imports flow one way: ``data`` <- ``signals`` <- ``backtests``. The public API is listed in
``__all__``; see docs/INTERFACES.md for the table shapes.
"""

from data.cache import Cache
from data.calendar import business_days, to_business_days
from data.config import Config, load_config
from data.errors import (
    CacheError,
    ConfigError,
    DataError,
    DataWarning,
    FetchError,
    LookAheadError,
    ParseError,
    ScarcityError,
)
from data.fundamentals import as_of, combine_capex, quarterly_from_ytd
from data.loaders import FetchReport, MarketData, fetch, load_market
from data.pit import available_date, macro_known_at, next_business_day
from data.sources.mirror import Mirror
from data.tables import (
    CONCEPTS,
    FUNDAMENTALS_COLUMNS,
    QUARTERS_COLUMNS,
    validate_fundamentals,
    validate_quarters,
    validate_wide,
)

__all__ = [
    "CONCEPTS",
    "FUNDAMENTALS_COLUMNS",
    "QUARTERS_COLUMNS",
    "Cache",
    "CacheError",
    "Config",
    "ConfigError",
    "DataError",
    "DataWarning",
    "FetchError",
    "FetchReport",
    "LookAheadError",
    "MarketData",
    "Mirror",
    "ParseError",
    "ScarcityError",
    "as_of",
    "available_date",
    "business_days",
    "combine_capex",
    "fetch",
    "load_config",
    "load_market",
    "macro_known_at",
    "next_business_day",
    "quarterly_from_ytd",
    "to_business_days",
    "validate_fundamentals",
    "validate_quarters",
    "validate_wide",
]

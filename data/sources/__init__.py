"""Data sources: one parser per source, used for live payloads and mirror files alike.

Modules: :mod:`~data.sources.yahoo`, :mod:`~data.sources.fred`, :mod:`~data.sources.edgar`,
:mod:`~data.sources.capex_table`, :mod:`~data.sources.mirror` and
:mod:`~data.sources.synthetic` (imported lazily: it is heavier and only needed on demand).
"""

from data.sources.capex_table import parse_capex_table
from data.sources.edgar import CONCEPT_TAGS, fetch_companyfacts, parse_companyfacts
from data.sources.fred import fetch_series, parse_fredgraph_csv
from data.sources.mirror import Mirror
from data.sources.yahoo import fetch_prices, parse_price_csv, parse_yahoo_download

__all__ = [
    "CONCEPT_TAGS",
    "Mirror",
    "fetch_companyfacts",
    "fetch_prices",
    "fetch_series",
    "parse_capex_table",
    "parse_companyfacts",
    "parse_fredgraph_csv",
    "parse_price_csv",
    "parse_yahoo_download",
]

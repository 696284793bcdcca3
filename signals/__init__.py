"""The capital-scarcity factor: capex demand, idle liquidity, funding price, composite, diagnostics.

Every function is pure (DataFrames in, DataFrames out) and point-in-time: a value at date t
uses only information public at t. See ``signals.composite`` for the default factor.
"""

from signals.capex import capex_demand, capex_events, capex_snapshots
from signals.composite import (
    METHODS,
    SIGNS,
    FactorResult,
    build_factor,
    build_factor_from_market,
    build_factor_tables,
    combine,
)
from signals.diagnostics import (
    EventStudyResult,
    PredictiveResult,
    component_correlations,
    event_study,
    persistence,
    predictive_regression,
)
from signals.encompassing import NestedResult, nested_regression
from signals.funding import funding_price
from signals.liquidity import exhausted_regime, idle_liquidity, to_billions
from signals.transforms import trailing_change, zscore

__all__ = [
    "METHODS",
    "SIGNS",
    "EventStudyResult",
    "FactorResult",
    "NestedResult",
    "PredictiveResult",
    "build_factor",
    "build_factor_from_market",
    "build_factor_tables",
    "capex_demand",
    "capex_events",
    "capex_snapshots",
    "combine",
    "component_correlations",
    "event_study",
    "exhausted_regime",
    "funding_price",
    "idle_liquidity",
    "nested_regression",
    "persistence",
    "predictive_regression",
    "to_billions",
    "trailing_change",
    "zscore",
]

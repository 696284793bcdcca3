"""The mechanism stage of a report: the declared links estimated on the run's own tables.

The study itself lives in :mod:`signals.mechanism` (pure functions, nothing traded); this
module only hands it the tables a run already has: the factor's components and regime
(point-in-time), the macro table (observation dates; release lags are applied by the panel)
and the daily returns of the traded targets (the main report's near-minus-long spread; the
long history's HML, RMW and CMA). Both reports call :func:`mechanism_study`.

Timing
------
Row m of the panel holds what was public at month m's last business day
(:func:`signals.mechanism.panel.monthly_panel`); the study describes the whole sample and
trades nothing.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pandas as pd

from data.config import Config
from signals.mechanism import MechanismResult, MechanismSpec, monthly_panel, run_mechanism

log = logging.getLogger(__name__)


def mechanism_enabled(cfg: Config) -> bool:
    """Return True when the configuration has ``[mechanism] enabled = true``."""
    return bool(cfg.mechanism.get("enabled", False))


def mechanism_study(
    cfg: Config,
    *,
    components: pd.DataFrame,
    macro: pd.DataFrame,
    targets: dict[str, pd.Series],
    regime: pd.Series | None = None,
    end: pd.Timestamp | None = None,
) -> MechanismResult:
    """Build the month-end panel of ``[mechanism]`` and estimate every declared link.

    Parameters
    ----------
    cfg : Config
        The configuration (``[mechanism]`` and the macro release lags).
    components : DataFrame
        The factor's components on business days (``FactorResult.components``).
    macro : DataFrame
        The raw macro table (observation dates).
    targets : dict of str to Series
        Daily simple returns of the traded targets, by the names ``[mechanism.variables]``
        uses (``spread``; ``hml``, ``rmw``, ``cma``).
    regime : Series of bool, optional
        The factor's "idle money exhausted" regime on business days.
    end : Timestamp, optional
        Last date used (default: the components' last date).

    Returns
    -------
    MechanismResult
        With ``.to_metrics()`` (the ``mechanism`` block of ``metrics.json``) and ``.panel``
        (``mechanism.csv``).
    """
    t0 = time.perf_counter()
    spec = MechanismSpec.from_config(cfg)
    panel = monthly_panel(
        spec,
        cfg=cfg,
        components=components,
        macro=macro,
        targets=targets,
        regime=regime,
        end=end,
    )
    result = run_mechanism(panel, spec)
    log.info("mechanism: %d links in %.2f s", len(result.links), time.perf_counter() - t0)
    return result


def main_mechanism(cfg: Config, factor: Any, market: Any, spread: pd.Series) -> MechanismResult:
    """Run the main report's study: the factor's tables, the market's macro, the spread.

    Parameters
    ----------
    cfg : Config
    factor : signals.composite.FactorResult
        ``components`` and ``regime`` are used.
    market : data.loaders.MarketData
        ``macro`` is used.
    spread : Series
        Daily near-minus-long return (the pipeline's ``spread``).
    """
    return mechanism_study(
        cfg,
        components=factor.components,
        macro=market.macro,
        targets={"spread": spread},
        regime=factor.regime,
    )

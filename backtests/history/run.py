"""The long-history study: the same factor code, Ken French spreads as targets, from 1963.

Selected by ``[targets] kind = "spreads"`` (``configs/long_history.toml``). It wires the
public pieces together: :func:`data.history.load_history` (sources),
:func:`signals.composite.build_factor_tables` (the same components code, with the
components the configuration selects), :func:`backtests.history.spreads.run_spread` (the spread
rotation and its static benchmark), and the inference of the main report
(:func:`backtests.inference.samples.split_samples`, :func:`backtests.study.evidence.sample_blocks`,
predictive regressions, SPA, deflated Sharpe, PBO, trial counts and
:func:`backtests.inference.verdict.decide_verdict`). With ``run.oos_start = 2000-01-01`` the
in-sample and held-out samples are the pre-2000 and post-2000 halves.

Timing
------
The factor at close t uses FRED-MD/QD values released (configured lags) on or before t; the
position decided at t trades at t + ``execution_lag``. The French rows are only the traded
returns of the spreads (they are published weeks after their dates), never an input of the
factor. Episodes are labels drawn ex post from revised data, for description only.
"""

from __future__ import annotations

import logging

import pandas as pd

from backtests.history.metrics import history_metrics
from backtests.history.result import HistoryResult
from backtests.history.spreads import run_spread
from backtests.rotation.spec import RotationSpec
from backtests.study.mechanism import mechanism_enabled, mechanism_study
from data.background import Background
from data.config import Config
from data.history import HistoryData, load_history
from signals.composite import build_factor_tables

log = logging.getLogger(__name__)

OFFS = ("short", "cash")


def target_frame(spreads: pd.DataFrame, cfg: Config) -> pd.DataFrame:
    """Return the traded targets: each spread (lowercase names) and, when asked, their mean."""
    out = spreads.rename(columns=str.lower).copy()
    if bool(cfg.targets.get("composite", True)) and spreads.shape[1] > 1:
        out["composite"] = spreads.mean(axis=1, skipna=False)
    return out


def factor_calendar(market: HistoryData, cfg: Config) -> pd.DatetimeIndex:
    """Return the weekdays from ``targets.factor_start`` to the last spread date."""
    return pd.bdate_range(cfg.targets.factor_start, market.spreads.index[-1], name="date")


def build_history_factor(market: HistoryData, cfg: Config):
    """Build the factor of the configuration on the long calendar (same code as the main factor)."""
    return build_factor_tables(market.macro, market.capex, factor_calendar(market, cfg), cfg)


def run_history(
    cfg: Config,
    *,
    source: str = "auto",
    mirror: str | None = None,
    market: HistoryData | None = None,
) -> HistoryResult:
    """Run the long-history study once (see the module docstring).

    Parameters
    ----------
    cfg : Config
        ``configs/long_history.toml`` or any config with ``targets.kind = "spreads"``.
    source : {"auto", "mirror", "live"}
    mirror : str, optional
    market : HistoryData, optional
        Already loaded tables.

    Returns
    -------
    HistoryResult
        With ``metrics`` filled (the report's ``metrics.json``).
    """
    if market is None:
        market = load_history(cfg, source=source, mirror=mirror)
    factor = build_history_factor(market, cfg)
    start = pd.Timestamp(cfg.run.start)
    end = pd.Timestamp(cfg.run.end) if cfg.run.end else market.spreads.index[-1]
    targets = target_frame(market.spreads, cfg).loc[start:end].dropna(how="all")
    fac = factor.factor.reindex(targets.index)
    spec = RotationSpec.from_config(cfg)
    off = str(cfg.targets.off_position)
    cost = float(cfg.targets.cost_bps)
    headline = targets.columns[0]
    ones = pd.Series(1.0, index=targets.index)
    results = {}
    for col in targets.columns:
        for o in OFFS:
            results[(col, o)] = run_spread(targets[col], fac, spec, off=o, cost_bps=cost, name=col)
    strat = results[(headline, off)]
    bench = run_spread(targets[headline], None, spec, cost_bps=0.0, name=headline, position=ones)
    res = HistoryResult(cfg, market, factor, fac, targets, headline, strat, bench, results)
    job = None
    if mechanism_enabled(cfg):  # the same links code as the main report, on FRED-MD/QD
        job = Background(  # in a forked child while the study below runs (data.background)
            mechanism_study,
            cfg,
            components=factor.components,
            macro=market.macro,
            targets={str(c): targets[c] for c in targets.columns},
            regime=factor.regime,
            name="mechanism study",
        )
    res.metrics = history_metrics(res, spec, mechanism=None if job is None else job.result)
    return res

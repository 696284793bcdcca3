"""The long-history study: the same factor code, Ken French spreads as targets, from 1963.

Selected by ``[targets] kind = "spreads"`` (``configs/long_history.toml``). It wires the
public pieces together: :func:`data.history.load_history` (sources),
:func:`signals.composite.build_factor_tables` (the same components code, with the
components the configuration selects), :func:`backtests.spreads.run_spread` (the spread
rotation and its static benchmark), and the inference of the main report
(:func:`backtests.inference.samples.split_samples`, :func:`backtests.evidence.sample_blocks`,
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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from backtests.rotation.spec import RotationSpec
from backtests.spreads import run_spread
from data.config import Config
from data.history import HistoryData, load_history
from signals.composite import build_factor_tables

log = logging.getLogger(__name__)

OFFS = ("short", "cash")


@dataclass
class HistoryResult:
    """Everything the long-history report shows (see :func:`run_history`)."""

    cfg: Config
    market: HistoryData
    factor: Any
    fac: pd.Series
    targets: pd.DataFrame
    headline: str
    strategy: Any
    benchmark: Any
    trials: dict[str, Any]
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        """Never synthetic: the long history reads the mirror or the publishers."""
        return False

    def summary(self) -> str:
        """Return a few lines: period, headline target, verdict, halves."""
        m = self.metrics
        s = m.get("samples", {})
        lines = [
            f"long history: {m['period']['start']} .. {m['period']['end']}  target "
            f"{self.headline} ({self.cfg.targets.off_position} when scarcity is low)",
            f"verdict: {m['verdict']['label']}: {m['verdict'].get('sentence', '')}",
        ]
        for k in ("in_sample", "held_out"):
            b = s.get(k, {})
            act = b.get("active", {}) or {}
            lines.append(
                f"  {k} {b.get('start')}..{b.get('end')}: active Sharpe "
                f"{_fmt(act.get('sharpe'))}, Sharpe diff {_fmt(act.get('sharpe_diff'))}"
            )
        lines.append(f"  episodes: {len(m.get('episodes', []))}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _fmt(x: Any) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:+.2f}"


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


def episodes(
    market: HistoryData, cfg: Config, spread: pd.Series, strategy: pd.Series, fac: pd.Series
) -> list[dict[str, Any]]:
    """Capex booms found by the configured rule (not typed-in dates).

    A quarter qualifies when the year-on-year log growth of ``targets.episode_series``
    is above the ``episode_percentile`` of its previous ``episode_window_quarters``
    quarters (at least half of them present); an episode is a run of at least
    ``episode_min_quarters`` qualifying quarters. Each episode runs from the first day of its
    first quarter to the last day of its last quarter; returns are compounded over the
    trading days inside it, ``factor_mean`` is the factor's mean there.

    Caution: drawn ex post from revised data, a description of history, not a signal.
    """
    t = cfg.targets
    x = market.macro[str(t.episode_series)].dropna()
    g = np.log(x / x.shift(4)).dropna()
    win = int(t.episode_window_quarters)
    q = float(t.episode_percentile)
    thresh = g.shift(1).rolling(win, min_periods=max(4, win // 2)).quantile(q)
    above = (g > thresh).to_numpy()
    out = []
    i, n = 0, len(g)
    while i < n:
        if not above[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and above[j + 1]:
            j += 1
        if j - i + 1 >= int(t.episode_min_quarters):
            # quarter dated on the first day of its last month
            start = (g.index[i] - pd.offsets.MonthBegin(2)).normalize()
            end = g.index[j] + pd.offsets.MonthEnd(0)
            sl = slice(start, end)
            out.append(
                {
                    "start": start.strftime("%Y-%m-%d"),
                    "end": end.strftime("%Y-%m-%d"),
                    "quarters": int(j - i + 1),
                    "spread_return": _compound(spread.loc[sl]),
                    "strategy_return": _compound(strategy.loc[sl]),
                    "factor_mean": _mean(fac.loc[sl]),
                }
            )
        i = j + 1
    return out


def _compound(r: pd.Series) -> float | None:
    return float((1.0 + r.fillna(0.0)).prod() - 1.0) if len(r) else None


def _mean(x: pd.Series) -> float | None:
    x = x.dropna()
    return float(x.mean()) if len(x) else None


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
    from backtests.history_metrics import history_metrics

    res.metrics = history_metrics(res, spec)
    return res

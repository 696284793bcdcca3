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

from backtests.evidence import active_returns, sample_blocks
from backtests.inference import deflated_sharpe, pbo
from backtests.inference.samples import split_samples
from backtests.inference.snooping import spa_test
from backtests.inference.trials import count_trials
from backtests.inference.verdict import decide_verdict
from backtests.spec import RotationSpec
from backtests.spreads import run_spread, spread_strategy_returns
from backtests.stats import sharpe as sharpe_ratio
from data.config import Config
from data.history import HistoryData, load_history
from signals.composite import build_factor_tables
from signals.diagnostics import persistence, predictive_regression
from signals.macro import component_specs

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


def _placebo(fac: pd.Series, spread: pd.Series, spec: RotationSpec, cfg: Config):
    """Sample -> p-value of the active Sharpe against circularly shifted factors."""
    inf = cfg.inference
    reps = int(inf.placebo_reps)
    min_shift = int(inf.get("placebo_min_shift", 63))
    off = str(cfg.targets.off_position)
    cost = float(cfg.targets.cost_bps)

    def pvalue(smp) -> float | None:
        f = smp.take(fac)
        s = smp.take(spread)
        n = len(f)
        if n < 2 * min_shift + 2:
            return None
        sv = s.fillna(0.0).to_numpy()
        vals = f.to_numpy(dtype=float)

        def active_sharpe(x: np.ndarray) -> float:
            r = spread_strategy_returns(sv, x, f.index, spec, off=off, cost_bps=cost)
            return float(sharpe_ratio(r - sv))

        real = active_sharpe(vals)
        rng = np.random.default_rng(int(inf.seed))
        shifts = rng.integers(min_shift, n - min_shift, size=reps)
        null = np.array([active_sharpe(np.roll(vals, int(sh))) for sh in shifts])
        return float((1 + np.sum(null >= real)) / (1 + reps))

    return pvalue


def _predictive(spread: pd.Series, fac: pd.Series, cfg: Config, sample) -> dict[str, Any]:
    from backtests.assess import predictive_headline

    horizons = tuple(int(h) for h in cfg.inference.horizons)
    pred = predictive_regression(sample.take(spread), sample.take(fac), horizons=horizons)
    h = int(cfg.inference.get("headline_horizon", 21))
    p, test = predictive_headline(pred, h)
    rows = pred.rows()
    head = next((r for r in rows if r["horizon"] == h), {})
    return {
        "rows": rows,
        "pvalue": p,
        "test": test,
        "beta": head.get("beta"),
        "tstat": head.get("tstat_nw"),
    }


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
    res.metrics = history_metrics(res, spec)
    return res


def _ablation(res: HistoryResult, spec: RotationSpec, samples) -> list[dict[str, Any]]:
    """Rebuild the factor per block and without capex demand: does capex add anything."""
    cfg = res.cfg
    recipes = component_specs(cfg)
    weights = {k: float(v) for k, v in cfg.factor.weights.items()}
    variants = {
        "all": set(),
        "without capex": {n for n, r in recipes.items() if r.block == "capex"},
        "capex only": {n for n, r in recipes.items() if r.block != "capex"},
        "funding only": {n for n, r in recipes.items() if r.block != "funding"},
        "liquidity only": {n for n, r in recipes.items() if r.block != "liquidity"},
    }
    spread = res.targets[res.headline]
    out = []
    for name, drop in variants.items():
        w = {k: (0.0 if k in drop else v) for k, v in weights.items()}
        alt = cfg.replace(factor={"weights": w})
        fac = (
            res.fac
            if not drop
            else build_history_factor(res.market, alt).factor.reindex(spread.index)
        )
        strat = run_spread(
            spread,
            fac,
            spec,
            off=str(cfg.targets.off_position),
            cost_bps=float(cfg.targets.cost_bps),
        )
        row: dict[str, Any] = {"name": name, "components": sorted(set(recipes) - drop)}
        for key in ("in_sample", "held_out"):
            smp = samples[key]
            act = smp.take(strat.returns) - smp.take(spread)
            pr = _predictive(spread, fac, cfg, smp)
            row[key] = {
                "active_sharpe": float(sharpe_ratio(act)),
                "predictive_tstat": pr["tstat"],
                "predictive_pvalue": pr["pvalue"],
            }
        out.append(row)
    return out


def history_metrics(res: HistoryResult, spec: RotationSpec) -> dict[str, Any]:
    """Build ``metrics.json`` of the long-history report (main keys plus ``episodes``)."""
    from backtests.report.metrics import clean, spec_hash, stat_block

    cfg, inf = res.cfg, res.cfg.inference
    idx = res.targets.index
    samples = split_samples(idx, cfg.run.oos_start, cfg.run.get("registered", cfg.run.oos_start))
    spread = res.targets[res.headline]
    seed = int(inf.seed)
    lags = int(inf.hac_lags) or None
    block = float(inf.get("bootstrap_block_length", 0.0)) or None
    level = float(inf.get("ci_level", 0.95))
    blocks = sample_blocks(
        res.strategy,
        res.benchmark,
        samples,
        placebo=_placebo(res.fac, spread, spec, cfg),
        reps=int(inf.bootstrap_reps),
        level=level,
        block_length=block,
        hac_lags=lags,
        seed=seed,
    )
    ins = samples["in_sample"]
    pred = {
        k: _predictive(spread, res.fac, cfg, samples[k]) for k in ("in_sample", "held_out", "full")
    }
    trial_active = pd.DataFrame(
        {
            f"{c}/{o}": ins.take(r.returns) - ins.take(res.targets[c].fillna(0.0))
            for (c, o), r in res.trials.items()
        }
    )
    counts = count_trials(trial_active)
    trial_sr = np.asarray([sharpe_ratio(trial_active[c]) for c in trial_active.columns])
    headline_active = active_returns(
        ins.take(res.strategy.returns), ins.take(res.benchmark.returns)
    )
    dsr = deflated_sharpe(headline_active, trial_sr)
    spa = spa_test(
        trial_active,
        pd.Series(0.0, index=trial_active.index),
        reps=int(inf.bootstrap_reps),
        seed=seed,
    )
    pbo_res = pbo(trial_active, n_splits=int(inf.pbo_splits))
    strat_full = res.strategy.stats()
    period = {"start": idx[0].strftime("%Y-%m-%d"), "end": idx[-1].strftime("%Y-%m-%d")}
    bench_stats = {
        c: stat_block(
            run_spread(
                res.targets[c], None, spec, cost_bps=0.0, name=c, position=pd.Series(1.0, index=idx)
            ).stats()
        )
        for c in res.targets.columns
    }
    eps = episodes(res.market, cfg, spread, res.strategy.returns, res.fac)
    persist = persistence(res.fac.dropna())
    m: dict[str, Any] = {
        "data_source": res.market.source,
        "synthetic": False,
        "long_history": True,
        "caveat": "FRED-MD and FRED-QD are one vintage of revised history, not real-time data; "
        "the Ken French rows are built from month-end CRSP data published weeks later and are "
        "used only as the traded returns of the spreads, never as a signal input.",
        "target": res.headline,
        "off_position": str(cfg.targets.off_position),
        "period": period,
        "strategy": stat_block(strat_full),
        "benchmarks": bench_stats,
        "inference": {
            "benchmark": f"static {res.headline}",
            "spa_pvalue": float(spa.pvalue),
            "stepm_better": [],
            "trials": {
                "raw": int(counts.raw),
                "distinct": int(counts.distinct),
                "effective": float(counts.effective),
            },
            "deflated_sharpe": float(dsr.dsr) if hasattr(dsr, "dsr") else None,
            "pbo": float(pbo_res.pbo),
            "placebo_pvalue": blocks["in_sample"].get("placebo_pvalue"),
            "n_trials": int(counts.raw),
        },
        "samples": blocks,
        "factor": {
            "predictive": pred["in_sample"]["rows"],
            "predictive_pvalue": pred["in_sample"]["pvalue"],
            "predictive_test": pred["in_sample"]["test"],
            "predictive_beta": pred["in_sample"]["beta"],
            "predictive_tstat_hac": pred["in_sample"]["tstat"],
            "predictive_held_out": pred["held_out"]["rows"],
            "predictive_full": pred["full"]["rows"],
            "persistence": float(persist.phi),
            "first_date": None
            if res.factor.first_date is None
            else res.factor.first_date.strftime("%Y-%m-%d"),
            "availability": res.factor.availability.reset_index().to_dict(orient="records"),
        },
        "oos": {
            "start": str(cfg.run.oos_start),
            "sharpe": (blocks["held_out"]["strategy"] or {}).get("sharpe"),
            "total_return": (blocks["held_out"]["strategy"] or {}).get("total_return"),
        },
        "episodes": eps,
        "late_1990s_episode": any(
            e["start"] <= "1999-12-31" and e["end"] >= "1997-01-01" for e in eps
        ),
        "ablation": _ablation(res, spec, samples),
        "vintages": res.market.vintages,
        "provenance": dict(res.market.provenance),
        "spec_hash": spec_hash(cfg),
    }
    rule = cfg.verdict.to_dict() if hasattr(cfg, "verdict") else {}
    m["verdict"] = decide_verdict(m, rule, benchmark_label=f"holding {res.headline} (static)")
    return clean(m)

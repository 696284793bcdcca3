"""Competing explanations: the spread's own trend, a rates rule, the Fama–French factors.

Predictive side (:func:`nested_rows`): at the headline horizon, does the factor keep its slope
when the spread's 12-1 month trend (:func:`signals.competing.spread_trend`) or the 63-day
change of the 10-year yield (:func:`signals.competing.rates_rule`) is in the regression
(:func:`signals.competing.nested_given_rival`, Newey–West errors), in-sample and full.

Trading side (:func:`run_competing`): the strategy's active return (against
``[inference] benchmark``) regressed on the five factors and momentum
(:func:`backtests.inference.alpha_factors.factor_alpha`), and a **trend rotation**: the same
rotation (rule, baskets, costs, calendar) driven by the spread-trend signal instead of the
factor. The trend rotation is one more trial: its daily returns are in
:attr:`CompetingResult.trend_returns` (``result.extras["competing"]`` of the pipeline, named
``trend rotation``) and the pipeline adds :data:`N_TRIALS` to the raw trial count.

Timing
------
The trend at t sums spread returns dated t - 21 and earlier; the signal divides it by the
standard deviation of the trend values known at t (expanding, at least a year), so the rule's
threshold and band read it in the factor's units (standard deviations) while its sign stays
the trend's. The rates rule reads each DGS10 value from the business day after its
observation. The rotation trades at the next bar like every variant.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from backtests.engines.stats import sharpe_or_none
from backtests.inference.alpha_factors import factor_alpha
from backtests.inference.samples import Sample
from backtests.rotation.prices import Prices
from backtests.study.variants import variant_returns
from data.config import Config
from data.errors import DataError
from signals.competing import nested_given_rival, rates_rule, spread_trend
from signals.forecast import forward_target

log = logging.getLogger(__name__)

N_TRIALS = 1
TREND_NAME = "trend rotation"
TREND_MIN_PERIODS = 252
NESTED_SAMPLES = ("in_sample", "full")
RIVAL_WORDS = {
    "spread_trend": "the spread's 12-1 month trend",
    "rates_rule": "the 63-day change of the 10-year yield",
}


@dataclass(frozen=True)
class CompetingResult:
    """The competing explanations of one run.

    Attributes
    ----------
    nested : list of dict
        ``{rival, horizon, sample, beta_factor, t_factor, beta_rival, t_rival, n}``.
    alpha_ff : dict
        :func:`~backtests.inference.alpha_factors.factor_alpha` of the full-sample active
        return on ``Mkt-RF, SMB, HML, RMW, CMA, Mom`` plus ``sample`` and ``note``
        (statistics None and a "no data" note without the French files).
    trend_rotation : dict
        ``{sharpe, total_return, active_sharpe, n_days, samples: {name: {...}}, ...}``.
    trend_returns : Series or None
        Daily net returns of the trend rotation (a trial).
    """

    nested: list[dict[str, Any]]
    alpha_ff: dict[str, Any]
    trend_rotation: dict[str, Any]
    trend_returns: pd.Series | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def metrics(self) -> dict[str, Any]:
        """Return the ``competing`` block of ``metrics.json``."""
        return {
            "nested": list(self.nested),
            "alpha_ff": dict(self.alpha_ff),
            "trend_rotation": dict(self.trend_rotation),
        }

    def summary(self) -> str:
        """Return a few lines: the factor's t given each rival, the five-factor alpha, the trend."""
        lines = ["competing explanations:"]
        for r in self.nested:
            lines.append(
                f"  {r['sample']:<9} given {r['rival']:<12} h={r['horizon']}: factor t "
                f"{_f(r['t_factor'])}, rival t {_f(r['t_rival'])} (n={r['n']})"
            )
        a = self.alpha_ff
        lines.append(
            f"  five factors + momentum: alpha {_f(a.get('alpha_ann'), '+.2%')} a year, t "
            f"{_f(a.get('tstat'))}" + (f" ({a['note']})" if a.get("note") else "")
        )
        t = self.trend_rotation
        lines.append(
            f"  trend rotation: Sharpe {_f(t.get('sharpe'))}, active Sharpe "
            f"{_f(t.get('active_sharpe'))}, total {_f(t.get('total_return'), '+.1%')}"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _f(x: Any, spec: str = "+.2f") -> str:
    return "n/a" if x is None or x != x else format(x, spec)


def trend_signal(spread: pd.Series) -> pd.Series:
    """Return the spread's 12-1 month trend over the standard deviation of its values known at t."""
    tr = spread_trend(spread)
    scale = tr.expanding(min_periods=TREND_MIN_PERIODS).std()
    return (tr / scale).rename("trend_signal")


def rivals(spread: pd.Series, dgs10: pd.Series | None) -> dict[str, pd.Series]:
    """Rival name -> its value at each date of ``spread`` (``rates_rule`` when DGS10 exists)."""
    out = {"spread_trend": spread_trend(spread)}
    if dgs10 is not None and dgs10.notna().any():
        out["rates_rule"] = rates_rule(dgs10, index=pd.DatetimeIndex(spread.index))
    return out


def nested_rows(
    spread: pd.Series,
    factor: pd.Series,
    rival_series: dict[str, pd.Series],
    samples: dict[str, Sample],
    horizon: int,
) -> list[dict[str, Any]]:
    """Return the factor's slope given each rival, per sample in :data:`NESTED_SAMPLES`.

    The target is the h-day forward sum of the spread inside the sample (no return after the
    sample's last day); the factor and rivals are taken on the sample's dates.
    """
    rows = []
    for name, rv in rival_series.items():
        for key in NESTED_SAMPLES:
            smp = samples[key]
            base = {"rival": name, "horizon": int(horizon), "sample": key}
            if smp.empty or smp.n_days < 3 * horizon:
                rows.append(
                    {**base, "beta_factor": None, "t_factor": None, "beta_rival": None,
                     "t_rival": None, "n": 0}
                )  # fmt: skip
                continue
            y = forward_target(smp.take(spread), horizon)
            res = nested_given_rival(
                y, smp.take(factor), smp.take(rv), horizon=horizon, rival_name=name
            )
            rows.append({**base, **{k: res[k] for k in res if k not in ("rival", "horizon")}})
    return rows


def alpha_block(active: pd.Series, french: pd.DataFrame | None) -> dict[str, Any]:
    """Five-factor-plus-momentum alpha of the full-sample active return (or a no-data note)."""
    keys = ("alpha_ann", "tstat", "pvalue", "betas", "r2", "n", "lags")
    if french is None:
        out = dict.fromkeys(keys)
        out.update(
            sample="full",
            note="no data: the Ken French files are not loaded (synthetic market, or "
            "neither the mirror nor the cache holds them)",
        )
        return out
    try:
        res = factor_alpha(active, french)
    except (DataError, ValueError) as exc:
        out = dict.fromkeys(keys)
        out.update(sample="full", note=f"not computed: {exc}")
        return out
    idx = active.index.intersection(french.index)
    return {**res, "sample": "full", "start": idx.min(), "end": idx.max(), "note": ""}


def trend_block(
    trend: pd.Series, strategy: pd.Series, bench: pd.Series, samples: dict[str, Sample]
) -> dict[str, Any]:
    """Trend rotation beside the strategy: full-period and per-sample statistics."""
    act = trend - bench.reindex(trend.index)
    s_act = strategy - bench.reindex(strategy.index)
    out: dict[str, Any] = {
        "name": TREND_NAME,
        "sharpe": sharpe_or_none(trend),
        "total_return": float((1.0 + trend).prod() - 1.0),
        "active_sharpe": sharpe_or_none(act),
        "n_days": len(trend),
        "strategy_sharpe": sharpe_or_none(strategy),
        "strategy_active_sharpe": sharpe_or_none(s_act),
        "samples": {},
    }
    for key, smp in samples.items():
        part = smp.take(trend)
        out["samples"][key] = {
            "start": smp.start,
            "end": smp.end,
            "n_days": smp.n_days,
            "sharpe": sharpe_or_none(part),
            "total_return": float((1.0 + part).prod() - 1.0) if len(part) else None,
            "active_sharpe": sharpe_or_none(smp.take(act)),
            "strategy_active_sharpe": sharpe_or_none(smp.take(s_act)),
        }
    return out


def run_competing(
    cfg: Config,
    factor: pd.Series,
    spread: pd.Series,
    samples: dict[str, Sample],
    *,
    prices: Prices,
    cash: pd.Series | None,
    strategy: pd.Series,
    benchmark: pd.Series,
    dgs10: pd.Series | None,
    french: pd.DataFrame | None,
) -> CompetingResult:
    """Run the competing explanations of the main study (see the module docstring).

    Parameters
    ----------
    cfg : Config
        The run's configuration (rotation, ``[inference] headline_horizon``).
    factor, spread : Series
        The factor and the daily near-minus-long spread on the backtest dates.
    samples : dict of str to Sample
        The run's samples.
    prices : Prices
        Checked backtest prices (the trend rotation trades them).
    cash : Series or None
        Cash rate known at each date.
    strategy, benchmark : Series
        Daily returns of the strategy and of ``[inference] benchmark``.
    dgs10 : Series or None
        The raw 10-year yield by observation date (``market.macro["DGS10"]``).
    french : DataFrame or None
        Daily ``Mkt-RF, SMB, HML, RMW, CMA, Mom`` (decimal), or None ("no data").

    Returns
    -------
    CompetingResult
    """
    h = int(cfg.inference.get("headline_horizon", 21))
    nested = nested_rows(spread, factor, rivals(spread, dgs10), samples, h)
    active = strategy - benchmark.reindex(strategy.index)
    alpha = alpha_block(active, french)
    sig = trend_signal(spread).reindex(prices.index)
    trend = variant_returns(sig.to_frame(TREND_NAME), prices, cfg, cash)[TREND_NAME]
    block = trend_block(trend, strategy, benchmark, samples)
    if trend.abs().sum() > 0:
        tr_act = (trend - benchmark.reindex(trend.index)).rename("trend_active")
        a = factor_alpha(active, tr_act.to_frame())
        block["alpha_vs_trend"] = {"alpha_ann": a["alpha_ann"], "tstat": a["tstat"], "n": a["n"]}
    return CompetingResult(nested, alpha, block, trend.rename(TREND_NAME))


def french_for(market: Any, cfg: Config, mirror: str | None) -> pd.DataFrame | None:
    """Return the five factors and momentum of a real-data run (None: synthetic or absent)."""
    if bool(getattr(market, "synthetic", False)):
        return None
    from data.french_factors import load_french_factors

    try:
        got = load_french_factors(cfg, mirror=mirror)
    except DataError as exc:
        log.warning("French factors not loaded: %s", exc)
        return None
    return None if got is None else got.returns


def trend_active(competing: CompetingResult | None, benchmark: Any) -> pd.DataFrame | None:
    """Return the trend rotation's daily active returns as a one-column trial frame (or None).

    ``benchmark`` is the benchmark's result (``.returns``) or a Series; the trial set
    (:func:`backtests.study.trial_set.assemble_trials`) cuts it to the in-sample dates.
    """
    if competing is None or competing.trend_returns is None or benchmark is None:
        return None
    b = getattr(benchmark, "returns", benchmark)
    t = competing.trend_returns
    active = t - b.reindex(t.index).fillna(0.0)
    return active.to_frame("trend rotation")

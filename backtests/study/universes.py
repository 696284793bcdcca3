"""Universe robustness: the same rotation on every declared near x long basket pair.

``[universe.robustness]`` declares near baskets (memory and storage, a value ETF, energy) and
long baskets (crypto, software, speculative tech) before any result is looked at. For each
pair this module runs the configured rotation (same factor, rule, calendar, costs and cash
rate as the default run, on the same dates) and the pair's own version of the declared
benchmark (the 50/50 mix of *that* pair for ``fifty_fifty``; a single-ticker benchmark such
as SPY is the same for every pair), then reports the in-sample and held-out active Sharpe
ratios and the robust in-sample predictive p-value of the factor for the pair's
near-minus-long basket spread (:func:`basket_spread`, before costs). The pair backtests run on
the reference engine (:data:`ENGINE`).

Members absent from the data are left out of their basket (the pair says which); a pair
whose near or long basket has no member with prices is listed with ``run = false``. A member
whose prices stop before the table ends (``Prices.stops``, :func:`data.stops.price_stops`)
leaves its basket from the session after its last price, and the pair's note says so. Every
pair that runs is a trial: :attr:`UniverseGrid.n_trials` is added to the raw trial count.

Timing
------
The factor is the default run's (public at each close); targets decided at close t trade at
t + ``execution_lag`` in :func:`backtests.engines.engine.run_backtest`, as for the default rotation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from backtests.engines.engine import run_backtest
from backtests.engines.stats import sharpe_or_none
from backtests.inference.samples import Sample
from backtests.rotation import rules
from backtests.rotation.prices import Prices, as_prices
from backtests.rotation.spec import RotationSpec
from backtests.rotation.targets import spec_inputs, target_weights
from backtests.study.assess import predictive_headline
from backtests.study.benchmarks import NEAR_SHARES, basket_mix_targets
from data.config import Config
from signals.diagnostics import predictive_regression

log = logging.getLogger(__name__)

ENGINE = "reference"
"""Engine of the pair backtests: the reference engine (equal to vectorbt to 1e-10 in the
tests) is the faster of the two for these few small backtests."""


def basket_spread(prices: Prices, spec: RotationSpec) -> pd.Series:
    """Return the pair's daily near-minus-long basket return (before costs).

    Members are weighted as the rotation weights them
    (:func:`backtests.rotation.rules.spread_returns`).
    """
    inputs = spec_inputs(prices, spec)
    out = rules.spread_returns(inputs.near_w, inputs.long_w, inputs.returns)
    return pd.Series(out, index=inputs.index, name="spread")


@dataclass(frozen=True)
class UniverseGrid:
    """The robustness grid.

    Attributes
    ----------
    rows : list of dict
        One per declared pair: ``{near, long, near_members, long_members, run, note,
        in_sample_active_sharpe, held_out_active_sharpe, full_active_sharpe,
        predictive_pvalue, start, end}``; ``start`` is the first date both baskets have a
        member with a price (members count from their own first price).
    benchmark : str
        The benchmark each pair is measured against (``inference.benchmark``).
    n_trials : int
        Pairs that ran (added to the raw trial count).
    active : DataFrame, optional
        Daily active returns of the pairs that ran (``"near/long"`` columns): they join the
        sweep's trials in the effective count, SPA, StepM and PBO.
    """

    rows: list[dict[str, Any]]
    benchmark: str
    n_trials: int
    active: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    def frame(self, key: str = "held_out_active_sharpe") -> pd.DataFrame:
        """Near baskets x long baskets table of one row field (NaN where a pair did not run)."""
        near = list(dict.fromkeys(r["near"] for r in self.rows))
        long = list(dict.fromkeys(r["long"] for r in self.rows))
        out = pd.DataFrame(np.nan, index=pd.Index(near, name="near"), columns=long)
        for r in self.rows:
            v = r.get(key)
            out.loc[r["near"], r["long"]] = np.nan if v is None else float(v)
        return out

    def summary(self) -> str:
        """One line per pair."""

        def f(x: Any, spec: str) -> str:
            return "n/a" if x is None else format(x, spec)

        lines = [f"universe grid (active Sharpe vs {self.benchmark}: in-sample / held-out; p):"]
        for r in self.rows:
            pair = f"{r['near']} vs {r['long']}"
            if not r["run"]:
                lines.append(f"  {pair:<28} not run: {r['note']}")
                continue
            lines.append(
                f"  {pair:<28} {f(r['in_sample_active_sharpe'], '+.2f')} / "
                f"{f(r['held_out_active_sharpe'], '+.2f')}; p {f(r['predictive_pvalue'], '.3f')}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def declared_pairs(cfg: Config) -> list[tuple[str, tuple[str, ...], str, tuple[str, ...]]]:
    """Return ``(near name, near tickers, long name, long tickers)`` for every declared pair.

    Empty when ``[universe.robustness] enabled = false`` or a side declares no basket; a
    basket declared as an empty list (``value = []`` in a user file) is dropped.
    """
    baskets = cfg.robustness_baskets
    near, long = baskets["near"], baskets["long"]
    return [(a, near[a], b, long[b]) for a in near for b in long]


def _present(prices: pd.DataFrame, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(t for t in names if t in prices.columns and prices[t].notna().any())


def _stop_note(prices: Prices, members: tuple[str, ...]) -> str:
    """Say which members stop and from which session they are out of their basket."""
    idx = prices.index
    parts = []
    for t in members:
        if t in prices.stops:
            last = prices.stops[t]
            after = idx[idx > prices.leaves[t]]
            when = f"out of its basket from {after[0].date()}" if len(after) else "to the end"
            parts.append(f"{t} stops on {last.date()}, {when}")
    return "; ".join(parts)


def run_universe_grid(
    cfg: Config,
    factor: pd.Series,
    prices: pd.DataFrame | Prices,
    spec: RotationSpec,
    samples: dict[str, Sample],
    cash: pd.Series | None,
    benchmarks: dict[str, Any] | None = None,
) -> UniverseGrid:
    """Run the rotation on every declared pair (see the module docstring).

    Parameters
    ----------
    cfg : Config
        ``[universe.robustness]``, ``inference.benchmark`` and the predictive settings.
    factor : Series
        The default run's factor on ``prices.index``.
    prices : DataFrame or Prices
        Backtest prices of the default run (every loaded ticker as a column); a DataFrame
        is checked once here, a :class:`~backtests.rotation.prices.Prices` is trusted.
    spec : RotationSpec
        The default rotation's spec (its baskets are replaced per pair).
    samples : dict of str to Sample
        The run's samples (``in_sample``, ``held_out``, ``full``).
    cash : Series or None
        Cash rate known at each date.
    benchmarks : dict, optional
        The default run's benchmarks (a single-ticker benchmark is taken from here).

    Returns
    -------
    UniverseGrid
    """
    inf = cfg.inference
    bname = str(inf.get("benchmark", "fifty_fifty"))
    h = int(inf.get("headline_horizon", 21))
    checked = as_prices(prices)
    rows: list[dict[str, Any]] = []
    actives: dict[str, pd.Series] = {}
    for near_name, near, long_name, long in declared_pairs(cfg):
        n_have, l_have = _present(checked.frame, near), _present(checked.frame, long)
        absent = [t for t in (*near, *long) if t not in (*n_have, *l_have)]
        row: dict[str, Any] = {
            "near": near_name,
            "long": long_name,
            "near_members": list(n_have),
            "long_members": list(l_have),
            "run": False,
            "note": "; ".join(
                n
                for n in (
                    ("absent from the data: " + ", ".join(absent)) if absent else "",
                    _stop_note(checked, (*n_have, *l_have)),
                )
                if n
            ),
            "in_sample_active_sharpe": None,
            "held_out_active_sharpe": None,
            "full_active_sharpe": None,
            "predictive_pvalue": None,
            "start": None,
            "end": None,
        }
        if not n_have or not l_have or set(n_have) & set(l_have):
            row["note"] = row["note"] or "a basket is empty or the baskets overlap"
            rows.append(row)
            continue
        pair_spec = spec.replace(near=n_have, long=l_have)
        pair = checked.select(pair_spec.tickers)
        px = pair.frame
        strat = run_backtest(
            pair,
            target_weights(factor, pair, pair_spec),
            pair_spec,
            engine=ENGINE,
            cash_rate=cash,
        )
        if bname in NEAR_SHARES:  # a basket mix: the pair's own
            mix = basket_mix_targets(pair, pair_spec, NEAR_SHARES[bname])
            bench = run_backtest(pair, mix, pair_spec, engine=ENGINE, cash_rate=cash).returns
        elif benchmarks is not None and bname in benchmarks:
            bench = benchmarks[bname].returns
        else:
            row["note"] = f"benchmark {bname} not available"
            rows.append(row)
            continue
        active = strat.returns - bench.reindex(strat.returns.index)
        actives[f"{near_name}/{long_name}"] = active
        spread = basket_spread(pair, pair_spec)
        ins = samples["in_sample"]
        pred = predictive_regression(
            ins.take(spread), ins.take(factor), horizons=(h,), lags=int(inf.hac_lags) or None
        )
        both = px[list(n_have)].notna().any(axis=1) & px[list(l_have)].notna().any(axis=1)
        first = px.index[both.to_numpy()]
        row.update(
            run=True,
            in_sample_active_sharpe=sharpe_or_none(ins.take(active)),
            held_out_active_sharpe=sharpe_or_none(samples["held_out"].take(active)),
            full_active_sharpe=sharpe_or_none(samples["full"].take(active)),
            predictive_pvalue=predictive_headline(pred, h)[0],
            start=(first[0] if len(first) else px.index[0]).strftime("%Y-%m-%d"),
            end=px.index[-1].strftime("%Y-%m-%d"),
        )
        rows.append(row)
    n = sum(bool(r["run"]) for r in rows)
    log.info("universe grid: %d of %d pairs run", n, len(rows))
    active = pd.DataFrame(actives) if actives else None
    return UniverseGrid(rows=rows, benchmark=bname, n_trials=n, active=active)

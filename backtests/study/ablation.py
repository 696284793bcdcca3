"""Which part of the thesis carries the result: blocks alone, blocks left out, a naive rule.

Variants, all traded by the configured rotation on the same dates against the same
benchmark:

- ``composite``: the configured factor;
- ``capex only``, ``liquidity only``, ``funding only``: one block of
  :data:`signals.composite.BLOCKS` with its configured weights, the others at zero;
- ``without capex``, ``without liquidity``, ``without funding``: one block at zero;
- ``naive rrp rule``: +1 (near basket) when the ON RRP balance known at the close is below
  20% of its trailing two-year (504 business days) peak, -1 otherwise.

Each row reports the in-sample and held-out active Sharpe ratio (rotation minus benchmark),
the robust in-sample predictive p-value of the variant's factor for the spread, and the
in-sample placebo p-value. These variants are trials: :data:`N_VARIANTS` of them (less the
composite, which is the default spec) are added to the raw trial count.

Timing
------
Every variant factor uses only data public at each close (the same components, with other
weights; ON RRP through its own release lag), traded at the next bar.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from backtests.engines.stats import sharpe_or_none
from backtests.inference import placebo_test_vectorized
from backtests.inference.samples import Sample
from backtests.rotation.prices import Prices, as_prices
from backtests.study.assess import predictive_headline
from backtests.study.variants import factor_variant_sharpes, variant_returns
from data.config import Config
from data.errors import DataError
from signals.composite import BLOCKS, reweight
from signals.diagnostics import predictive_regression
from signals.encompassing import nested_regression
from signals.liquidity import exhausted_regime

log = logging.getLogger(__name__)

BLOCK_WORDS = {"capex": "capex", "liquidity": "liquidity", "funding": "funding"}
NAIVE_FRACTION = 0.20
NAIVE_WINDOW = 504
N_VARIANTS = 8


@dataclass(frozen=True)
class AblationResult:
    """The ablation table.

    Attributes
    ----------
    rows : list of dict
        ``{name, components, in_sample_active_sharpe, held_out_active_sharpe,
        predictive_pvalue, placebo_pvalue}`` per variant.
    n_trials : int
        Variants beyond the default spec (added to the raw trial count).
    nested : dict
        ``{"capex_beyond_funding": ..., "liquidity_beyond_funding": ...}``: the
        :func:`nested_block` of each block given the funding block.
    active : DataFrame, optional
        Daily active returns (rotation minus benchmark) of the variants counted as trials
        (every variant but the composite), dates x variants: they join the sweep's trials in
        the effective count, SPA, StepM and PBO.
    composite_placebo : PlaceboResult, optional
        The composite's in-sample placebo: the very computation of the in-sample placebo of
        :func:`backtests.study.assess.assess`, which takes it instead of running it again.
    """

    rows: list[dict[str, Any]]
    n_trials: int
    nested: dict[str, Any] = field(default_factory=dict)
    active: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    composite_placebo: Any = field(default=None, repr=False, compare=False)

    def summary(self) -> str:
        """One line per variant."""

        def f(x: Any, spec: str) -> str:
            return "n/a" if x is None else format(x, spec)

        lines = ["ablation (active Sharpe in-sample / held-out; predictive p; placebo p):"]
        for r in self.rows:
            lines.append(
                f"  {r['name']:<18} {f(r['in_sample_active_sharpe'], '+.2f')} / "
                f"{f(r['held_out_active_sharpe'], '+.2f')}; p {f(r['predictive_pvalue'], '.3f')}"
                f"; placebo {f(r['placebo_pvalue'], '.3f')}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def nested_block(
    spread: pd.Series,
    factors: dict[str, pd.Series],
    samples: dict[str, Sample],
    cfg: Config,
    *,
    base: str = "funding only",
    extra: str = "capex only",
) -> dict[str, Any]:
    """Test whether one block adds to another: :func:`signals.nested_regression` per sample.

    Parameters
    ----------
    spread : Series
        Near-minus-long (or target spread) daily returns.
    factors : dict of str to Series
        Variant name -> its factor (``"funding only"``, ``"capex only"``, ...).
    samples : dict of str to Sample
        ``in_sample`` and ``held_out`` are used.
    cfg : Config
        ``inference.headline_horizon``.
    base, extra : str, keyword-only
        The variants whose factors are the base and the extra signal.

    Returns
    -------
    dict
        ``{base, extra, horizon, in_sample, held_out}``; a sample is None when a factor is
        missing or the sample is shorter than three horizons, else the
        :meth:`signals.encompassing.NestedResult.to_dict` of the regression.
    """
    h = int(cfg.inference.get("headline_horizon", 21))
    b, e = factors.get(base), factors.get(extra)
    out: dict[str, Any] = {"base": base, "extra": extra, "horizon": h}
    for key in ("in_sample", "held_out"):
        smp = samples[key]
        if b is None or e is None or smp.n_days < 3 * h:
            out[key] = None
            continue
        out[key] = nested_regression(
            smp.take(spread), smp.take(b), smp.take(e), horizon=h
        ).to_dict()
    return out


def block_weights(weights: dict[str, float], keep: set[str]) -> dict[str, float]:
    """Weights with every component outside the blocks in ``keep`` set to zero."""
    members = {c for b in keep for c in BLOCKS[b]}
    return {c: (float(w) if c in members else 0.0) for c, w in weights.items()}


def naive_rrp_factor(rrp_bn: pd.Series) -> pd.Series:
    """+1 when ON RRP (known at the close) is below 20% of its two-year peak, else -1."""
    flag = exhausted_regime(
        rrp_bn, threshold_bn=0.0, peak_fraction=NAIVE_FRACTION, peak_window=NAIVE_WINDOW
    )
    out = pd.Series(np.where(flag, 1.0, -1.0), index=rrp_bn.index)
    return out.where(rrp_bn.notna()).ffill().rename("naive_rrp")


def variant_factors(cfg: Config, composite: Any) -> dict[str, tuple[pd.Series, str]]:
    """Name -> (factor on the composite's dates, components used) for every variant.

    The variants recombine the composite's z-scores with other weights
    (:func:`signals.composite.reweight`, equal to a full build).
    """
    weights = {k: float(v) for k, v in cfg.factor.weights.items()}
    out: dict[str, tuple[pd.Series, str]] = {"composite": (composite.factor, "all blocks")}
    blocks = list(BLOCKS)
    for b in blocks:
        w = block_weights(weights, {b})
        if not any(v > 0 for v in w.values()):
            continue
        out[f"{BLOCK_WORDS[b]} only"] = (reweight(composite, cfg, w), b)
    for b in blocks:
        w = block_weights(weights, set(blocks) - {b})
        fac = reweight(composite, cfg, w)
        out[f"without {BLOCK_WORDS[b]}"] = (fac, " + ".join(x for x in blocks if x != b))
    rrp = composite.components["rrp_level"] if "rrp_level" in composite.components else None
    if rrp is not None:
        out["naive rrp rule"] = (naive_rrp_factor(rrp), "ON RRP < 20% of its 2-year peak")
    return out


def run_ablation(
    cfg: Config,
    composite: Any,
    prices: pd.DataFrame | Prices,
    benchmark: pd.Series,
    spread: pd.Series,
    samples: dict[str, Sample],
    cash: pd.Series | None,
    *,
    variants: dict[str, tuple[pd.Series, str]] | None = None,
) -> AblationResult:
    """Run every variant (see the module docstring) and return the table.

    Parameters
    ----------
    cfg : Config
        Configuration of the run.
    composite : FactorResult
        The configured factor.
    prices : DataFrame or Prices
        Backtest prices (a DataFrame is checked once here, a
        :class:`~backtests.rotation.prices.Prices` is trusted; every variant reuses it).
    benchmark : Series
        Daily returns of the declared benchmark on ``prices.index``.
    spread : Series
        Near-minus-long spread returns (predictive regressions).
    samples : dict of str to Sample
        The run's samples.
    cash : Series or None
        Cash rate known at each date.
    variants : dict, keyword-only, optional
        :func:`variant_factors` of ``composite`` when the caller has it already.

    Returns
    -------
    AblationResult
    """
    prices = as_prices(prices)
    if variants is None:
        variants = variant_factors(cfg, composite)
    names = list(variants)
    frame = pd.DataFrame({n: variants[n][0].reindex(prices.index) for n in names})
    rets = variant_returns(frame, prices, cfg, cash)
    active = rets.sub(benchmark.reindex(rets.index), axis=0)
    ins, held = samples["in_sample"], samples["held_out"]
    inf = cfg.inference
    h = int(inf.get("headline_horizon", 21))
    rows = []
    composite_placebo = None
    for i, name in enumerate(names):
        col = active.iloc[:, i]
        fac = frame[name]
        pred = predictive_regression(
            ins.take(spread), ins.take(fac), horizons=(h,), lags=int(inf.hac_lags) or None
        )
        try:
            p_ins, p_fac, p_b = prices.take(ins), ins.take(fac), ins.take(benchmark)
            c = None if cash is None else ins.take(cash)
            found = placebo_test_vectorized(
                lambda frames, p=p_ins, c=c, b=p_b: factor_variant_sharpes(
                    frames, p, cfg, c, benchmark=b
                ),
                p_fac,
                reps=int(inf.placebo_reps),
                method=inf.placebo_method,
                block=int(inf.get("placebo_block", 21)),
                min_shift=int(inf.get("placebo_min_shift", 63)),
                seed=int(inf.seed),
            )
            placebo = found.pvalue
            if name == "composite":
                composite_placebo = found
        except (DataError, ValueError) as exc:
            log.info("ablation placebo for %s not computed: %s", name, exc)
            placebo = None
        rows.append(
            {
                "name": name,
                "components": variants[name][1],
                "in_sample_active_sharpe": sharpe_or_none(ins.take(col)),
                "held_out_active_sharpe": sharpe_or_none(held.take(col)),
                "predictive_pvalue": predictive_headline(pred, h)[0],
                "placebo_pvalue": None if placebo is None else float(placebo),
            }
        )
    factors = {n: frame[n] for n in names}
    nested = {
        f"{x}_beyond_funding": nested_block(spread, factors, samples, cfg, extra=f"{x} only")
        for x in ("capex", "liquidity")
    }
    trials = active.set_axis(names, axis=1).drop(columns="composite", errors="ignore")
    return AblationResult(
        rows=rows,
        n_trials=max(0, len(names) - 1),
        nested=nested,
        active=trials,
        composite_placebo=composite_placebo,
    )

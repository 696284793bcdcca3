"""Size and power of the pipeline's headline test on the synthetic market.

The headline test is the predictive regression of the near-minus-long spread's forward
``inference.headline_horizon``-day return on the capital-scarcity factor, with Newey–West
errors (``signals.diagnostics.predictive_regression``). For each planted effect size and
each seed this module simulates a market (``data.sources.synthetic``), builds the factor
from the simulated public data exactly as for real data, and records the one-sided p-value
of a positive slope. With the effect at 0 the rejection rate should sit near the nominal
level (size); it should rise with the effect (power).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import pandas as pd

from backtests.inference import PowerResult, power_study
from backtests.report.figures import SYNTHETIC_MARK
from backtests.rotation.spec import RotationSpec
from backtests.study.benchmarks import run_benchmarks
from backtests.study.power_defaults import DEFAULT_SEEDS
from backtests.study.window import backtest_window, spread_returns
from data.config import Config
from data.loaders import load_market
from data.progress import Progress
from signals import build_factor
from signals.diagnostics import predictive_regression

log = logging.getLogger(__name__)

#: Defaults of ``scarcity power`` (docs/POWER.md states them; a test checks they agree):
#: DEFAULT_SEEDS and DEFAULT_EFFECTS, defined in :mod:`backtests.study.power_defaults`.


def headline_pvalue(cfg: Config, seed: int, effect_size: float) -> float:
    """One simulated market -> one-sided p-value of the headline predictive test.

    Parameters
    ----------
    cfg : Config
        Configuration (universe, factor, synthetic dates).
    seed : int
        Synthetic market seed.
    effect_size : float
        Planted daily spread return per unit of latent scarcity.

    Returns
    -------
    float
        The headline robust p-value of H0: beta <= 0 against beta > 0 (one-sided IVX,
        ``PredictiveResult.headline_pvalue``) on the in-sample window (before
        ``run.oos_start``), exactly as the report's verdict uses it.
    """
    run_cfg = cfg.replace(synthetic={"seed": int(seed), "effect_size": float(effect_size)})
    with tempfile.TemporaryDirectory(prefix="scarcity-power-") as tmp:
        market = load_market(run_cfg, source="synthetic", cache=Path(tmp))
        factor = build_factor(market, run_cfg).factor
        prices = backtest_window(market.prices, run_cfg)
        spec = RotationSpec.from_config(run_cfg)
        spread = spread_returns(run_benchmarks(prices, spec, run_cfg, cash_rate=None))
        h = int(run_cfg.inference.get("headline_horizon", 21))
        end = pd.Timestamp(run_cfg.run.oos_start) - pd.Timedelta(days=1)
        pred = predictive_regression(spread, factor.reindex(prices.index), horizons=(h,), end=end)
    return float(pred.headline_pvalue(h))


def per_seed(res: PowerResult) -> pd.DataFrame:
    """One row per simulated market: ``effect, seed, pvalue, reject`` (reject at ``alpha``)."""
    rows = []
    for effect, row in res.pvalues.iterrows():
        for seed, p in row.items():
            rows.append(
                {
                    "effect": float(effect),
                    "seed": int(seed),
                    "pvalue": float(p),
                    "reject": bool(p <= res.alpha) if pd.notna(p) else False,
                }
            )
    return pd.DataFrame(rows, columns=["effect", "seed", "pvalue", "reject"])


def run_power_study(
    cfg: Config,
    *,
    effects: list[float],
    n_seeds: int = DEFAULT_SEEDS,
    alpha: float = 0.05,
    out_dir: str | Path | None = None,
    progress: bool = False,
    first_seed: int = 1000,
) -> PowerResult:
    """Rejection rates of the headline test over seeds, for each planted effect size.

    Parameters
    ----------
    cfg : Config
        Configuration.
    effects : list of float
        Planted effect sizes (include 0 for the size).
    n_seeds : int
        Simulated markets per effect size.
    alpha : float
        Nominal level of the one-sided test.
    out_dir : str or Path, optional
        Where to write ``power.csv`` (one row per simulated market: ``effect, seed, pvalue,
        reject``), ``power_summary.csv`` (rejection rate per effect) and ``power.png``.
    progress : bool
        Show progress over the simulated markets (a bar on a terminal, one log line with
        the duration elsewhere; :mod:`data.progress`).

    Returns
    -------
    PowerResult
    """
    seeds = list(range(int(first_seed), int(first_seed) + int(n_seeds)))
    bar = Progress("power", len(seeds) * len(effects), unit="market", enabled=progress)

    def simulate_and_test(seed: int, effect: float) -> float:
        p = headline_pvalue(cfg, seed, effect)
        bar.update(1)
        return p

    res = power_study(simulate_and_test, effect_sizes=effects, seeds=seeds, alpha=alpha)
    bar.close()
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        table = res.table if isinstance(res.table, pd.DataFrame) else pd.DataFrame(res.table)
        table.to_csv(out / "power_summary.csv", index=False)
        per_seed(res).to_csv(out / "power.csv", index=False)
        fig = res.plot()
        fig.text(0.99, 0.01, SYNTHETIC_MARK, ha="right", va="bottom", color="#b00020", fontsize=9)
        fig.savefig(out / "power.png", dpi=96)
        (out / "SYNTHETIC.txt").write_text(
            "Every number in this directory comes from the synthetic market (simulated data).\n"
        )
    return res

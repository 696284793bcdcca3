"""Size of the Clark–West test of the composite's forecasts on synthetic null markets.

For each seed a synthetic market with no planted effect (``effect_size = 0``) is simulated,
the factor built from its simulated public data exactly as for real data, and the composite's
recursive forecasts of the h-day spread return (h = 21 by default) compared with the
prevailing mean over every forecast date (:func:`backtests.study.forecasts.composite_cw_pvalue`,
the report's ``full`` row). The headline IVX p-value of the same market is recorded beside it
(:func:`backtests.study.power.headline_pvalue`'s statistic), so the two tests' sizes come from
the same worlds. With no effect, a one-sided test at 5% should reject in about 5% of worlds.

Run as ``python -m backtests.study.power_forecast --seeds 200 --first-seed 1000 --out DIR``
(docs/POWER.md); every number it writes comes from the synthetic market.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from backtests.rotation.spec import RotationSpec
from backtests.study.benchmarks import run_benchmarks
from backtests.study.forecasts import composite_cw_pvalue
from backtests.study.window import backtest_window, spread_returns
from data.config import Config, load_config
from data.loaders import load_market
from signals import build_factor
from signals.diagnostics import predictive_regression

log = logging.getLogger(__name__)


def null_pvalues(cfg: Config, seed: int, *, horizon: int = 21) -> dict[str, float]:
    """One synthetic null market -> ``{seed, cw_pvalue, ivx_pvalue}`` (one-sided p-values).

    Parameters
    ----------
    cfg : Config
        Configuration (``[forecast] warmup``, ``[inference] headline_horizon``).
    seed : int
        Synthetic market seed (``effect_size`` is set to 0).
    horizon : int
        Horizon of the Clark–West test (business days).
    """
    run_cfg = cfg.replace(synthetic={"seed": int(seed), "effect_size": 0.0})
    with tempfile.TemporaryDirectory(prefix="scarcity-cw-size-") as tmp:
        market = load_market(run_cfg, source="synthetic", cache=Path(tmp))
        factor = build_factor(market, run_cfg).factor
        prices = backtest_window(market.prices, run_cfg)
        spec = RotationSpec.from_config(run_cfg)
        spread = spread_returns(run_benchmarks(prices, spec, run_cfg, cash_rate=None))
    fac = factor.reindex(spread.index)
    warmup = int(run_cfg.forecast.get("warmup", 252))
    cw = composite_cw_pvalue(fac, spread, horizon=horizon, warmup=warmup)
    h = int(run_cfg.inference.get("headline_horizon", 21))
    end = pd.Timestamp(run_cfg.run.oos_start) - pd.Timedelta(days=1)
    ivx = predictive_regression(spread, fac, horizons=(h,), end=end).headline_pvalue(h)
    return {"seed": int(seed), "cw_pvalue": float(cw), "ivx_pvalue": float(ivx)}


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """95% Wilson interval of a rejection rate ``k / n``.

    Examples
    --------
    >>> [round(x, 3) for x in wilson(9, 200)]
    [0.024, 0.083]
    """
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (float(mid - half), float(mid + half))


def size_table(per_seed: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Rejection rate at ``alpha`` per test with its Wilson interval (NaN p-values excluded)."""
    rows = []
    for col, label in (("cw_pvalue", "Clark-West (composite, h=21, all forecasts)"),
                       ("ivx_pvalue", "IVX headline (in-sample)")):  # fmt: skip
        p = per_seed[col].dropna()
        k = int((p <= alpha).sum())
        lo, hi = wilson(k, len(p))
        rows.append({"test": label, "markets": len(p), "rejections": k,
                     "rate": k / len(p) if len(p) else float("nan"), "wilson_lo": lo,
                     "wilson_hi": hi})  # fmt: skip
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    """Command line: simulate null markets, write ``cw_size.csv`` and ``cw_size_summary.csv``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--first-seed", type=int, default=1000)
    ap.add_argument("--minutes", type=float, default=0.0, help="stop after this long (0: never)")
    ap.add_argument("--config", default=None)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    cfg = load_config(a.config)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    rows = []
    for seed in range(a.first_seed, a.first_seed + a.seeds):
        rows.append(null_pvalues(cfg, seed))
        frame = pd.DataFrame(rows)
        frame.to_csv(out / "cw_size.csv", index=False)  # after each market: resumable, partial
        log.info("seed %d: CW p %.3f (%.0f s)", seed, rows[-1]["cw_pvalue"], time.monotonic() - t0)
        if a.minutes and time.monotonic() - t0 > 60 * a.minutes:
            break
    size_table(pd.DataFrame(rows)).to_csv(out / "cw_size_summary.csv", index=False)
    (out / "SYNTHETIC.txt").write_text(
        "Every number in this directory comes from the synthetic market (simulated data).\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

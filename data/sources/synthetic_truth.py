"""The latent truth of a synthetic market, as returned by its writer.

:class:`SyntheticTruth` holds what a written synthetic mirror does not show as market data:
the latent scarcity and its components, the planted and the realized spread, the seed and
effect size, and the provenance of the files written; it computes the effect's implied
Sharpe ratio and the realized slope of the next-day spread on the scarcity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class SyntheticTruth:
    """The latent truth of a synthetic market.

    Attributes
    ----------
    scarcity : Series
        Latent capital scarcity on business days (unit variance), known at close t; NaN
        before its inputs exist.
    components : DataFrame
        ``capex_growth, rrp_bn, capex_z, rrp_z`` on business days, known at t.
    expected_spread : Series
        Planted expected equal-weight near-minus-long return realized on each business day:
        ``effect_size * scarcity`` of the previous business day.
    spread : Series
        Realized near-minus-long business-day return (from the written closes).
    effect_size : float
    seed : int
    root : Path
        Directory written.
    files : Mapping[str, str]
        Relative path -> sha256 of every file written.
    seconds : float
        Wall time of simulation and writing.
    """

    scarcity: pd.Series
    components: pd.DataFrame
    expected_spread: pd.Series
    spread: pd.Series
    effect_size: float
    seed: int
    root: Path
    files: Mapping[str, str] = field(default_factory=dict)
    seconds: float = float("nan")

    def implied_sharpe(self) -> float:
        """Annualized Sharpe ratio of the planted effect alone: ``effect * sd(s) / sd(spread)``."""
        sd = float(self.spread.std())
        return float(self.effect_size * self.scarcity.std() / sd * np.sqrt(252)) if sd else 0.0

    def realized_slope(self) -> tuple[float, float]:
        """OLS slope of the next-day spread on the scarcity, and its (classical) t-statistic."""
        x = self.scarcity.shift(1)
        ok = x.notna() & self.spread.notna()
        x, y = x[ok].to_numpy(), self.spread[ok].to_numpy()
        xc = x - x.mean()
        b = float(xc @ (y - y.mean()) / (xc @ xc))
        resid = y - y.mean() - b * xc
        se = np.sqrt(resid @ resid / (len(y) - 2) / (xc @ xc))
        return b, float(b / se)

    def summary(self) -> str:
        """Return a short text summary."""
        s = self.scarcity.dropna()
        b, t = self.realized_slope()
        return "\n".join(
            [
                f"Synthetic market (SYNTHETIC DATA) at {self.root}",
                f"  seed {self.seed}, effect_size {self.effect_size:g} per unit of scarcity",
                f"  period {s.index[0].date()} .. {s.index[-1].date()}, {len(s)} business days",
                f"  scarcity: mean {s.mean():.2f}, sd {s.std():.2f}, "
                f"lag-1 autocorrelation {s.autocorr():.3f}",
                f"  spread: sd {self.spread.std():.4f}/day, implied Sharpe of the effect "
                f"{self.implied_sharpe():.2f}/yr",
                f"  realized OLS slope of next-day spread on scarcity {b:.5f} (t {t:.2f})",
                f"  {len(self.files)} files written in {self.seconds:.2f} s",
            ]
        )

    def __str__(self) -> str:
        return self.summary()

"""Size and power of a test by simulation.

The caller supplies ``simulate_and_test(seed, effect_size) -> p-value``: simulate a world
with a planted effect of the given size (0 = none), run the test, return its p-value. This
module runs it over many seeds for each effect size and tabulates the rejection rate with a
binomial confidence interval: at effect 0 the rate is the test's actual size (it should be
close to ``alpha``), above 0 its power.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from backtests.inference._common import check_probability, fmt

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PowerResult:
    """Rejection rates by effect size.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per effect size, in the order given; columns ``effect_size``, ``n`` (finite
        p-values), ``rejections``, ``rate``, ``ci_low``, ``ci_high`` (Wilson interval at
        ``level``), ``n_failed`` (NaN p-values).
    pvalues : pandas.DataFrame
        Effect sizes x seeds, the raw p-values.
    alpha, level : float
        Test level and confidence level of the rate intervals.
    """

    table: pd.DataFrame = field(repr=False, compare=False)
    pvalues: pd.DataFrame = field(repr=False, compare=False)
    alpha: float = 0.05
    level: float = 0.95

    def summary(self) -> str:
        """Return a small table: effect size, rejection rate and its interval."""
        lines = [f"power study (alpha={self.alpha:g}, {self.level:.0%} Wilson intervals):"]
        for _, row in self.table.iterrows():
            lines.append(
                f"  effect {row['effect_size']:>10.4g}: reject {fmt(row['rate'], '.3f')} "
                f"[{fmt(row['ci_low'], '.3f')}, {fmt(row['ci_high'], '.3f')}]  (n={int(row['n'])})"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def plot(self, ax: Any = None, *, label: str | None = None) -> Any:
        """Rejection rate against effect size with interval bars and the ``alpha`` line.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from matplotlib.figure import Figure

        if ax is None:
            fig = Figure(figsize=(6, 4))
            ax = fig.subplots()
        else:
            fig = ax.figure
        t = self.table
        x = t["effect_size"].to_numpy(dtype=float)
        y = t["rate"].to_numpy()
        err = np.vstack([y - t["ci_low"].to_numpy(), t["ci_high"].to_numpy() - y])
        err = np.clip(err, 0.0, None)  # a rate of 0 or 1 sits on its bound up to rounding
        ax.errorbar(x, y, yerr=err, marker="o", capsize=3, label=label or "rejection rate")
        ax.axhline(self.alpha, color="grey", linestyle="--", label=f"alpha = {self.alpha:g}")
        ax.set_xlabel("planted effect size")
        ax.set_ylabel("rejection rate")
        ax.set_ylim(0.0, 1.02)
        ax.set_title("Size and power by simulation")
        ax.legend(loc="lower right")
        return fig


def power_study(
    simulate_and_test: Callable[[int, float], float],
    *,
    effect_sizes: Iterable[float],
    seeds: Iterable[int],
    alpha: float = 0.05,
    level: float = 0.95,
    progress: Callable[[int, int], None] | None = None,
) -> PowerResult:
    """Rejection rate of a test for each planted effect size, over many seeds.

    Parameters
    ----------
    simulate_and_test : callable
        ``(seed, effect_size) -> p-value``. Should be deterministic in ``seed``. A NaN
        p-value (the test could not be run) is counted in ``n_failed`` and left out of the
        rate.
    effect_sizes : iterable of float
        Effect sizes (include 0 to measure the size).
    seeds : iterable of int
        Seeds, the same for every effect size (common random numbers: differences between
        effect sizes are then not blurred by different draws).
    alpha : float
        Rejection when ``p <= alpha``.
    level : float
        Confidence level of the Wilson interval of each rate.
    progress : callable, optional
        Called with ``(done, total)`` after each simulation.

    Returns
    -------
    PowerResult

    Examples
    --------
    >>> res = power_study(sim, effect_sizes=[0, 0.0004, 0.0008], seeds=range(200))
    ... # doctest: +SKIP
    >>> res.table["rate"]  # doctest: +SKIP
    """
    alpha = check_probability(alpha, "alpha")
    level = check_probability(level, "level")
    effects = [float(e) for e in effect_sizes]
    seed_list = [int(s) for s in seeds]
    if not effects:
        raise ValueError("`effect_sizes` must not be empty")
    if len(set(effects)) != len(effects):
        raise ValueError(f"`effect_sizes` must be distinct, got {effects}")
    if not seed_list:
        raise ValueError("`seeds` must not be empty")
    total = len(effects) * len(seed_list)
    p = np.full((len(effects), len(seed_list)), np.nan)
    done = 0
    for i, eff in enumerate(effects):
        for j, seed in enumerate(seed_list):
            value = float(simulate_and_test(seed, eff))
            if math.isfinite(value) and not 0.0 <= value <= 1.0:
                raise ValueError(
                    f"`simulate_and_test` returned p-value {value} for seed {seed}, "
                    f"effect {eff}: must be in [0, 1]"
                )
            p[i, j] = value
            done += 1
            if progress is not None:
                progress(done, total)
    rows = []
    for i, eff in enumerate(effects):
        ok = p[i][np.isfinite(p[i])]
        n, k = len(ok), int((ok <= alpha).sum())
        if n:
            lo, hi = proportion_confint(k, n, alpha=1.0 - level, method="wilson")
            rate = k / n
        else:
            lo = hi = rate = float("nan")
        failed = len(seed_list) - n
        if failed:
            log.warning("power_study: %d runs at effect %g gave no p-value", failed, eff)
        rows.append(
            {
                "effect_size": eff,
                "n": n,
                "rejections": k,
                "rate": rate,
                "ci_low": float(lo),
                "ci_high": float(hi),
                "n_failed": failed,
            }
        )
    table = pd.DataFrame(rows)
    pvals = pd.DataFrame(p, index=pd.Index(effects, name="effect_size"), columns=seed_list)
    return PowerResult(table=table, pvalues=pvals, alpha=alpha, level=level)

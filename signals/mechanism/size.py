"""Size of the mechanism tests on simulated null worlds (persistent, unrelated series).

:func:`simulate_null` draws three independent AR(1) processes: the outcome level y, the shock
x and a liquidity level q. Nothing links x to y, so every test of a link should reject at
about its nominal level. :func:`size_study` runs, on each simulated world, the tests the
mechanism study uses at one horizon h:

- ``lp_nw``, ``lp_lag_augmented``: the primary local-projection test, one-sided (predicted
  sign +1) at ``alpha``, with each error type;
- ``state_nw``, ``state_lag_augmented``: the Wald test of equal slopes across states, the
  state being "q at or below its expanding median" (known at t);
- ``threshold``: Hansen's sup-Wald test of a threshold in q for the slope of the one-step
  change Δy on x, with the lag controls (``threshold_h=0``, the default: the setting of
  Hansen's bootstrap, where the score is a martingale difference). With ``threshold_h`` = k
  > 0 the outcome is the k-step change and the multipliers come in blocks of
  ``max(k + 1, lags) + 1``; at n of about 130 that version over-rejects (docs/POWER.md).

All tests use the default errors (HC3-scaled residuals, Rademacher multipliers). Rejection
rates come with Wilson 95% intervals.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from signals.mechanism._design import align, check_int, design, hac_lags, one_sided
from signals.mechanism.lp import lp_slope
from signals.mechanism.state import below_expanding_median, state_diff_stat
from signals.mechanism.threshold import threshold_regression

log = logging.getLogger(__name__)

TESTS: tuple[str, ...] = (
    "lp_nw",
    "lp_lag_augmented",
    "state_nw",
    "state_lag_augmented",
    "threshold",
)


@dataclass(frozen=True)
class SizeResult:
    """Rejection rates of the mechanism tests on null worlds.

    Attributes
    ----------
    table : DataFrame
        Index ``test`` (see ``TESTS``); columns ``n`` (worlds with a finite p-value),
        ``rejections``, ``rate``, ``ci_low``, ``ci_high`` (Wilson 95%).
    pvalues : DataFrame
        One row per simulated world, one column per test.
    n_sims, n, horizon, lags, n_boot, seed, threshold_h : int
        Settings of the study.
    rho_x, rho_y, alpha : float
        Persistence of shock and outcome, nominal level.
    """

    table: pd.DataFrame = field(repr=False)
    pvalues: pd.DataFrame = field(repr=False)
    n_sims: int
    n: int
    rho_x: float
    rho_y: float
    horizon: int
    alpha: float
    lags: int
    n_boot: int
    seed: int
    threshold_h: int = 0

    def to_frame(self) -> pd.DataFrame:
        """Return the table with the settings as columns (one row per test, for stacking)."""
        out = self.table.reset_index()
        keys = (
            "n_sims",
            "n",
            "rho_x",
            "rho_y",
            "horizon",
            "alpha",
            "lags",
            "n_boot",
            "threshold_h",
        )
        for k in keys:
            out[k if k != "n" else "n_obs"] = getattr(self, k)
        return out

    def summary(self) -> str:
        """Rejection rates and their intervals as text."""
        head = (
            f"Size on null worlds: {self.n_sims} sims, n={self.n}, rho_x={self.rho_x:g}, "
            f"rho_y={self.rho_y:g}, h={self.horizon}, lags={self.lags}, alpha={self.alpha:g}, "
            f"n_boot={self.n_boot}, threshold_h={self.threshold_h}, seed={self.seed}"
        )
        lines = [head]
        for test, r in self.table.iterrows():
            lines.append(
                f"  {test:<20} reject {r['rate']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}]"
                f"  ({int(r['rejections'])}/{int(r['n'])})"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _ar1(rng: np.random.Generator, n: int, rho: float, burn: int) -> np.ndarray:
    e = rng.standard_normal(n + burn)
    out = np.empty(n + burn)
    out[0] = e[0] / math.sqrt(max(1.0 - rho * rho, 1e-12))
    for t in range(1, n + burn):
        out[t] = rho * out[t - 1] + e[t]
    return out[burn:]


def simulate_null(
    n: int,
    *,
    rho_x: float,
    rho_y: float,
    seed: int | np.random.SeedSequence,
    rho_q: float | None = None,
    burn: int = 200,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Three independent Gaussian AR(1) series on a weekly calendar: y, x and q.

    Parameters
    ----------
    n : int
        Observations.
    rho_x, rho_y : float
        AR(1) coefficients of the shock x and the outcome level y (|rho| < 1).
    seed : int or SeedSequence
        Seed of the draws.
    rho_q : float, optional
        AR(1) coefficient of the liquidity level q (default ``rho_x``).
    burn : int, default 200
        Draws discarded at the start.

    Returns
    -------
    tuple of Series
        ``(y, x, q)`` named ``y``, ``x``, ``q`` on a Friday-weekly DatetimeIndex ``date``.
    """
    n = check_int(n, "n", minimum=10)
    rq = rho_x if rho_q is None else rho_q
    for name, r in (("rho_x", rho_x), ("rho_y", rho_y), ("rho_q", rq)):
        if not -1.0 < r < 1.0:
            raise ValueError(f"`{name}` must be in (-1, 1), got {r}")
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2000-01-07", periods=n, freq="W-FRI", name="date")
    y = pd.Series(_ar1(rng, n, rho_y, burn), index=idx, name="y")
    x = pd.Series(_ar1(rng, n, rho_x, burn), index=idx, name="x")
    q = pd.Series(_ar1(rng, n, rq, burn), index=idx, name="q")
    return y, x, q


def _world_pvalues(
    seq: np.random.SeedSequence,
    n: int,
    rho_x: float,
    rho_y: float,
    horizon: int,
    lags: int,
    n_boot: int,
    min_periods: int,
    threshold_h: int,
) -> dict[str, float]:
    sim_seed, boot_seed = seq.spawn(2)
    y, x, q = simulate_null(n, rho_x=rho_x, rho_y=rho_y, seed=sim_seed)
    frame = align(y, x, None)
    out: dict[str, float] = {}
    for err in ("nw", "lag_augmented"):
        b, se, _ = lp_slope(frame, horizon, lags, err)
        out[f"lp_{err}"] = one_sided(b / se, +1) if se > 0 else float("nan")
    state = below_expanding_median(q, min_periods=min_periods)
    for err in ("nw", "lag_augmented"):
        _, diff = state_diff_stat(frame, state, horizon, lags, err)
        out[f"state_{err}"] = diff["pvalue"]
    d = design(frame, threshold_h, lags)
    z = d.drop(columns=["outcome", "const", "x"])
    res = threshold_regression(
        d["outcome"],
        d["x"],
        q.reindex(d.index),
        z=z if z.shape[1] else None,
        n_boot=n_boot,
        seed=np.random.default_rng(boot_seed),
        block=hac_lags("nw", threshold_h, lags) + 1 if threshold_h > 0 else 1,
    )
    out["threshold"] = res.pvalue
    return out


def size_study(
    n_sims: int,
    n: int,
    rho_x: float,
    rho_y: float,
    *,
    horizon: int,
    alpha: float = 0.05,
    n_boot: int = 199,
    seed: int = 0,
    lags: int = 2,
    min_periods: int = 20,
    threshold_h: int = 0,
) -> SizeResult:
    """Rejection rates of the mechanism tests on ``n_sims`` simulated null worlds.

    Parameters
    ----------
    n_sims : int
        Simulated worlds (each with its own child seed of ``seed``).
    n : int
        Observations per world.
    rho_x, rho_y : float
        AR(1) coefficients of the shock and of the outcome level (q uses ``rho_x``).
    horizon : int
        The horizon h tested.
    alpha : float, default 0.05
        Nominal level.
    n_boot : int, default 199
        Bootstrap draws of the threshold test.
    seed : int, default 0
        Root seed.
    lags : int, default 2
        Lag controls of every regression.
    min_periods : int, default 20
        Observations before the expanding-median state is defined.
    threshold_h : int, default 0
        Horizon of the threshold test's outcome (0: the one-step change).

    Returns
    -------
    SizeResult

    Examples
    --------
    >>> print(size_study(200, 130, 0.95, 0.9, horizon=4).summary())  # doctest: +SKIP
    """
    sims = check_int(n_sims, "n_sims", minimum=1)
    h = check_int(horizon, "horizon", minimum=0)
    p = check_int(lags, "lags", minimum=1)
    B = check_int(n_boot, "n_boot", minimum=1)
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"`alpha` must be in (0, 1), got {alpha}")
    children = np.random.SeedSequence(seed).spawn(sims)
    th = check_int(threshold_h, "threshold_h", minimum=0)
    rows = [_world_pvalues(c, n, rho_x, rho_y, h, p, B, min_periods, th) for c in children]
    pvalues = pd.DataFrame(rows, columns=list(TESTS))
    pvalues.index.name = "sim"
    table_rows = []
    for test in TESTS:
        pv = pvalues[test].dropna()
        k, m = int((pv < alpha).sum()), len(pv)
        lo, hi = proportion_confint(k, m, alpha=0.05, method="wilson") if m else (np.nan, np.nan)
        table_rows.append(
            {
                "n": m,
                "rejections": k,
                "rate": k / m if m else np.nan,
                "ci_low": float(lo),
                "ci_high": float(hi),
            }
        )
    table = pd.DataFrame(table_rows, index=pd.Index(TESTS, name="test"))
    log.info("size study done: %d sims, n=%d, h=%d", sims, n, h)
    return SizeResult(
        table=table,
        pvalues=pvalues,
        n_sims=sims,
        n=int(n),
        rho_x=float(rho_x),
        rho_y=float(rho_y),
        horizon=h,
        alpha=float(alpha),
        lags=p,
        n_boot=B,
        seed=int(seed),
        threshold_h=th,
    )

"""How the composite factor combines its signed z-scores, and recombining a built factor.

:func:`combine` applies the rule ``factor.method`` to signed component z-scores and the
components active on each date. ``zsum`` (default): the weighted mean over the active
components, ``F_t = sum_i w_i s_i z_it / sum_i w_i`` over active i. ``pca``: the first
principal component of the signed z-scores, re-estimated at each month end on an expanding
window, its sign chosen so that it correlates positively with ``zsum`` over that window
(:func:`pca_loadings`, :func:`pca_factor`). ``interaction``: capital scarcity as high capex
demand *and* exhausted idle liquidity: ``C_t * Phi(L_t)``, the capex-demand block ``C`` (the
weighted mean of its active signed z-scores) scaled by the standard normal CDF of the
liquidity-exhaustion block ``L`` (signed so that high means exhausted). It is positive only
when capex demand is high, largest when liquidity is also exhausted, and negative when capex
demand is low (a plain product ``C * L`` would be positive for low capex with ample
liquidity, the opposite of scarcity). The blocks are :data:`BLOCKS` plus the configured macro
components (:func:`block_members`).

:func:`reweight` recombines the z-scores of a built factor with other weights, equal to a
full build with those weights (each z-score depends only on its own history).

Timing
------
The factor at t combines z-scores known at the close of t; ``pca`` loadings at t use rows up
to t only.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy.stats import norm

from data.config import Config
from data.errors import ConfigError
from signals.macro import component_specs
from signals.result import FactorResult

Method = Literal["zsum", "pca", "interaction"]
METHODS: tuple[str, ...] = get_args(Method)

BLOCKS: dict[str, tuple[str, ...]] = {
    "capex": ("capex_growth", "capex_to_ocf", "capex_surprise"),
    "liquidity": ("rrp_level", "reserves_level", "net_liquidity_change"),
    "funding": (
        "nominal_10y_change",
        "real_10y_change",
        "curve_change",
        "baa_spread_change",
        "ig_spread_change",
        "hy_spread_change",
        "repo_spread",
    ),
}


def pca_loadings(past: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """First principal component's loadings of ``past`` (rows = dates), sign-aligned.

    The sign makes the component's scores over ``past`` correlate positively with
    ``reference`` (the ``zsum`` factor on the same rows, NaN where undefined); where that
    correlation cannot be computed, the loadings are made to sum to a positive number.
    """
    cov = np.atleast_2d(np.cov(past, rowvar=False))
    _, vecs = np.linalg.eigh(cov)
    load = vecs[:, -1]
    ok = np.isfinite(reference)
    scores = past[ok] @ load
    sign = 0.0
    if ok.sum() >= 2 and np.std(scores) > 0 and np.std(reference[ok]) > 0:
        sign = float(np.sign(np.corrcoef(scores, reference[ok])[0, 1]))
    if sign == 0.0:
        sign = 1.0 if load.sum() >= 0 else -1.0
    return load * sign


def pca_factor(z: pd.DataFrame, zs: pd.Series, min_periods: int) -> pd.Series:
    """First principal component of z (NaN as 0) on an expanding window.

    Loadings are estimated at each month end (the last date of each month in the index)
    from every row up to and including it, once ``min_periods`` rows have a z-score, and
    used from that date to the next month end; the sign follows :func:`pca_loadings`.
    Values are NaN where ``zs`` (the ``zsum`` factor) is NaN.
    """
    x = z.fillna(0.0).to_numpy()
    ref = zs.to_numpy(dtype=float)
    count = np.cumsum(z.notna().any(axis=1).to_numpy())
    months = z.index.to_period("M")
    is_end = np.r_[months[1:] != months[:-1], True] if len(z) else np.array([], bool)
    loadings = np.full(x.shape, np.nan)
    for i in np.nonzero(is_end & (count >= min_periods))[0]:
        loadings[i] = pca_loadings(x[: i + 1], ref[: i + 1])
    loadings = pd.DataFrame(loadings, index=z.index).ffill().to_numpy()
    out = np.einsum("ij,ij->i", x, loadings)
    return pd.Series(np.where(np.isfinite(ref), out, np.nan), index=z.index)


def combine(
    zsigned: pd.DataFrame,
    active: pd.DataFrame,
    weights: dict[str, float],
    *,
    method: Method = "zsum",
    min_periods: int = 252,
    blocks: dict[str, tuple[str, ...]] | None = None,
    min_components: int = 1,
) -> pd.Series:
    """Combine signed z-scores into the factor (see the module docstring).

    Parameters
    ----------
    zsigned : DataFrame
        Signed z-scores, NaN where inactive.
    active : DataFrame of bool
        Which components count on each date.
    weights : dict
        Component weights (components absent from ``zsigned`` are ignored).
    method : {"zsum", "pca", "interaction"}
        Combination rule.
    min_periods : int
        History needed by ``pca`` before its first estimate.
    blocks : dict, optional
        Block name -> component names for ``interaction`` (default :data:`BLOCKS`).
    min_components : int
        Active components needed for the factor to be defined on a date.

    Returns
    -------
    Series
        The factor; NaN on dates with fewer than ``min_components`` active components
        (for ``interaction``: also where either block has no active component).
    """
    cols = [c for c in zsigned.columns if weights.get(c, 0.0) > 0]
    w = pd.Series({c: float(weights[c]) for c in cols})
    z = zsigned[cols].where(active[cols])
    wmat = active[cols].astype(float).mul(w, axis=1)
    den = wmat.sum(axis=1)
    zsum = (z.fillna(0.0) * wmat).sum(axis=1) / den.where(den > 0)
    started = active[cols].sum(axis=1) >= int(min_components)
    if method == "zsum":
        out = zsum
    elif method == "pca":
        out = pca_factor(z, zsum, min_periods)
    elif method == "interaction":

        def block(names: tuple[str, ...]) -> pd.Series:
            names = [n for n in names if n in cols]
            bw = wmat[names]
            d = bw.sum(axis=1)
            return (z[names].fillna(0.0) * bw).sum(axis=1) / d.where(d > 0)

        groups = BLOCKS if blocks is None else blocks
        liq = block(groups["liquidity"])
        out = block(groups["capex"]) * pd.Series(norm.cdf(liq.to_numpy()), index=liq.index)
        out = out.where(liq.notna())
    else:
        raise ValueError(f"`method` must be zsum, pca or interaction, got {method!r}")
    return out.where(started).rename("factor")


def block_members(recipes: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Block name -> its components: :data:`BLOCKS` plus the configured macro components."""
    return {b: (*BLOCKS[b], *(n for n, r in recipes.items() if r.block == b)) for b in BLOCKS}


def reweight(result: FactorResult, cfg: Config, weights: dict[str, float]) -> pd.Series:
    """Return the factor of ``result`` recombined with other weights, without a rebuild.

    Every component's z-score depends only on its own history and the windows of
    ``[factor]``, so the factor of ``cfg.replace(factor={"weights": weights})`` is
    :func:`combine` of the same z-scores with the new weights (the tests check it equals a
    full build). Only components of ``result`` (weight > 0 there) may carry weight.

    Parameters
    ----------
    result : FactorResult
        A factor built with ``cfg``.
    cfg : Config
        Its configuration (method, ``min_periods``, ``min_components``, macro components).
    weights : dict of str to float
        The new weights.

    Returns
    -------
    Series
        The recombined factor on ``result``'s dates.

    Raises
    ------
    ConfigError
        A weighted component that ``result`` did not build.
    """
    extra = sorted(c for c, w in weights.items() if float(w) > 0 and c not in result.zscores)
    if extra:
        raise ConfigError(
            f"reweight: components {extra} have weight but were not built (weight 0 in the "
            "configuration the factor was built with); build the factor again"
        )
    f = cfg.factor
    return combine(
        result.zscores,
        result.active,
        {k: float(v) for k, v in weights.items()},
        method=str(f.method),
        min_periods=int(f.min_periods),
        min_components=int(f.get("min_components", 1)),
        blocks=block_members(component_specs(cfg)),
    )

"""The composite capital-scarcity factor: signed, weighted z-scores of the components.

Default method ``zsum``: each component is z-scored against its own past (expanding window,
or trailing ``factor.zscore_window``), clipped to +-``factor.zscore_clip`` (so one trending
level cannot dominate), multiplied by its thesis sign (:data:`SIGNS`), and the
factor is the weighted mean over the components that are *active* on that date (defined and
within their staleness limit): ``F_t = sum_i w_i s_i z_it / sum_i w_i`` over active i. Each
component joins when it has its own ``factor.min_periods`` of history (its z-score is
defined); the factor is defined on dates with at least ``factor.min_components`` active
components. A component that goes stale drops out and the weights are renormalized over the
rest; ``FactorResult.active`` records the makeup on every date and the report shows it.

Options (``factor.method``): ``pca`` - the first principal component of the signed z-scores,
re-estimated at each month end on an expanding window, its sign chosen so that it correlates
positively with ``zsum`` over that window; ``interaction`` - capital scarcity as high capex
demand *and* exhausted idle liquidity: ``C_t * Phi(L_t)``, the capex-demand block ``C`` (the
weighted mean of its active signed z-scores) scaled by the standard normal CDF of the
liquidity-exhaustion block ``L`` (signed so that high means exhausted). It is positive only
when capex demand is high, largest when liquidity is also exhausted, and negative when capex
demand is low (a plain product ``C * L`` would be positive for low capex with ample
liquidity, the opposite of scarcity).

The regime (``idle_exhausted``, :func:`signals.liquidity.exhausted_regime`) is True only
while ON RRP itself is fresh: a stale or absent RRP is "not known to be exhausted".

Timing
------
Every component value at t is known at the close of t (``signals.capex``,
``signals.liquidity``, ``signals.funding``); z-scores use only the past; so the factor at t
is known at the close of t. Trading on it happens at the next bar (``backtests.engines.engine``).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy.stats import norm

from data.config import Config
from data.errors import ConfigError
from signals.capex import capex_demand
from signals.funding import funding_price
from signals.liquidity import idle_liquidity
from signals.macro import component_specs, macro_components
from signals.result import FactorResult, availability_table
from signals.transforms import fresh, zscore

Method = Literal["zsum", "pca", "interaction"]
METHODS: tuple[str, ...] = get_args(Method)

SIGNS: dict[str, int] = {
    "capex_growth": +1,
    "capex_to_ocf": +1,
    "capex_surprise": +1,
    "rrp_level": -1,
    "reserves_level": -1,
    "net_liquidity_change": -1,
    "nominal_10y_change": +1,
    "real_10y_change": +1,
    "curve_change": +1,
    "baa_spread_change": +1,
    "ig_spread_change": +1,
    "hy_spread_change": +1,
    "repo_spread": +1,
}
FREQUENCY: dict[str, str] = {  # staleness class of each component (default: daily)
    "capex_ttm_bn": "quarterly",
    "capex_growth": "quarterly",
    "capex_to_ocf": "quarterly",
    "debt_to_capex": "quarterly",
    "n_companies": "quarterly",
    "n_growth": "quarterly",
    "capex_surprise": "quarterly",
    "rrp_level": "daily",
    "reserves_level": "weekly",
    "net_liquidity": "weekly",
    "net_liquidity_change": "weekly",
}
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


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy(deep=False)
    out.attrs = {}
    return out


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


def _pca_factor(z: pd.DataFrame, zs: pd.Series, min_periods: int) -> pd.Series:
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
        out = _pca_factor(z, zsum, min_periods)
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


def build_factor_tables(
    macro: pd.DataFrame, capex: pd.DataFrame, index: pd.DatetimeIndex, cfg: Config
) -> FactorResult:
    """Build the factor from the canonical tables.

    Parameters
    ----------
    macro : DataFrame
        Raw macro table (observation dates).
    capex : DataFrame
        Capex quarters (point-in-time vintages).
    index : DatetimeIndex
        Business days on which the factor is wanted.
    cfg : Config
        ``[factor]`` (weights, windows, staleness, regime), ``[universe] hyperscalers``.

    Returns
    -------
    FactorResult

    Timing
    ------
    The value at t is known at the close of t.
    """
    f = cfg.factor
    method = str(f.method)
    if method not in METHODS:
        raise ConfigError(f"[factor] method must be one of {list(METHODS)}, got {method!r}")
    idx = pd.DatetimeIndex(index)
    stale = f.staleness_days
    # provenance in .attrs is deep-copied by every pandas operation: compute on plain frames
    macro, capex = _plain(macro), _plain(capex)
    cap, cap_age, events = capex_demand(
        capex,
        idx,
        list(cfg.universe.hyperscalers),
        quarters=int(f.capex_growth_quarters),
        stale_days=int(stale["quarterly"]),
        surprise_window_days=int(f.get("surprise_window_days", 100)),
        trend_quarters=int(f.get("surprise_trend_quarters", f.capex_growth_quarters)),
        max_missing=int(f.get("capex_max_missing_quarters", 0)),
    )
    liq, liq_age, regime = idle_liquidity(macro, idx, cfg)
    fun, fun_age = funding_price(macro, idx, cfg)
    mac, mac_age, recipes = macro_components(macro, idx, cfg)  # configured, none by default
    raw = pd.concat([cap, liq, fun, mac], axis=1)
    ages = pd.concat([cap_age, liq_age, fun_age, mac_age], axis=1)
    freq = {**FREQUENCY, **{n: r.frequency for n, r in recipes.items()}}
    signs = {**SIGNS, **{n: r.sign for n, r in recipes.items()}}
    blocks = _blocks(recipes)
    limits = pd.Series({c: float(stale[freq.get(c, "daily")]) for c in raw.columns}, dtype=float)
    active = pd.DataFrame(
        {c: fresh(ages[c], limits[c]) & raw[c].notna() for c in raw.columns}, index=idx
    )
    shown = raw.where(active)
    weights = {k: float(v) for k, v in f.weights.items()}
    names = [c for c in signs if c in raw.columns and weights.get(c, 0.0) > 0]
    z = zscore(shown[names], window=int(f.zscore_window), min_periods=int(f.min_periods))
    clip = float(f.get("zscore_clip", 0.0))
    if clip > 0:
        z = z.clip(-clip, clip)
    zsigned = z.mul(pd.Series({c: signs[c] for c in names}, dtype=float), axis=1)
    zactive = active[names] & zsigned.notna()
    factor = combine(
        zsigned,
        zactive,
        weights,
        method=method,
        min_periods=int(f.min_periods),
        min_components=int(f.get("min_components", 1)),
        blocks=blocks,
    )
    return FactorResult(
        factor=factor,
        # the regime needs a fresh ON RRP: unknown (stale or absent) is not exhausted
        regime=(regime.reindex(idx).fillna(False) & active["rrp_level"]).astype(bool),
        components=shown,
        zscores=zsigned.where(zactive),
        active=zactive,
        events=events,
        availability=availability_table(zactive),
        method=method,
        weights={c: weights[c] for c in names},
    )


def _blocks(recipes: dict[str, Any]) -> dict[str, tuple[str, ...]]:
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
        blocks=_blocks(component_specs(cfg)),
    )


def build_factor(
    market_or_macro: Any,
    capex_or_cfg: pd.DataFrame | Config,
    index: pd.DatetimeIndex | None = None,
    cfg: Config | None = None,
) -> FactorResult:
    """Build the factor from the canonical tables or from a loaded market.

    Two call forms: ``build_factor(macro, capex, index, cfg)`` with the canonical tables
    (see :func:`build_factor_tables`), or ``build_factor(market, cfg)`` with a
    :class:`data.loaders.MarketData`-like object (see :func:`build_factor_from_market`).

    Parameters
    ----------
    market_or_macro : DataFrame or MarketData
        The raw macro table (observation dates), or a market with ``macro``, ``capex`` and
        ``prices``.
    capex_or_cfg : DataFrame or Config
        The capex quarters (table form) or the configuration (market form).
    index : DatetimeIndex, optional
        Business days of the factor (table form only).
    cfg : Config, optional
        Configuration (table form only).

    Returns
    -------
    FactorResult

    Raises
    ------
    TypeError
        When the arguments match neither form.

    Timing
    ------
    The value at t is known at the close of t; trade it at the next bar.

    Examples
    --------
    >>> from data import load_config, load_market  # doctest: +SKIP
    >>> cfg = load_config()  # doctest: +SKIP
    >>> m = load_market(cfg, source="synthetic")  # doctest: +SKIP
    >>> fac = build_factor(m, cfg)  # doctest: +SKIP
    >>> same = build_factor(m.macro, m.capex, m.prices.index, cfg)  # doctest: +SKIP
    """
    if isinstance(capex_or_cfg, Config):
        if index is not None or cfg is not None:
            raise TypeError("build_factor(market, cfg) takes no `index` or `cfg` argument")
        return build_factor_from_market(market_or_macro, capex_or_cfg)
    if index is None or not isinstance(cfg, Config):
        raise TypeError(
            "build_factor needs (market, cfg) or (macro, capex, index, cfg); got "
            f"{type(market_or_macro).__name__}, {type(capex_or_cfg).__name__}, "
            f"index={type(index).__name__}, cfg={type(cfg).__name__}"
        )
    return build_factor_tables(market_or_macro, capex_or_cfg, index, cfg)


def build_factor_from_market(market: Any, cfg: Config) -> FactorResult:
    """Build the factor from a :class:`data.loaders.MarketData` (its macro, capex, price dates).

    Parameters
    ----------
    market : MarketData
        Anything with ``macro``, ``capex`` and ``prices`` tables; the factor is computed on
        ``market.prices.index``.
    cfg : Config
        Configuration.

    Returns
    -------
    FactorResult

    Raises
    ------
    TypeError
        When ``market`` lacks one of the three tables.

    Timing
    ------
    The value at t is known at the close of t.
    """
    missing = [a for a in ("macro", "capex", "prices") if not hasattr(market, a)]
    if missing:
        raise TypeError(
            f"`market` must have macro, capex and prices; {type(market).__name__} lacks {missing}"
        )
    return build_factor_tables(market.macro, market.capex, market.prices.index, cfg)

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

Options (``factor.method``): ``pca``, the first principal component of the signed
z-scores, and ``interaction``, high capex demand *and* exhausted idle liquidity. The
combination rules, and the recombination of a built factor with other weights
(:func:`reweight`), live in :mod:`signals.combination`; this module builds the factor from
the canonical tables: the components, their staleness and activity, the signed z-scores
(signs :data:`SIGNS`, staleness classes :data:`FREQUENCY`) and the regime.

The regime (``idle_exhausted``, :func:`signals.liquidity.exhausted_regime`) is True only
while ON RRP itself is fresh: a stale or absent RRP is "not known to be exhausted".

Timing
------
Every component value at t is known at the close of t (``signals.capex``,
``signals.liquidity``, ``signals.funding``); z-scores use only the past; so the factor at t
is known at the close of t. Trading on it happens at the next bar (``backtests.engines.engine``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from data.config import Config
from data.errors import ConfigError
from signals.capex import capex_demand
from signals.combination import (
    BLOCKS,
    METHODS,
    Method,
    block_members,
    combine,
    pca_factor,
    pca_loadings,
    reweight,
)
from signals.funding import funding_price
from signals.liquidity import idle_liquidity
from signals.macro import macro_components
from signals.result import FactorResult, availability_table
from signals.transforms import fresh, zscore

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


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy(deep=False)
    out.attrs = {}
    return out


def build_capex_block(capex: pd.DataFrame, index: pd.DatetimeIndex, cfg: Config) -> tuple[Any, ...]:
    """Compute the capex block of the factor: :func:`signals.capex.capex_demand` as configured.

    It reads the capex settings of ``[factor]`` (not the z-score or change windows), so
    builds that vary only those windows can share it (``build_factor_tables(capex_block=)``).

    Returns
    -------
    tuple
        ``(components, ages, events)`` on ``index``.
    """
    f = cfg.factor
    return capex_demand(
        _plain(capex),
        pd.DatetimeIndex(index),
        list(cfg.universe.hyperscalers),
        quarters=int(f.capex_growth_quarters),
        stale_days=int(f.staleness_days["quarterly"]),
        surprise_window_days=int(f.get("surprise_window_days", 100)),
        trend_quarters=int(f.get("surprise_trend_quarters", f.capex_growth_quarters)),
        max_missing=int(f.get("capex_max_missing_quarters", 0)),
    )


def build_factor_tables(
    macro: pd.DataFrame,
    capex: pd.DataFrame,
    index: pd.DatetimeIndex,
    cfg: Config,
    *,
    capex_block: tuple[Any, ...] | None = None,
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
    capex_block : tuple, optional, keyword-only
        :func:`build_capex_block` of the same capex, index and capex settings, already computed
        (a sweep over the windows builds it once).

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
    macro = _plain(macro)
    if capex_block is None:
        capex_block = build_capex_block(capex, idx, cfg)
    cap, cap_age, events = capex_block
    liq, liq_age, regime = idle_liquidity(macro, idx, cfg)
    fun, fun_age = funding_price(macro, idx, cfg)
    mac, mac_age, recipes = macro_components(macro, idx, cfg)  # configured, none by default
    raw = pd.concat([cap, liq, fun, mac], axis=1)
    ages = pd.concat([cap_age, liq_age, fun_age, mac_age], axis=1)
    freq = {**FREQUENCY, **{n: r.frequency for n, r in recipes.items()}}
    signs = {**SIGNS, **{n: r.sign for n, r in recipes.items()}}
    blocks = block_members(recipes)
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


# Former private names here, kept for importers of this module.
_pca_factor, _blocks = pca_factor, block_members

__all__ = [
    "BLOCKS",
    "FREQUENCY",
    "METHODS",
    "SIGNS",
    "FactorResult",
    "Method",
    "build_factor",
    "build_factor_from_market",
    "build_factor_tables",
    "build_capex_block",
    "combine",
    "pca_loadings",
    "reweight",
]

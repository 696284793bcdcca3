"""The composite capital-scarcity factor: signed, weighted z-scores of the components.

Default method ``zsum``: each component is z-scored against its own past (expanding window,
or trailing ``factor.zscore_window``), clipped to +-``factor.zscore_clip`` (so one trending
level cannot dominate), multiplied by its thesis sign (:data:`SIGNS`), and the
factor is the weighted mean over the components that are *active* on that date (defined and
within their staleness limit): ``F_t = sum_i w_i s_i z_it / sum_i w_i`` over active i. The
factor is defined from the first date on which every weighted component is active (so it
never starts on a partial set); afterwards a component that goes stale drops out and the
weights are renormalized over the rest, which ``FactorResult.active`` records.

Options (``factor.method``): ``pca`` - the first principal component of the signed z-scores,
re-estimated at each month end on an expanding window (sign aligned with ``zsum``);
``interaction`` - the capex-demand block times the liquidity-exhaustion block (each the
weighted mean of its signed z-scores).

Timing
------
Every component value at t is known at the close of t (``signals.capex``,
``signals.liquidity``, ``signals.funding``); z-scores use only the past; so the factor at t
is known at the close of t. Trading on it happens at the next bar (``backtests.engine``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from data.config import Config
from data.errors import ConfigError
from signals.capex import capex_demand
from signals.funding import funding_price
from signals.liquidity import idle_liquidity
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


@dataclass
class FactorResult:
    """The factor and everything behind it.

    Attributes
    ----------
    factor : Series
        Composite factor on business days (NaN before it is defined).
    regime : Series of bool
        Idle money exhausted.
    components : DataFrame
        Raw components in their own units, NaN where stale or not yet defined.
    zscores : DataFrame
        Signed z-scores of the weighted components (NaN where inactive).
    active : DataFrame of bool
        Component defined and within its staleness limit.
    events : DataFrame
        Capex announcements: ``available_at, ticker, period_end, capex_usd, surprise``.
    availability : DataFrame
        Per component: first active date, last active date, share of days active.
    method : str
        ``zsum``, ``pca`` or ``interaction``.
    """

    factor: pd.Series
    regime: pd.Series
    components: pd.DataFrame
    zscores: pd.DataFrame
    active: pd.DataFrame
    events: pd.DataFrame
    availability: pd.DataFrame
    method: str
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def first_date(self) -> pd.Timestamp | None:
        """First date the factor is defined."""
        return self.factor.first_valid_index()

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The three signal files: ``factor``, ``components``, ``events`` (``date`` columns)."""
        fac = pd.DataFrame({"factor": self.factor, "regime": self.regime.astype(bool)})
        fac.index.name = "date"
        comp = self.components.copy()
        comp.index.name = "date"
        ev = self.events.copy()
        for c in ("available_at", "period_end"):
            ev[c] = pd.to_datetime(ev[c]).dt.strftime("%Y-%m-%d")
        return {
            "factor": fac.reset_index().assign(date=lambda d: d["date"].dt.strftime("%Y-%m-%d")),
            "components": comp.reset_index().assign(
                date=lambda d: d["date"].dt.strftime("%Y-%m-%d")
            ),
            "events": ev[["available_at", "ticker", "period_end", "capex_usd", "surprise"]],
        }

    def summary(self) -> str:
        """Method, first date, latest value, regime share and component availability."""
        f = self.factor.dropna()
        lines = [f"capital-scarcity factor ({self.method})"]
        if f.empty:
            lines.append("  not defined on any date (see availability)")
        else:
            lines.append(
                f"  defined {f.index[0].date()} .. {f.index[-1].date()} ({len(f)} days); "
                f"latest {f.iloc[-1]:+.2f}; idle money exhausted on "
                f"{self.regime.loc[f.index].mean():.0%} of those days"
            )
        lines.append(f"  capex announcements: {len(self.events)}")
        for name, row in self.availability.iterrows():
            lines.append(
                f"  {name:<22} first {row['first_active']}  last {row['last_active']}  "
                f"active {row['share_active']:.0%}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy(deep=False)
    out.attrs = {}
    return out


def _availability(active: pd.DataFrame) -> pd.DataFrame:
    rows = {}
    for c in active.columns:
        a = active[c]
        idx = a.index[a.to_numpy()]
        rows[c] = {
            "first_active": idx[0].strftime("%Y-%m-%d") if len(idx) else "never",
            "last_active": idx[-1].strftime("%Y-%m-%d") if len(idx) else "never",
            "share_active": float(a.mean()) if len(a) else 0.0,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "component"
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


def combine(zsigned: pd.DataFrame, active: pd.DataFrame, weights: dict[str, float],
            *, method: Method = "zsum", min_periods: int = 252) -> pd.Series:
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

    Returns
    -------
    Series
        The factor; NaN before every weighted component has been active once.
    """
    cols = [c for c in zsigned.columns if weights.get(c, 0.0) > 0]
    w = pd.Series({c: float(weights[c]) for c in cols})
    z = zsigned[cols].where(active[cols])
    wmat = active[cols].astype(float).mul(w, axis=1)
    den = wmat.sum(axis=1)
    zsum = (z.fillna(0.0) * wmat).sum(axis=1) / den.where(den > 0)
    started = active[cols].cummax().all(axis=1)
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

        out = block(BLOCKS["capex"]) * block(BLOCKS["liquidity"])
    else:
        raise ValueError(f"`method` must be zsum, pca or interaction, got {method!r}")
    return out.where(started).rename("factor")


def build_factor_tables(macro: pd.DataFrame, capex: pd.DataFrame, index: pd.DatetimeIndex,
                        cfg: Config) -> FactorResult:
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
    )
    liq, liq_age, regime = idle_liquidity(macro, idx, cfg)
    fun, fun_age = funding_price(macro, idx, cfg)
    raw = pd.concat([cap, liq, fun], axis=1)
    ages = pd.concat([cap_age, liq_age, fun_age], axis=1)
    limits = pd.Series(
        {c: float(stale[FREQUENCY.get(c, "daily")]) for c in raw.columns}, dtype=float
    )
    active = pd.DataFrame(
        {c: fresh(ages[c], limits[c]) & raw[c].notna() for c in raw.columns}, index=idx
    )
    shown = raw.where(active)
    weights = {k: float(v) for k, v in f.weights.items()}
    names = [c for c in SIGNS if c in raw.columns and weights.get(c, 0.0) > 0]
    z = zscore(shown[names], window=int(f.zscore_window), min_periods=int(f.min_periods))
    clip = float(f.get("zscore_clip", 0.0))
    if clip > 0:
        z = z.clip(-clip, clip)
    zsigned = z.mul(pd.Series({c: SIGNS[c] for c in names}), axis=1)
    zactive = active[names] & zsigned.notna()
    factor = combine(zsigned, zactive, weights, method=method, min_periods=int(f.min_periods))
    return FactorResult(
        factor=factor,
        # the regime needs a fresh ON RRP: unknown (stale or absent) is not exhausted
        regime=(regime.reindex(idx).fillna(False) & active["rrp_level"]).astype(bool),
        components=shown,
        zscores=zsigned.where(zactive),
        active=zactive,
        events=events,
        availability=_availability(zactive),
        method=method,
        weights={c: weights[c] for c in names},
    )


def build_factor(market: Any, cfg: Config) -> FactorResult:
    """Build the factor from a :class:`data.loaders.MarketData` (its macro, capex, price dates).

    Parameters
    ----------
    market : MarketData
        Loaded tables; the factor is computed on ``market.prices.index``.
    cfg : Config
        Configuration.

    Returns
    -------
    FactorResult

    Examples
    --------
    >>> from data import load_config, load_market  # doctest: +SKIP
    >>> cfg = load_config(); fac = build_factor(load_market(cfg, source="synthetic"), cfg)  # doctest: +SKIP
    """
    return build_factor_tables(market.macro, market.capex, market.prices.index, cfg)

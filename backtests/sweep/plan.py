"""A sweep as arrays: trial parameters as columns, shared inputs computed once per sweep.

:func:`build_plan` turns the expanded grid (one row per trial) into what the compiled
sweep (:mod:`backtests.sweep.kernels`) reads: one array per parameter (rule code, threshold,
band, ..., fees per column) and, computed once for the whole sweep and shared by every
chunk, the factors, tilt shares, spread volatilities, rebalancing calendars, basket weights
and member returns of every distinct basket group, and the valuation prices. No Python
runs per trial: parameters are validated once per distinct value (and once per distinct
pair of baskets, the only check that spans two fields), and every per-trial array is built
by indexing.

:func:`run_plan_chunk` runs trials ``[lo, hi)`` of a plan; it is what a Dask task executes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from backtests.engines.reference import filled_close_ffill
from backtests.engines.simulation import filled_close
from backtests.engines.stats import STAT_NAMES
from backtests.rotation import rules
from backtests.rotation.spec import FIELD_NAMES, RotationSpec
from backtests.rotation.targets import rotation_inputs
from backtests.sweep.kernels import N_STATS, RULE_CODES, sweep_chunk_nb
from data.errors import DataError

_GROUP_FIELDS = ("near", "long", "weighting", "basket_vol_window")


@dataclass
class SweepPlan:
    """Every input of the compiled sweep (picklable: sent once to Dask workers).

    Attributes
    ----------
    shared : dict of str to ndarray
        Inputs shared by all trials (prices, calendars, factors, group arrays).
    trial : dict of str to ndarray
        One entry per trial (axis 0) for each per-trial parameter.
    n_blocks : int
        Blocks of the return moments (``shared["block_id"]`` maps bars to blocks).
    """

    shared: dict[str, np.ndarray]
    trial: dict[str, np.ndarray]
    n_blocks: int
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def n_trials(self) -> int:
        """Number of trials."""
        return int(self.trial["rule"].shape[0])


def _objects(values: list[Any]) -> np.ndarray:
    """Return a 1-D object array holding ``values`` as they are (tuples stay whole)."""
    arr = np.empty(len(values), dtype=object)
    for i, x in enumerate(values):
        arr[i] = x
    return arr


def validated_values(base: RotationSpec, table: pd.DataFrame) -> dict[str, np.ndarray]:
    """Every spec field per trial, each distinct value validated once (raises ConfigError)."""
    out: dict[str, np.ndarray] = {}
    n = len(table)
    for name in FIELD_NAMES:
        if name not in table.columns:
            out[name] = _objects([getattr(base, name)])[np.zeros(n, dtype=np.int64)]
            continue
        codes, uniques = pd.factorize(table[name], sort=False)
        values = [getattr(base.replace(**{name: v}), name) for v in uniques]
        out[name] = _objects(values)[codes]
    baskets = [c for c in ("near", "long", "crypto") if c in table.columns]
    if len(baskets) > 1 or ("near" in baskets) != ("long" in baskets):
        pairs = pd.DataFrame({c: out[c] for c in ("near", "long", "crypto")}).drop_duplicates()
        for near, long, crypto in pairs.itertuples(index=False):
            base.replace(near=near, long=long, crypto=crypto)
    return out


def _codes(*columns: np.ndarray) -> tuple[np.ndarray, list[tuple[Any, ...]]]:
    """Integer code per row of the combined columns, and the distinct combinations."""
    parts = [pd.factorize(pd.Series(c, dtype=object), sort=False) for c in columns]
    rows = list(zip(*(p[0].tolist() for p in parts), strict=True))
    uniq = sorted(set(rows))  # the order of np.unique(axis=0): rows sorted by their codes
    where = {u: i for i, u in enumerate(uniq)}
    inverse = np.fromiter((where[r] for r in rows), dtype=np.int64, count=len(rows))
    keys = [tuple(parts[j][1][u[j]] for j in range(len(parts))) for u in uniq]
    return inverse, keys


def _block_ids(
    n_rows: int, n_blocks: int, edges: list[int] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Block of each bar, and the first bar of each block."""
    cuts = sorted({int(e) for e in (edges or []) if 0 < int(e) < n_rows})
    bounds = np.linspace(0, n_rows, max(1, n_blocks) + 1).round().astype(int)
    allc = sorted(set(bounds[1:-1].tolist()) | set(cuts))
    ids = np.searchsorted(np.asarray(allc, dtype=np.int64), np.arange(n_rows), side="right")
    return ids.astype(np.int64), np.asarray([0, *allc], dtype=np.int64)


def build_plan(
    prices: pd.DataFrame,
    columns: tuple[str, ...],
    factors: dict[tuple[int, int], np.ndarray],
    table: pd.DataFrame,
    base: RotationSpec,
    cash_accrual: np.ndarray,
    day_frac: np.ndarray,
    *,
    n_blocks: int = 16,
    block_edges: list[int] | None = None,
    stops: dict[str, pd.Timestamp] | None = None,
) -> SweepPlan:
    """Arrays of every trial of ``table`` (from :func:`backtests.sweep.grid.expand_grid`).

    Parameters
    ----------
    prices : DataFrame
        Validated closes; ``columns`` are the sweep's tickers (global column order).
    factors : dict
        Factor array on ``prices.index`` per ``(zscore_window, change_window)``.
    table : DataFrame
        One row per trial.
    base : RotationSpec
        Every field not in ``table``.
    cash_accrual, day_frac : ndarray, shape (T,)
        Cash interest accrual and act/360 day fractions per bar.
    n_blocks : int, keyword-only
        Equal blocks of bars for the return moments.
    block_edges : list of int, optional, keyword-only
        Extra block boundaries (bar positions), e.g. the start of a held-out sample.
    stops : dict of str to Timestamp, optional, keyword-only
        Members whose prices stop (out of their basket after their last price date).

    Returns
    -------
    SweepPlan
    """
    v = validated_values(base, table)
    n, n_rows = len(table), len(prices)
    col_pos = {c: j for j, c in enumerate(columns)}
    close = np.ascontiguousarray(prices[list(columns)].to_numpy(dtype=float))
    # factors
    fkeys = list(
        zip(table["zscore_window"].astype(int), table["change_window"].astype(int), strict=True)
    )
    fcode, funiq = _codes(np.asarray([k[0] for k in fkeys]), np.asarray([k[1] for k in fkeys]))
    fac = np.ascontiguousarray(np.stack([factors[(int(a), int(b))] for a, b in funiq]))
    # basket groups
    gcode, guniq = _codes(*(v[f] for f in _GROUP_FIELDS))
    n_max = max(len(k[0]) + len(k[1]) for k in guniq)
    g_w = np.zeros((len(guniq), n_rows, n_max))
    g_r = np.zeros((len(guniq), n_rows, n_max))
    g_m = np.zeros((len(guniq), n_max), dtype=np.int64)
    g_near = np.zeros((len(guniq), n_max), dtype=np.bool_)
    g_n = np.zeros(len(guniq), dtype=np.int64)
    inputs = []
    for g, (near, long, weighting, bvw) in enumerate(guniq):
        for t in (*near, *long):
            if t not in col_pos:
                raise DataError(f"sweep basket ticker {t!r} has no price column", source="prices")
        inp = rotation_inputs(
            prices, near, long, weighting=weighting, basket_vol_window=bvw, stops=stops
        )
        inputs.append(inp)
        m = len(inp.columns)
        g_n[g] = m
        g_w[g, :, : len(near)] = inp.near_w
        g_w[g, :, len(near) : m] = inp.long_w
        g_r[g, :, :m] = inp.returns
        g_m[g, :m] = [col_pos[c] for c in inp.columns]
        g_near[g, : len(near)] = True
    rule = np.asarray([RULE_CODES[r] for r in v["rule"]], dtype=np.int64)
    # tilt shares per (factor, tilt_scale); long-short volatility per (group, vol_window)
    scode, suniq = _codes(np.where(rule == 1, fcode, -1), np.where(rule == 1, v["tilt_scale"], 0))
    shares = np.full((len(suniq), n_rows), np.nan)
    for s, (fi, scale) in enumerate(suniq):
        if fi >= 0:
            shares[s] = rules.tilt(fac[int(fi)], tilt_scale=float(scale))
    vcode, vuniq = _codes(np.where(rule == 2, gcode, -1), np.where(rule == 2, v["vol_window"], 0))
    vols = np.full((len(vuniq), n_rows), np.nan)
    for j, (gi, window) in enumerate(vuniq):
        if gi >= 0:
            vols[j] = inputs[int(gi)].spread_vol(int(window))
    mcode, muniq = _codes(v["rebalance"])
    masks = np.stack([rules.rebalance_mask(prices.index, m[0]) for m in muniq])
    # costs per column (crypto or equity rate)
    ccode, cuniq = _codes(v["crypto"])
    is_crypto = np.asarray([[c in k[0] for c in columns] for k in cuniq], dtype=bool)[ccode]
    eq_bps = v["equity_bps"].astype(float)
    cr_bps = v["crypto_bps"].astype(float)
    fees = np.where(is_crypto, cr_bps[:, None], eq_bps[:, None]) / 1e4
    slip = np.repeat((v["slippage_bps"].astype(float) / 1e4)[:, None], len(columns), axis=1)
    block_id, block_start = _block_ids(n_rows, n_blocks, block_edges)
    shared = dict(
        close=close,
        val_close=np.ascontiguousarray(filled_close_ffill(close)),
        fill_close=np.ascontiguousarray(filled_close(close)),
        cash_accrual=np.ascontiguousarray(cash_accrual, dtype=float),
        day_frac=np.ascontiguousarray(day_frac, dtype=float),
        block_id=block_id,
        block_start=block_start,
        factors=fac,
        shares=shares,
        vols=vols,
        masks=np.ascontiguousarray(masks),
        weights=g_w,
        member_rets=g_r,
        members=g_m,
        is_near=g_near,
        n_members=g_n,
    )
    f64 = {k: v[k].astype(float) for k in ("threshold", "band", "vol_target", "leverage_cap")}
    trial = dict(
        factor_idx=fcode,
        share_idx=scode,
        vol_idx=vcode,
        mask_idx=mcode,
        group_idx=gcode,
        rule=rule,
        **f64,
        drift_band=v["drift_band"].astype(float),
        lag=v["execution_lag"].astype(np.int64),
        fees=np.ascontiguousarray(fees),
        slippage=np.ascontiguousarray(slip),
        borrow=v["borrow_bps_annual"].astype(float) / 1e4,
        init_cash=v["init_cash"].astype(float),
    )
    info = {"groups": len(guniq), "factors": len(funiq), "n": n}
    return SweepPlan(shared=shared, trial=trial, n_blocks=len(block_start), info=info)


def run_plan_chunk(
    plan: SweepPlan, lo: int, hi: int, returns_out: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Run trials ``lo..hi-1``; write net returns into ``returns_out`` (K, T) when given.

    Returns ``stats`` (K, 9), ``n_rebalances`` (K,), ``moments`` (K, blocks, 3) and, when
    ``returns_out`` is None and ``plan.info["keep"]`` is true, ``returns`` (K, T).
    Trials equal in every parameter their rule reads are computed once and their rows
    copied (:func:`backtests.sweep.dedup.distinct_trials`; identical bit for bit), and so
    are trials whose decisions are the same events with the same simulation parameters
    (:func:`backtests.sweep.dedup_events.distinct_events`).
    """
    from backtests.sweep.dedup import distinct_trials
    from backtests.sweep.dedup_events import distinct_events, worth_checking

    first, inverse = distinct_trials({name: a[lo:hi] for name, a in plan.trial.items()})
    if worth_checking(plan.trial, lo + first):  # same decisions from different parameters
        same, inv = distinct_events(plan.shared, plan.trial, lo + first)
        first, inverse = first[same], inv[inverse]
    if first.shape[0] == hi - lo:
        return _run_trials(plan, lo + first, returns_out)
    keep = returns_out is not None or bool(plan.info.get("keep", True))
    part = _run_trials(plan, lo + first, None, keep=keep)
    out = {name: np.take(part[name], inverse, axis=0) for name in ("stats", "n_rebalances")}
    out["moments"] = np.take(part["moments"], inverse, axis=0)
    if keep:
        rets = part["returns"]
        if returns_out is None:
            out["returns"] = np.take(rets, inverse, axis=0)
        else:  # "clip" (the indices are valid): written in place, no buffered (K, T) copy
            np.take(rets, inverse, axis=0, out=returns_out, mode="clip")
    return out


def _run_trials(
    plan: SweepPlan, rows: np.ndarray, returns_out: np.ndarray | None, *, keep: bool | None = None
) -> dict[str, np.ndarray]:
    """Run the trials at ``rows`` (ascending plan positions) in one kernel call."""
    sh, tr = plan.shared, plan.trial
    k = rows.shape[0]
    n_rows = sh["close"].shape[0]
    out: dict[str, np.ndarray] = {}
    if keep is None:
        keep = returns_out is not None or bool(plan.info.get("keep", True))
    if returns_out is None:
        returns_out = np.empty((k, n_rows)) if keep else np.empty((k, 1))
        if keep:
            out["returns"] = returns_out
    stats = np.empty((k, N_STATS))
    n_reb = np.empty(k, dtype=np.int64)
    moments = np.empty((k, plan.n_blocks, 3))
    lo, hi = int(rows[0]), int(rows[-1]) + 1
    if hi - lo == k:  # a contiguous run: views, no copies
        p = {name: a[lo:hi] for name, a in tr.items()}
    else:
        p = {name: np.ascontiguousarray(a[rows]) for name, a in tr.items()}
    sweep_chunk_nb(
        sh["close"], sh["val_close"], sh["fill_close"], sh["cash_accrual"], sh["day_frac"],
        sh["block_id"], plan.n_blocks, sh["factors"], p["factor_idx"], sh["shares"],
        p["share_idx"], sh["vols"], p["vol_idx"], sh["masks"], p["mask_idx"], sh["weights"],
        sh["member_rets"], sh["members"], sh["is_near"], sh["n_members"], p["group_idx"],
        p["rule"], p["threshold"], p["band"], p["vol_target"], p["leverage_cap"],
        p["drift_band"], p["lag"], p["fees"], p["slippage"], p["borrow"], p["init_cash"],
        keep, returns_out, stats, n_reb, moments,
    )  # fmt: skip
    out.update(stats=stats, n_rebalances=n_reb, moments=moments)
    return out


def stats_frame(stats: np.ndarray, n_rebalances: np.ndarray) -> pd.DataFrame:
    """Return the statistics columns of the sweep table (``STAT_NAMES`` order)."""
    names = [s for s in STAT_NAMES if s != "n_rebalances"]
    frame = pd.DataFrame(stats, columns=names)
    frame["n_rebalances"] = n_rebalances.astype(np.int64)
    return frame[list(STAT_NAMES)]

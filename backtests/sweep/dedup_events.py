"""Trials that make the same trades: simulate each distinct event stream once.

A grid's switch and long-short trials whose thresholds are close often decide exactly the
same rebalancing events: the factor crosses few levels between two neighbouring
thresholds (on the benchmark's 10,000-variant grid, 40-70% of the thresholds of a factor,
rule and calendar give an event stream another threshold already gave). After the
decisions, :func:`backtests.sweep.kernels.sweep_chunk_nb` reads nothing of a trial but its
events (rows and target weights, the lag applied), its basket group, its fees, slippage,
borrow rate and initial cash, and the inputs shared by every trial: two trials equal in
those have identical returns, statistics and moments, bit for bit.

:func:`distinct_events` makes every trial's decisions with the kernel's own ``_decide``
(:func:`decide_chunk_nb`), then keys each trial by the exact bytes of its events and of
those simulation parameters (no hash: equal keys are equal streams), and returns the first
trial of each key and every trial's key, as :func:`backtests.sweep.dedup.distinct_trials`
does for parameters. The chunk runner simulates the distinct ones and copies the rows.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from backtests.sweep.kernels import trial_events

__all__ = ["decide_chunk_nb", "distinct_events", "same_events_nb", "worth_checking"]

#: Per-trial arrays the simulation reads after the decisions (besides the events).
SIMULATION_FIELDS = ("group_idx", "fees", "slippage", "borrow", "init_cash")

#: Per-trial arrays that feed the decisions other than the levels (threshold, band, vol
#: target, cap): trials that differ in one of them rarely decide alike.
DECISION_INPUTS = ("factor_idx", "share_idx", "vol_idx", "mask_idx", "group_idx", "rule")


@njit(cache=True)
def _mix(x):  # fmt: skip
    """splitmix64's finalizer: a 64-bit word to a well-spread 64-bit hash."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@njit(cache=True)
def _step(h, x):  # fmt: skip
    """One word into a running hash (multiply by the golden-ratio constant, fold the top)."""
    h = (h ^ x) * np.uint64(0x9E3779B97F4A7C15)
    return h ^ (h >> np.uint64(32))


@njit(cache=True, parallel=True)
def decide_chunk_nb(
    factors, factor_idx, shares, share_idx, vols, vol_idx, masks, mask_idx, weights,
    member_rets, members, is_near, n_members, group_idx, rule, threshold, band, vol_target,
    leverage_cap, drift_band, lag, n_cols, offsets, ev_row_out, ev_w_out, n_ev_out, digest,
):  # fmt: skip
    """Make every trial's decisions (``trial_events``, as the sweep kernel); store the events.

    Trial ``k``'s events go to rows ``offsets[k] .. offsets[k] + n_ev_out[k] - 1`` of
    ``ev_row_out`` (bar of each event) and ``ev_w_out`` (its target weights, the group's
    member order, zero beyond the group's members); ``offsets[k + 1] - offsets[k]`` must be
    at least the number of decision bars of the trial's calendar. ``digest[k]`` hashes the
    events' bits (:func:`_step` per word, :func:`_mix` at the end): a bucket for the exact
    comparison, never trusted alone.
    """
    n_trials = rule.shape[0]
    for k in prange(n_trials):
        nm = n_members[group_idx[k]]
        n_ev, ev_row, ev_w = trial_events(
            k, factors, factor_idx, shares, share_idx, vols, vol_idx, masks, mask_idx, weights,
            member_rets, members, is_near, n_members, group_idx, rule, threshold, band,
            vol_target, leverage_cap, drift_band, lag, n_cols,
            max(offsets[k + 1] - offsets[k], 1),  # the calendar's decision bars
        )  # fmt: skip
        n_ev_out[k] = n_ev
        o = offsets[k]
        n_max = ev_w_out.shape[1]
        h = np.uint64(n_ev)
        for e in range(n_ev):
            ev_row_out[o + e] = ev_row[e]
            h = _step(h, np.uint64(ev_row[e]))
            for j in range(n_max):
                x = ev_w[e, j] if j < nm else 0.0
                ev_w_out[o + e, j] = x
            bits = ev_w_out[o + e].view(np.uint64)
            for j in range(n_max):
                h = _step(h, bits[j])
        digest[k] = _mix(h)


def worth_checking(trial: dict[str, np.ndarray], rows: np.ndarray) -> bool:
    """Return True when at least half the trials at ``rows`` share their decision inputs.

    Trials with different factors, calendars or baskets (the placebo's shifted factors, the
    ablation's variants) almost never decide alike; checking them would cost a decision
    pass for nothing.
    """
    if rows.shape[0] < 2:
        return False
    keys = np.stack([np.asarray(trial[f])[rows] for f in DECISION_INPUTS], axis=1)
    n_inputs = len(set(map(tuple, keys.tolist())))
    return 2 * n_inputs <= rows.shape[0]


def distinct_events(
    shared: dict[str, np.ndarray], trial: dict[str, np.ndarray], rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the first of each distinct (events, simulation parameters) and every key.

    Parameters
    ----------
    shared, trial : dict of str to ndarray
        ``SweepPlan.shared`` and ``SweepPlan.trial``.
    rows : ndarray of int
        Plan positions of the trials to compare (ascending).

    Returns
    -------
    first : ndarray of int
        Positions in ``rows`` of one trial per distinct key, ascending.
    inverse : ndarray of int
        For each position in ``rows``, the position in ``first`` of its key.
    """
    p = {name: np.ascontiguousarray(a[rows]) for name, a in trial.items()}
    masks = shared["masks"]
    room = masks.sum(axis=1).astype(np.int64)[p["mask_idx"]]  # decision bars per trial
    offsets = np.zeros(rows.shape[0] + 1, dtype=np.int64)
    np.cumsum(room, out=offsets[1:])
    n_max = int(shared["weights"].shape[2])
    ev_row = np.empty(int(offsets[-1]), dtype=np.int64)
    ev_w = np.empty((int(offsets[-1]), n_max))
    n_ev = np.zeros(rows.shape[0], dtype=np.int64)
    digest = np.zeros(rows.shape[0], dtype=np.uint64)
    decide_chunk_nb(
        shared["factors"], p["factor_idx"], shared["shares"], p["share_idx"], shared["vols"],
        p["vol_idx"], masks, p["mask_idx"], shared["weights"], shared["member_rets"],
        shared["members"], shared["is_near"], shared["n_members"], p["group_idx"], p["rule"],
        p["threshold"], p["band"], p["vol_target"], p["leverage_cap"], p["drift_band"],
        p["lag"], shared["close"].shape[1], offsets, ev_row, ev_w, n_ev, digest,
    )  # fmt: skip
    sim = np.concatenate(
        [
            np.ascontiguousarray(p[f]).reshape(rows.shape[0], -1).view(np.uint8)
            for f in SIMULATION_FIELDS
        ],
        axis=1,
    )

    bits = ev_w.view(np.uint64)  # compared as bits: -0.0 and NaN kept apart
    buckets: dict[bytes, list[int]] = {}  # (digest, n_ev, simulation bytes) -> keys in it
    first: list[int] = []
    inverse = np.empty(rows.shape[0], dtype=np.int64)
    for j in range(rows.shape[0]):
        bucket = buckets.setdefault(digest[j].tobytes() + n_ev[j].tobytes() + sim[j].tobytes(), [])
        for pos in bucket:  # equal digests are only candidates: compare the events exactly
            if same_events_nb(offsets, n_ev, ev_row, bits, first[pos], j):
                inverse[j] = pos
                break
        else:
            bucket.append(len(first))
            inverse[j] = len(first)
            first.append(j)
    return np.array(first, dtype=np.int64), inverse


@njit(cache=True)
def same_events_nb(offsets, n_ev, ev_row, ev_bits, a, b):  # fmt: skip
    """Return True when trials ``a`` and ``b`` have the same events, bit for bit."""
    if n_ev[a] != n_ev[b]:
        return False
    oa, ob = offsets[a], offsets[b]
    for e in range(n_ev[a]):
        if ev_row[oa + e] != ev_row[ob + e]:
            return False
        for m in range(ev_bits.shape[1]):
            if ev_bits[oa + e, m] != ev_bits[ob + e, m]:
                return False
    return True

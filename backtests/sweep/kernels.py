"""The sweep's compiled core: decide, trade and summarize many trials in one numba call.

One call of :func:`sweep_chunk_nb` takes a chunk of trials described by parameter arrays
(rule code, threshold, band, vol target, ...) and indices into inputs shared by the whole
sweep (factors, tilt shares, spread volatilities, rebalancing calendars, basket weights and
member returns per basket group, valuation prices). For each trial, in parallel, it

1. walks the bars once to make the rule's decisions (switch with hysteresis, tilt,
   long-short scaled to a volatility target), keeps those on the trial's calendar, applies
   the drift band and the execution lag, and stores the accepted decisions as **sparse
   rebalancing events** (row, weights): no dates x trials x assets tensor exists;
2. simulates the portfolio on those events with the accounting of
   :mod:`backtests.engines.nb` (itself checked against the reference engine);
3. computes the daily net returns (carry included, as
   :func:`backtests.engines.simulation.net_returns`), the statistics row of
   :func:`backtests.engines.stats.summary_stats` (computed in
   :mod:`backtests.sweep.kernel_stats`; sums are numpy's pairwise sums, so the numbers are
   those of the numpy statistics) and per-block return moments (count, sum, sum of squares)
   from which in-sample/held-out and CSCV Sharpe ratios follow without the returns matrix.

The arithmetic of every step repeats, operation for operation, the array code of
:mod:`backtests.rotation.rules` and :mod:`backtests.rotation.targets`, so a sweep trial and a
single backtest decide identical targets; the tests hold the two to 1e-10.

Timing
------
A decision at close t (factor and prices up to t) becomes an event at row t + lag.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from backtests.engines.nb import _add, _argsort, _is_close, _snap
from backtests.sweep.kernel_stats import (
    _PPY,  # noqa: F401 (importable from here as before the split)
    N_STATS,
    _leaf_sum,  # noqa: F401 (importable from here as before the split)
    _nan_mean,  # noqa: F401 (importable from here as before the split)
    _stats,
    pairwise_sum,
)

__all__ = ["N_STATS", "RULE_CODES", "pairwise_sum", "sweep_chunk_nb", "trial_events"]

RULE_CODES = {"switch": 0, "tilt": 1, "longshort": 2}


@njit(cache=True)
def _decide(
    k, factor, share, vol, mask, w, rets, members, is_near, n_mem, rule, threshold, band,
    vol_target, leverage_cap, drift_band, lag, n_cols, ev_row, ev_w,
) -> int:  # fmt: skip
    """Make trial ``k``'s decisions; write its events; return how many there are."""
    n_rows = factor.shape[0]
    lo = threshold - band / 2.0
    hi = threshold + band / 2.0
    state = np.nan
    book = np.zeros(n_mem)
    tw = np.empty(n_mem)
    head = 0
    n_ev = 0
    for t in range(n_rows):
        if rule != 1:
            f = factor[t]
            if not np.isnan(f):
                if f > hi:
                    state = 1.0
                elif f < lo:
                    state = 0.0
                elif np.isnan(state):
                    state = 1.0 if f > threshold else 0.0
        if drift_band > 0:
            if t > 0:
                growth = 1.0
                for j in range(n_mem):
                    r = rets[t, j]
                    if not np.isnan(r):
                        growth += book[j] * r
                if growth > 0:
                    for j in range(n_mem):
                        r = rets[t, j]
                        if not np.isnan(r):
                            book[j] = book[j] * (1.0 + r)
                        book[j] /= growth
            while head < n_ev and ev_row[head] <= t:
                for j in range(n_mem):
                    book[j] = ev_w[head, j]
                head += 1
        if not mask[t]:
            continue
        if rule == 2:
            direction = 0.0 if np.isnan(state) else 2.0 * state - 1.0
            v = vol[t]
            size = vol_target / v if (np.isfinite(v) and v > 0) else 0.0
            cap = leverage_cap / 2.0
            size = size if size <= cap else cap
            kk = direction * size
            for j in range(n_mem):
                tw[j] = kk * w[t, j] if is_near[j] else -kk * w[t, j]
        else:
            s = state if rule == 0 else share[t]
            if np.isnan(s):
                for j in range(n_mem):
                    tw[j] = 0.0
            else:
                for j in range(n_mem):
                    tw[j] = s * w[t, j] if is_near[j] else (1.0 - s) * w[t, j]
        if drift_band > 0:
            dev = 0.0
            for j in range(n_mem):
                ref = ev_w[n_ev - 1, j] if n_ev > head else book[j]
                d = abs(tw[j] - ref)
                if d > dev:
                    dev = d
            if dev <= drift_band:
                continue
        ev_row[n_ev] = t + lag
        for j in range(n_mem):
            ev_w[n_ev, j] = tw[j]
        n_ev += 1
    return n_ev


@njit(cache=True)
def trial_events(
    k, factors, factor_idx, shares, share_idx, vols, vol_idx, masks, mask_idx, weights,
    member_rets, members, is_near, n_members, group_idx, rule, threshold, band, vol_target,
    leverage_cap, drift_band, lag, n_cols, cap,
):  # fmt: skip
    """Trial ``k``'s decisions from the sweep's shared and per-trial arrays (``_decide``).

    Returns the number of events and the buffers (``cap`` rows, at least the trial's
    decision bars: small, heap memory rather than a fresh mapping per trial) holding them.
    """
    g = group_idx[k]
    nm = n_members[g]
    ev_row = np.empty(cap, dtype=np.int64)
    ev_w = np.empty((cap, nm))
    n_ev = _decide(
        k, factors[factor_idx[k]], shares[share_idx[k]], vols[vol_idx[k]],
        masks[mask_idx[k]], weights[g], member_rets[g], members[g, :nm], is_near[g, :nm],
        nm, rule[k], threshold[k], band[k], vol_target[k], leverage_cap[k],
        drift_band[k], lag[k], n_cols, ev_row, ev_w,
    )  # fmt: skip
    return n_ev, ev_row, ev_w


@njit(cache=True)
def _decision_bars(mask):  # fmt: skip
    """Return how many bars of a rebalancing calendar are decision bars (at least 1)."""
    n = 0
    for t in range(mask.shape[0]):
        if mask[t]:
            n += 1
    return max(n, 1)


@njit(cache=True, parallel=True)
def sweep_chunk_nb(
    close, val_close, fill_close, cash_accrual, day_frac, block_id, n_blocks,
    factors, factor_idx, shares, share_idx, vols, vol_idx, masks, mask_idx,
    weights, member_rets, members, is_near, n_members, group_idx,
    rule, threshold, band, vol_target, leverage_cap, drift_band, lag,
    fees, slippage, borrow, init_cash, keep, returns_out, stats_out, n_rebalances, moments,
):  # fmt: skip
    """Decide, simulate and summarize every trial of a chunk (see the module docstring).

    Shapes: ``close``/``val_close``/``fill_close`` (T, N); ``factors``, ``shares``,
    ``vols`` (F, T), (S, T), (V, T); ``masks`` (M, T) bool; ``weights`` and
    ``member_rets`` (G, T, Nmax) in each group's member order; ``members``/``is_near``
    (G, Nmax) (global column of each member, near flag); per-trial arrays (K,) or (K, N)
    for ``fees``/``slippage``. Writes ``returns_out`` (K, T) when ``keep`` (else a (K, 1)
    dummy), ``stats_out`` (K, N_STATS), ``n_rebalances`` (K,) and ``moments``
    (K, n_blocks, 3): count, sum and sum of squares of the net returns per block.
    """
    n_trials = rule.shape[0]
    n_rows, n_cols = close.shape
    for k in prange(n_trials):
        g = group_idx[k]
        nm = n_members[g]
        mem = members[g, :nm]
        n_ev, ev_row, ev_w = trial_events(
            k, factors, factor_idx, shares, share_idx, vols, vol_idx, masks, mask_idx, weights,
            member_rets, members, is_near, n_members, group_idx, rule, threshold, band,
            vol_target, leverage_cap, drift_band, lag, n_cols,
            _decision_bars(masks[mask_idx[k]]),  # events come only on decision bars
        )  # fmt: skip
        ret = returns_out[k] if keep else np.empty(n_rows)
        turn = np.empty(n_rows)
        expo = np.empty(n_rows)
        cash0 = init_cash[k]
        cash = cash0
        # the trial's own columns, in its order (near then long), as a single backtest
        pos = np.zeros(nm)
        ov = np.empty(nm)
        order = np.empty(nm, dtype=np.int64)
        prev = -1
        e = 0
        n_bars = 0
        prev_value = cash0
        prev_cash = cash0
        prev_short = 0.0
        bk = borrow[k]
        for b in range(n_blocks):
            moments[k, b, 0] = 0.0
            moments[k, b, 1] = 0.0
            moments[k, b, 2] = 0.0
        for i in range(n_rows):
            traded = 0.0
            if e < n_ev and ev_row[e] == i:
                size = ev_w[e]
                e += 1
                if prev >= 0 and i > prev + 1:
                    cash = _snap(cash)
                    for c in range(nm):
                        pos[c] = _snap(pos[c])
                prev = i
                value = cash
                for c in range(nm):
                    if pos[c] != 0:
                        value += pos[c] * val_close[i, mem[c]]
                for c in range(nm):
                    ov[c] = size[c] * value - pos[c] * val_close[i, mem[c]]
                _argsort(ov, order)
                v = _snap(value)  # the same for every order of the bar
                for j in range(nm):
                    c = order[j]
                    col = mem[c]
                    cash = _snap(cash)
                    p = _snap(pos[c])
                    pos[c] = p
                    vp = _snap(val_close[i, col])
                    target = size[c]
                    price = close[i, col]
                    if np.isnan(target) or np.isnan(price) or np.isnan(v) or v <= 0:
                        continue
                    if np.isnan(vp):
                        continue
                    shares_ = target * v / vp - p
                    fee = fees[k, col]
                    if shares_ > 0:
                        adj = price * (1.0 + slippage[k, col])
                        if cash == 0:
                            continue
                        req = shares_ * adj
                        req_fees = req * fee + 0.0
                        total = req + req_fees
                        if _is_close(total, cash) or total < cash:
                            fsize = shares_
                            final_req = total
                        else:
                            max_req = _add(cash, -0.0) / (1.0 + fee)
                            if max_req <= 0:
                                continue
                            fsize = max_req / adj
                            final_req = cash
                        if _is_close(shares_, 0.0):
                            continue
                        cash = _add(cash, -final_req)
                        pos[c] = _add(p, fsize)
                        traded += abs(fsize * adj)
                    else:
                        s = -shares_
                        adj = price * (1.0 - slippage[k, col])
                        if _is_close(s, 0.0):
                            continue
                        acq = s * adj
                        paid = acq * fee + 0.0
                        final_acq = _add(acq, -paid)
                        if final_acq < 0:
                            continue
                        cash = cash + final_acq
                        pos[c] = _add(p, -s)
                        traded += abs(s * adj)
                if traded > 0:
                    n_bars += 1
            total_value = cash
            short = 0.0
            gross = 0.0
            for c in range(nm):
                if pos[c] != 0:
                    pv = pos[c] * fill_close[i, mem[c]]
                    total_value += pv
                    gross += abs(pv)
                    if pv < 0:
                        short -= pv
            # net return of the day (engines.simulation.net_returns, operation for operation)
            if prev_value == 0:
                r = 0.0 if total_value == 0 else np.inf * np.sign(total_value)
            else:
                r = (total_value - prev_value) / prev_value
                if prev_value < 0:
                    r = -r
            if prev_value > 0:
                carry = (prev_cash * cash_accrual[i] - prev_short * (bk * day_frac[i])) / prev_value
            else:
                carry = 0.0
            x = r + carry
            ret[i] = x
            if not np.isnan(x):  # block moments, accumulated in row order as before
                b = block_id[i]
                moments[k, b, 0] += 1.0
                moments[k, b, 1] += x
                moments[k, b, 2] += x * x
            turn[i] = 0.0 if traded == 0 else traded / (2.0 * total_value)
            expo[i] = gross / total_value
            prev_value = total_value
            prev_cash = cash
            prev_short = short
        n_rebalances[k] = n_bars
        _stats(ret, turn, expo, turn.copy(), stats_out[k])

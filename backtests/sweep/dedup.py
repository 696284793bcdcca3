"""Trials the compiled sweep would compute twice: find them, compute each once.

A grid crosses every axis with every other, so it can hold trials that differ only in a
parameter their rule never reads: the tilt rule follows its tilt share and ignores the
threshold and the band (a threshold axis repeats each tilt trial once per threshold), the
switch ignores the volatility target. The kernel's output for a trial depends on nothing but
its parameters (:func:`backtests.sweep.kernels.sweep_chunk_nb`: no state crosses trials), so
trials equal in every parameter their rule reads have identical returns, statistics and
moments, bit for bit. :func:`distinct_trials` finds them; the chunk runner computes the
distinct ones and copies the rows.
"""

from __future__ import annotations

import numpy as np

from backtests.sweep.kernels import RULE_CODES

__all__ = ["UNUSED_BY_RULE", "distinct_trials"]

#: Per rule, the per-trial arrays of the plan the kernel does not read for that rule
#: (``_decide``: the switch state uses the factor, threshold and band; the tilt reads only
#: its share; the long-short the state and the spread volatility, target and cap).
UNUSED_BY_RULE: dict[str, tuple[str, ...]] = {
    "switch": ("share_idx", "vol_idx", "vol_target", "leverage_cap"),
    "tilt": ("factor_idx", "threshold", "band", "vol_idx", "vol_target", "leverage_cap"),
    "longshort": ("share_idx",),
}


def distinct_trials(trial: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Return the first trial of each distinct parameter set and every trial's set.

    Parameters
    ----------
    trial : dict of str to ndarray
        Per-trial arrays (axis 0 is the trial), as ``SweepPlan.trial`` or a slice of it.

    Returns
    -------
    first : ndarray of int
        Index of one trial per distinct set, ascending.
    inverse : ndarray of int
        For each trial, the position in ``first`` of its set: ``trial[first][inverse]``
        equals ``trial`` in every parameter its rule reads.

    Examples
    --------
    >>> t = {"rule": np.array([1, 1, 0]), "threshold": np.array([0.0, 0.5, 0.5])}
    >>> first, inverse = distinct_trials(t)
    >>> first.tolist(), inverse.tolist()
    ([0, 2], [0, 0, 1])
    """
    rule = np.asarray(trial["rule"])
    n = rule.shape[0]
    cols = []
    for name in sorted(trial):
        a = np.ascontiguousarray(trial[name]).reshape(n, -1)
        bits = a.view(np.int64) if a.dtype.itemsize == 8 else a.astype(np.int64)
        bits = bits.copy()
        for rname, code in RULE_CODES.items():
            if name in UNUSED_BY_RULE[rname]:
                bits[rule == code] = 0  # not read for this rule: does not tell trials apart
        cols.append(bits)
    keys = np.ascontiguousarray(np.concatenate(cols, axis=1))
    seen: dict[bytes, int] = {}
    first: list[int] = []
    inverse = np.empty(n, dtype=np.int64)
    for j in range(n):
        pos = seen.setdefault(keys[j].tobytes(), len(first))
        if pos == len(first):
            first.append(j)
        inverse[j] = pos
    return np.array(first, dtype=np.int64), inverse

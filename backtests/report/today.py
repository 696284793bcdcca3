"""What the factor says today: the ``now`` block of ``metrics.json`` and the report's top.

Everything is read off the last row of the run: the factor and its percentile among its own
past values, the regime, each weighted component's latest value, the date it was last
usable and whether it is stale now, the holdings (the last row of ``weights.csv``), and how
far the factor is from flipping the position under the configured rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def flip_distance(factor: float, near_share: float, rule: str, threshold: float, band: float):
    """Factor units to the next change of position, and which way.

    For ``switch``: holding the near basket, the position flips when the factor falls below
    ``threshold - band/2``; holding the long basket, when it rises above
    ``threshold + band/2``. For ``tilt`` and ``longshort`` the position moves continuously;
    the distance is to the neutral point (factor = ``threshold`` for ``longshort``' sign,
    0 for ``tilt``).

    Returns
    -------
    dict
        ``{level, distance, direction}``: the factor level at which the position changes,
        ``level - factor`` and ``"down"`` or ``"up"``.
    """
    if rule == "switch":
        if near_share >= 0.5:
            level = threshold - band / 2.0
            return {"level": level, "distance": level - factor, "direction": "down"}
        level = threshold + band / 2.0
        return {"level": level, "distance": level - factor, "direction": "up"}
    level = 0.0 if rule == "tilt" else float(threshold)
    return {
        "level": level,
        "distance": level - factor,
        "direction": "down" if factor >= level else "up",
    }


def now_block(
    factor: Any,
    weights: pd.DataFrame,
    *,
    near: tuple[str, ...],
    long: tuple[str, ...],
    rule: str,
    threshold: float,
    band: float,
) -> dict[str, Any]:
    """Build the ``now`` block.

    Parameters
    ----------
    factor : FactorResult
        The run's factor (``factor``, ``regime``, ``components``, ``active``, ``weights``).
    weights : DataFrame
        End-of-day holdings of the strategy (``weights.csv``).
    near, long : tuple of str
        Basket members.
    rule, threshold, band
        The rotation rule and its parameters.

    Returns
    -------
    dict
        ``{date, factor, percentile, regime, holdings: {ticker: weight}, held_basket,
        components: {name: {value, as_of, stale}}, flip: {level, distance, direction}}``.
    """
    date = weights.index[-1]
    f = factor.factor.loc[:date]
    value = float(f.iloc[-1]) if len(f) and np.isfinite(f.iloc[-1]) else None
    past = f.dropna()
    pct = float((past <= value).mean()) if value is not None and len(past) else None
    last = weights.iloc[-1]
    holdings = {str(k): float(v) for k, v in last.items()}
    near_w = float(sum(last.get(t, 0.0) for t in near))
    long_w = float(sum(last.get(t, 0.0) for t in long))
    held = "near" if near_w > long_w else ("long" if long_w > near_w else "none")
    comps: dict[str, dict[str, Any]] = {}
    active = factor.active.loc[:date]
    for name in factor.weights:
        col = factor.components[name].loc[:date] if name in factor.components else None
        act = active[name] if name in active else pd.Series(False, index=active.index)
        usable = act[act]
        comps[name] = {
            "value": None if col is None or col.dropna().empty else float(col.dropna().iloc[-1]),
            "as_of": None if usable.empty else usable.index[-1].strftime("%Y-%m-%d"),
            "stale": bool(not act.iloc[-1]) if len(act) else True,
        }
    regime = factor.regime.loc[:date]
    flip = (
        None
        if value is None
        else flip_distance(value, near_w / max(near_w + long_w, 1e-12), rule, threshold, band)
    )
    return {
        "date": date.strftime("%Y-%m-%d"),
        "factor": value,
        "percentile": pct,
        "regime": bool(regime.iloc[-1]) if len(regime) else False,
        "holdings": holdings,
        "held_basket": held,
        "components": comps,
        "flip": flip,
    }

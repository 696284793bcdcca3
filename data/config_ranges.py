"""Ranges of the numeric configuration keys: probabilities in [0, 1], counts >= 1, lags >= 0.

:func:`check_ranges` runs after the merge of the default, the user file and the overrides
(which already checks each key's kind: a number where the default is a number) and raises a
:class:`~data.errors.ConfigError` naming the file, the section, the key, what it must be and
the value. Counts and windows must be whole numbers (``2.5`` days of lag is an error, ``3.0`` is
accepted as 3). A list value (``horizons``, a sweep grid) is checked element by element.

Only ranges that follow from what a key means are here; keys of any sign (thresholds, factor
weights, the planted effect size) are listed in :data:`UNBOUNDED` so that a new numeric key
must be given a range or declared unbounded (a test checks that every numeric key is one or
the other).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from data.errors import ConfigError

__all__ = ["RANGES", "UNBOUNDED", "Range", "check_ranges"]


@dataclass(frozen=True)
class Range:
    """An allowed interval of a number, and whether it must be a whole number.

    Examples
    --------
    >>> Range(0, 1).text
    'a number in [0, 1]'
    >>> Range(1, integer=True).allows(2.5)
    False
    """

    lo: float | None = None
    hi: float | None = None
    integer: bool = False
    lo_open: bool = False
    hi_open: bool = False

    @property
    def text(self) -> str:
        """Say what the value must be (``a whole number >= 1``)."""
        kind = "a whole number" if self.integer else "a number"
        if self.lo is not None and self.hi is not None:
            left, right = "(" if self.lo_open else "[", ")" if self.hi_open else "]"
            return f"{kind} in {left}{self.lo:g}, {self.hi:g}{right}"
        if self.lo is not None:
            return f"{kind} {'>' if self.lo_open else '>='} {self.lo:g}"
        if self.hi is not None:
            return f"{kind} {'<' if self.hi_open else '<='} {self.hi:g}"
        return kind

    def allows(self, value: Any) -> bool:
        """Return True when ``value`` is a finite number inside the range."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        x = float(value)
        if not math.isfinite(x) or (self.integer and not x.is_integer()):
            return False
        if self.lo is not None and (x <= self.lo if self.lo_open else x < self.lo):
            return False
        return not (self.hi is not None and (x >= self.hi if self.hi_open else x > self.hi))


PROB = Range(0, 1)
OPEN_PROB = Range(0, 1, lo_open=True, hi_open=True)
COUNT = Range(1, integer=True)
LAG = Range(0, integer=True)
NONNEG = Range(0)
POSITIVE = Range(0, lo_open=True)
WINDOW = Range(2, integer=True)

RANGES: dict[str, Range] = {
    # [data]
    "data.sec_max_requests_per_s": POSITIVE,
    "data.http_timeout_s": POSITIVE,
    "data.http_retries": LAG,
    "data.capex_quarter_lag_days": LAG,
    "data.capex_annual_lag_days": LAG,
    "data.staleness_days.equity": LAG,
    "data.staleness_days.crypto": LAG,
    "data.releases.window_days": LAG,
    "data.plausibility.equity_max_move": POSITIVE,
    "data.plausibility.equity_warn_move": POSITIVE,
    "data.plausibility.crypto_max_move": POSITIVE,
    "data.plausibility.crypto_warn_move": POSITIVE,
    "data.plausibility.future_days": LAG,
    "data.plausibility.capex_max_ratio": POSITIVE,
    "data.plausibility.capex_warn_ratio": POSITIVE,
    "data.plausibility.french_max_return": POSITIVE,
    "data.plausibility.french_warn_return": POSITIVE,
    # [factor]
    "factor.min_periods": WINDOW,
    "factor.zscore_window": LAG,  # 0: expanding
    "factor.zscore_clip": NONNEG,  # 0: no clipping
    "factor.change_window": COUNT,
    "factor.capex_growth_quarters": COUNT,
    "factor.surprise_trend_quarters": COUNT,
    "factor.capex_max_missing_quarters": LAG,
    "factor.rrp_exhausted_bn": NONNEG,
    "factor.rrp_peak_fraction": PROB,
    "factor.rrp_peak_window": COUNT,
    "factor.surprise_window_days": COUNT,
    "factor.min_components": COUNT,
    "factor.staleness_days.daily": LAG,
    "factor.staleness_days.weekly": LAG,
    "factor.staleness_days.quarterly": LAG,
    "factor.staleness_days.monthly": LAG,
    # [targets] (long history)
    "targets.cost_bps": NONNEG,
    "targets.episode_percentile": PROB,
    "targets.episode_window_quarters": COUNT,
    "targets.episode_min_quarters": COUNT,
    # [backtest], [costs]
    "backtest.band": NONNEG,
    "backtest.tilt_scale": POSITIVE,
    "backtest.vol_target": POSITIVE,
    "backtest.vol_window": WINDOW,
    "backtest.leverage_cap": POSITIVE,
    "backtest.drift_band": NONNEG,
    "backtest.basket_vol_window": WINDOW,
    "backtest.execution_lag": COUNT,  # never 0: the signal's own close is not tradable
    "backtest.init_cash": POSITIVE,
    "costs.equity_bps": NONNEG,
    "costs.crypto_bps": NONNEG,
    "costs.slippage_bps": NONNEG,
    "costs.borrow_bps_annual": NONNEG,
    "costs.cash_rate_stale_days": LAG,
    # [inference]
    "inference.headline_horizon": COUNT,
    "inference.seed": LAG,
    "inference.bootstrap_reps": COUNT,
    "inference.placebo_reps": COUNT,
    "inference.hac_lags": LAG,  # 0: the Newey-West rule
    "inference.horizons": COUNT,
    "inference.pbo_splits": Range(2, integer=True),
    "inference.walkforward_train_days": COUNT,
    "inference.walkforward_test_days": COUNT,
    "inference.ci_level": OPEN_PROB,
    "inference.bootstrap_block_length": NONNEG,  # 0: the Politis-White rule
    "inference.placebo_block": COUNT,
    "inference.placebo_min_shift": LAG,
    "inference.hurdle_alpha": OPEN_PROB,
    # [verdict]
    "verdict.predictive_pvalue": PROB,
    "verdict.spa_pvalue": PROB,
    "verdict.deflated_sharpe": PROB,
    "verdict.pbo": PROB,
    "verdict.placebo_pvalue": PROB,
    "verdict.min_later_days": LAG,
    # [mechanism]
    "mechanism.horizons": LAG,
    "mechanism.lags": LAG,
    "mechanism.alpha": OPEN_PROB,
    "mechanism.min_obs": COUNT,
    "mechanism.threshold_trim": Range(0, 0.5, lo_open=True, hi_open=True),
    "mechanism.threshold_boot": LAG,
    "mechanism.seed": LAG,
    # [forecast]
    "forecast.horizons": COUNT,
    "forecast.warmup": Range(3, integer=True),
    # [sweep]
    "sweep.zscore_window": LAG,
    "sweep.change_window": COUNT,
    "sweep.chunk_size": COUNT,
    # [synthetic] (the simulator checks its own model ranges too)
    "synthetic.seed": LAG,
    "synthetic.garch_alpha": NONNEG,
    "synthetic.garch_beta": NONNEG,
    "synthetic.fundamentals_lead_years": LAG,
    "synthetic.capex_boom_ramp_quarters": COUNT,
    "synthetic.restatement_prob": PROB,
    "synthetic.rrp_base_bn": NONNEG,
    "synthetic.rrp_peak_bn": NONNEG,
    "synthetic.rrp_floor_bn": NONNEG,
}

UNBOUNDED: frozenset[str] = frozenset(
    {
        "backtest.threshold",
        "sweep.threshold",
        "inference.event_window",  # checked as a pair below
        "synthetic.effect_size",
        "synthetic.student_df",  # the simulator's own range (it needs > 2)
        "synthetic.capex_base_growth",
        "synthetic.capex_boom_growth",
        "synthetic.scarcity_capex_weight",
        "synthetic.scarcity_rrp_weight",
        "synthetic.yield_response",
        "synthetic.spread_response",
    }
)
"""Numeric keys of any sign or checked elsewhere; tables with free keys are not listed
(``[factor.weights]``, ``[data.units]``, ``[factor.macro_components]``, ``[macro.series]``)."""

#: (smaller key, larger key): a warning threshold never above its error threshold
ORDERED = (
    ("data.plausibility.equity_warn_move", "data.plausibility.equity_max_move"),
    ("data.plausibility.crypto_warn_move", "data.plausibility.crypto_max_move"),
    ("data.plausibility.capex_warn_ratio", "data.plausibility.capex_max_ratio"),
    ("data.plausibility.french_warn_return", "data.plausibility.french_max_return"),
)


def _get(d: Mapping[str, Any], dotted: str) -> Any:
    node: Any = d
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _where(dotted: str) -> tuple[str, str]:
    section, _, key = dotted.rpartition(".")
    return section, key


def check_ranges(d: Mapping[str, Any], origin: str) -> None:
    """Raise :class:`ConfigError` for the first numeric key outside its range.

    Parameters
    ----------
    d : mapping
        The merged configuration (sections of keys).
    origin : str
        The file the configuration came from (named in the message).

    Raises
    ------
    ConfigError
        ``<file>: section [<section>], key `<key>` must be <range>, got <value>``.
    """
    for dotted, rule in RANGES.items():
        value = _get(d, dotted)
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            if not rule.allows(v):
                section, key = _where(dotted)
                each = "each element " if isinstance(value, list | tuple) else ""
                raise ConfigError(
                    f"{origin}: section [{section}], key `{key}` {each}must be {rule.text}, "
                    f"got {v!r}"
                )
    window = _get(d, "inference.event_window")
    whole = Range(integer=True)
    if window is not None and (
        len(window) != 2 or not all(whole.allows(x) for x in window) or window[0] > window[1]
    ):
        raise ConfigError(
            f"{origin}: section [inference], key `event_window` must be two whole numbers "
            f"[first, last] with first <= last, got {window!r}"
        )
    for small, large in ORDERED:
        a, b = _get(d, small), _get(d, large)
        if a is not None and b is not None and float(a) > float(b):
            section, key = _where(small)
            raise ConfigError(
                f"{origin}: section [{section}], key `{key}` ({a}) must not be above "
                f"`{_where(large)[1]}` ({b})"
            )

"""Target weights of the rotation: factor + prices + spec -> per-ticker weights per day.

The chain is rule (:func:`backtests.rotation.rules.switch`, ``tilt`` or ``longshort``) ->
basket mix (:mod:`backtests.rotation.baskets`) -> calendar
(:func:`backtests.rotation.rules.rebalance_mask`) -> drift band
(:func:`backtests.rotation.rules.drift_filter`). :class:`RotationInputs` holds the pieces that
depend on prices only, so the sweep computes them once and reuses them across trials through
:func:`decide`, the very function :func:`target_weights` calls.

Timing
------
Row t of the targets is decided at close t from the factor and prices up to t. The targets
are **not** lagged: :func:`backtests.engines.engine.run_backtest` trades them ``execution_lag`` bars
later, the one place the lag is applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from backtests.rotation import rules
from backtests.rotation.baskets import basket_weights, trailing_returns
from backtests.rotation.prices import Prices, as_prices
from backtests.rotation.prices import check_prices as check_prices  # re-exported (old home)
from backtests.rotation.spec import RotationSpec, Weighting
from data.errors import DataError


@dataclass(frozen=True)
class RotationInputs:
    """Price-only inputs of the rules for one pair of baskets and one basket weighting.

    Attributes
    ----------
    index : DatetimeIndex
        The dates (``date``).
    columns : tuple of str
        Near members then long members.
    near_w, long_w : ndarray, shapes (T, n_near) and (T, n_long)
        Within-basket weights decided at each close.
    returns : ndarray, shape (T, n_near + n_long)
        Member daily returns (NaN before a member's second price).
    """

    index: pd.DatetimeIndex
    columns: tuple[str, ...]
    near_w: np.ndarray
    long_w: np.ndarray
    returns: np.ndarray

    def spread_vol(self, window: int) -> np.ndarray:
        """Annualized trailing volatility of the near-minus-long spread (see ``rules``)."""
        spread = rules.spread_returns(self.near_w, self.long_w, self.returns)
        return rules.spread_vol(spread, window=window)


def rotation_inputs(
    prices: pd.DataFrame,
    near: tuple[str, ...],
    long: tuple[str, ...],
    *,
    weighting: Weighting = "equal",
    basket_vol_window: int = 63,
    stops: Mapping[str, pd.Timestamp] | None = None,
) -> RotationInputs:
    """Compute the price-only inputs of the rules (basket weights, member returns).

    Parameters
    ----------
    prices : DataFrame
        Wide adjusted closes with every basket member as a column.
    near, long : tuple of str
        Basket members.
    weighting : {"equal", "inverse_vol"}, keyword-only
    basket_vol_window : int, keyword-only
    stops : mapping of str to Timestamp, keyword-only, optional
        Members whose prices stop, with their last price date (they leave their basket
        after it; :attr:`backtests.rotation.prices.Prices.stops`).

    Returns
    -------
    RotationInputs

    Timing
    ------
    Row t uses prices up to close t.
    """
    near_w = basket_weights(
        prices, near, weighting=weighting, vol_window=basket_vol_window, stops=stops
    )
    long_w = basket_weights(
        prices, long, weighting=weighting, vol_window=basket_vol_window, stops=stops
    )
    cols = (*near, *long)
    rets = trailing_returns(prices[list(cols)]).to_numpy()
    return RotationInputs(
        index=prices.index,
        columns=cols,
        near_w=near_w.to_numpy(),
        long_w=long_w.to_numpy(),
        returns=rets,
    )


def decide(
    factor: np.ndarray,
    inputs: RotationInputs,
    spec: RotationSpec,
    *,
    vol: np.ndarray | None = None,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """Targets as an array (rows = dates, columns = ``inputs.columns``), NaN rows = hold.

    Parameters
    ----------
    factor : ndarray, shape (T,)
        The factor on ``inputs.index`` (NaN during warm-up).
    inputs : RotationInputs
        Must match ``spec`` (same baskets and weighting).
    spec : RotationSpec
    vol : ndarray, optional
        Precomputed ``inputs.spread_vol(spec.vol_window)`` (long-short only).
    mask : ndarray of bool, optional
        Precomputed ``rules.rebalance_mask(inputs.index, spec.rebalance)``.

    Returns
    -------
    ndarray, shape (T, n_near + n_long)

    Timing
    ------
    Row t is decided at close t (not lagged).
    """
    factor = np.asarray(factor, dtype=float)
    if spec.rule == "switch":
        share = rules.switch(factor, threshold=spec.threshold, band=spec.band)
        raw = rules.long_only_targets(share, inputs.near_w, inputs.long_w)
    elif spec.rule == "tilt":
        share = rules.tilt(factor, tilt_scale=spec.tilt_scale)
        raw = rules.long_only_targets(share, inputs.near_w, inputs.long_w)
    else:
        state = rules.switch(factor, threshold=spec.threshold, band=spec.band)
        if vol is None:
            vol = inputs.spread_vol(spec.vol_window)
        k = rules.longshort(state, vol, vol_target=spec.vol_target, leverage_cap=spec.leverage_cap)
        raw = rules.longshort_targets(k, inputs.near_w, inputs.long_w)
    if mask is None:
        mask = rules.rebalance_mask(inputs.index, spec.rebalance)
    scheduled = rules.on_schedule(raw, mask)
    return rules.drift_filter(
        scheduled, inputs.returns, drift_band=spec.drift_band, lag=spec.execution_lag
    )


def spec_inputs(prices: Prices, spec: RotationSpec) -> RotationInputs:
    """Return :func:`rotation_inputs` for ``spec``'s baskets on checked ``prices``.

    Weighting and volatility window from ``spec``; members leave their basket where
    ``prices`` says their prices stop (``Prices.leaves``).
    """
    return rotation_inputs(
        prices.frame,
        spec.near,
        spec.long,
        weighting=spec.weighting,
        basket_vol_window=spec.basket_vol_window,
        stops=prices.leaves,
    )


def target_weights(
    factor: pd.Series, prices: pd.DataFrame | Prices, spec: RotationSpec
) -> pd.DataFrame:
    """Per-ticker target weights decided at each close (NaN rows: no rebalance, hold).

    Parameters
    ----------
    factor : Series
        The capital-scarcity factor on exactly ``prices.index`` (NaN during warm-up); use
        ``factor.reindex(prices.index)`` first when it lives on a longer calendar.
    prices : DataFrame or Prices
        Wide adjusted closes, DatetimeIndex ``date``, every basket member a column. A
        DataFrame is checked (:func:`backtests.rotation.prices.check_prices`), a
        :class:`~backtests.rotation.prices.Prices` is trusted.
    spec : RotationSpec
        Rule, baskets, calendar, drift band.

    Returns
    -------
    DataFrame
        Index ``date`` (= ``prices.index``), columns near members then long members. Rows on
        decision dates hold target fractions of equity (long-only rules: >= 0, summing to 1
        once the factor and both baskets exist; long-short: +k near, -k long); other rows
        are NaN.

    Timing
    ------
    Row t uses the factor and prices up to close t only. The targets are NOT lagged; the
    engine trades row t at close t + ``spec.execution_lag``.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=3, name="date")
    >>> px = pd.DataFrame({"N": [1.0, 1.0, 1.0], "L": [2.0, 2.0, 2.0]}, index=idx)
    >>> spec = RotationSpec(near=("N",), long=("L",), rebalance="daily")
    >>> target_weights(pd.Series([np.nan, 1.0, -1.0], index=idx), px, spec)["N"].tolist()
    [0.0, 1.0, 0.0]
    """
    checked = as_prices(prices)
    prices = checked.frame
    if not isinstance(factor, pd.Series):
        raise DataError(f"`factor` must be a pandas Series, got {type(factor).__name__}")
    if not factor.index.equals(prices.index):
        raise DataError(
            f"`factor` index ({len(factor)} rows) differs from the prices index "
            f"({len(prices)} rows); pass factor.reindex(prices.index)",
            source="factor",
        )
    inputs = spec_inputs(checked, spec)
    out = decide(factor.to_numpy(dtype=float), inputs, spec)
    return pd.DataFrame(out, index=prices.index.rename("date"), columns=list(inputs.columns))

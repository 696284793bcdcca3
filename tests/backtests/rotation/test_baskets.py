"""Within-basket weights: membership from the first price, equal and inverse-vol weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.rotation.baskets import active_members, basket_weights, trailing_returns
from data.errors import DataError


def _idx(n: int) -> pd.DatetimeIndex:
    return pd.bdate_range("2024-01-01", periods=n, name="date")


def test_equal_weights_count_members_from_their_first_price():
    px = pd.DataFrame(
        {"A": [1.0, 1.0, 1.0, 1.0], "B": [np.nan, 2.0, np.nan, 2.0], "C": [np.nan] * 3 + [3.0]},
        index=_idx(4),
    )
    w = basket_weights(px, ["A", "B", "C"])
    expected = np.array([[1, 0, 0], [0.5, 0.5, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(w.to_numpy(), expected)
    # a gap after the first price does not remove the member (row 2)
    assert active_members(px, ["B"])["B"].tolist() == [False, True, True, True]


def test_empty_basket_is_all_zero():
    px = pd.DataFrame({"A": [np.nan, np.nan, 5.0]}, index=_idx(3))
    w = basket_weights(px, ["A"])
    assert w["A"].tolist() == [0.0, 0.0, 1.0]


def test_inverse_vol_hand_case():
    # A alternates +-1%, B alternates +-2%: trailing std of B is twice A's, so A gets 2/3
    a = [100.0]
    b = [100.0]
    for i in range(8):
        s = 1 if i % 2 == 0 else -1
        a.append(a[-1] * (1 + 0.01 * s))
        b.append(b[-1] * (1 + 0.02 * s))
    px = pd.DataFrame({"A": a, "B": b}, index=_idx(9))
    w = basket_weights(px, ["A", "B"], weighting="inverse_vol", vol_window=4)
    ra = trailing_returns(px)["A"].iloc[-4:]
    rb = trailing_returns(px)["B"].iloc[-4:]
    inv = np.array([1 / ra.std(ddof=1), 1 / rb.std(ddof=1)])
    np.testing.assert_allclose(w.iloc[-1].to_numpy(), inv / inv.sum(), rtol=1e-12)
    np.testing.assert_allclose(w.iloc[-1].to_numpy(), [2 / 3, 1 / 3], rtol=1e-3)
    # before any member has max(2, 4 // 4) = 2 returns: equal weights
    assert w.iloc[0].tolist() == [0.5, 0.5]
    assert w.iloc[1].tolist() == [0.5, 0.5]
    np.testing.assert_allclose(w.sum(axis=1), 1.0)


def test_inverse_vol_new_member_gets_the_mean_inverse_vol():
    rng = np.random.default_rng(1)
    n = 30
    px = pd.DataFrame(
        100 * np.exp(np.cumsum(rng.normal(0, 0.01, (n, 3)), axis=0)),
        index=_idx(n),
        columns=["A", "B", "C"],
    )
    px.iloc[:25, 2] = np.nan  # C starts on day 25: no vol estimate on that day
    w = basket_weights(px, ["A", "B", "C"], weighting="inverse_vol", vol_window=10)
    row = w.iloc[25]
    assert row["C"] > 0
    # C's raw inverse vol is the mean of A's and B's, so its weight is the mean of theirs
    assert row["C"] == pytest.approx((row["A"] + row["B"]) / 2, rel=1e-12)
    assert w.iloc[24]["C"] == 0.0


def test_weights_use_only_the_past():
    rng = np.random.default_rng(2)
    n = 40
    px = pd.DataFrame(
        100 * np.exp(np.cumsum(rng.normal(0, 0.02, (n, 2)), axis=0)),
        index=_idx(n),
        columns=["A", "B"],
    )
    base = basket_weights(px, ["A", "B"], weighting="inverse_vol", vol_window=10)
    bumped = px.copy()
    bumped.iloc[25:] *= rng.uniform(0.5, 2.0, (n - 25, 2))
    after = basket_weights(bumped, ["A", "B"], weighting="inverse_vol", vol_window=10)
    pd.testing.assert_frame_equal(base.iloc[:25], after.iloc[:25])
    assert not base.iloc[26:].equals(after.iloc[26:])


def test_missing_member_is_named():
    px = pd.DataFrame({"A": [1.0]}, index=_idx(1))
    with pytest.raises(DataError, match="SNDK"):
        basket_weights(px, ["A", "SNDK"])
    with pytest.raises(DataError, match="weighting"):
        basket_weights(px, ["A"], weighting="cap")  # type: ignore[arg-type]

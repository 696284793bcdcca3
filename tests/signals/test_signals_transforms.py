"""Past-only transforms: z-scores (expanding, trailing, min_periods), changes, maxima, freshness."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.transforms import fresh, trailing_change, trailing_max, zscore


def series(values):
    idx = pd.date_range("2024-01-01", periods=len(values), freq="B", name="date")
    return pd.Series(values, index=idx, dtype=float)


def test_expanding_zscore_by_hand():
    z = zscore(series([1.0, 2.0, 3.0, 4.0]), min_periods=2)
    # t1: mean 1.5, sd sqrt(0.5); t2: mean 2, sd 1; t3: mean 2.5, sd sqrt(5/3)
    expected = [np.nan, 0.5 / math.sqrt(0.5), 1.0, 1.5 / math.sqrt(5 / 3)]
    np.testing.assert_allclose(z.to_numpy(), expected, rtol=1e-12)


def test_expanding_zscore_min_periods():
    z = zscore(series([1.0, 2.0, 3.0, 4.0]), min_periods=3)
    assert z.iloc[:2].isna().all()
    assert z.iloc[2] == pytest.approx(1.0)


def test_trailing_zscore_by_hand():
    x = series([1.0, 2.0, 3.0, 10.0, 4.0])
    z = zscore(x, window=3, min_periods=3)
    # windows [1,2,3] -> 1; [2,3,10]: mean 5, sd sqrt(19); [3,10,4]: mean 17/3
    sd2 = np.std([3.0, 10.0, 4.0], ddof=1)
    expected = [np.nan, np.nan, 1.0, 5.0 / math.sqrt(19.0), (4.0 - 17.0 / 3.0) / sd2]
    np.testing.assert_allclose(z.to_numpy(), expected, rtol=1e-12)


def test_trailing_zscore_min_periods_capped_at_window():
    # a trailing window shorter than min_periods needs only a full window
    z = zscore(series([1.0, 2.0, 3.0, 4.0]), window=2, min_periods=252)
    np.testing.assert_allclose(z.to_numpy(), [np.nan] + [1 / math.sqrt(2)] * 3, rtol=1e-12)


def test_zscore_skips_missing_rows():
    z = zscore(series([1.0, np.nan, 2.0, 3.0]), min_periods=2)
    # the NaN row stays NaN and does not count towards the history
    np.testing.assert_allclose(z.to_numpy(), [np.nan, np.nan, 0.5 / math.sqrt(0.5), 1.0])


def test_zscore_constant_history_is_undefined():
    z = zscore(series([5.0, 5.0, 5.0, 5.0]), min_periods=2)
    assert z.isna().all()


def test_zscore_frame_is_columnwise():
    frame = pd.DataFrame({"a": series([1.0, 2.0, 3.0]), "b": series([3.0, 2.0, 1.0])})
    z = zscore(frame, min_periods=2)
    assert z["a"].iloc[-1] == pytest.approx(1.0)
    assert z["b"].iloc[-1] == pytest.approx(-1.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"window": -1}, "`window` must be >= 0, got -1"), ({"min_periods": 1}, "got 1")],
)
def test_zscore_validates(kwargs, match):
    with pytest.raises(ValueError, match=match):
        zscore(series([1.0, 2.0]), **kwargs)


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(st.floats(-100, 100, allow_nan=False), min_size=6, max_size=30),
    cut=st.integers(3, 29),
    window=st.sampled_from([0, 3, 5]),
)
def test_zscore_uses_only_the_past(values, cut, window):
    x = series(values)
    cut = min(cut, len(x) - 1)
    full = zscore(x, window=window, min_periods=3)
    perturbed = x.copy()
    perturbed.iloc[cut + 1 :] = perturbed.iloc[cut + 1 :] * 7.0 + 3.0
    again = zscore(perturbed, window=window, min_periods=3)
    pd.testing.assert_series_equal(full.iloc[: cut + 1], again.iloc[: cut + 1])


def test_trailing_change_by_hand():
    d = trailing_change(series([1.0, 2.0, 4.0, 7.0, np.nan, 16.0]), 2)
    np.testing.assert_allclose(d.to_numpy(), [np.nan, np.nan, 3.0, 5.0, np.nan, 9.0])
    with pytest.raises(ValueError, match="`periods` must be >= 1, got 0"):
        trailing_change(series([1.0]), 0)


def test_trailing_max_and_fresh_by_hand():
    m = trailing_max(series([3.0, 1.0, np.nan, 2.0, 0.5]), 2)
    np.testing.assert_allclose(m.to_numpy(), [3.0, 3.0, 1.0, 2.0, 2.0])
    ages = series([0.0, 10.0, 11.0, np.nan])
    assert fresh(ages, 10).tolist() == [True, True, False, False]

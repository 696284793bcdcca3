import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.errors import ConfigError
from data.pit import available_date, macro_known_at, next_business_day


def test_next_business_day():
    assert next_business_day("2024-01-05") == pd.Timestamp("2024-01-08")  # Fri -> Mon
    assert next_business_day("2024-01-06") == pd.Timestamp("2024-01-08")  # Sat -> Mon
    assert next_business_day("2024-01-08 17:30") == pd.Timestamp("2024-01-09")


@pytest.mark.parametrize(
    ("obs", "lag", "expected"),
    [
        ("2024-01-03", "1B", "2024-01-04"),  # Wed -> Thu
        ("2024-01-05", "1B", "2024-01-08"),  # Fri -> Mon
        ("2024-01-03", "2B", "2024-01-05"),  # H.4.1 Wednesday -> Friday
        ("2024-01-31", "10D", "2024-02-12"),  # Sat 02-10 rolled to Monday
        ("2024-01-06", "1B", "2024-01-08"),  # a Saturday observation
    ],
)
def test_available_date(obs, lag, expected):
    assert available_date([obs], lag)[0] == pd.Timestamp(expected)


@pytest.mark.parametrize("lag", ["0B", "0D", "nonsense"])
def test_available_date_rejects_zero_or_bad_lag(lag):
    with pytest.raises(ConfigError):
        available_date(["2024-01-03"], lag)


def _macro():
    idx = pd.to_datetime(["2024-01-03", "2024-01-04", "2024-01-05", "2024-01-10"]).rename("date")
    return pd.DataFrame(
        {"DGS10": [4.0, np.nan, 4.2, 4.3], "WALCL": [100.0, np.nan, np.nan, 110.0]}, index=idx
    )


def test_macro_known_at_hand_computed(cfg):
    index = pd.bdate_range("2024-01-03", "2024-01-16", name="date")
    values, age = macro_known_at(_macro(), cfg, index)
    # DGS10 (lag 1B): the 01-03 value usable 01-04; 01-05 value usable Monday 01-08
    assert pd.isna(values.loc["2024-01-03", "DGS10"]) and pd.isna(age.loc["2024-01-03", "DGS10"])
    assert values.loc["2024-01-04", "DGS10"] == 4.0 and age.loc["2024-01-04", "DGS10"] == 1
    assert values.loc["2024-01-05", "DGS10"] == 4.0 and age.loc["2024-01-05", "DGS10"] == 2
    assert values.loc["2024-01-08", "DGS10"] == 4.2 and age.loc["2024-01-08", "DGS10"] == 3
    # the series ends on 01-10: its value is kept and its age grows
    assert values.loc["2024-01-16", "DGS10"] == 4.3 and age.loc["2024-01-16", "DGS10"] == 6
    # WALCL (lag 2B): Wednesday 01-03 usable Friday 01-05; 01-10 usable Friday 01-12
    assert pd.isna(values.loc["2024-01-04", "WALCL"])
    assert values.loc["2024-01-05", "WALCL"] == 100.0
    assert values.loc["2024-01-11", "WALCL"] == 100.0 and age.loc["2024-01-11", "WALCL"] == 8
    assert values.loc["2024-01-12", "WALCL"] == 110.0


def test_macro_known_at_unknown_series_raises(cfg):
    m = _macro().rename(columns={"DGS10": "NOPE"})
    with pytest.raises(ConfigError, match="NOPE"):
        macro_known_at(m, cfg, pd.bdate_range("2024-01-03", "2024-01-05"))


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(min_value=0, max_value=80), seed=st.integers(0, 10_000))
def test_macro_known_at_ignores_everything_released_after_t(cfg, cut, seed):
    rng = np.random.default_rng(seed)
    obs = pd.bdate_range("2024-01-01", periods=70, name="date")
    macro = pd.DataFrame(
        {
            "DGS10": rng.normal(4, 0.1, len(obs)),
            "WALCL": np.where(obs.day_of_week == 2, rng.normal(100, 1, len(obs)), np.nan),
            "ACMTP10": np.where(obs.is_month_end, rng.normal(0.5, 0.1, len(obs)), np.nan),
        },
        index=obs,
    )
    index = pd.bdate_range("2024-01-01", periods=90, name="date")
    t = index[cut]
    before, age_before = macro_known_at(macro, cfg, index)
    perturbed = macro.copy()
    for col in macro.columns:
        released = available_date(macro.index, cfg.macro_lag(col))
        late = released > t  # not public at t: includes observations dated <= t
        perturbed.loc[late, col] = perturbed.loc[late, col] * 10 + 1
    extra = pd.DataFrame({"DGS10": [9.9]}, index=pd.DatetimeIndex([t], name="date"))
    perturbed = perturbed.combine_first(extra) if t not in perturbed.index else perturbed
    after, age_after = macro_known_at(perturbed, cfg, index)
    pd.testing.assert_frame_equal(before.loc[:t], after.loc[:t])
    pd.testing.assert_frame_equal(age_before.loc[:t], age_after.loc[:t])

"""Idle liquidity: unit conversion, net liquidity, release timing and the exhaustion regime."""

import numpy as np
import pandas as pd
import pytest

from data.errors import DataError
from signals.liquidity import exhausted_regime, idle_liquidity, to_billions

D = pd.Timestamp
WEDNESDAYS = ["2024-01-03", "2024-01-10", "2024-01-17"]


def macro_frame(columns: dict[str, dict[str, float]]) -> pd.DataFrame:
    """Observation-date table from ``{series: {date: value}}`` (NaN where not observed)."""
    frame = pd.DataFrame(
        {s: pd.Series({D(d): v for d, v in obs.items()}) for s, obs in columns.items()}
    )
    frame = frame.sort_index().astype(float)
    frame.index = pd.DatetimeIndex(frame.index, name="date")
    return frame


RRP = {d: 600.0 - 10.0 * k for k, d in enumerate(pd.bdate_range("2024-01-02", "2024-01-19"))}


@pytest.fixture
def macro():
    return macro_frame(
        {
            "WALCL": dict(
                zip(WEDNESDAYS, [8_000_000.0, 7_900_000.0, 7_800_000.0], strict=True)
            ),  # millions
            "WTREGEN": dict(
                zip(WEDNESDAYS, [700_000.0, 750_000.0, 800_000.0], strict=True)
            ),  # millions
            "WRESBAL": dict(zip(WEDNESDAYS, [3_500.0, 3_400.0, 3_300.0], strict=True)),  # billions
            "RRPONTSYD": {str(d.date()): v for d, v in RRP.items()},  # billions
        }
    )


IDX = pd.bdate_range("2024-01-01", "2024-01-19", name="date")


def rrp(d: str) -> float:
    return RRP[D(d)]


def test_to_billions_by_units():
    s = pd.Series([1_500.0, 2_000_000.0])
    np.testing.assert_allclose(to_billions(s, "millions_usd", series="WALCL"), [1.5, 2_000.0])
    np.testing.assert_allclose(to_billions(s, "billions_usd", series="RRPONTSYD"), s)
    with pytest.raises(DataError, match=r"DGS10.*'percent'"):
        to_billions(s, "percent", series="DGS10")


def test_levels_in_billions_and_net_liquidity_by_hand(cfg, macro):
    comp, age, _ = idle_liquidity(macro, IDX, cfg)
    # Wednesday H.4.1 levels are used from Friday (lag 2B); RRP from the next business day
    assert comp.loc[: D("2024-01-04"), "net_liquidity"].isna().all()
    fri = D("2024-01-05")
    assert comp.loc[fri, "reserves_level"] == 3_500.0
    assert comp.loc[fri, "rrp_level"] == rrp("2024-01-04")
    assert comp.loc[fri, "net_liquidity"] == pytest.approx(8_000 - 700 - rrp("2024-01-04"))
    thu = D("2024-01-11")  # Wednesday 10th not yet released: still the 3rd
    assert comp.loc[thu, "net_liquidity"] == pytest.approx(8_000 - 700 - rrp("2024-01-10"))
    assert age.loc[thu, "net_liquidity"] == 8  # the oldest input, WALCL of the 3rd
    assert age.loc[thu, "rrp_level"] == 1
    assert comp.loc[D("2024-01-12"), "net_liquidity"] == pytest.approx(
        7_900 - 750 - rrp("2024-01-11")
    )


def test_net_liquidity_change_over_the_window(cfg, macro):
    comp, _, _ = idle_liquidity(macro, IDX, cfg.replace(factor={"change_window": 5}))
    expected = (7_900 - 750 - rrp("2024-01-11")) - (8_000 - 700 - rrp("2024-01-04"))
    assert comp.loc[D("2024-01-12"), "net_liquidity_change"] == pytest.approx(expected)
    assert np.isnan(comp.loc[D("2024-01-11"), "net_liquidity_change"])  # 5 days back: unknown


def test_units_come_from_the_configuration(cfg, macro):
    series = cfg.macro.to_dict()["series"]
    series["WRESBAL"] = dict(series["WRESBAL"], units="millions_usd")
    comp, _, _ = idle_liquidity(macro, IDX, cfg.replace(macro={"series": series}))
    assert comp.loc[D("2024-01-05"), "reserves_level"] == pytest.approx(3.5)


def test_missing_series_gives_nan_components(cfg, macro):
    comp, age, _ = idle_liquidity(macro.drop(columns=["WRESBAL"]), IDX, cfg)
    assert comp["reserves_level"].isna().all() and age["reserves_level"].isna().all()
    assert comp["rrp_level"].notna().any()


def test_exhausted_regime_threshold_by_hand():
    x = pd.Series([500.0, 400.0, 150.0, 90.0, 120.0, 30.0])
    flag = exhausted_regime(x, threshold_bn=100.0, peak_fraction=0.10, peak_window=3)
    # peaks 500 500 500 400 150 120: 10% of them is never above the level
    assert flag.tolist() == [False, False, False, True, False, True]
    assert flag.name == "idle_exhausted"


def test_exhausted_regime_fraction_of_trailing_peak_by_hand():
    x = pd.Series([100.0, 40.0, 60.0, np.nan, 45.0, 10.0])
    flag = exhausted_regime(x, threshold_bn=0.0, peak_fraction=0.5, peak_window=2)
    # trailing-2 peaks 100 100 60 60 45 45; unknown RRP is not exhausted
    assert flag.tolist() == [False, True, False, False, False, True]


def test_regime_in_idle_liquidity_uses_config_thresholds(cfg, macro):
    c = cfg.replace(factor={"rrp_exhausted_bn": 535.0, "rrp_peak_fraction": 0.0})
    comp, _, regime = idle_liquidity(macro, IDX, c)
    expected = comp["rrp_level"] < 535.0
    assert regime.tolist() == expected.tolist()
    assert regime.any() and not regime.all()

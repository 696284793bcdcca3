"""Funding price: trailing changes of yields and spreads, and the repo spread's policy fallback."""

import numpy as np
import pandas as pd
import pytest

from signals.funding import CHANGES, funding_price

D = pd.Timestamp
OBS = pd.bdate_range("2024-01-01", "2024-02-16", name="date")
IDX = OBS


def frame(columns: dict[str, pd.Series]) -> pd.DataFrame:
    out = pd.DataFrame(columns).sort_index().astype(float)
    out.index = pd.DatetimeIndex(out.index, name="date")
    return out


@pytest.fixture
def macro():
    k = np.arange(len(OBS), dtype=float)
    cols = {s: pd.Series(1.0 + 0.01 * j * k**2, index=OBS) for j, s in enumerate(CHANGES.values())}
    iorb_days = pd.bdate_range("2024-01-10", "2024-01-19")
    cols["SOFR"] = pd.Series(5.35, index=OBS)
    cols["DFF"] = pd.Series(5.33, index=OBS)
    cols["IORB"] = pd.Series(5.40, index=iorb_days).reindex(OBS)  # published briefly
    return frame(cols)


def test_changes_by_hand(cfg, macro):
    comp, age = funding_price(macro, IDX, cfg, change_window=3)
    dgs10 = macro["DGS10"]
    t = D("2024-01-15")  # Monday: known value is Friday's; three business days before: Tuesday
    assert comp.loc[t, "nominal_10y_change"] == pytest.approx(
        dgs10[D("2024-01-12")] - dgs10[D("2024-01-09")]
    )
    assert age.loc[t, "nominal_10y_change"] == 3  # Friday's observation, three calendar days
    assert comp["nominal_10y_change"].iloc[:4].isna().all()  # nothing known on day 0
    for name, series in CHANGES.items():
        expected = macro[series].shift(1).diff(3)  # known with a one-business-day lag
        np.testing.assert_allclose(comp[name].to_numpy(), expected.to_numpy(), rtol=1e-12)


def test_change_window_defaults_to_config(cfg, macro):
    comp, _ = funding_price(macro, IDX, cfg.replace(factor={"change_window": 2}))
    expected = macro["DGS10"].shift(1).diff(2)
    np.testing.assert_allclose(comp["nominal_10y_change"].to_numpy(), expected.to_numpy())


def test_repo_spread_falls_back_from_iorb_to_dff(cfg, macro):
    comp, age = funding_price(macro, IDX, cfg, change_window=3)
    spread = comp["repo_spread"]
    # IORB first known on the 11th (observed the 10th); last observed the 19th, stale when
    # older than the daily limit of 10 calendar days, i.e. from the 30th
    assert cfg.factor.staleness_days["daily"] == 10
    np.testing.assert_allclose(spread.loc["2024-01-02":"2024-01-10"], 5.35 - 5.33)
    np.testing.assert_allclose(spread.loc["2024-01-11":"2024-01-29"], 5.35 - 5.40)
    np.testing.assert_allclose(spread.loc["2024-01-30":], 5.35 - 5.33)
    assert np.isnan(spread.loc[D("2024-01-01")])  # nothing released yet
    assert age.loc[D("2024-01-29"), "repo_spread"] == 10  # the IORB of the 19th
    assert age.loc[D("2024-01-30"), "repo_spread"] == 1  # back on DFF


def test_absent_series_give_nan(cfg, macro):
    comp, age = funding_price(macro.drop(columns=["DFII10", "IORB"]), IDX, cfg)
    assert comp["real_10y_change"].isna().all() and age["real_10y_change"].isna().all()
    np.testing.assert_allclose(comp["repo_spread"].dropna(), 5.35 - 5.33)

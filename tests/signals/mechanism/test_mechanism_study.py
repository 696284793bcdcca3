"""The study runner on a simulated panel: labels, the metrics block, the threshold's outcome."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signals.mechanism import MechanismSpec, run_mechanism
from signals.mechanism.study import threshold_frame


@pytest.fixture(scope="module")
def spec(cfg):
    mech = {
        "run": ["capex_spread", "capex_10y", "rrp_10y"],
        "threshold_links": ["capex_spread"],
        "threshold_boot": 49,
        "horizons": 6,
        "min_obs": 30,
    }
    return MechanismSpec.from_config(cfg.replace(mechanism=mech))


def _panel(n: int = 160, seed: int = 5) -> pd.DataFrame:
    """capex_growth (iid) moves the spread's level one for one for good: the response is 1 at
    every horizon; dgs10 is unrelated noise."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2010-01-31", periods=n, freq="ME", name="date")
    x = rng.normal(size=n)
    spread = np.cumsum(1.0 * x + rng.normal(0, 0.5, n))
    return pd.DataFrame(
        {
            "capex_growth": x,
            "spread": spread,
            "dgs10": np.cumsum(rng.normal(0, 0.1, n)),
            "rrp_level": np.abs(np.cumsum(rng.normal(0, 10, n))) + rng.uniform(0, 1, n),
            "state": (np.arange(n) % 3 == 0).astype(float),
        },
        index=idx,
    )


def test_planted_link_is_supported_and_the_block_is_complete(spec):
    res = run_mechanism(_panel(), spec)
    m = res.to_metrics()
    by = {r["name"]: r for r in m["links"]}
    assert by["capex_spread"]["label"] == "supported"
    at = by["capex_spread"]["irf"][by["capex_spread"]["horizon"]]
    assert at["lo90"] < 1.0 < at["hi90"]  # the true response is inside the 90% band
    assert m["errors"] == spec.errors and "HC3" in m["hac"]
    assert res.holds() == ["capex_spread"]
    assert "capex_spread" in res.sentence() and res.sentence().startswith("Mechanism: 1 of 3")
    for r in m["links"]:
        assert set(r["by_state"]) == {"exhausted", "ample"}
        assert all({"beta", "se", "n"} <= set(v) for v in r["by_state"].values())
    assert sum(m["counts"].values()) == 3


def test_a_link_without_data_is_listed_not_dropped(spec):
    p = _panel()
    p["dgs10"] = np.nan
    m = run_mechanism(p, spec).to_metrics()
    by = {r["name"]: r for r in m["links"]}
    assert by["capex_10y"]["label"] == "no data" and by["capex_10y"]["beta"] is None
    assert by["capex_10y"]["by_state"]["exhausted"] == {"beta": None, "se": None, "n": 0, "irf": []}


def test_threshold_runs_on_the_one_step_change(spec):
    p = _panel()
    link = spec.links[0]
    f = threshold_frame(p, link, spec)
    d = pd.Timestamp(f.index[10])
    i = p.index.get_loc(d)
    # y is the one-step change y[t] - y[t-1], not the link's h-step change
    assert f.loc[d, "y"] == pytest.approx(p["spread"].iloc[i] - p["spread"].iloc[i - 1])
    assert f.loc[d, "dy_l2"] == pytest.approx(p["spread"].iloc[i - 2] - p["spread"].iloc[i - 3])
    assert f.loc[d, "x_l1"] == p["capex_growth"].iloc[i - 1]
    res = run_mechanism(p, spec)
    row = res.threshold[0]
    assert row["horizon"] == 0 and row["n"] == len(f)
    assert res.threshold_fits["capex_spread"].block == 1  # independent multipliers


def test_a_primary_horizon_beyond_the_responses_is_a_config_error(cfg):
    from data.errors import ConfigError

    with pytest.raises(ConfigError, match=r"capex_spread.*horizon.*6.*horizons = 4"):
        MechanismSpec.from_config(cfg.replace(mechanism={"run": ["capex_spread"], "horizons": 4}))

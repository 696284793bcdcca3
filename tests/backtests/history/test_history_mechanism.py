"""The long history's mechanism block, on the small made-up mirror of tests/conftest.py.

The mirror spans 1962-1966 (about 40 months of factor once the growth rates are defined),
so ``min_obs`` and the bootstrap are reduced; the block must follow the same contract as the
main report's, keep Newey-West errors, list every declared link (short ones as "no data"),
write ``mechanism.csv`` and render the section.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from backtests.history.report import write_history_report
from backtests.history.run import run_history
from backtests.report.metrics import validate_metrics
from data.config import load_config
from tests.conftest import HISTORY_CONFIG

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def history(history_mirror, tmp_path_factory):
    cfg = load_config(HISTORY_CONFIG, mechanism={"min_obs": 12, "threshold_boot": 19})
    res = run_history(cfg, source="mirror", mirror=str(history_mirror))
    out = tmp_path_factory.mktemp("hist") / "history"
    write_history_report(res, out)
    return cfg, res, out


def test_history_block_follows_the_contract(history):
    cfg, res, out = history
    m = json.loads((out / "metrics.json").read_text())
    validate_metrics(m)
    mech = m["mechanism"]
    assert mech == res.metrics["mechanism"]
    assert mech["errors"] == "nw"  # about 750 months on the real data: Newey-West keeps size
    assert mech["state"]["variable"] == "real_m2_growth"
    assert [r["name"] for r in mech["links"]] == list(cfg.mechanism.run)  # none dropped
    labels = {r["label"] for r in mech["links"]}
    assert labels <= {"supported", "not supported", "wrong sign", "no data"}
    assert any(r["beta"] is not None for r in mech["links"])  # some links have data
    for r in mech["links"]:
        if r["label"] == "no data":
            assert r["beta"] is None and r["pvalue"] is None
        assert set(r["by_state"]) == {"exhausted", "ample"}
    prim = [r for r in mech["links"] if r.get("primary", True)]
    assert sum(mech["counts"].values()) == len(prim)
    robust = [r for r in mech["links"] if not r.get("primary", True)]
    assert robust and all(r["pvalue_adjusted"] is None for r in robust)  # RMW, CMA: no Holm
    assert [t["link"] for t in mech["threshold"]] == list(cfg.mechanism.threshold_links)
    assert mech["sentence"] in m["verdict"]["sentence"]


def test_history_csv_and_section(history):
    _, res, out = history
    csv = pd.read_csv(out / "mechanism.csv", index_col="date", parse_dates=["date"])
    assert {"pnfi_growth", "gs10", "hml", "real_m2_growth", "state"} <= set(csv.columns)
    panel = res.mechanism.panel
    assert list(csv.index) == list(panel.index)
    assert csv["gs10"].to_numpy() == pytest.approx(panel["gs10"].to_numpy(), rel=1e-9, nan_ok=True)
    # hml in the panel is the cumulative log return of the French daily series through each
    # month end: recompute it from the returns the study traded
    r = res.targets["hml"].dropna()
    d = csv.index[(csv.index >= r.index[0])][5]
    assert csv.loc[d, "hml"] == pytest.approx(float(np.log1p(r.loc[:d]).sum()), rel=1e-9)
    page = (out / "index.html").read_text()
    assert "<h2 id='mechanism'>Does the mechanism hold?</h2>" in page
    assert page.index("href='#mechanism'") < page.index("<h2>Inference")
    assert "Newey–West with max(h + 1, lags) lags" in page
    assert "## Does the mechanism hold?" in (out / "summary.md").read_text()

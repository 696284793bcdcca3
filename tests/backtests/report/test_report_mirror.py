"""The report built from the real mirror: schema and provenance (no golden numbers)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from backtests.report import validate_metrics, write_report
from backtests.study.pipeline import run_pipeline
from data.config import load_config
from tests.golden.make_golden import OVERRIDES

pytestmark = pytest.mark.mirror


@pytest.fixture(scope="module")
def mirror_report(mirror_dir, tmp_path_factory):
    fast = {k: v for k, v in OVERRIDES.items() if k != "synthetic"}
    cfg = load_config(**fast)
    res = run_pipeline(cfg, source="mirror", mirror=str(mirror_dir))
    out = tmp_path_factory.mktemp("mirror-report") / "mirror"
    paths = write_report(res, out)
    return out, json.loads(paths.metrics.read_text()), mirror_dir


def test_schema_and_labels(mirror_report):
    out, metrics, _ = mirror_report
    validate_metrics(metrics)
    assert metrics["synthetic"] is False
    assert metrics["data_source"] == "mirror"
    page = (out / "index.html").read_text()
    assert "synthetic-banner" not in page and "SYNTHETIC DATA" not in page


def test_provenance_hashes_are_the_mirror_files(mirror_report):
    _, metrics, mirror = mirror_report
    prov = metrics["provenance"]
    assert any("prices/MU.csv" in k for k in prov)
    assert any("fred/RRPONTSYD.csv" in k for k in prov)
    checked = 0
    for key, digest in prov.items():
        path = Path(key)
        if not path.is_absolute():
            path = (Path.cwd() / path).resolve()
        if path.is_file():
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, key
            checked += 1
    assert checked >= 20


def test_gaps_of_real_data_are_reported(mirror_report):
    _, metrics, _ = mirror_report
    gaps = "\n".join(metrics["gaps"])
    assert "WRESBAL" in gaps and "SNDK" in gaps
    assert metrics["period"]["end"] <= "2026-01-30"


def test_capex_coverage_shows_release_dating(mirror_report):
    out, metrics, _ = mirror_report
    rows = {r["ticker"]: r for r in metrics["coverage"]["capex_dating"]}
    for t in ("MSFT", "AMZN", "GOOGL", "META"):
        r = rows[t]
        assert r["n_release"] > 0, t
        assert r["first_release"] <= r["last_release"]
        assert r["n_release"] + r["n_filing"] + r["n_lag"] == r["n"]
    assert metrics["coverage"]["capex_dating_note"] == ""  # the mirror has a filing index
    page = (out / "index.html").read_text()
    assert "by earnings release" in page and "id='today-coverage'" in page
    live = metrics["now"]["capex_live"]
    assert "MSFT" in live["live"] and "META" not in live["live"]
    assert metrics["now"]["coverage_sentence"] in metrics["verdict"]["sentence"]


def test_event_caption_counts_add_up(mirror_report):
    import pandas as pd

    from signals.diagnostics import event_study

    out, metrics, _ = mirror_report
    ev = metrics["events"]
    inc = ev["included"]
    assert inc["total"] + sum(ev["excluded"].values()) == ev["n"]
    assert inc["positive"] + inc["negative"] == inc["total"]
    assert sum(ev["by_dated_by"].values()) == ev["n"] == sum(ev["by_sign"].values())
    assert sum(sum(c.values()) for c in ev["by_ticker"].values()) == ev["n"]
    assert ev["by_dated_by"]["release"] > 0 and inc["by_dated_by"]["release"] > 0
    cap = ev["caption"]
    assert cap.startswith(f"{ev['n']} capex announcements")
    assert f"{inc['total']} inside the event window" in cap
    assert f"{inc['positive']} positive and {inc['negative']} negative surprises" in cap
    page = (out / "index.html").read_text()
    assert "id='events-caption'" in page
    # independently: the event study of events.csv on the spread of returns.csv, per sign
    events = pd.read_csv(out / "events.csv", parse_dates=["available_at"])
    r = pd.read_csv(out / "returns.csv", index_col="date", parse_dates=True)
    spread = r["always_near"] - r["always_long"]
    for sign, sub in (
        ("positive", events[events["surprise"] > 0]),
        ("negative", events[events["surprise"] < 0]),
    ):
        res = event_study(spread, sub, window=tuple(ev["window"]))
        assert res.n_events == inc[sign] == ev["car_end"][sign]["n"]
        assert ev["car_end"][sign]["car"] == pytest.approx(res.car["car"].iloc[-1], abs=1e-8)

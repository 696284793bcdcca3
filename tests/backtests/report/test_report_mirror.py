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

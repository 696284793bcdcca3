"""The bench's page phase: the report page's size and load time against their targets."""

from __future__ import annotations

import argparse

import pytest

from benchmarks.page_weight import chromium, measure_page
from benchmarks.phases import PHASES, Phases
from benchmarks.results_table import TARGETS, table, target_rows


def test_page_targets_are_five_mib_and_two_seconds():
    assert TARGETS["html_bytes"] == (5 * 1024 * 1024, "<=")
    assert TARGETS["html_load_s"] == (2.0, "<=")
    assert PHASES.index("report") < PHASES.index("page")
    rows = target_rows({"mode": "full", "page": {"html_bytes": 6 * 2**20, "html_load_s": 1.0}})
    assert rows["html_bytes"]["met"] is False and rows["html_bytes"]["ratio"] == pytest.approx(1.2)
    assert rows["html_load_s"]["met"] is True
    tiny = target_rows({"mode": "tiny", "page": {"html_bytes": 1, "html_load_s": 1.0}})
    assert tiny["html_bytes"]["measured"] is None


def test_page_phase_skips_without_a_report(tmp_path):
    ctx = Phases(args=argparse.Namespace(), s={}, workdir=tmp_path, mirror=None, data_path=tmp_path)
    results: dict = {}
    ctx.page(results)
    assert "skipped" in results["page"]


def test_measure_page_weighs_the_file_and_times_the_load(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<html><body><p>hello</p></body></html>")
    out = measure_page(page, repeats=1)
    assert out["html_bytes"] == page.stat().st_size
    if chromium() is None:
        assert out["html_load_s"] is None
    else:
        assert 0.0 <= out["html_load_s"] < 10.0 and out["scroll_width"] <= 1280
        assert out["html_wall_s"] > out["html_load_s"] and out["blank_wall_s"] > 0


def test_table_prints_the_page_line():
    base = {
        "mode": "full",
        "generated_at": "now",
        "machine": {"cpu": "x", "cores": 2, "memory_gib": 1},
        "load_average": {},
        "data": {"source": "s", "start": "a", "end": "b", "bars": 1, "assets": 1},
        "page": {"html_bytes": 3 * 2**20, "html_load_s": 1.5},
    }
    text = table({**base, "targets": target_rows(base)})
    assert "report page: 3.00 MiB, loads in 1.5 s headless (whole browser run - s" in text

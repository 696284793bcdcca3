"""Data integrity (issue 14): names, plausibility, honest labels.

Each class: the named error a user sees, and a cache byte-identical afterwards.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from data_payloads import june_company

from data.cache import Cache
from data.config import load_config
from data.errors import CacheError, ConfigError, DataError, PlausibilityError
from data.loaders import load_market
from data.sources.mirror import Mirror


@pytest.fixture
def store(tmp_path):
    return Cache(tmp_path / "cache")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of a directory tree and its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def loaded(tiny_mirror, cfg, store):
    load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    return snapshot(store.root)


def rewrite_close(path: Path, row: int, factor: float) -> str:
    """Multiply the close on data row ``row`` (1-based, after the header) by ``factor``."""
    lines = path.read_text().splitlines()
    date, close = lines[row].split(",")
    lines[row] = f"{date},{float(close) * factor:.4f}"
    path.write_text("\n".join(lines) + "\n")
    return date


# -- 1. names -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "override, key",
    [
        ({"universe": {"near": ["MU", "../../outside/secret"]}}, "universe.near"),
        ({"universe": {"benchmarks": ["/etc/passwd"]}}, "universe.benchmarks"),
        ({"macro": {"series": {"../x": {"lag": "1B", "units": "percent"}}}}, "macro.series"),
        ({"universe": {"cik": {"MSFT": "../0000789019"}}}, "universe.cik.MSFT"),
        ({"costs": {"cash_rate_series": "fred/../../DFF"}}, "costs.cash_rate_series"),
    ],
)
def test_path_like_names_are_refused_at_the_config(override, key):
    with pytest.raises(ConfigError, match=f"`{key}`.*not a valid.*never paths"):
        load_config(**override)


def test_mirror_refuses_paths_and_symlinks_out_of_its_root(tiny_mirror, tmp_path, cfg, store):
    before = loaded(tiny_mirror, cfg, store)
    m = Mirror(tiny_mirror)
    with pytest.raises(DataError, match="not allowed"):
        m.path("prices", "../../outside/secret")
    with pytest.raises(DataError, match="not allowed"):
        m.read_series(["/etc/passwd"])
    outside = tmp_path / "secret.csv"
    outside.write_text("Date,Close\n2024-01-02,1\n")
    (tiny_mirror / "prices" / "EVIL.csv").symlink_to(outside)
    with pytest.raises(DataError, match="outside the mirror root"):
        m.read_prices(["EVIL"])
    assert snapshot(store.root) == before


# -- 2. plausibility ------------------------------------------------------------------------
def test_one_day_x1000_close_is_a_named_error(tiny_mirror, cfg, store):
    before = loaded(tiny_mirror, cfg, store)
    path = tiny_mirror / "prices" / "MU.csv"
    rewrite_close(path, 20, 1000.0)
    with pytest.raises(PlausibilityError) as info:
        load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    msg = str(info.value)
    assert str(path) in msg and "row 21" in msg  # line 21 = data row 20
    assert "rule one-day-move" in msg and "is a move of x9" in msg and "equity_max_move" in msg
    assert snapshot(store.root) == before


def test_borderline_move_is_a_data_note(tiny_mirror, cfg, store):
    rewrite_close(tiny_mirror / "prices" / "MU.csv", 20, 1.8)  # |log| 0.59 in (0.5, 1.1]
    md = load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    assert any(re.search(r"row 21: MU moved x1\.[789]", g) for g in md.gaps)
    assert any(re.search(r"row 22: MU moved x0\.5", g) for g in md.gaps)  # and back


def test_date_after_today_is_refused(tiny_mirror, cfg, store):
    before = loaded(tiny_mirror, cfg, store)
    path = tiny_mirror / "prices" / "SPY.csv"
    path.write_text(path.read_text() + "2031-01-02,55.0\n")
    with pytest.raises(PlausibilityError, match=r"SPY.csv, row \d+: rule future-date: .*2031"):
        load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    assert snapshot(store.root) == before


def test_series_in_wrong_units_is_refused(tiny_mirror, cfg, store):
    before = loaded(tiny_mirror, cfg, store)
    path = tiny_mirror / "fred" / "RRPONTSYD.csv"
    lines = path.read_text().splitlines()
    head, body = lines[0], [ln.split(",") for ln in lines[1:]]
    scaled = [f"{d},{float(v) * 1e6:.1f}" if v else f"{d}," for d, v in body]  # bn -> thousands
    path.write_text("\n".join([head, *scaled]) + "\n")
    with pytest.raises(PlausibilityError, match=r"row 2: rule unit-range: RRPONTSYD = .*billions"):
        load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    assert snapshot(store.root) == before


def test_edgar_fact_filed_before_its_period_ends(tiny_mirror, cfg, store):
    before = loaded(tiny_mirror, cfg, store)
    payload = june_company()
    payload["cik"] = int(cfg.universe.cik["MSFT"])
    tag = next(iter(payload["facts"]["us-gaap"]))
    payload["facts"]["us-gaap"][tag]["units"]["USD"][0]["filed"] = "2005-03-01"
    path = tiny_mirror / "edgar" / f"CIK{cfg.universe.cik['MSFT']}.json"
    path.write_text(json.dumps(payload))
    with pytest.raises(PlausibilityError, match=rf"{tag}\[0\]: rule filed-after-period: .*2005"):
        load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    assert snapshot(store.root) == before


def test_capex_table_value_x1000_is_refused(tiny_mirror, cfg, store):
    path = tiny_mirror / "capex" / "vendor.csv"
    rows = ["ticker,year,quarter,payments_usd"]
    rows += [f"META,{y},{q},{1e9 * (1 + 0.05 * q)}" for y in (2021, 2022) for q in (1, 2, 3, 4)]
    rows.append("META,2023,1,1.1e12")  # 1000 x a 1.1e9 quarter
    path.write_text("\n".join(rows) + "\n")
    before = snapshot(store.root)
    with pytest.raises(PlausibilityError, match=r"vendor.csv, row META 2023Q1: rule capex-vs-hi"):
        load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    assert snapshot(store.root) == before


def test_header_only_basket_member_is_as_missing_as_no_file(tiny_mirror, cfg, store):
    (tiny_mirror / "prices" / "WDC.csv").write_text("Date,Close\n")
    (tiny_mirror / "prices" / "STX.csv").write_text("")
    md = load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    assert "WDC" not in md.prices.columns and "STX" not in md.prices.columns
    assert any("prices/WDC.csv has no rows (as missing)" in g for g in md.gaps)
    assert any("prices/STX.csv is empty (as missing)" in g for g in md.gaps)


def test_mixed_date_formats_in_one_file(tiny_mirror, cfg, store):
    before = loaded(tiny_mirror, cfg, store)
    path = tiny_mirror / "prices" / "IGV.csv"
    lines = path.read_text().splitlines()
    d, c = lines[5].split(",")
    ts = pd.Timestamp(d)
    lines[5] = f"{ts.month:02d}/{ts.day:02d}/{ts.year},{c}"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(PlausibilityError.__mro__[1], match=r"IGV.csv, row 6: rule one-date-format"):
        load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    assert snapshot(store.root) == before


def test_blank_closes_are_reported_not_silently_dropped(tiny_mirror, cfg, store):
    path = tiny_mirror / "prices" / "QQQ.csv"
    lines = path.read_text().splitlines()
    lines[7] = lines[7].split(",")[0] + ","
    path.write_text("\n".join(lines) + "\n")
    md = load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    assert any("QQQ.csv: 1 row(s) with a blank close dropped (lines 8)" in g for g in md.gaps)


# -- 4. labels ------------------------------------------------------------------------------
def test_labels_say_where_the_data_came_from(tiny_mirror, cfg, store):
    assert load_market(cfg, "mirror", mirror=tiny_mirror, cache=store).source == "mirror"
    assert load_market(cfg, "cache", cache=store).source == "mirror (cached)"
    assert load_market(cfg, "auto", cache=store).source == "mirror (cached)"


def test_auto_never_falls_back_to_synthetic_on_a_broken_cache(tiny_mirror, cfg, store, monkeypatch):
    monkeypatch.delenv("SCARCITY_MIRROR", raising=False)
    load_market(cfg, "mirror", mirror=tiny_mirror, cache=store)
    path = store.root / store.entry("prices/SPY")["file"]
    path.write_bytes(b"garbage")
    before = snapshot(store.root)
    with pytest.raises(CacheError, match="cache is broken.*prices/SPY.*verify --repair"):
        load_market(cfg, "auto", cache=store)
    store.manifest_path.write_text("{trunc")
    with pytest.raises(CacheError, match="manifest is unreadable.*--repair"):
        load_market(cfg, "auto", cache=store)
    store.manifest_path.write_bytes(before["manifest.json"])
    assert snapshot(store.root) == before
    assert not (store.root / "synthetic").exists()


def test_auto_with_a_missing_mirror_is_an_error(tmp_path, cfg, store):
    with pytest.raises(ConfigError, match="mirror directory not found"):
        load_market(cfg, "auto", mirror=tmp_path / "nope", cache=store)


def test_cli_explicit_missing_mirror_is_an_error(tmp_path, capsys, monkeypatch):
    from backtests.cli.commands import main

    monkeypatch.chdir(tmp_path)
    rc = main(["backtest", "--source", "auto", "--mirror", str(tmp_path / "nope")])
    err = capsys.readouterr().err
    assert rc == 2 and "mirror directory not found" in err and str(tmp_path / "nope") in err
    assert not os.listdir(tmp_path)  # nothing ran, nothing written

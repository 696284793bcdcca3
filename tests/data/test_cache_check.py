"""A cache file whose content no longer matches its manifest hash is a named error on read.

The error points to ``scarcity cache verify --repair``, and the failed read leaves every file
of the cache (manifest, backup, tables) exactly as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from data.cache import Cache
from data.cache_check import checked_file
from data.cache_verify import verify_cache
from data.errors import CacheCorruptError, CacheError
from data.loaders import load_market
from data.tables import sha256_bytes


def _table(values=(1.0, 2.0, 3.0)) -> pd.DataFrame:
    idx = pd.DatetimeIndex(pd.bdate_range("2024-01-02", periods=len(values)), name="date")
    return pd.DataFrame({"SPY": list(values)}, index=idx)


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root``: its bytes and modification time (nanoseconds)."""
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _flip_a_byte(path: Path) -> None:
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _cache(tmp_path: Path) -> tuple[Cache, dict]:
    c = Cache(tmp_path)
    c.put(
        "prices/QQQ",
        _table((5.0, 6.0)).rename(columns={"SPY": "QQQ"}),
        source="mirror:/m",
        request="/m/prices/QQQ.csv",
        raw_sha256="cd" * 32,
    )
    e = c.put(
        "prices/SPY",
        _table(),
        source="mirror:/m",
        request="/m/prices/SPY.csv",
        raw_sha256="ab" * 32,
    )
    return c, e


def test_a_changed_file_is_a_named_error_pointing_to_the_repair(tmp_path):
    c, e = _cache(tmp_path)
    path = tmp_path / e["file"]
    _flip_a_byte(path)
    before = _snapshot(tmp_path)
    with pytest.raises(CacheCorruptError) as info:
        c.get("prices/SPY")
    msg = str(info.value)
    got = sha256_bytes(path.read_bytes())
    assert "corrupt cache file for 'prices/SPY'" in msg
    assert f"sha256 {got[:12]}... != {e['sha256'][:12]}..." in msg
    assert "run `scarcity cache verify --repair`" in msg and str(path) in msg
    assert isinstance(info.value, CacheError)  # callers that catch CacheError still do
    assert _snapshot(tmp_path) == before  # the failed read changed nothing
    # the other entry still reads, and the repair drops only the bad one
    assert c.get("prices/QQQ")["QQQ"].tolist() == [5.0, 6.0]
    rep = verify_cache(c, repair=True)
    assert "prices/SPY" in " ".join(rep.actions)
    with pytest.raises(CacheError, match="'prices/SPY' is not cached"):
        c.get("prices/SPY")


def test_a_missing_file_is_the_same_named_error(tmp_path):
    c, e = _cache(tmp_path)
    (tmp_path / e["file"]).unlink()
    before = _snapshot(tmp_path)
    with pytest.raises(CacheCorruptError, match=r"file of 'prices/SPY' is missing .*--repair"):
        c.get("prices/SPY")
    assert _snapshot(tmp_path) == before


def test_an_intact_file_passes_unchanged(tmp_path):
    c, e = _cache(tmp_path)
    assert checked_file(tmp_path, "prices/SPY", e) == tmp_path / e["file"]
    pd.testing.assert_frame_equal(c.get("prices/SPY"), _table(), check_freq=False)


def test_loading_from_a_corrupt_cache_fails_and_leaves_it_as_it_was(synthetic_dir, cfg, tmp_path):
    store = Cache(tmp_path / "cache")
    load_market(cfg, source="mirror", mirror=synthetic_dir, cache=store)
    e = store.entry("prices/MU")
    _flip_a_byte(store.root / e["file"])
    before = _snapshot(store.root)
    with pytest.raises(CacheCorruptError, match=r"'prices/MU'.*scarcity cache verify --repair"):
        load_market(cfg, source="cache", cache=store)
    assert _snapshot(store.root) == before

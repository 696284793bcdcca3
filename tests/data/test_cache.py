import json
import os

import pandas as pd
import pytest

from data.cache import Cache, default_cache_dir
from data.errors import CacheError
from data.tables import sha256_bytes


def table(values=(1.0, 2.0)):
    idx = pd.DatetimeIndex(pd.bdate_range("2024-01-02", periods=len(values)), name="date")
    return pd.DataFrame({"SPY": list(values)}, index=idx)


def put(cache, key="prices/SPY", t=None, **kw):
    args = {"source": "mirror:/m", "request": "/m/prices/SPY.csv", "raw_sha256": "ab" * 32}
    args.update(kw)
    return cache.put(key, table() if t is None else t, **args)


def test_root_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SCARCITY_CACHE", str(tmp_path / "c"))
    assert Cache().root == tmp_path / "c" == default_cache_dir()


def test_round_trip_with_manifest_and_attrs(tmp_path):
    c = Cache(tmp_path)
    entry = put(c, request_end="2024-01-03")
    got = c.get("prices/SPY")
    pd.testing.assert_frame_equal(got, table(), check_freq=False)
    assert got.attrs["source"] == "mirror:/m" and got.attrs["sha256"] == "ab" * 32
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    e = manifest["entries"]["prices/SPY"]
    assert e == entry
    assert e["sha256"] == sha256_bytes((tmp_path / e["file"]).read_bytes())
    assert e["first_date"] == "2024-01-02" and e["last_date"] == "2024-01-03"
    assert e["synthetic"] is False and e["fetched_at"]
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_series_stored_as_one_column(tmp_path):
    c = Cache(tmp_path)
    s = table()["SPY"].rename("DGS10")
    put(c, "fred/DGS10", s)
    assert c.get("fred/DGS10").columns.tolist() == ["DGS10"]


def test_replacing_removes_the_old_file(tmp_path):
    c = Cache(tmp_path)
    old = put(c)
    new = put(c, t=table((3.0, 4.0)))
    assert old["file"] != new["file"]
    assert not (tmp_path / old["file"]).exists() and (tmp_path / new["file"]).exists()
    assert c.get("prices/SPY")["SPY"].tolist() == [3.0, 4.0]


def test_corrupt_file_is_detected(tmp_path):
    c = Cache(tmp_path)
    e = put(c)
    path = tmp_path / e["file"]
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CacheError, match="corrupt.*prices/SPY"):
        c.get("prices/SPY")
    assert c.verify() and "corrupt" in c.verify()[0]


def test_missing_file_and_unknown_key(tmp_path):
    c = Cache(tmp_path)
    e = put(c)
    with pytest.raises(CacheError, match="not cached"):
        c.get("prices/QQQ")
    (tmp_path / e["file"]).unlink()
    with pytest.raises(CacheError, match="missing"):
        c.get("prices/SPY")


def test_corrupt_manifest(tmp_path):
    c = Cache(tmp_path)
    put(c)
    (tmp_path / "manifest.json").write_text('{"entries": {')
    with pytest.raises(CacheError, match="manifest"):
        c.get("prices/SPY")


def test_failed_write_keeps_the_previous_good_copy(tmp_path, monkeypatch):
    c = Cache(tmp_path)
    put(c)
    before = (tmp_path / "manifest.json").read_bytes()

    def boom(self, *a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", boom)
    with pytest.raises(CacheError, match="disk full"):
        put(c, t=table((9.0, 9.0)))
    monkeypatch.undo()
    assert (tmp_path / "manifest.json").read_bytes() == before
    assert c.get("prices/SPY")["SPY"].tolist() == [1.0, 2.0]
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_missing_for_incremental_refresh(tmp_path):
    c = Cache(tmp_path)
    put(c)  # data to 2024-01-03
    put(c, "prices/QQQ", request_end="2024-06-30")
    keys = ["prices/SPY", "prices/QQQ", "prices/IGV"]
    assert c.missing(keys) == ["prices/IGV"]
    assert c.missing(keys, end="2024-03-01") == ["prices/SPY", "prices/IGV"]
    assert c.missing(keys, end="2024-01-03") == ["prices/IGV"]


def test_meta_namespace_and_remove(tmp_path):
    c = Cache(tmp_path)
    ns = c.namespace("synthetic")
    ns.set_meta(synthetic=True, seed=1)
    assert ns.meta() == {"synthetic": True, "seed": 1} and c.meta() == {}
    e = put(c)
    c.remove("prices/SPY")
    assert not c.has("prices/SPY") and not (tmp_path / e["file"]).exists()

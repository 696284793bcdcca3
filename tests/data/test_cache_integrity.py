"""All-or-nothing fetches, crash recovery, concurrency, OS errors (issue 14, classes 3 and 6)."""

from __future__ import annotations

import contextlib
import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from data_payloads import write_tiny_mirror

from data.cache import Cache
from data.cache_verify import verify_cache
from data.errors import CacheError, CacheWriteError, ParseError
from data.loaders import load_market

REPO = Path(__file__).resolve().parents[2]
WORKER = """
import sys
from data.config import load_config
from data.loaders import load_market
from data.cache import Cache
cfg = load_config()
print("ready", flush=True)
for _ in range(int(sys.argv[3])):
    load_market(cfg, "mirror", mirror=sys.argv[1], cache=Cache(sys.argv[2]))
print("done", flush=True)
"""


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def two_mirrors(tmp_path, cfg):
    """Mirror A and mirror B (every price file different)."""
    a = write_tiny_mirror(tmp_path / "A", cfg)
    b = write_tiny_mirror(tmp_path / "B", cfg)
    for p in (b / "prices").glob("*.csv"):
        lines = p.read_text().splitlines()
        out = [lines[0]] + [
            f"{ln.split(',')[0]},{float(ln.split(',')[1]) * 1.01:.4f}" for ln in lines[1:]
        ]
        p.write_text("\n".join(out) + "\n")
    return a, b


def generation_of(store: Cache, mirrors) -> str:
    """Which mirror every cached price came from: 'A', 'B'; raises on a mix."""
    roots = {str(m): name for m, name in zip(mirrors, "AB", strict=True)}
    srcs = {e["source"].split(":", 1)[1] for k, e in store.manifest()["entries"].items()}
    names = {roots[s] for s in srcs}
    assert len(names) == 1, f"mixed cache: entries from {sorted(names)}"
    return names.pop()


def test_failed_fetch_leaves_the_cache_byte_identical(two_mirrors, cfg, tmp_path):
    a, b = two_mirrors
    store = Cache(tmp_path / "cache")
    load_market(cfg, "mirror", mirror=a, cache=store)
    before = snapshot(store.root)
    # B is good except one file that fails late: nothing of B may land
    (b / "fred" / "VIXCLS.csv").write_text("observation_date,VIXCLS\n2024-01-02,x\n")
    with pytest.raises(ParseError, match="VIXCLS.csv, row 2"):
        load_market(cfg, "mirror", mirror=b, cache=store)
    assert snapshot(store.root) == before


def test_write_failure_mid_transaction_keeps_the_old_generation(
    two_mirrors, cfg, tmp_path, monkeypatch
):
    a, b = two_mirrors
    store = Cache(tmp_path / "cache")
    load_market(cfg, "mirror", mirror=a, cache=store)
    before = snapshot(store.root)
    real = pd.DataFrame.to_parquet
    calls = {"n": 0}

    def flaky(self, *args, **kw):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, *args, **kw)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", flaky)
    with pytest.raises(CacheWriteError, match="disk is full.*cache is unchanged"):
        load_market(cfg, "mirror", mirror=b, cache=store)
    assert snapshot(store.root) == before


def test_manifest_write_failure_is_named(two_mirrors, cfg, tmp_path, monkeypatch):
    a, b = two_mirrors
    store = Cache(tmp_path / "cache")
    load_market(cfg, "mirror", mirror=a, cache=store)
    before = snapshot(store.root)
    import data.cache as cache_mod

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache_mod, "atomic_write_bytes", full)
    with pytest.raises(CacheWriteError, match=r"\(manifest\): the disk is full"):
        load_market(cfg, "mirror", mirror=b, cache=store)
    assert snapshot(store.root) == before  # new files written before the switch are removed


def test_read_only_cache_reads_work_writes_say_why(two_mirrors, cfg, tmp_path, monkeypatch):
    a, b = two_mirrors
    store = Cache(tmp_path / "cache")
    good = load_market(cfg, "mirror", mirror=a, cache=store)
    before = snapshot(store.root)
    import data.cache_io as io

    real_open = os.open

    def ro_open(path, flags, *a, **k):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(io.os, "open", ro_open)
    with pytest.raises(CacheWriteError, match="read-only.*reads still work"):
        load_market(cfg, "mirror", mirror=b, cache=store)
    again = load_market(cfg, "cache", cache=store)
    pd.testing.assert_frame_equal(good.prices, again.prices)
    assert snapshot(store.root) == before


def _mount_tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    return res.returncode == 0


@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    if not _mount_tmpfs(path, size):
        pytest.skip("cannot mount a tmpfs here (needs root); the simulated OSError tests cover it")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_real_read_only_and_full_tmpfs(two_mirrors, cfg, tmp_path):
    a, b = two_mirrors
    with tmpfs(tmp_path / "ro", "2m") as root:
        store = Cache(root / "cache")
        good = load_market(cfg, "mirror", mirror=a, cache=store)
        before = snapshot(store.root)
        subprocess.run(["mount", "-o", "remount,ro", str(root)], check=True)
        with pytest.raises(CacheWriteError, match="read-only"):
            load_market(cfg, "mirror", mirror=b, cache=store)
        pd.testing.assert_frame_equal(good.prices, load_market(cfg, "cache", cache=store).prices)
        assert snapshot(store.root) == before
    with tmpfs(tmp_path / "full", "2m") as root:
        store = Cache(root / "cache")
        load_market(cfg, "mirror", mirror=a, cache=store)
        before = snapshot(store.root)
        filler = root / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        with pytest.raises(CacheWriteError, match="disk is full"):
            load_market(cfg, "mirror", mirror=b, cache=store)
        assert snapshot(store.root) == before


def test_verify_repair_cleans_strays_and_rebuilds_a_corrupt_manifest(two_mirrors, cfg, tmp_path):
    a, _ = two_mirrors
    store = Cache(tmp_path / "cache")
    load_market(cfg, "mirror", mirror=a, cache=store)
    good = snapshot(store.root)
    (store.root / "prices" / ".SPY.parquet.deadbeef.tmp").write_bytes(b"half")
    (store.root / "prices" / "SPY-0123456789abcdef.parquet").write_bytes(b"orphan")
    rep = verify_cache(store)
    assert not rep.ok and len(rep.stray) == 2
    assert "stray file: prices/.SPY.parquet.deadbeef.tmp" in rep.summary()
    store.manifest_path.write_text('{"entries": {')  # truncated
    with pytest.raises(CacheError, match="manifest is unreadable.*verify --repair"):
        load_market(cfg, "cache", cache=store)
    rep = verify_cache(store, repair=True)
    assert rep.manifest.startswith("rebuilt from manifest.bak.json")
    assert "removed 2 stray file(s)" in rep.summary()
    assert verify_cache(store).ok
    assert set(snapshot(store.root)) == set(good)
    # no usable backup either: reset, and say so
    store.manifest_path.write_text("nope")
    (store.root / "manifest.bak.json").write_text("nope")
    rep = verify_cache(store, repair=True)
    assert rep.manifest.startswith("reset to an empty manifest") and verify_cache(store).ok
    assert not list(store.root.rglob("*.parquet"))


def test_cli_cache_verify(two_mirrors, cfg, tmp_path, capsys):
    from backtests.cli.commands import main

    a, _ = two_mirrors
    store = Cache(tmp_path / "cache")
    load_market(cfg, "mirror", mirror=a, cache=store)
    (store.root / "prices" / ".x.tmp").write_bytes(b"")
    assert main(["cache", "verify", "--cache", str(store.root)]) == 1
    assert "stray file: prices/.x.tmp" in capsys.readouterr().out
    assert main(["cache", "verify", "--repair", "--cache", str(store.root)]) == 0
    assert "removed 1 stray file(s)" in capsys.readouterr().out
    assert main(["cache", "verify", "--cache", str(store.root)]) == 0


def _worker(mirror: Path, cache: Path, n: int = 1) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(mirror), str(cache), str(n)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=str(REPO),
    )


def _kill_loop(two_mirrors, cfg, tmp_path, tries: int, seed: int) -> dict[str, int]:
    a, b = two_mirrors
    rng = random.Random(seed)
    store = Cache(tmp_path / "cache")
    load_market(cfg, "mirror", mirror=a, cache=store)
    want = {"A": load_market(cfg, "cache", cache=store).prices}
    seen = {"A": 0, "B": 0}
    for i in range(tries):
        proc = _worker(b if i % 2 == 0 else a, store.root, n=3)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.communicate()  # reap it and close its pipes
        verify_cache(store, repair=True)
        assert verify_cache(store).ok
        gen = generation_of(store, (a, b))
        prices = load_market(cfg, "cache", cache=store).prices
        if gen in want:
            pd.testing.assert_frame_equal(prices, want[gen])
        want.setdefault(gen, prices)
        seen[gen] += 1
    return seen


def test_kill_9_during_fetch_leaves_old_or_new_short(two_mirrors, cfg, tmp_path):
    _kill_loop(two_mirrors, cfg, tmp_path, tries=3, seed=1)


@pytest.mark.slow
def test_kill_9_during_fetch_leaves_old_or_new_long(two_mirrors, cfg, tmp_path):
    seen = _kill_loop(two_mirrors, cfg, tmp_path, tries=30, seed=2)
    assert sum(seen.values()) == 30


def test_two_concurrent_fetches(two_mirrors, cfg, tmp_path):
    a, b = two_mirrors
    store = Cache(tmp_path / "cache")
    procs = [_worker(a, store.root, n=2), _worker(b, store.root, n=2)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert out.strip().endswith("done")
    rep = verify_cache(store)
    assert rep.ok, rep.summary()
    generation_of(store, (a, b))
    assert store.manifest()["generation"] >= 4

"""Long-history files through the cache: mirror -> cache, cache-only, auto, live refresh that
keeps the good copy, corruption caught by the hash and by ``scarcity cache verify``, and
plausibility errors that name the file, the series and the rule."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import responses

from data.cache import Cache
from data.cache_verify import verify_cache
from data.config import load_config
from data.errors import CacheError, FetchError, NetworkError, PlausibilityError
from data.history import load_history
from data.loaders import load_market
from data.sources.fredmd import FRED_MD_URL, FRED_QD_URL
from data.sources.french import FRENCH_URL

REPO = Path(__file__).resolve().parents[2]
FIVE = "F-F_Research_Data_5_Factors_2x3_daily"
THREE = "F-F_Research_Data_Factors_daily"


@pytest.fixture
def hcfg():
    return load_config(REPO / "configs" / "long_history.toml", data={"http_retries": 0})


@pytest.fixture
def mirror(history_mirror, tmp_path) -> Path:
    """A private copy of the small long-history mirror (tests edit it)."""
    return Path(shutil.copytree(history_mirror, tmp_path / "mirror"))


@pytest.fixture
def store(tmp_path) -> Cache:
    return Cache(tmp_path / "cache")


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_bytes().decode()
    assert old in text, old
    path.write_bytes(text.replace(old, new, 1).encode())


def _first_row(path: Path) -> str:
    """The first data row of a French file (after the header)."""
    lines = path.read_bytes().decode().split("\r\n")
    return lines[lines.index(",Mkt-RF,SMB,HML,RMW,CMA,RF") + 1]


def test_mirror_fills_the_cache_and_the_cache_gives_the_same_tables(hcfg, mirror, store):
    first = load_history(hcfg, "mirror", mirror=mirror, cache=store)
    assert first.source == "mirror"
    assert store.keys() == sorted([f"french/{FIVE}", "fred-md/current", "fred-qd/current"])
    e = store.entry(f"french/{FIVE}")
    assert e["source"] == f"mirror:{mirror}"
    assert e["request"] == str(mirror / "french" / f"{FIVE}.csv")
    assert e["columns"] == ["Mkt-RF", "SMB", "HML", "RMW", "CMA", "RF"]
    assert e["vintage_line"].startswith("This file was created")
    # the absent three-factor file is a note, not an error (the five-factor file has the spreads)
    assert any(f"no french/{THREE}.csv" in g for g in first.gaps)
    files = {k: store.entry(k)["file"] for k in store.keys()}
    load_history(hcfg, "mirror", mirror=mirror, cache=store)  # same payloads: nothing rewritten
    assert {k: store.entry(k)["file"] for k in store.keys()} == files
    assert sorted(p.name for p in (store.root / "french").iterdir()) == [
        Path(files[f"french/{FIVE}"]).name
    ]
    again = load_history(hcfg, "cache", cache=store)
    assert again.source == "mirror (cached)"
    pd.testing.assert_frame_equal(again.spreads, first.spreads)
    pd.testing.assert_frame_equal(again.macro, first.macro)
    pd.testing.assert_frame_equal(again.prices, first.prices)
    assert again.provenance == first.provenance and again.vintages == first.vintages
    assert verify_cache(store).ok


def test_auto_uses_a_complete_cache_without_mirror_or_network(hcfg, mirror, store):
    load_history(hcfg, "mirror", mirror=mirror, cache=store)
    shutil.rmtree(mirror)
    md = load_history(hcfg, "auto", mirror=None, cache=store)  # sockets are disabled
    assert md.source == "mirror (cached)" and md.spreads.shape[1] == 3


def test_auto_with_nothing_says_what_is_missing(hcfg, store):
    with pytest.raises(CacheError, match="no mirror with french/.*no network.*holds none"):
        load_history(hcfg, "auto", mirror=None, cache=store)
    with pytest.raises(CacheError, match="cache lacks fred-md/current, fred-qd/current"):
        load_history(hcfg, "cache", cache=store)


def test_main_loader_ignores_long_history_entries(hcfg, cfg, mirror, store):
    """A cache with only long-history files is an empty cache for the main sources."""
    load_history(hcfg, "mirror", mirror=mirror, cache=store)
    with pytest.raises(CacheError, match="the cache is empty"):
        load_market(cfg, "cache", cache=store)


def _corrupt(store: Cache, key: str) -> Path:
    path = store.root / store.entry(key)["file"]
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    return path


def test_corrupt_entry_is_detected_and_rebuilt_from_the_mirror(hcfg, mirror, store, caplog):
    load_history(hcfg, "mirror", mirror=mirror, cache=store)
    _corrupt(store, f"french/{FIVE}")
    with pytest.raises(CacheError, match=f"corrupt cache file for 'french/{FIVE}'"):
        load_history(hcfg, "cache", cache=store)
    rep = verify_cache(store)
    assert not rep.ok and any(p.startswith(f"french/{FIVE}: corrupt file") for p in rep.problems)
    # auto: the cache is unusable, the mirror rebuilds it
    md = load_history(hcfg, "auto", mirror=mirror, cache=store)
    assert md.source == "mirror" and "cache unusable" in caplog.text
    assert verify_cache(store).ok
    # without a mirror, a broken cache is an error naming the fix, never a silent switch
    _corrupt(store, "fred-md/current")
    with pytest.raises(CacheError, match="cache is broken.*cache verify --repair"):
        load_history(hcfg, "auto", mirror=None, cache=store)


def test_cache_verify_command_covers_long_history_entries(hcfg, mirror, store, capsys):
    from backtests.cli.commands import main

    load_history(hcfg, "mirror", mirror=mirror, cache=store)
    _corrupt(store, "fred-qd/current")
    assert main(["cache", "verify", "--cache", str(store.root)]) == 1
    assert "fred-qd/current: corrupt file" in capsys.readouterr().out
    assert main(["cache", "verify", "--repair", "--cache", str(store.root)]) == 0
    assert not store.has("fred-qd/current") and store.has("fred-md/current")


# -- live ------------------------------------------------------------------------------------


def _zip(name: str, payload: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, payload)
    return buf.getvalue()


def _serve(rsps, mirror: Path, *, french_status: int = 200, french_body: bytes | None = None):
    body = (
        french_body if french_body is not None else (mirror / "french" / f"{FIVE}.csv").read_bytes()
    )
    rsps.get(
        FRENCH_URL.format(file=FIVE),
        body=_zip(f"{FIVE}.CSV", body) if french_status == 200 else b"busy",
        status=french_status,
    )
    rsps.get(FRENCH_URL.format(file=THREE), status=404)
    rsps.get(FRED_MD_URL, body=(mirror / "fred-md" / "current.csv").read_bytes())
    rsps.get(FRED_QD_URL, body=(mirror / "fred-qd" / "current.csv").read_bytes())


@pytest.fixture
def hosts_answer(monkeypatch):
    monkeypatch.setattr("data.collect_history.probe", lambda host, *a, **k: None)


def test_live_download_fills_the_cache(hcfg, mirror, store, hosts_answer):
    with responses.RequestsMock() as rsps:
        _serve(rsps, mirror)
        md = load_history(hcfg, "live", cache=store)
    assert md.source == "live"
    e = store.entry(f"french/{FIVE}")
    assert e["source"] == "live:french" and e["request"].endswith(f"{FIVE}_CSV.zip")
    assert e["request_end"] == str(pd.Timestamp.today().date())
    assert any(f"french/{THREE} failed" in g and "404" in g for g in md.gaps)
    ref = load_history(hcfg, "mirror", mirror=mirror, cache=Cache(store.root.parent / "other"))
    pd.testing.assert_frame_equal(md.spreads, ref.spreads)
    pd.testing.assert_frame_equal(md.macro, ref.macro)
    assert load_history(hcfg, "cache", cache=store).source == "live (cached)"
    # fetched today: a second live load asks only for the file it does not have
    with responses.RequestsMock() as rsps:
        rsps.get(FRENCH_URL.format(file=THREE), status=404)
        assert load_history(hcfg, "live", cache=store).source == "live"
        assert [c.request.url for c in rsps.calls] == [FRENCH_URL.format(file=THREE)]


@pytest.mark.parametrize(
    ("status", "body", "why"),
    [
        (503, None, "503"),
        (200, "implausible", "rule daily-return"),
    ],
)
def test_failed_live_refresh_keeps_the_good_copy(
    hcfg, mirror, store, hosts_answer, status, body, why
):
    load_history(hcfg, "mirror", mirror=mirror, cache=store)
    good = store.entry(f"french/{FIVE}")
    before = load_history(hcfg, "cache", cache=store)
    payload = None
    if body == "implausible":  # 75 % in one day: HML typed as a percent of a percent
        path = mirror / "french" / f"{FIVE}.csv"
        row = _first_row(path)
        cells = row.split(",")
        cells[3] = "   75.00"
        payload = path.read_bytes().replace(row.encode(), ",".join(cells).encode())
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _serve(rsps, mirror, french_status=status, french_body=payload)
        md = load_history(hcfg, "live", cache=store, refresh=True)
    assert md.source == "live (cached, 1 items stale)"
    assert store.entry(f"french/{FIVE}")["sha256"] == good["sha256"]  # the good copy stays
    assert store.entry("fred-md/current")["source"] == "live:fred-md"  # the others refreshed
    pd.testing.assert_frame_equal(md.spreads, before.spreads)
    assert any(f"french/{FIVE} failed" in g and why in g for g in md.gaps)
    assert any("older cached copies used: " in g and f"french/{FIVE}" in g for g in md.gaps)
    assert verify_cache(store).ok


def test_failed_live_fetch_without_a_cached_copy_is_an_error(hcfg, mirror, store, hosts_answer):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _serve(rsps, mirror, french_status=503)
        with pytest.raises(FetchError, match="lacks a French file with HML.*503"):
            load_history(hcfg, "live", cache=store)
    # the macro files that did download are kept for the next try
    assert store.has("fred-md/current") and not store.has(f"french/{FIVE}")


def test_no_network_fails_at_once_and_leaves_the_cache(hcfg, mirror, store):
    load_history(hcfg, "mirror", mirror=mirror, cache=store)
    before = snapshot(store.root)
    with pytest.raises(NetworkError, match="network is unreachable.*mba.tuck.dartmouth.edu"):
        load_history(hcfg, "live", cache=store)  # sockets are disabled in the tests
    assert snapshot(store.root) == before


# -- plausibility ----------------------------------------------------------------------------


def test_french_return_beyond_half_is_a_named_error(hcfg, mirror, store):
    path = mirror / "french" / f"{FIVE}.csv"
    row = _first_row(path)
    cells = row.split(",")
    cells[3] = "   62.50"  # HML: 62.5 % in one day
    _edit(path, row, ",".join(cells))
    day = pd.Timestamp(cells[0]).date()
    with pytest.raises(PlausibilityError) as info:
        load_history(hcfg, "mirror", mirror=mirror, cache=store)
    msg = str(info.value)
    assert info.value.source == str(path) and info.value.row == str(day)
    assert "rule daily-return: HML = 0.625" in msg and "french_max_return" in msg
    assert not store.keys()  # nothing was cached


def test_french_borderline_day_is_a_note(hcfg, mirror, store):
    path = mirror / "french" / f"{FIVE}.csv"
    row = _first_row(path)
    cells = row.split(",")
    cells[1] = "  -25.00"  # Mkt-RF: a 1987-sized crash and more
    _edit(path, row, ",".join(cells))
    md = load_history(hcfg, "mirror", mirror=mirror, cache=store)
    assert any("Mkt-RF has 1 day(s) beyond +-0.2" in g and "-25.0%" in g for g in md.gaps)


def test_fred_md_absurd_value_names_file_and_series(hcfg, mirror, store):
    path = mirror / "fred-md" / "current.csv"
    cols = path.read_text().splitlines()[0].split(",")
    rows = path.read_text().splitlines()
    cells = rows[5].split(",")
    cells[cols.index("GS10")] = "512.0"  # a 512 % ten-year yield
    rows[5] = ",".join(cells)
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(PlausibilityError) as info:
        load_history(hcfg, "mirror", mirror=mirror, cache=store)
    assert info.value.source == str(path) and info.value.row == "1959-04-01"
    assert "rule unit-range: GS10 = 512" in str(info.value)


def test_vintage_without_values_is_named(hcfg, mirror, store):
    path = mirror / "fred-qd" / "current.csv"
    lines = path.read_text().splitlines()
    ncol = len(lines[0].split(","))
    dates_only = [ln.split(",")[0] + "," * (ncol - 1) for ln in lines[3:]]
    path.write_text("\n".join(lines[:3] + dates_only) + "\n")
    with pytest.raises(PlausibilityError, match="rule empty-vintage") as info:
        load_history(hcfg, "mirror", mirror=mirror, cache=store)
    assert info.value.source == str(path)


def test_series_without_values_is_named(hcfg, mirror, store):
    path = mirror / "fred-md" / "current.csv"
    lines = path.read_text().splitlines()
    k = lines[0].split(",").index("TB3MS")
    out = lines[:2]
    for ln in lines[2:]:
        cells = ln.split(",")
        cells[k] = ""
        out.append(",".join(cells))
    path.write_text("\n".join(out) + "\n")
    with pytest.raises(PlausibilityError, match=r"rule empty-series: TB3MS \(TB3MS"):
        load_history(hcfg, "mirror", mirror=mirror, cache=store)


def test_cached_table_with_unsorted_dates_is_refused(hcfg, mirror, store):
    """Tables read back from the cache are checked too (here: an entry written by hand)."""
    load_history(hcfg, "mirror", mirror=mirror, cache=store)
    good = store.get(f"french/{FIVE}")
    swapped = good.iloc[[1, 0, *range(2, len(good))]]
    entry = store.entry(f"french/{FIVE}")
    store.put(
        f"french/{FIVE}",
        swapped,
        source=entry["source"],
        request=entry["request"],
        raw_sha256=entry["raw_sha256"],
        columns=entry["columns"],
    )
    with pytest.raises(PlausibilityError, match="rule increasing-dates") as info:
        load_history(hcfg, "cache", cache=store)
    assert f"cached as french/{FIVE}" in info.value.source

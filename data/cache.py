"""A local cache of canonical tables: parquet files plus ``manifest.json``.

Each entry (key such as ``prices/SPY``, ``fred/DGS10``, ``edgar/0001326801``,
``capex/quarterly``) records the source, the request, ``fetched_at``, the sha256 of the raw
payload it was parsed from and the sha256 of the parquet file. Reading checks the hash and
raises :class:`~data.errors.CacheError` on a missing or corrupt file.

Writes are all-or-nothing: a :meth:`Cache.transaction` (one per fetch) holds an
inter-process lock (``flock`` on ``.lock``), writes each new table to a content-addressed
file (``<kind>/<name>-<sha>.parquet``, never overwritten), then switches the manifest in one
atomic step (temporary file, fsync, rename, fsync of the directory: the new *generation*),
and only then removes files the new manifest no longer references. A process killed at any
moment leaves the old generation or the new one, never a mix; what it leaves behind
(temporary and unreferenced files) is removed by :meth:`Cache.verify` with ``repair=True``
(``scarcity cache verify --repair``), which also rebuilds a corrupt manifest from its backup
(``manifest.bak.json``) or resets it. An ``OSError`` while writing (read-only directory, full
disk, permissions) becomes :class:`~data.errors.CacheWriteError`; reads keep working.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from data.cache_check import checked_file
from data.cache_io import LOCK_NAME, TMP_SUFFIX, atomic_write_bytes, locked, os_error, tmp_path
from data.cache_manifest import (
    BACKUP,
    MANIFEST,
    empty_manifest,
    entry_intact,
    file_sha,
    parse_manifest,
)
from data.cache_verify import verify_cache
from data.errors import CacheError, CacheWriteError
from data.tables import utc_now

log = logging.getLogger(__name__)

ENV_VAR = "SCARCITY_CACHE"
_SAFE = re.compile(r"[^A-Za-z0-9._\-^=]")


def default_cache_dir() -> Path:
    """``$SCARCITY_CACHE`` if set, else ``data/cache`` under the repository (or the cwd)."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    repo = Path(__file__).resolve().parents[1]
    if (repo / "pyproject.toml").is_file():
        return repo / "data" / "cache"
    return Path.cwd() / "data" / "cache"


class Transaction:
    """The writes of one fetch: staged in memory, published by one manifest switch.

    Obtained from :meth:`Cache.transaction`; offers :meth:`put`, :meth:`remove`,
    :meth:`entry`, :meth:`set_meta` with the same meaning as on :class:`Cache`.
    """

    def __init__(self, cache: Cache, doc: dict[str, Any]):
        self.cache = cache
        self.doc = doc
        self.written: list[Path] = []

    def entry(self, key: str) -> dict[str, Any] | None:
        """Return the staged entry of ``key`` (None when absent)."""
        e = self.doc["entries"].get(key)
        return dict(e) if e is not None else None

    def intact(self, key: str) -> bool:
        """Whether the staged entry's file exists and matches its hash."""
        e = self.doc["entries"].get(key)
        return e is not None and entry_intact(self.cache.root, e)

    def set_meta(self, **values: Any) -> None:
        """Merge keys into the cache-level metadata."""
        self.doc["meta"].update(values)

    def remove(self, key: str) -> None:
        """Forget ``key`` (its file is deleted after the switch)."""
        self.doc["entries"].pop(key, None)

    def put(
        self,
        key: str,
        table: pd.DataFrame | pd.Series,
        *,
        source: str,
        request: str,
        raw_sha256: str,
        fetched_at: str | None = None,
        synthetic: bool = False,
        **extra: Any,
    ) -> dict[str, Any]:
        """Write ``table`` to a new content-addressed file and stage its entry."""
        frame = table.to_frame() if isinstance(table, pd.Series) else table.copy()
        frame.attrs = {}
        kind, _, name = key.partition("/")
        root = self.cache.root
        if not kind or not name or "/" in name or kind.startswith("."):
            raise CacheError(f"cache keys look like '<kind>/<name>', got {key!r}", source=str(root))
        folder = root / kind
        tmp = tmp_path(folder / f"{_SAFE.sub('_', name)}.parquet")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            frame.to_parquet(tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            sha = file_sha(tmp)
            final = folder / f"{_SAFE.sub('_', name)}-{sha[:16]}.parquet"
            if not final.exists():
                self.written.append(final)
            os.replace(tmp, final)
        except OSError as exc:
            raise os_error(exc, what=f"table {key}", where=folder) from exc
        except Exception as exc:
            raise CacheError(f"could not write {key}: {exc!r}", source=str(folder)) from exc
        finally:
            with contextlib.suppress(FileNotFoundError, OSError):
                tmp.unlink()
        idx = frame.index
        dated = isinstance(idx, pd.DatetimeIndex) and len(idx)
        entry = {
            "file": str(final.relative_to(root)),
            "sha256": sha,
            "raw_sha256": raw_sha256,
            "source": source,
            "request": request,
            "fetched_at": fetched_at or utc_now(),
            "synthetic": bool(synthetic),
            "rows": int(len(frame)),
            "first_date": str(idx[0].date()) if dated else None,
            "last_date": str(idx[-1].date()) if dated else None,
            **extra,
        }
        self.doc["entries"][key] = entry
        return entry


class Cache:
    """Parquet tables with a manifest of provenance and hashes.

    Parameters
    ----------
    root : str or Path, optional
        Cache directory (created on first write). Default: :func:`default_cache_dir`.

    Examples
    --------
    >>> import tempfile
    >>> c = Cache(tempfile.mkdtemp())
    >>> idx = pd.DatetimeIndex(["2024-01-02"], name="date")
    >>> _ = c.put("prices/X", pd.DataFrame({"X": [1.0]}, index=idx), source="test",
    ...           request="X.csv", raw_sha256="0" * 64)
    >>> c.get("prices/X")["X"].tolist()
    [1.0]
    """

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root).expanduser() if root is not None else default_cache_dir()

    def __repr__(self) -> str:
        return f"Cache({str(self.root)!r})"

    def namespace(self, name: str) -> Cache:
        """Return a separate cache under ``root/name`` (own manifest), e.g. for synthetic data."""
        return Cache(self.root / name)

    # -- manifest -----------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        """Path of ``manifest.json``."""
        return self.root / MANIFEST

    def manifest(self) -> dict[str, Any]:
        """Return the manifest (``version``, ``generation``, ``meta``, ``entries``).

        Empty when there is no cache yet; :class:`CacheError` when it is corrupt.
        """
        p = self.manifest_path
        if not p.is_file():
            return empty_manifest()
        return parse_manifest(p)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Stage writes and publish them in one atomic manifest switch (see the module doc).

        Holds the exclusive inter-process lock for the whole block. On an exception the
        manifest is untouched and the files written by the block are removed.

        Raises
        ------
        CacheWriteError
            The directory cannot be written (read-only, full, permissions).
        """
        with locked(self.root, exclusive=True):
            doc = self.manifest()
            before = {e["file"] for e in doc["entries"].values()}
            tx = Transaction(self, json.loads(json.dumps(doc, default=str)))
            try:
                yield tx
                self._switch(tx.doc)
            except BaseException:
                for p in tx.written:
                    with contextlib.suppress(OSError):
                        p.unlink()
                raise
            after = {e["file"] for e in tx.doc["entries"].values()}
            for rel in sorted(before - after):
                with contextlib.suppress(OSError):
                    (self.root / rel).unlink()

    def _switch(self, doc: dict[str, Any]) -> None:
        """Publish ``doc`` as the next generation (atomic, durable), then its backup."""
        doc["generation"] = int(doc.get("generation", 0)) + 1
        data = json.dumps(doc, indent=1, sort_keys=True, default=str).encode()
        try:
            atomic_write_bytes(self.manifest_path, data)
        except OSError as exc:
            raise os_error(exc, what="manifest", where=self.manifest_path) from exc
        try:
            atomic_write_bytes(self.root / BACKUP, data)
        except OSError as exc:  # the switch is done; the backup is a convenience
            log.warning("could not write the manifest backup: %s", exc)

    def _write_manifest(self, doc: dict[str, Any]) -> None:
        with locked(self.root, exclusive=True):
            self._switch(doc)

    def meta(self) -> dict[str, Any]:
        """Free-form cache-level metadata (e.g. ``synthetic``, ``seed``)."""
        return dict(self.manifest().get("meta", {}))

    def set_meta(self, **values: Any) -> None:
        """Merge keys into the cache-level metadata."""
        with self.transaction() as tx:
            tx.set_meta(**values)

    def keys(self, prefix: str = "") -> list[str]:
        """Return the cached keys starting with ``prefix``."""
        return sorted(k for k in self.manifest()["entries"] if k.startswith(prefix))

    def entry(self, key: str) -> dict[str, Any] | None:
        """Return the manifest entry of ``key`` (None when absent)."""
        e = self.manifest()["entries"].get(key)
        return dict(e) if e is not None else None

    def has(self, key: str) -> bool:
        """Whether ``key`` is cached (its file is not checked here; see :meth:`get`)."""
        return key in self.manifest()["entries"]

    # -- tables -------------------------------------------------------------------------
    def put(
        self,
        key: str,
        table: pd.DataFrame | pd.Series,
        *,
        source: str,
        request: str,
        raw_sha256: str,
        fetched_at: str | None = None,
        synthetic: bool = False,
        **extra: Any,
    ) -> dict[str, Any]:
        """Store ``table`` under ``key`` in a one-item transaction.

        Parameters
        ----------
        key : str
            ``<kind>/<name>``.
        table : DataFrame or Series
            A Series is stored as a one-column frame.
        source, request, raw_sha256, fetched_at : keyword-only
            Provenance: where it came from, what was asked (file path or URL), the sha256 of
            the raw payload, when (default now, UTC).
        synthetic : bool, keyword-only
            Marks synthetic data (also written to the table's attrs on read).
        **extra
            More JSON-serializable fields for the entry (e.g. ``request_end``).

        Returns
        -------
        dict
            The manifest entry.
        """
        with self.transaction() as tx:
            return tx.put(
                key,
                table,
                source=source,
                request=request,
                raw_sha256=raw_sha256,
                fetched_at=fetched_at,
                synthetic=synthetic,
                **extra,
            )

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the shared lock while several reads must see one generation."""
        with locked(self.root, exclusive=False):
            yield

    def get(self, key: str) -> pd.DataFrame:
        """Read ``key``, checking the file's sha256 against the manifest.

        Raises
        ------
        CacheError
            Key not cached; :class:`~data.errors.CacheCorruptError` when the file is missing
            or its hash differs (:func:`data.cache_check.checked_file`).
        """
        entry = self.entry(key)
        if entry is None:
            raise CacheError(f"{key!r} is not cached", source=str(self.root))
        path = checked_file(self.root, key, entry)  # CacheCorruptError: verify --repair
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:
            raise CacheError(f"cannot read parquet for {key!r}: {exc!r}", source=str(path)) from exc
        frame.attrs = {
            "source": entry["source"],
            "request": entry["request"],
            "fetched_at": entry["fetched_at"],
            "sha256": entry["raw_sha256"],
            "synthetic": entry.get("synthetic", False),
        }
        return frame

    def intact(self, key: str) -> bool:
        """Return whether ``key`` is cached and its file matches the manifest's sha256."""
        entry = self.entry(key)
        return entry is not None and entry_intact(self.root, entry)

    def missing(self, keys: Iterable[str], *, end: str | pd.Timestamp | None = None) -> list[str]:
        """Keys to (re)fetch for an incremental refresh.

        A key is missing when it is not cached, or, given ``end``, when its data stops
        before ``end``: the entry's ``request_end`` (the end asked for when it was fetched)
        or else its ``last_date`` is earlier than ``end``.
        """
        entries = self.manifest()["entries"]
        lim = pd.Timestamp(end).normalize() if end is not None else None
        out = []
        for key in keys:
            e = entries.get(key)
            if e is None:
                out.append(key)
                continue
            if lim is not None:
                stamp = e.get("request_end") or e.get("last_date")
                if stamp is None or pd.Timestamp(stamp) < lim:
                    out.append(key)
        return out

    def remove(self, key: str) -> None:
        """Forget ``key`` and delete its file."""
        if key not in self.manifest()["entries"]:
            return
        with self.transaction() as tx:
            tx.remove(key)

    def verify(self, *, repair: bool = False) -> list[str]:
        """Check every entry's file and hash; return one problem note per bad entry.

        See :func:`data.cache_verify.verify_cache` for the full check (stray files, a
        corrupt manifest) and the repair.
        """
        return verify_cache(self, repair=repair).problems


# The manifest helpers' former private names here, kept for importers of this module.
_file_sha = file_sha
_empty = empty_manifest
_parse_manifest = parse_manifest

__all__ = ["BACKUP", "LOCK_NAME", "MANIFEST", "TMP_SUFFIX", "Cache", "CacheWriteError"]

"""A local cache of canonical tables: parquet files plus ``manifest.json``.

Each entry (key such as ``prices/SPY``, ``fred/DGS10``, ``edgar/0001326801``,
``capex/quarterly``) records the source, the request, ``fetched_at``, the sha256 of the raw
payload it was parsed from and the sha256 of the parquet file. Writes are atomic: the table
goes to a temporary file in the same directory, is renamed (``os.replace``) to a name that
carries its hash, and only then does the manifest (also replaced atomically) point at it; a
failed refresh therefore leaves the previous good copy in place. Reading checks the hash and
raises :class:`~data.errors.CacheError` on a missing or corrupt file.

Not safe for several *processes* writing the same cache at once (the last manifest wins).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from data.errors import CacheError
from data.tables import sha256_bytes, utc_now

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
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


def _file_sha(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


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
        """Return the manifest (``version``, ``meta``, ``entries``); empty when no cache yet."""
        p = self.manifest_path
        if not p.is_file():
            return {"version": 1, "meta": {}, "entries": {}}
        try:
            doc = json.loads(p.read_text())
        except (OSError, ValueError) as exc:
            raise CacheError(f"manifest is unreadable or corrupt: {exc}", source=str(p)) from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("entries"), dict):
            raise CacheError("manifest has no `entries` object", source=str(p))
        doc.setdefault("meta", {})
        return doc

    def _write_manifest(self, doc: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        data = json.dumps(doc, indent=1, sort_keys=True, default=str).encode()
        _atomic_write_bytes(self.manifest_path, data)

    def meta(self) -> dict[str, Any]:
        """Free-form cache-level metadata (e.g. ``synthetic``, ``seed``)."""
        return dict(self.manifest().get("meta", {}))

    def set_meta(self, **values: Any) -> None:
        """Merge keys into the cache-level metadata."""
        doc = self.manifest()
        doc["meta"].update(values)
        self._write_manifest(doc)

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
        """Store ``table`` under ``key`` atomically and record it in the manifest.

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
        frame = table.to_frame() if isinstance(table, pd.Series) else table.copy()
        frame.attrs = {}
        kind, _, name = key.partition("/")
        if not kind or not name:
            raise CacheError(
                f"cache keys look like '<kind>/<name>', got {key!r}", source=str(self.root)
            )
        folder = self.root / kind
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{_SAFE.sub('_', name)}.{uuid.uuid4().hex}.tmp"
        try:
            frame.to_parquet(tmp)
            sha = _file_sha(tmp)
            final = folder / f"{_SAFE.sub('_', name)}-{sha[:16]}.parquet"
            os.replace(tmp, final)
        except Exception as exc:
            raise CacheError(f"could not write {key}: {exc!r}", source=str(folder)) from exc
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        idx = frame.index
        dated = isinstance(idx, pd.DatetimeIndex) and len(idx)
        entry = {
            "file": str(final.relative_to(self.root)),
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
        doc = self.manifest()
        old = doc["entries"].get(key)
        doc["entries"][key] = entry
        self._write_manifest(doc)
        if old and old.get("file") != entry["file"]:
            with contextlib.suppress(FileNotFoundError):
                (self.root / old["file"]).unlink()
        return entry

    def get(self, key: str) -> pd.DataFrame:
        """Read ``key``, checking the file's sha256 against the manifest.

        Raises
        ------
        CacheError
            Key not cached, file missing, or its hash differs (corrupt or edited file).
        """
        entry = self.entry(key)
        if entry is None:
            raise CacheError(f"{key!r} is not cached", source=str(self.root))
        path = self.root / entry["file"]
        if not path.is_file():
            raise CacheError(f"file of {key!r} is missing", source=str(path))
        sha = _file_sha(path)
        if sha != entry["sha256"]:
            raise CacheError(
                f"corrupt cache file for {key!r}: sha256 {sha[:12]}... != manifest "
                f"{entry['sha256'][:12]}...; refresh it (scarcity fetch --source mirror/live)",
                source=str(path),
            )
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
        if entry is None:
            return False
        path = self.root / entry["file"]
        return path.is_file() and _file_sha(path) == entry["sha256"]

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
        doc = self.manifest()
        old = doc["entries"].pop(key, None)
        if old is None:
            return
        self._write_manifest(doc)
        with contextlib.suppress(FileNotFoundError):
            (self.root / old["file"]).unlink()

    def verify(self) -> list[str]:
        """Check every entry's file and hash; return one problem note per bad entry."""
        problems = []
        for key in self.keys():
            try:
                self.get(key)
            except CacheError as exc:
                problems.append(str(exc))
        return problems

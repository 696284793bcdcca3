"""``scarcity cache verify [--repair]``: check a cache and clean up after a crash.

Checks the manifest (parses; else rebuilt from ``manifest.bak.json`` when that backup parses
and every file it names is intact, else reset to empty), every entry's file and hash, and
looks for stray files: temporary files (``*.tmp``) and parquet files no entry references
(left by a process killed between writing and switching, or after the switch). With
``repair`` the stray files and the bad entries are removed, and the manifest is rebuilt or
reset; the report says which.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from data.cache_io import LOCK_NAME, TMP_SUFFIX, locked, os_error
from data.cache_manifest import BACKUP, MANIFEST, all_intact, file_sha, parse_manifest
from data.errors import CacheError


class VerifiableCache(Protocol):
    """What the verifier needs of a :class:`data.cache.Cache`: its root and manifest switch.

    A structural type, so that this module does not import :mod:`data.cache` (which imports
    this module for :meth:`data.cache.Cache.verify`).
    """

    root: Path

    def _switch(self, doc: dict[str, Any]) -> None:
        """Publish ``doc`` as the next manifest generation."""


@dataclass
class VerifyReport:
    """What :func:`verify_cache` found and (with ``repair``) did.

    Attributes
    ----------
    root : Path
        The cache directory.
    manifest : str
        ``ok``, ``absent``, ``corrupt``, ``rebuilt from manifest.bak.json`` or ``reset``.
    problems : list of str
        One note per bad entry (missing file, hash mismatch).
    stray : list of str
        Temporary or unreferenced files (relative paths).
    actions : list of str
        What the repair did.
    """

    root: Path
    manifest: str = "ok"
    problems: list[str] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    entries: int = 0

    @property
    def ok(self) -> bool:
        """True when the cache is consistent (after a repair: when the repair made it so)."""
        return self.manifest != "corrupt" and not self.problems and not self.stray

    def summary(self) -> str:
        """Return a few lines: the manifest, the entries, the problems, what was done."""
        lines = [f"cache {self.root}: manifest {self.manifest}, {self.entries} entries"]
        lines += [f"  problem: {p}" for p in self.problems]
        lines += [f"  stray file: {s}" for s in self.stray]
        lines += [f"  repaired: {a}" for a in self.actions]
        if self.ok and not self.actions:
            lines.append("  ok: every file matches the manifest, no stray files")
        elif not self.actions:
            lines.append("  run `scarcity cache verify --repair` to fix")
        return "\n".join(lines)


def verify_cache(cache: VerifiableCache, *, repair: bool = False) -> VerifyReport:
    """Check ``cache`` (see the module docstring); fix it when ``repair``.

    Returns
    -------
    VerifyReport

    Raises
    ------
    CacheWriteError
        ``repair`` on a cache that cannot be written.
    """
    root = cache.root
    rep = VerifyReport(root=root)
    if not root.is_dir():
        rep.manifest = "absent"
        return rep
    ctx = locked(root, exclusive=True) if repair else contextlib.nullcontext()
    with ctx:
        mpath = root / MANIFEST
        doc = None
        if not mpath.is_file():
            rep.manifest = "absent"
            doc = {"version": 1, "generation": 0, "meta": {}, "entries": {}}
        else:
            try:
                doc = parse_manifest(mpath)
            except CacheError as exc:
                rep.manifest = "corrupt"
                rep.problems.append(str(exc))
        if doc is None:
            backup = None
            with contextlib.suppress(CacheError):
                backup = parse_manifest(root / BACKUP) if (root / BACKUP).is_file() else None
            if backup is not None and all_intact(root, backup):
                doc = backup
                how = f"rebuilt from {BACKUP} (generation {backup['generation']})"
            else:
                doc = {"version": 1, "generation": 0, "meta": {}, "entries": {}}
                how = "reset to an empty manifest (no usable backup; fetch again)"
            if repair:
                rep.manifest = how
                rep.actions.append(f"manifest {how}")
                rep.problems.clear()
            else:
                rep.problems.append(f"--repair would have the manifest {how}")
        bad = []
        for key, e in sorted(doc["entries"].items()):
            p = root / e["file"]
            if not p.is_file():
                bad.append(key)
                rep.problems.append(f"{key}: file {e['file']} is missing")
            elif file_sha(p) != e["sha256"]:
                bad.append(key)
                rep.problems.append(
                    f"{key}: corrupt file {e['file']} (sha256 differs from the manifest)"
                )
        for key in bad:
            doc["entries"].pop(key)
        referenced = {e["file"] for e in doc["entries"].values()}
        keep = {MANIFEST, BACKUP, LOCK_NAME}
        for p in sorted(root.rglob("*")):
            rel = str(p.relative_to(root))
            if p.is_dir() or rel in keep or rel.split("/")[0] in _namespaces(root):
                continue
            if p.name.endswith(TMP_SUFFIX) or (p.suffix == ".parquet" and rel not in referenced):
                rep.stray.append(rel)
        rep.entries = len(doc["entries"])
        if repair and (rep.actions or bad or rep.stray):
            try:
                cache._switch(doc)
                for rel in rep.stray:
                    (root / rel).unlink()
            except OSError as exc:
                raise os_error(exc, what="repair", where=root) from exc
            if bad:
                rep.actions.append(f"dropped {len(bad)} bad entries: {', '.join(bad)}; fetch again")
            if rep.stray:
                rep.actions.append(f"removed {len(rep.stray)} stray file(s)")
            rep.problems = [p for p in rep.problems if not any(p.startswith(k) for k in bad)]
            rep.stray = []
    return rep


def _namespaces(root: Path) -> set[str]:
    """Sub-caches (own manifest) such as ``synthetic/``: verified on their own."""
    return {p.parent.name for p in root.glob(f"*/{MANIFEST}")}


def verify_json(rep: VerifyReport) -> str:
    """Return the report as JSON (for scripts)."""
    return json.dumps(
        {
            "root": str(rep.root),
            "manifest": rep.manifest,
            "entries": rep.entries,
            "problems": rep.problems,
            "stray": rep.stray,
            "actions": rep.actions,
            "ok": rep.ok,
        },
        indent=1,
    )


# Former private names here, kept for importers of this module.
_intact = all_intact
_file_sha = file_sha
_parse_manifest = parse_manifest

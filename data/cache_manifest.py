"""The cache's manifest format: file names, the empty document, parsing, file hashes.

A manifest (``manifest.json``, with its backup ``manifest.bak.json``) is a JSON object with
``version``, ``generation``, ``meta`` and ``entries`` (key -> entry with the ``file`` it names
relative to the cache root and that file's ``sha256``). This module reads the format and
checks entries against their files; writing a new generation is the cache's
(:class:`data.cache.Cache`), checking and repairing a whole cache the verifier's
(:mod:`data.cache_verify`). Both import this module, neither imports the other back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from data.errors import CacheError
from data.tables import sha256_bytes

MANIFEST = "manifest.json"
BACKUP = "manifest.bak.json"


def file_sha(path: Path) -> str:
    """Return the sha256 (hex) of the bytes of ``path``."""
    return sha256_bytes(path.read_bytes())


def empty_manifest() -> dict[str, Any]:
    """Return a new empty manifest (generation 0, no meta, no entries)."""
    return {"version": 1, "generation": 0, "meta": {}, "entries": {}}


def parse_manifest(p: Path) -> dict[str, Any]:
    """Read the manifest at ``p``, filling in a missing ``meta`` and ``generation``.

    Raises
    ------
    CacheError
        The file is unreadable, not JSON, or has no ``entries`` object.
    """
    try:
        doc = json.loads(p.read_text())
    except (OSError, ValueError) as exc:
        raise CacheError(
            f"manifest is unreadable or corrupt: {exc}; run `scarcity cache verify --repair`",
            source=str(p),
        ) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), dict):
        raise CacheError(
            "manifest has no `entries` object; run `scarcity cache verify --repair`",
            source=str(p),
        )
    doc.setdefault("meta", {})
    doc.setdefault("generation", 0)
    return doc


def entry_intact(root: Path, entry: dict[str, Any]) -> bool:
    """Whether the file an entry names (under ``root``) exists and matches its sha256."""
    path = root / entry["file"]
    return path.is_file() and file_sha(path) == entry["sha256"]


def all_intact(root: Path, doc: dict[str, Any]) -> bool:
    """Whether every entry of the manifest ``doc`` is intact under ``root``."""
    return all(entry_intact(root, e) for e in doc["entries"].values())


__all__ = [
    "BACKUP",
    "MANIFEST",
    "all_intact",
    "empty_manifest",
    "entry_intact",
    "file_sha",
    "parse_manifest",
]

"""Check a cached file against its manifest entry when it is read.

:func:`checked_file` is the read path's integrity check (:meth:`data.cache.Cache.get`): the
file must exist and its sha256 must equal the manifest's. Otherwise it raises
:class:`~data.errors.CacheCorruptError` naming the key, the file, both hashes and the fix,
``scarcity cache verify --repair`` (which drops the bad entry) and a new fetch. It only reads:
the manifest and the files are left exactly as they were, so the failure can be inspected and
repaired.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from data.cache_manifest import file_sha
from data.errors import CacheCorruptError

__all__ = ["REPAIR", "checked_file"]

REPAIR = "scarcity cache verify --repair"
"""The command that drops a corrupt or missing entry (then fetch it again)."""


def checked_file(root: Path, key: str, entry: Mapping[str, Any]) -> Path:
    """Return the path of ``key``'s file once its content matches the manifest's sha256.

    Parameters
    ----------
    root : Path
        The cache directory.
    key : str
        The entry's key (``prices/SPY``), named in the message.
    entry : mapping
        The manifest entry (``file``, ``sha256``).

    Returns
    -------
    Path
        ``root / entry["file"]``.

    Raises
    ------
    CacheCorruptError
        The file is missing, or its sha256 differs from the manifest's (a corrupt or edited
        file); the message points to ``scarcity cache verify --repair``.
    """
    path = Path(root) / entry["file"]
    if not path.is_file():
        raise CacheCorruptError(
            f"file of {key!r} is missing ({entry['file']}); run `{REPAIR}`, then fetch it again",
            source=str(path),
        )
    sha = file_sha(path)
    want = str(entry["sha256"])
    if sha != want:
        raise CacheCorruptError(
            f"corrupt cache file for {key!r}: its content no longer matches the manifest "
            f"(sha256 {sha[:12]}... != {want[:12]}...); run `{REPAIR}` to drop the entry, "
            "then fetch it again (`scarcity fetch`)",
            source=str(path),
        )
    return path

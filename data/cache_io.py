"""File-system primitives of the cache: durable atomic writes, locks, OS errors.

An ``OSError`` while writing becomes :class:`~data.errors.CacheWriteError` (:func:`os_error`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from data.errors import CacheWriteError

LOCK_NAME = ".lock"
TMP_SUFFIX = ".tmp"


def os_error(exc: OSError, *, what: str, where: Path | str) -> CacheWriteError:
    """Turn an ``OSError`` raised while writing the cache into a :class:`CacheWriteError`.

    The message says why (read-only, full, permission), that the cache is unchanged, and
    how to proceed.
    """
    code = getattr(exc, "errno", None)
    text = str(exc)
    if code is None:  # pyarrow and others raise OSError with the message only
        for num, words in ((errno.ENOSPC, "No space left"), (errno.EROFS, "Read-only file")):
            if words in text:
                code = num
        if "Permission denied" in text:
            code = errno.EACCES
    if code == errno.ENOSPC or code == errno.EDQUOT:
        why = "the disk is full (no space left on device)"
        fix = "free some space or point SCARCITY_CACHE at another disk"
    elif code == errno.EROFS:
        why = "the file system is read-only"
        fix = "reads still work (--source cache); to write, point SCARCITY_CACHE elsewhere"
    elif code in (errno.EACCES, errno.EPERM):
        why = "permission denied"
        fix = "reads still work (--source cache); fix the permissions or set SCARCITY_CACHE"
    else:
        why = f"{exc.strerror or exc}"
        fix = "check the cache directory or set SCARCITY_CACHE"
    return CacheWriteError(
        f"cannot write the cache ({what}): {why}; the cache is unchanged; {fix}",
        source=str(where),
    )


def fsync_dir(path: Path) -> None:
    """Flush a directory entry to disk (after a rename inside it)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def tmp_path(path: Path) -> Path:
    """Return a unique temporary name next to ``path`` (hidden, ``.tmp``)."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}{TMP_SUFFIX}")


def durable_replace(tmp: Path, path: Path) -> None:
    """Fsync ``tmp``, rename it to ``path`` and fsync the directory."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``: temporary file, fsync, rename, fsync of the directory.

    Raises ``OSError`` (callers map it with :func:`os_error`); the temporary file never
    survives a failure.
    """
    tmp = tmp_path(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def locked(root: Path, *, exclusive: bool) -> Iterator[bool]:
    """Hold ``root/.lock`` (``flock``) for the block: exclusive to write, shared to read.

    Yields whether a lock is held: a reader on a read-only cache proceeds without one (no
    writer can change a read-only directory either); a writer that cannot create the lock
    file gets :class:`CacheWriteError`.
    """
    lock = root / LOCK_NAME
    try:
        if exclusive:
            root.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if exclusive:
            raise os_error(exc, what="lock", where=lock) from exc
        yield False
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield True
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

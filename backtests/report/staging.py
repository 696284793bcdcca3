"""Write a report folder all at once: into a sibling staging folder, then rename it into place.

A run killed while it writes leaves the previous report as it was (or no folder at all),
never a folder that looks complete or mixes the files of two runs: the files go into a hidden
sibling ``.<name>.partial-<pid>-<random>``, and only when every file is written is the old
folder moved aside (``.<name>.old-<pid>-<random>``), the new one renamed into place and the old
one removed. Renames within one directory are atomic on POSIX file systems. Leftovers of a
killed run (their process is gone) are removed by the next run into the same folder.

An existing folder is replaced only when it is empty or holds a report (a ``metrics.json``):
:func:`check_replaceable` refuses any other folder, so ``--out .`` can never delete a tree
that is not a report.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from data.errors import OutputError

__all__ = ["REPORT_MARKER", "check_replaceable", "write_staged"]

log = logging.getLogger(__name__)

T = TypeVar("T")

REPORT_MARKER = "metrics.json"
"""A folder holding this file is a report folder (and may be replaced by a new report)."""


def check_replaceable(out_dir: str | Path) -> Path:
    """Return ``out_dir`` as a Path when a report may be written there, else raise.

    Parameters
    ----------
    out_dir : str or Path
        The report folder.

    Returns
    -------
    Path

    Raises
    ------
    OutputError
        When ``out_dir`` is a file, or a non-empty folder that is not a report (no
        :data:`REPORT_MARKER`); the message names the folder.
    """
    path = Path(out_dir)
    if path.exists() and not path.is_dir():
        raise OutputError(f"report folder {path} is a file, not a folder")
    if path.is_dir() and any(path.iterdir()) and not (path / REPORT_MARKER).is_file():
        raise OutputError(
            f"report folder {path} is not empty and holds no report ({REPORT_MARKER}); a "
            f"report replaces its whole folder, so choose an empty or new folder"
        )
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _clean_leftovers(final: Path) -> None:
    """Remove staging and old folders of ``final`` left by runs whose process is gone."""
    pattern = re.compile(rf"^\.{re.escape(final.name)}\.(partial|old)-(\d+)-[0-9a-f]+$")
    for p in final.parent.iterdir():
        m = pattern.match(p.name)
        if m and p.is_dir() and int(m.group(2)) != os.getpid() and not _alive(int(m.group(2))):
            log.info("removing %s, left by an interrupted report run", p)
            shutil.rmtree(p, ignore_errors=True)


def _sibling(final: Path, kind: str) -> Path:
    return final.parent / f".{final.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}"


def write_staged(out_dir: str | Path, write: Callable[[Path], T]) -> T:
    """Run ``write(stage)`` into a fresh staging folder, then rename it to ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        The report folder; its parent is created if needed. An existing folder is replaced
        as a whole (only when :func:`check_replaceable` allows it).
    write : callable
        Writes every file into the folder it is given and returns a value.

    Returns
    -------
    object
        What ``write`` returned.

    Raises
    ------
    OutputError
        From :func:`check_replaceable`.
    Exception
        Whatever ``write`` raises: the staging folder is removed and ``out_dir`` is left as
        it was.
    """
    final = check_replaceable(out_dir)
    final.parent.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(final)
    stage = _sibling(final, "partial")
    stage.mkdir()
    try:
        value = write(stage)
        if final.exists():
            old = _sibling(final, "old")
            os.rename(final, old)
            os.rename(stage, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(stage, final)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return value

"""Check an output path before any work starts, so a long run never fails at its last step.

:func:`check_output` finds the nearest existing folder on the way to the path and proves it
can be written by creating (and removing) a probe file in it: permission bits, read-only
mounts and a file standing where a folder should be all fail here, with the path named,
before data is loaded. Nothing is created (no folder, no file) when the check passes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Literal

from data.errors import OutputError

__all__ = ["check_output", "check_report_output"]


def _nearest_existing(path: Path) -> Path:
    p = path
    while not p.exists() and not p.is_symlink():
        if p.parent == p:
            break
        p = p.parent
    return p


def _probe(folder: Path, flag: str, target: Path) -> None:
    try:
        fd, name = tempfile.mkstemp(prefix=".scarcity-probe-", dir=folder)
    except OSError as exc:
        raise OutputError(
            f"{flag} {target}: cannot write in {folder} ({exc.strerror or exc}); choose a "
            f"writable location or fix its permissions"
        ) from exc
    os.close(fd)
    os.unlink(name)


def check_output(
    path: str | Path, *, kind: Literal["folder", "file"] = "folder", flag: str = "--out"
) -> Path:
    """Raise :class:`~data.errors.OutputError` unless ``path`` can be written.

    Parameters
    ----------
    path : str or Path
        The output folder or file.
    kind : {"folder", "file"}, keyword-only
        A folder (files are written inside it) or one file.
    flag : str, keyword-only
        The command-line flag the path came from (named in the message).

    Returns
    -------
    Path
        ``path`` as a Path.

    Raises
    ------
    OutputError
        When the path (or a folder on the way) is a file where a folder is needed, a folder
        where a file is needed, or the nearest existing folder cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     check_output(Path(d) / "new" / "report").name
    'report'
    """
    target = Path(path)
    if kind == "file" and target.is_dir():
        raise OutputError(f"{flag} {target} is a folder; give a file name")
    if kind == "folder" and target.exists() and not target.is_dir():
        raise OutputError(f"{flag} {target} is a file; give a folder")
    folder = target if kind == "folder" else target.parent
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        raise OutputError(f"{flag} {target}: {existing} is a file, so no folder can be made there")
    _probe(existing, flag, target)
    if kind == "file" and target.exists() and not os.access(target, os.W_OK):
        raise OutputError(f"{flag} {target} exists and cannot be written")
    return target


def check_report_output(path: str | Path) -> Path:
    """Check a report folder: writable (:func:`check_output`) and replaceable as a whole.

    A report replaces its folder (:mod:`backtests.report.staging`), so a non-empty folder
    that holds no report is refused here too, before the run.
    """
    from backtests.report.staging import check_replaceable

    check_output(path)
    return check_replaceable(path)

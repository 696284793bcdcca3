"""Report files get the mode an ordinary open() gives under the user's umask (issue 14)."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from backtests.report.writer import atomic_write_text
from data.errors import DataError


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_report_file_mode_follows_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        atomic_write_text(tmp_path / "r" / "metrics.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r" / "metrics.json").stat().st_mode) == mode


def test_report_write_on_a_full_disk_is_a_named_error(tmp_path, monkeypatch):
    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("backtests.report.writer.os.replace", full)
    with pytest.raises(DataError, match="index.html: cannot write the report: No space left"):
        atomic_write_text(tmp_path / "index.html", "<html>")
    assert os.listdir(tmp_path) == []

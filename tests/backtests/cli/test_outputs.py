"""An output that cannot be written is a named error before any work starts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import backtests.study.pipeline
import backtests.study.power
from backtests.cli import commands as cli
from backtests.cli.outputs import check_output, check_report_output
from data.errors import OutputError

UNWRITABLE = Path("/proc/scarcity-no-such-folder/report")  # not writable, even by root


@pytest.fixture()
def no_work(monkeypatch):
    """Fail the test if a command starts loading data or running anything."""

    def boom(*args, **kwargs):
        raise AssertionError("work started before the output was checked")

    monkeypatch.setattr(cli, "_market", boom)
    monkeypatch.setattr(backtests.study.pipeline, "run_pipeline", boom)
    monkeypatch.setattr(backtests.study.power, "run_power_study", boom)


def test_a_writable_path_passes_and_nothing_is_created(tmp_path):
    out = tmp_path / "a" / "b"
    assert check_output(out) == out
    assert check_output(tmp_path / "c" / "sweep.csv", kind="file").name == "sweep.csv"
    assert list(tmp_path.iterdir()) == []  # no folder, no probe left behind


def test_a_file_in_the_way_or_the_wrong_kind_is_named(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputError, match=rf"--out {tmp_path}/afile/r: {tmp_path}/afile is a file"):
        check_output(tmp_path / "afile" / "r")
    with pytest.raises(OutputError, match=rf"--out {tmp_path}/afile is a file; give a folder"):
        check_output(tmp_path / "afile")
    with pytest.raises(OutputError, match=rf"--out {tmp_path} is a folder; give a file name"):
        check_output(tmp_path, kind="file")
    assert (tmp_path / "afile").read_text() == "x"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
def test_a_folder_that_cannot_be_written_is_named():
    with pytest.raises(
        OutputError, match=r"--out /proc/scarcity-no-such-folder/report: cannot write in /proc"
    ):
        check_output(UNWRITABLE)


def test_a_report_folder_holding_other_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="not empty and holds no report"):
        check_report_output(tmp_path)
    (tmp_path / "metrics.json").write_text("{}")
    assert check_report_output(tmp_path) == tmp_path


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "--source", "synthetic", "--no-sweep"],
        ["signal", "--source", "synthetic"],
        ["power", "--seeds", "1"],
        ["sweep", "--source", "synthetic"],
    ],
)
def test_each_command_checks_its_out_before_any_work(argv, tmp_path, capsys, no_work):
    (tmp_path / "afile").write_text("x")
    bad = tmp_path / "afile" / ("out.csv" if argv[0] == "sweep" else "out")
    assert cli.main([*argv, "--out", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"scarcity {argv[0]}: error: --out {bad}: {tmp_path / 'afile'} is a file" in err


def test_sweep_checks_its_returns_file_too(tmp_path, capsys, no_work):
    code = cli.main(
        [
            "sweep",
            "--source",
            "synthetic",
            "--out",
            str(tmp_path / "s.csv"),
            "--returns-out",
            str(tmp_path),
        ]
    )
    assert code == 2
    assert f"--returns-out {tmp_path} is a folder" in capsys.readouterr().err

"""Every command writes its first line before importing anything heavy.

A fresh interpreter (``sys.modules`` must start empty of pandas & co.) runs each command's
``main`` with an import hook that refuses the heavy libraries: the command gets as far as
its first line, then stops at the first heavy import. The test reads what each command
wrote before stopping. No timing is asserted (speed is measured in ``benchmarks/``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from backtests.cli.announce import WHAT, first_line
from backtests.cli.args import parse_args

ROOT = Path(__file__).resolve().parents[3]  # this checkout, not an installed copy
HEAVY = ("pandas", "numpy", "numba", "vectorbt", "scipy", "matplotlib", "statsmodels", "arch")

SCRIPT = r"""
import io, json, sys

HEAVY = set(sys.argv[1].split(","))


class Refused(BaseException):
    pass


class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HEAVY:
            raise Refused(name)
        return None


already = sorted(m for m in HEAVY if m in sys.modules)
sys.meta_path.insert(0, Refuse())
from backtests.cli.commands import main

seen = {}
for argv in json.loads(sys.argv[2]):
    err = io.StringIO()
    sys.stderr, saved = err, sys.stderr
    try:
        main(argv)
        stopped = None
    except Refused as exc:
        stopped = str(exc)
    finally:
        sys.stderr = saved
    seen[argv[0]] = {"stderr": err.getvalue(), "stopped_at": stopped}
print(json.dumps({"already": already, "seen": seen}))
"""


def _argvs(tmp: str) -> list[list[str]]:
    return [
        ["fetch", "--source", "synthetic"],
        ["signal", "--source", "synthetic", "--out", f"{tmp}/sig"],
        ["backtest", "--source", "synthetic"],
        ["sweep", "--source", "synthetic", "--out", f"{tmp}/sweep.csv"],
        ["report", "--source", "synthetic", "--out", f"{tmp}/rep"],
        ["power", "--out", f"{tmp}/power"],
        ["cache", "verify"],
        ["register", "--dir", f"{tmp}/reg"],
    ]


def test_every_command_is_covered(tmp_path):
    assert sorted(a[0] for a in _argvs(str(tmp_path))) == sorted(WHAT)


def test_first_line_comes_before_any_heavy_import(tmp_path):
    argvs = _argvs(str(tmp_path))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCARCITY_")}
    env["SCARCITY_CACHE"] = str(tmp_path / "cache")
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, ",".join(HEAVY), json.dumps(argvs)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got["already"] == []  # the interpreter itself loaded none of them
    for argv in argvs:
        name = argv[0]
        rec = got["seen"][name]
        expected = first_line(parse_args(argv))
        assert rec["stderr"].splitlines()[:1] == [expected], (name, rec)
        assert expected.startswith(f"scarcity: {name}: {WHAT[name]} (")
        # the command went on to its work and met a heavy library only then
        assert rec["stopped_at"] is not None and rec["stopped_at"].split(".")[0] in HEAVY, name


def test_first_line_names_source_config_and_output():
    args = parse_args(["report", "--source", "mirror", "--mirror", "m", "--out", "o"])
    line = first_line(args)
    assert line.startswith("scarcity: report: writing the report (source mirror m, ")
    assert "config: defaults" in line and "out o" in line and "\n" not in line

"""Documentation that states defaults, targets and variables agrees with the code."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from backtests.cli import args as cli_args
from data.config import load_config

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()
MAKEFILE = (REPO / "Makefile").read_text()


def _power_parser():
    import argparse

    parser = cli_args.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices["power"]


def test_power_doc_states_the_cli_defaults():
    text = (REPO / "docs" / "POWER.md").read_text()
    found = re.findall(r"^defaults: `--seeds (\d+) --effects ([0-9.,]+)`$", text, flags=re.M)
    assert len(found) == 1, "docs/POWER.md needs one line `defaults: `--seeds N --effects ...``"
    seeds, effects = found[0]
    args = _power_parser().parse_args([])
    assert int(seeds) == args.seeds
    assert [float(x) for x in effects.split(",")] == args.effects


def test_power_doc_default_effect_is_the_configs():
    """A table row marked "(default)" names the synthetic market's default planted effect."""
    text = (REPO / "docs" / "POWER.md").read_text()
    for value in re.findall(r"^\|\s*([0-9.]+) \(default\)", text, flags=re.M):
        assert float(value) == load_config().synthetic.effect_size


def _make_targets() -> list[str]:
    phony = re.search(r"^\.PHONY:(.*)$", MAKEFILE, flags=re.M)
    assert phony is not None
    return phony.group(1).split()


def test_readme_lists_every_make_target():
    rules = set(re.findall(r"^([a-z][a-z-]*):", MAKEFILE, flags=re.M))
    targets = _make_targets()
    assert rules == set(targets), "every rule is .PHONY and every .PHONY name has a rule"
    missing = [t for t in targets if f"`make {t}`" not in README]
    assert not missing, f"README's make table lacks {missing}"


def _env_vars_read_by_code() -> set[str]:
    pattern = re.compile(r"""(?:environ(?:\.get)?\(?\[?|getenv\()\s*["']([A-Z][A-Z0-9_]+)["']""")
    names: set[str] = set()
    for folder in ("data", "signals", "backtests", "benchmarks", "research"):
        for path in (REPO / folder).rglob("*.py"):
            names |= set(pattern.findall(path.read_text()))
    return names


def test_readme_lists_every_environment_variable():
    names = _env_vars_read_by_code()
    assert {"SCARCITY_SOURCE", "SCARCITY_MIRROR", "SCARCITY_CACHE"} <= names
    missing = sorted(n for n in names if f"`{n}`" not in README)
    assert not missing, f"README does not document {missing}"


def test_readme_names_every_subcommand():
    import argparse

    parser = cli_args.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [name for name in sub.choices if f"scarcity {name}" not in README]
    assert not missing, f"README's command line section lacks {missing}"


# target -> what `make -n TARGET OUT=... CONFIG=... SOURCE=... MIRROR=...` must pass on
EXPECTED = {
    "data": ("--source mirror", "--mirror /m", "--config c.toml"),
    "signal": ("--source mirror", "--mirror /m", "--config c.toml", "--out /o"),
    "backtest": ("--source mirror", "--mirror /m", "--config c.toml"),
    "sweep": ("--source mirror", "--mirror /m", "--config c.toml", "--out /o/sweep.csv"),
    "report": ("--source mirror", "--mirror /m", "--config c.toml", "--out /o"),
    "history": ("--source mirror", "--mirror /m", "--config c.toml", "--out /o"),
    "demo": ("--source synthetic", "--config c.toml", "--out /o"),
    "power": ("--config c.toml", "--out /o"),
    "bench": ("--mirror /m", "--out /o/results.json"),
}


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target", sorted(EXPECTED))
def test_make_targets_honor_the_variables(target):
    def dry(*extra: str) -> str:
        proc = subprocess.run(
            ["make", "-n", "-s", target, *extra],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        return " ".join(proc.stdout.replace("\\\n", " ").split())

    text = dry("OUT=/o", "CONFIG=c.toml", "SOURCE=mirror", "MIRROR=/m")
    for part in EXPECTED[target]:
        assert part in text, f"make {target}: {part!r} not in {text!r}"
    default = dry()
    assert "/o" not in default and "c.toml" not in default

"""The ``scarcity`` command line: every flag is documented and changes what runs.

The runs use a small synthetic configuration (three simulated years, a two-trial grid, few
resampling draws) and call ``backtests.cli.commands.main`` in this process.
"""

from __future__ import annotations

import argparse
import json
import logging

import pandas as pd
import pytest

from backtests.cli import args as cli_args
from backtests.cli import commands as cli

TINY = """
[run]
start = "2019-06-01"
oos_start = "2021-07-01"
[factor]
min_periods = 60
[inference]
bootstrap_reps = 50
placebo_reps = 10
pbo_splits = 4
walkforward_train_days = 126
walkforward_test_days = 63
[sweep]
zscore_window = [0]
change_window = [63]
threshold = [0.0, 0.5]
rule = ["switch"]
rebalance = ["weekly"]
[synthetic]
start = "2018-01-01"
end = "2021-12-31"
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "tiny.toml"
    path.write_text(TINY)
    return str(path)


@pytest.fixture(autouse=True)
def _restore_logging(monkeypatch):
    """``main`` sets logger levels and an env var for Dask: undo them after each test."""
    monkeypatch.delenv("DASK_LOGGING__DISTRIBUTED", raising=False)
    names = ("", "distributed", "numba", "bokeh", "tornado", "asyncio", "scarcity.progress")
    saved = {n: logging.getLogger(n).level for n in names}
    yield
    for n, level in saved.items():
        logging.getLogger(n).setLevel(level)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = cli_args.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


SUBCOMMANDS = sorted(_subparsers())


def test_every_documented_subcommand_exists():
    assert {"fetch", "signal", "backtest", "sweep", "report", "power"} <= set(SUBCOMMANDS)


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_help_lists_every_flag_with_meaning_and_default(name, capsys):
    parser = _subparsers()[name]
    with pytest.raises(SystemExit) as stop:
        cli.main([name, "--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        flag = max(action.option_strings, key=len) if action.option_strings else action.dest
        assert flag in text, f"{name}: {flag} missing from --help"
        assert action.help and len(action.help) > 10, f"{name} {flag}: no meaningful help"
        if not action.option_strings:  # a required positional: no default to show
            continue
        if action.default not in (None, False, argparse.SUPPRESS):
            assert f"(default: {action.default})" in text, f"{name} {flag}: default not shown"
        else:  # the help itself says what happens without the flag
            assert "default" in action.help, f"{name} {flag}: help does not say the default"


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_unknown_flag_shows_the_subcommands_usage(name, capsys):
    # required positionals (``cache verify``) get their first choice
    positionals = [
        a.choices[0] if a.choices else "x"
        for a in _subparsers()[name]._actions
        if not a.option_strings and not isinstance(a, argparse._HelpAction)
    ]
    with pytest.raises(SystemExit) as stop:
        cli.main([name, *positionals, "--bogus"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: scarcity {name} ")
    assert f"scarcity {name}: error: unrecognized arguments: --bogus" in err


def test_backtest_engine_flag_picks_the_engine(capsys, tiny):
    args = ("backtest", "--source", "synthetic", "--config", tiny)
    code, ref, _ = run(capsys, *args, "--engine", "reference")
    assert code == 0
    assert "Rotation backtest (reference)" in ref and "engine: reference" in ref
    code, vbt, _ = run(capsys, *args)
    assert code == 0 and "Rotation backtest (vectorbt)" in vbt
    # the same rotation: the engines agree, so every statistic line is the same
    assert ref.replace("reference", "X") == vbt.replace("vectorbt", "X")


def test_signal_out_seed_and_effect_size(capsys, tiny, tmp_path):
    base = ("signal", "--source", "synthetic", "--config", tiny)
    assert run(capsys, *base, "--out", str(tmp_path / "a"))[0] == 0
    assert run(capsys, *base, "--out", str(tmp_path / "b"), "--seed", "7")[0] == 0
    code, out, _ = run(capsys, *base, "--out", str(tmp_path / "c"), "--effect-size", "0")
    assert code == 0 and "SYNTHETIC DATA" in out
    frames = {k: pd.read_csv(tmp_path / k / "factor.csv") for k in "abc"}
    assert set(frames["a"].columns) >= {"date", "factor", "regime"}
    # another seed is another market (factor moves); the effect size changes only returns,
    # not the public data the factor is built from
    assert not frames["a"]["factor"].equals(frames["b"]["factor"])
    pd.testing.assert_frame_equal(frames["a"], frames["c"])


def test_fetch_seed_changes_the_market(capsys, tiny):
    base = ("fetch", "--source", "synthetic", "--config", tiny)
    code, one, err = run(capsys, *base)
    assert code == 0 and "source: synthetic" in one
    assert "scarcity: mirror: " in err and " items in " in err  # one closing line
    assert "\r" not in err  # off a terminal: closing lines, no bar updates
    code, two, _ = run(capsys, *base, "--seed", "8")
    assert code == 0 and one != two


def test_sweep_grid_chunk_size_scheduler_and_out(capsys, tiny, tmp_path):
    grid = tmp_path / "grid.toml"
    grid.write_text('[sweep]\nthreshold = [-0.5, 0.0, 0.5]\nrule = ["switch", "tilt"]\n')
    out = tmp_path / "trials.csv"
    base = ("sweep", "--source", "synthetic", "--config", tiny, "--out", str(out))
    code, text, err = run(capsys, *base)
    assert code == 0 and "2 trials in 1 chunk(s) (this process)" in text
    assert len(pd.read_csv(out)) == 2  # the config's [sweep]
    assert "scarcity: sweep: 1 chunk in" in err
    code, text, err = run(capsys, *base, "--grid", str(grid), "--chunk-size", "4")
    assert code == 0 and "6 trials in 2 chunk(s) (this process)" in text
    table = pd.read_csv(out)
    assert len(table) == 6 and set(table["rule"]) == {"switch", "tilt"}
    pytest.importorskip("distributed")
    code, dist, err = run(
        capsys, *base, "--grid", str(grid), "--chunk-size", "4", "--scheduler", "local"
    )
    assert code == 0 and "6 trials in 2 chunk(s) (Dask)" in dist
    pd.testing.assert_frame_equal(pd.read_csv(out), table)
    assert "INFO" not in err  # no Dask chatter without -v


def test_report_out_no_sweep_and_stage_lines(capsys, tiny, tmp_path):
    out = tmp_path / "rep"
    code, text, err = run(
        capsys, "report", "--source", "synthetic", "--config", tiny, "--out", str(out), "--no-sweep"
    )
    assert code == 0 and "SYNTHETIC" in text
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["synthetic"] is True
    # no sweep ran: no PBO; the trials still count the grid (2, counted without running it)
    assert metrics["inference"]["pbo"] is None and metrics["inference"]["n_trials"] >= 2
    lines = [ln for ln in err.splitlines() if ln.startswith("scarcity: report: ")]
    stages = [ln.split()[2] for ln in lines if " done in " in ln]
    # no sweep
    assert stages == [
        "data",
        "signal",
        "backtest",
        "forecasts",
        "ablation",
        "universes",
        "competing",
        "inference",
        "mechanism",
        "report",
    ]
    assert "\r" not in err
    # draws are detail: their lines only with -v (bars on a terminal)
    assert "bootstrap" not in err and "placebo" not in err


def test_power_seeds_effects_out(capsys, tiny, tmp_path):
    out = tmp_path / "power"
    code, text, err = run(
        capsys,
        "power",
        "--config",
        tiny,
        "--seeds",
        "1",
        "--effects",
        "0,0.002",
        "--first-seed",
        "7",
        "--out",
        str(out),
    )
    assert code == 0 and "SYNTHETIC" in text
    table = pd.read_csv(out / "power_summary.csv")
    assert table["effect_size"].tolist() == [0.0, 0.002] and (table["n"] == 1).all()
    per_seed = pd.read_csv(out / "power.csv")
    assert list(per_seed.columns) == ["effect", "seed", "pvalue", "reject"]
    assert per_seed["effect"].tolist() == [0.0, 0.002] and per_seed["seed"].tolist() == [7, 7]
    assert (per_seed["reject"] == (per_seed["pvalue"] <= 0.05)).all()
    assert (out / "power.png").is_file() and (out / "SYNTHETIC.txt").is_file()
    assert "scarcity: power: 2 markets in" in err and "\r" not in err


def test_power_effects_must_be_numbers(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["power", "--effects", "0,abc"])
    assert stop.value.code == 2
    assert "usage: scarcity power" in capsys.readouterr().err


def test_mirror_and_config_errors_exit_2_with_a_message(capsys, tmp_path):
    code, _, err = run(capsys, "fetch", "--source", "mirror", "--mirror", str(tmp_path / "nope"))
    assert code == 2 and "scarcity fetch: error: mirror directory not found" in err
    bad = tmp_path / "bad.toml"
    bad.write_text('[backtest]\nrul = "tilt"\n')
    code, _, err = run(capsys, "backtest", "--config", str(bad))
    assert code == 2
    assert f"scarcity backtest: error: {bad}: unknown configuration key `backtest.rul`" in err
    assert "did you mean `rule`?" in err


def test_verbose_turns_third_party_info_on(monkeypatch):
    cli.setup_logging(False)
    assert logging.getLogger("distributed").level == logging.WARNING
    assert logging.getLogger("numba").level == logging.WARNING
    assert logging.getLogger().level == logging.WARNING
    assert logging.getLogger("scarcity.progress").level == logging.INFO  # stage lines stay
    import os

    assert os.environ["DASK_LOGGING__DISTRIBUTED"] == "warning"
    monkeypatch.delenv("DASK_LOGGING__DISTRIBUTED")
    cli.setup_logging(True)
    assert logging.getLogger("distributed").level == logging.INFO
    assert logging.getLogger().level == logging.INFO
    assert "DASK_LOGGING__DISTRIBUTED" not in os.environ


def test_long_history_config_commands(capsys, history_mirror):
    """The long history: fetch fills its cache; no synthetic source; rotation commands refuse."""
    cfg = "configs/long_history.toml"
    rc = cli.main(["fetch", "--config", cfg, "--mirror", str(history_mirror)])
    out = capsys.readouterr().out
    assert rc == 0 and "long history (mirror)" in out and "cached" in out
    rc = cli.main(["report", "--config", cfg, "--source", "synthetic"])
    err = capsys.readouterr().err
    assert rc == 2 and "has no synthetic market" in err
    for name in ("backtest", "signal", "sweep"):
        rc = cli.main([name, "--config", cfg])
        err = capsys.readouterr().err
        assert rc == 2 and f"scarcity report --config {cfg}" in err, name

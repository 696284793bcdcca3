"""Config values of the wrong type or out of range are errors naming the file, key and range."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from data.config import DEFAULT_CONFIG_PATH, load_config
from data.config_ranges import RANGES, UNBOUNDED, Range
from data.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
FREE_TABLES = (
    "data.units",
    "factor.weights",
    "factor.macro_components",
    "macro.series",
    "mechanism.links",  # checked by signals.mechanism.spec (sign +-1, horizon >= 0)
    "mechanism.variables",
)


def _user(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "mine.toml"
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[verdict]\npbo = 1.5\n",
            r"section \[verdict\], key `pbo` must be a number in \[0, 1\], got 1.5",
        ),
        (
            "[inference]\nbootstrap_reps = 0\n",
            r"\[inference\], key `bootstrap_reps` must be a whole number >= 1, got 0",
        ),
        (
            "[inference]\nplacebo_reps = 2.5\n",
            r"key `placebo_reps` must be a whole number >= 1, got 2.5",
        ),
        (
            "[data.staleness_days]\ncrypto = -1\n",
            r"section \[data.staleness_days\], key `crypto` must be a whole number >= 0, got -1",
        ),
        ("[inference]\nci_level = 1.0\n", r"key `ci_level` must be a number in \(0, 1\), got 1.0"),
        ("[backtest]\ntilt_scale = 0.0\n", r"key `tilt_scale` must be a number > 0, got 0.0"),
        (
            "[inference]\nhorizons = [5, 0]\n",
            r"key `horizons` each element must be a whole number >= 1, got 0",
        ),
        ("[sweep]\nchange_window = [21, -63]\n", r"key `change_window` each element must be"),
        (
            "[inference]\nevent_window = [20, -5]\n",
            r"key `event_window` must be two whole numbers \[first, last\] with first <= last",
        ),
        (
            "[data.plausibility]\nequity_warn_move = 2.0\n",
            r"key `equity_warn_move` \(2.0\) must not be above `equity_max_move` \(1.1\)",
        ),
        # the wrong kind: caught at the merge, with the expected kind and the default
        (
            '[inference]\nbootstrap_reps = "many"\n',
            r"section \[inference\], key `bootstrap_reps` must be a number \(default 1000\), "
            r"got 'many' \(a string\)",
        ),
    ],
)
def test_a_bad_value_names_the_file_the_key_and_the_range(tmp_path, toml, message):
    path = _user(tmp_path, toml)
    with pytest.raises(ConfigError, match=re.escape(str(path)) + ": .*" + message):
        load_config(path)


def test_the_shipped_configurations_are_in_range():
    assert load_config().inference.bootstrap_reps == 1000
    load_config(REPO / "configs" / "long_history.toml")
    load_config() if False else None  # a grid file, not a config
    # boundaries are allowed: a probability of 0 or 1, a lag of 0, a whole float
    cfg = load_config(
        verdict={"pbo": 1.0}, costs={"cash_rate_stale_days": 0}, inference={"bootstrap_reps": 3.0}
    )
    assert cfg.verdict.pbo == 1.0 and cfg.inference.bootstrap_reps == 3.0


def _numeric_keys(node, prefix=""):
    for k, v in node.items():
        dotted = f"{prefix}.{k}" if prefix else k
        if dotted.startswith(FREE_TABLES):
            continue
        if isinstance(v, dict):
            yield from _numeric_keys(v, dotted)
        elif isinstance(v, int | float) and not isinstance(v, bool):
            yield dotted
        elif (
            isinstance(v, list)
            and v
            and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v)
        ):
            yield dotted


def test_every_numeric_key_has_a_range_or_is_declared_unbounded():
    import tomllib

    with DEFAULT_CONFIG_PATH.open("rb") as fh:
        d = tomllib.load(fh)
    keys = set(_numeric_keys(d))
    assert keys - set(RANGES) - UNBOUNDED == set()
    assert set(RANGES) - keys == set(), "a range for a key the defaults do not have"


def test_range_text_and_bounds_by_hand():
    r = Range(0, 1, lo_open=True, hi_open=True)
    assert r.text == "a number in (0, 1)"
    assert [r.allows(x) for x in (0, 0.5, 1, float("nan"), True, "0.5")] == [
        False,
        True,
        False,
        False,
        False,
        False,
    ]
    assert Range(2, integer=True).text == "a whole number >= 2"
    assert Range(hi=3).allows(3) and not Range(hi=3, hi_open=True).allows(3)

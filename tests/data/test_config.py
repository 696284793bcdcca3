"""Configuration errors name the file, the section and the key, and say how to fix them."""

from __future__ import annotations

import difflib

import pytest

from data.config import CHOICES, load_config
from data.errors import ConfigError


def _write(tmp_path, text: str):
    path = tmp_path / "user.toml"
    path.write_text(text)
    return path


def test_misspelt_key_names_file_section_and_suggests(tmp_path):
    path = _write(tmp_path, '[backtest]\nrul = "tilt"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    msg = str(err.value)
    assert str(path) in msg and "[backtest]" in msg and "`rul`" in msg
    assert "did you mean `rule`?" in msg
    assert "threshold" in msg  # the valid keys are listed


def test_misspelt_section_suggests(tmp_path):
    path = _write(tmp_path, '[backtst]\nrule = "tilt"\n')
    with pytest.raises(ConfigError, match=r"unknown configuration section \[backtst\]") as err:
        load_config(path)
    assert "did you mean `backtest`?" in str(err.value) and str(path) in str(err.value)


def test_no_suggestion_when_nothing_is_close(tmp_path):
    path = _write(tmp_path, "[backtest]\nzzzzqqq = 1\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "did you mean" not in str(err.value)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ('[backtest]\nthreshold = "abc"\n', "key `threshold` must be a number (default 0.0)"),
        ("[inference]\nhorizons = 5\n", "key `horizons` must be a list"),
        ('[inference]\nwalkforward_expanding = "yes"\n', "must be a boolean (true/false)"),
        ("[backtest]\nrule = 1\n", "key `rule` must be a string"),
    ],
)
def test_wrong_type_names_file_section_key_and_type(tmp_path, text, expect):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    msg = str(err.value)
    assert msg.startswith(f"{path}: section [")
    assert expect in msg


def test_bad_choice_lists_the_choices_and_the_closest(tmp_path):
    path = _write(tmp_path, '[backtest]\nrule = "swich"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    msg = str(err.value)
    assert str(path) in msg and "section [backtest], key `rule`" in msg
    assert "switch, tilt, longshort" in msg and "did you mean `switch`?" in msg


def test_choices_table_matches_the_defaults():
    cfg = load_config()
    for (section, key), choices in CHOICES.items():
        top, *nested = section.split(".")  # nested sections such as data.releases
        part = getattr(cfg, top)
        for name in nested:
            part = part[name]
        assert part[key] in choices


def test_nested_choice_is_checked_with_a_suggestion():
    with pytest.raises(ConfigError, match=r"\[data.releases\].*capex_known_at.*`release`"):
        load_config(data={"releases": {"capex_known_at": "relase"}})


def test_suggestion_is_difflibs_closest():
    # the suggestion is difflib's: an independent call finds the same word
    keys = list(load_config().backtest.values)
    assert difflib.get_close_matches("treshold", keys, n=1)[0] == "threshold"
    with pytest.raises(ConfigError, match="did you mean `threshold`"):
        load_config(backtest={"treshold": 0.1})


def test_compatible_values_are_accepted(tmp_path):
    import datetime as dt

    path = _write(
        tmp_path,
        "[run]\nstart = 2016-01-04\n[backtest]\nthreshold = 1\n[sweep]\nthreshold = 0.5\n"
        '[macro.series.NEWSERIES]\nlag = "1B"\nunits = "percent"\n',
    )
    cfg = load_config(path)
    assert cfg.run.start == dt.date(2016, 1, 4) and cfg.backtest.threshold == 1
    assert cfg.macro_lag("NEWSERIES") == "1B"


def test_validation_errors_name_section_and_key(tmp_path):
    path = _write(tmp_path, "[backtest]\nexecution_lag = 0\n")
    with pytest.raises(
        ConfigError, match=r"section \[backtest\], key `execution_lag` must be >= 1"
    ):
        load_config(path)
    path = _write(tmp_path, '[macro.series.DGS10]\nlag = "0B"\n')
    with pytest.raises(ConfigError, match=r"section \[macro.series.DGS10\], key `lag`"):
        load_config(path)


def test_missing_attribute_suggests():
    with pytest.raises(AttributeError, match="did you mean `rule`"):
        load_config().backtest.rul  # noqa: B018

"""Defaults of the power study, importable without pandas (the command line's flags show them).

:mod:`backtests.study.power` uses them; :mod:`backtests.cli.args` shows them in ``--help``
before any heavy import.
"""

from __future__ import annotations

DEFAULT_SEEDS = 40
DEFAULT_EFFECTS = (0.0, 0.0007, 0.0014, 0.0028)  # 0.0014 is the config's default effect

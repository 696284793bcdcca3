"""Registration records: the frozen spec's date and hash, so later data can be called unseen.

``scarcity register`` writes ``registrations/<run.name>.json`` (the ``run.registered`` date,
the ``spec_hash`` of the resolved configuration, and that configuration) for the user to
commit. A report compares its own ``spec_hash`` with the record: post-registration results
count only while they match. When the spec changed after registration, or no record exists,
nobody can show that the spec was frozen before the later data, so the report says so and
treats the post-registration sample as empty (those days join the held-out sample, which is
already labeled as seen when the spec was chosen).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from data.config import Config
from data.errors import ConfigError

NON_RESULT_KEYS: dict[str, tuple[str, ...]] = {
    "run": ("name",),
    "data": ("cache_dir", "http_timeout_s", "http_retries", "sec_max_requests_per_s"),
    "sweep": ("chunk_size",),
    "report": ("stress_windows",),
}
"""Configuration keys that never change a result (they are left out of the hash)."""

DEFAULT_DIR = "registrations"


def spec_hash(cfg: Any) -> str:
    """SHA-256 (first 16 hex digits) of every configuration key that can change a result.

    Parameters
    ----------
    cfg : Config
        The run's configuration.

    Returns
    -------
    str
        Equal for two configurations exactly when they agree on every result-relevant key.
    """
    d = cfg.to_dict()
    for section, keys in NON_RESULT_KEYS.items():
        for k in keys:
            d.get(section, {}).pop(k, None)
        if section in d and not d[section]:  # a section of display settings only
            del d[section]
    text = json.dumps(d, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def registrations_dir() -> Path:
    """Where records live: ``SCARCITY_REGISTRATIONS``, else ``registrations/`` here."""
    return Path(os.environ.get("SCARCITY_REGISTRATIONS", DEFAULT_DIR))


def record_path(cfg: Config, root: Path | None = None) -> Path:
    """Return ``<root>/<run.name>.json``."""
    return (root if root is not None else registrations_dir()) / f"{cfg.run['name']}.json"


@dataclass(frozen=True)
class Registration:
    """A run's registration status.

    Attributes
    ----------
    file : str
        The record's path (whether or not it exists).
    registered : str or None
        The recorded date (None without a record).
    spec_hash : str or None
        The recorded hash (None without a record).
    current_hash : str
        The hash of the configuration being run.
    matches : bool
        A record exists and its hash equals the current one.
    """

    file: str
    registered: str | None
    spec_hash: str | None
    current_hash: str
    matches: bool

    def effective_registered(self, cfg: Config, last_date: pd.Timestamp) -> pd.Timestamp:
        """Return the date samples are split at: the record's when it matches.

        Otherwise ``last_date`` (or ``run.registered`` when later), so the post-registration
        sample is empty.
        """
        if self.matches and self.registered:
            return pd.Timestamp(self.registered)
        return max(pd.Timestamp(last_date), pd.Timestamp(cfg.run.registered))

    def to_metrics(self) -> dict[str, Any]:
        """Return the ``registration`` block of ``metrics.json``."""
        return {
            "file": self.file,
            "registered": self.registered,
            "spec_hash": self.spec_hash,
            "matches": self.matches,
        }

    def sentence(self) -> str:
        """One sentence for the report."""
        if self.matches:
            return (
                f"The spec was registered on {self.registered} ({self.file}, spec hash "
                f"{self.spec_hash}); data after that date is post-registration."
            )
        if self.registered is None:
            return (
                f"No registration record ({self.file}): nothing shows the spec was frozen, so "
                "no data counts as post-registration (run `scarcity register` to record it)."
            )
        return (
            f"The spec changed after its registration on {self.registered} (recorded hash "
            f"{self.spec_hash}, this run {self.current_hash}): the post-registration sample "
            "is treated as empty."
        )

    def summary(self) -> str:
        """Return :meth:`sentence`."""
        return self.sentence()


def read_registration(cfg: Config, root: Path | None = None) -> Registration:
    """Compare the configuration with its record.

    Raises
    ------
    ConfigError
        The record exists but is not valid JSON or lacks ``registered``/``spec_hash``.
    """
    path = record_path(cfg, root)
    current = spec_hash(cfg)
    if not path.is_file():
        return Registration(str(path), None, None, current, False)
    try:
        rec = json.loads(path.read_text())
        registered, recorded = str(rec["registered"]), str(rec["spec_hash"])
        pd.Timestamp(registered)
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"registration record {path} is not valid ({exc!r}); it needs `registered` "
            "(YYYY-MM-DD) and `spec_hash` (rewrite it with `scarcity register`)"
        ) from None
    return Registration(str(path), registered, recorded, current, recorded == current)


def write_registration(
    cfg: Config, root: Path | None = None, *, today: dt.date | None = None
) -> tuple[Path, dict[str, Any]]:
    """Write the record of ``cfg`` (date ``run.registered``) and return its path and content.

    Raises
    ------
    ConfigError
        ``run.registered`` is in the future, or a record of another spec exists with a date
        on or after this one (a changed spec must be registered at a later date).
    """
    today = today or dt.date.today()
    reg = pd.Timestamp(cfg.run.registered).date()
    if reg > today:
        raise ConfigError(f"`run.registered` ({reg}) is in the future (today is {today})")
    path = record_path(cfg, root)
    current = spec_hash(cfg)
    if path.is_file():
        old = read_registration(cfg, root)
        if old.spec_hash != current and pd.Timestamp(old.registered).date() >= reg:
            raise ConfigError(
                f"{path} registers another spec (hash {old.spec_hash}) on {old.registered}; "
                f"a changed spec needs a later `run.registered` than that, got {reg}"
            )
    content = {
        "name": str(cfg.run["name"]),
        "registered": str(reg),
        "spec_hash": current,
        "config": json.loads(json.dumps(cfg.to_dict(), default=str)),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(content, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
    return path, content


def registered_date(cfg: Config, index: pd.DatetimeIndex) -> pd.Timestamp:
    """Return the date the samples of a run on ``index`` split at (see :class:`Registration`).

    The record's date when the record matches the configuration; otherwise the later of the
    last date and ``run.registered``, which leaves the post-registration sample empty.
    """
    last = pd.Timestamp(index[-1]) if len(index) else pd.Timestamp(cfg.run.registered)
    return read_registration(cfg).effective_registered(cfg, last)

"""Exception and warning classes of capital-scarcity, in one place.

Every error names what was wrong and where (file, row, ticker, series), so a user can fix
the input without reading the code.
"""

from __future__ import annotations


class ScarcityError(Exception):
    """Base class of every error raised by capital-scarcity."""


class ConfigError(ScarcityError):
    """A configuration key is missing, unknown or out of range."""


class DataError(ScarcityError):
    """Input data is malformed or incomplete.

    Parameters
    ----------
    message : str
        What is wrong.
    source : str, optional
        The file, ticker or series the problem was found in.
    row : int or str, optional
        The row (1-based line number, or date) of the problem.
    """

    def __init__(self, message: str, *, source: str | None = None, row: int | str | None = None):
        self.source = source
        self.row = row
        where = ""
        if source is not None:
            where = f"{source}"
            if row is not None:
                where += f", row {row}"
            where += ": "
        super().__init__(f"{where}{message}")


class ParseError(DataError):
    """A raw payload (CSV or JSON) cannot be parsed into a canonical table."""


class PlausibilityError(ParseError):
    """A parsed value breaks a plausibility rule; the message names file, row, value, rule."""


class FetchError(DataError):
    """A live download failed (HTTP error, timeout, throttling, empty answer)."""


class CacheError(DataError):
    """A cache file is missing or corrupt (its hash does not match the manifest)."""


class CacheCorruptError(CacheError):
    """A cached file is missing or its content no longer matches its manifest hash."""


class CacheWriteError(CacheError):
    """The cache cannot be written (read-only, full disk, permissions); reads still work."""


class NetworkError(FetchError):
    """The network or a host is unreachable (DNS failure, connection refused): not retried."""


class OutputError(ScarcityError):
    """An output folder or file cannot be written (permissions, a file in the way, not a report)."""


class ResourceError(ScarcityError):
    """A job would need more memory than the machine has; refused before allocating."""


class LookAheadError(ScarcityError):
    """A computation would use information that was not public at the date it is used."""


class DataWarning(UserWarning):
    """Data has a gap, a stale series or another problem that is reported, not fatal."""

"""Progress of long steps: a bar on a terminal, one log line per step everywhere else.

On a terminal (stderr is a TTY) a :class:`Progress` draws a tqdm bar. Off a terminal (a
redirected log, CI, a notebook's captured stream) it draws nothing while it runs and, when
it closes, logs one INFO line on the ``scarcity.progress`` logger with the count and the
duration, e.g. ``sweep: 12 chunks in 3.4 s``: no carriage-return updates in a log file.
The ``scarcity`` command line shows that logger's INFO lines on stderr.

Inner steps that run several times per job (bootstrap and placebo draws, once per sample)
are *detail*: they draw bars on a terminal, but off a terminal their closing lines go to
``scarcity.progress.detail``, which the command line shows only with ``-v``. Library
functions deep in the pipeline do not take a flag for this: they show progress when the
caller switched it on with :func:`showing_progress` (the command line does; tests and
notebooks stay silent).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

log = logging.getLogger("scarcity.progress")
detail_log = logging.getLogger("scarcity.progress.detail")

_SHOWING: ContextVar[bool] = ContextVar("scarcity_progress", default=False)


@contextlib.contextmanager
def showing_progress(on: bool = True) -> Iterator[None]:
    """Switch progress of inner steps on (or off) for the code run inside the block."""
    token = _SHOWING.set(on)
    try:
        yield
    finally:
        _SHOWING.reset(token)


def progress_shown() -> bool:
    """Return True inside :func:`showing_progress` (what ``enabled=None`` resolves to)."""
    return _SHOWING.get()


T = TypeVar("T")


def on_terminal() -> bool:
    """Return True when stderr is an interactive terminal (where bars are drawn)."""
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):
        return False


class Progress:
    """Count the items of one step; a bar on a terminal, a closing log line elsewhere.

    Parameters
    ----------
    desc : str
        Name of the step (``"sweep"``, ``"placebo"``, ...).
    total : int, optional
        Number of items, when known.
    unit : str, keyword-only
        What an item is (``"chunk"``, ``"draw"``, ``"market"``), singular.
    enabled : bool, optional, keyword-only
        False: neither a bar nor a log line; None (default): as :func:`showing_progress` says.
    detail : bool, keyword-only
        An inner step: its closing line goes to ``scarcity.progress.detail``.

    Examples
    --------
    >>> with Progress("demo", 3, unit="item", enabled=False) as bar:
    ...     for _ in range(3):
    ...         bar.update()
    >>> bar.n
    3
    """

    def __init__(
        self,
        desc: str,
        total: int | None = None,
        *,
        unit: str = "item",
        enabled: bool | None = None,
        detail: bool = False,
    ) -> None:
        if enabled is None:
            enabled = progress_shown()
        self.desc, self.total, self.unit, self.enabled = desc, total, unit, enabled
        self._log = detail_log if detail else log
        self.n = 0
        self.seconds = 0.0
        self._t0 = time.perf_counter()
        self._closed = False
        self._bar: Any = None
        if enabled and on_terminal():
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, desc=desc, unit=unit, leave=False, file=sys.stderr)

    @property
    def drawing(self) -> bool:
        """True when a terminal bar is shown."""
        return self._bar is not None

    def update(self, n: int = 1) -> None:
        """Count ``n`` more items."""
        self.n += n
        if self._bar is not None:
            self._bar.update(n)

    def note(self, text: str) -> None:
        """Show ``text`` beside the bar (terminal only)."""
        if self._bar is not None:
            self._bar.set_postfix_str(text)

    def close(self) -> float:
        """Close the bar or log the closing line; return the step's seconds."""
        if self._closed:
            return self.seconds
        self._closed = True
        self.seconds = time.perf_counter() - self._t0
        if self._bar is not None:
            self._bar.close()
        elif self.enabled:
            units = self.unit if self.n == 1 else f"{self.unit}s"
            self._log.info("%s: %d %s in %.1f s", self.desc, self.n, units, self.seconds)
        return self.seconds

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def track(
    items: Iterable[T], desc: str, *, unit: str = "item", enabled: bool = True
) -> Iterator[T]:
    """Iterate over ``items`` with a :class:`Progress` (closed when the loop ends)."""
    seq = list(items)
    with Progress(desc, len(seq), unit=unit, enabled=enabled) as bar:
        for item in seq:
            yield item
            bar.update()


class Stages:
    """Time named stages of one job: a bar over stages on a terminal, a line per stage elsewhere.

    Call the object with the name of each stage as it starts (the ``stage`` callback of
    ``backtests.study.pipeline.run_pipeline``); the previous stage ends then. :meth:`finish` ends
    the last one. Off a terminal each ended stage logs ``report: signal done in 2.1 s``.

    Parameters
    ----------
    job : str
        Name of the job (``"report"``).
    names : sequence of str
        The stages in their usual order (sets the bar's length).
    enabled : bool, keyword-only
        False: silent.
    """

    def __init__(self, job: str, names: Iterable[str], *, enabled: bool = True) -> None:
        self.job = job
        self.names = tuple(names)
        self.enabled = enabled
        self.durations: dict[str, float] = {}
        self._current: str | None = None
        self._t0 = 0.0
        self._bar: Any = None
        if enabled and on_terminal():
            from tqdm.auto import tqdm

            self._bar = tqdm(
                total=len(self.names), desc=job, unit="stage", leave=False, file=sys.stderr
            )

    def _end(self) -> None:
        if self._current is None:
            return
        seconds = time.perf_counter() - self._t0
        self.durations[self._current] = self.durations.get(self._current, 0.0) + seconds
        if self._bar is not None:
            self._bar.update(1)
        elif self.enabled:
            log.info("%s: %s done in %.1f s", self.job, self._current, seconds)
        self._current = None

    def __call__(self, name: str) -> None:
        """Start stage ``name`` (ending the one before)."""
        self._end()
        self._current = name
        self._t0 = time.perf_counter()
        if self._bar is not None:
            self._bar.set_postfix_str(name)

    def finish(self) -> dict[str, float]:
        """End the last stage and the bar; return the seconds of each stage."""
        self._end()
        if self._bar is not None:
            self._bar.update(max(0, self._bar.total - self._bar.n))
            self._bar.close()
            self._bar = None
        elif self.enabled and self.durations:
            log.info("%s: %.1f s in total", self.job, sum(self.durations.values()))
        return dict(self.durations)

"""Compute a function's value in a forked process while the caller goes on.

A report's figures and its mechanism study need nothing the later stages compute, so the
pipeline and the report writer hand them to :class:`Background`: on Linux the call runs in
a child made by ``fork`` (it sees the caller's memory as it was, nothing is pickled on the
way in) and its value comes back pickled through a pipe; the caller collects it with
:meth:`Background.result`. Elsewhere, with one CPU, inside a child, or with
``SCARCITY_SERIAL=1`` in the environment, the call runs in the caller's process when the
value is asked for. Either way the value is the same: the function runs on the same inputs
in the same order of operations.

A child that fails (an exception, a value that cannot be pickled, a crash) is not trusted
for anything: :meth:`Background.result` runs the function again in the caller's process,
where an exception is raised as usual (a crash or an unpicklable value is logged as a
warning, an exception at INFO: the caller sees it anyway). The functions given here must not
call numba's parallel kernels: with numba's OpenMP threading layer a forked child cannot
start threads its parent has used.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

SERIAL_ENV = "SCARCITY_SERIAL"
NICE = 10  # added to a child's niceness: it runs when the caller leaves a core idle
_IN_CHILD = False  # True in a Background child: nested jobs run inline


def forking_available() -> bool:
    """Return True when :class:`Background` runs work in a forked child.

    False off Linux, with fewer than two usable CPUs, inside a Background child or another
    daemonic process (a process pool's worker), or when ``SCARCITY_SERIAL`` is set to
    anything but ``""`` or ``"0"``.
    """
    if os.environ.get(SERIAL_ENV, "") not in ("", "0") or _IN_CHILD:
        return False
    if multiprocessing.current_process().daemon:  # a pool's worker may not have children
        return False
    if not sys.platform.startswith("linux"):
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return cpus > 1


def _child(conn: Any, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    """Run ``fn`` in the forked child and send its outcome to the parent.

    ``("ok", value)``, ``("raised", traceback)`` or ``("unpicklable", traceback)``.
    """
    global _IN_CHILD
    _IN_CHILD = True
    try:
        os.nice(NICE)  # the caller's own work comes first; the child takes the idle core
    except OSError:
        pass
    try:
        value = fn(*args, **kwargs)
    except BaseException:  # noqa: BLE001 - reported to the parent, which runs it again
        payload = pickle.dumps(("raised", traceback.format_exc()))
    else:
        try:
            payload = pickle.dumps(("ok", value), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a value that cannot travel: run it in the parent
            payload = pickle.dumps(("unpicklable", traceback.format_exc()))
    try:
        conn.send_bytes(payload)
    finally:
        conn.close()


class Background(Generic[T]):
    """``fn(*args, **kwargs)`` computed in a forked child, collected by :meth:`result`.

    Parameters
    ----------
    fn : callable
        The work; it must return a picklable value and must not call numba's parallel
        kernels (see the module's docstring).
    *args, **kwargs
        Its arguments (seen by the child as they are at construction: do not change them
        afterwards).
    name : str, keyword-only
        What the work is, for the log.

    Examples
    --------
    >>> job = Background(sum, [1, 2, 3], name="a sum")
    >>> job.result()
    6
    """

    def __init__(self, fn: Callable[..., T], *args: Any, name: str = "", **kwargs: Any) -> None:
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.name = name or getattr(fn, "__name__", "work")
        self.forked = False
        self._done = False
        self._value: Any = None
        self._proc: Any = None
        self._conn: Any = None
        self._t0 = time.perf_counter()
        if forking_available():
            self._start()

    def _start(self) -> None:
        ctx = multiprocessing.get_context("fork")
        recv, send = ctx.Pipe(duplex=False)
        for stream in (sys.stdout, sys.stderr):  # a child must not write the parent's buffers
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass
        proc = ctx.Process(target=_child, args=(send, self.fn, self.args, self.kwargs), daemon=True)
        try:
            proc.start()
        except (OSError, AssertionError) as exc:  # no fork (memory, limits, daemonic caller)
            log.info("%s: cannot fork (%s); computed in this process", self.name, exc)
            recv.close()
            send.close()
            return
        send.close()
        self._proc, self._conn, self.forked = proc, recv, True

    def result(self) -> T:
        """Return the value, waiting for the child (or computing it here, see the class)."""
        if self._done:
            return self._value
        status, value = "inline", None
        if self._proc is not None:
            try:
                status, value = pickle.loads(self._conn.recv_bytes())
            except (EOFError, OSError, pickle.UnpicklingError) as exc:
                status, value = "lost", f"the child sent nothing ({type(exc).__name__})"
            finally:
                self._conn.close()
                self._proc.join()
            if status == "raised":  # raised again here, as usual
                log.info("%s: the background process raised; computing here (%s)", self.name, value)
            elif status != "ok":
                log.warning(
                    "%s: background process failed (%s: %s); computing here",
                    self.name,
                    status,
                    value,
                )
            else:
                log.debug("%s: collected after %.2f s", self.name, time.perf_counter() - self._t0)
        ok = status == "ok"
        if not ok:
            value = self.fn(*self.args, **self.kwargs)
        self._value, self._done = value, True
        self._proc = self._conn = None
        self.args = self.kwargs = None  # type: ignore[assignment]
        return value

    def cancel(self) -> None:
        """Stop a child whose value is no longer wanted (no-op once collected)."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.join()
            self._conn.close()
            self._proc = self._conn = None
        self._done = True

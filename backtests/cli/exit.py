"""Leave the interpreter quickly once a command is done.

A report's process holds pandas, numba, statsmodels, plotly and a few hundred MiB of
tables; tearing all of that down at exit (module teardown, freeing every object) took about
0.3-0.5 s of a warm ``scarcity report`` after its last line was written. :func:`exit_now`
does what matters at exit (the ``atexit`` handlers: logging's flush, multiprocessing's
cleanup of its children, Dask's) and flushes the standard streams, then ends the process
with ``os._exit``. Only the command line uses it, never library code or the tests.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import NoReturn


def exit_now(code: int) -> NoReturn:
    """Run the ``atexit`` handlers, flush stdout and stderr, and exit with ``code``.

    Falls back to ``sys.exit`` when this Python has no way to run the handlers early.
    """
    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_handlers is None:  # pragma: no cover - CPython has it
        sys.exit(code)
    run_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``| head``): nothing more to say
            pass
    os._exit(code)

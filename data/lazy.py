"""Lazy re-exports for package ``__init__`` modules (importing a package stays cheap).

The engines pull in vectorbt and numba, which take seconds to import; a package lists its
public names and the modules they live in, and each is imported on first access.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(
    package: str, exports: dict[str, str]
) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__all__, __getattr__, __dir__)`` for a package with lazy public names.

    Parameters
    ----------
    package : str
        The package's ``__name__`` (named in the error of an unknown attribute).
    exports : dict of str to str
        Public name -> the module that defines it.

    Examples
    --------
    >>> all_, getattr_, dir_ = lazy_exports("pkg", {"sqrt": "math"})
    >>> getattr_("sqrt")(4.0), all_
    (2.0, ['sqrt'])
    """
    names = sorted(exports)

    def __getattr__(name: str) -> Any:
        if name in exports:
            return getattr(importlib.import_module(exports[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return names

    return names, __getattr__, __dir__

"""Golden metrics of the synthetic report (fixed seed).

Regenerate with tests/golden/make_golden.py.
"""

from __future__ import annotations

import difflib
import json
import math

import pytest

from tests.golden.make_golden import COMPARED, GOLDEN


def _flatten(node, prefix=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _flatten(v, f"{prefix}.{i}")
    else:
        yield prefix, node


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def test_synthetic_metrics_match_golden(golden_report):
    if not GOLDEN.is_file():
        pytest.fail(f"{GOLDEN} is missing: run tests/golden/make_golden.py")
    golden = json.loads(GOLDEN.read_text())
    _, fresh = golden_report
    fresh = {k: fresh[k] for k in COMPARED}
    g, f = dict(_flatten(golden)), dict(_flatten(fresh))
    diffs = [
        f"{k}: golden {g.get(k)!r} != now {f.get(k)!r}"
        for k in sorted(set(g) | set(f))
        if not _same(g.get(k), f.get(k))
    ]
    if diffs:
        text = "\n".join(
            difflib.unified_diff(
                json.dumps(golden, indent=1, sort_keys=True).splitlines(),
                json.dumps(fresh, indent=1, sort_keys=True).splitlines(),
                "golden",
                "now",
                lineterm="",
                n=1,
            )
        )
        pytest.fail(f"{len(diffs)} metrics changed:\n" + "\n".join(diffs[:40]) + "\n\n" + text)

"""House rules read from the source: no import circle; imports run data -> signals -> backtests."""

from __future__ import annotations

from tests.architecture import import_circles, import_graph, layer_violations, module_lengths

MAX_LINES = 420
"""About 400 lines: a module that outgrows a screen or two is split along its concepts."""


def test_import_circles_are_found_on_a_hand_built_graph():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e2"}, "e2": set()}
    assert import_circles(edges) == [["a", "b", "c"]]
    assert import_circles({"x": {"y"}, "y": set()}) == []


def test_layer_violations_on_a_hand_built_graph():
    edges = {"data.x": {"signals.y"}, "signals.y": {"data.x"}, "backtests.z": {"signals.y"}}
    assert layer_violations(edges) == ["data.x -> signals.y"]


def test_the_package_has_no_import_circle():
    circles = import_circles(import_graph())
    assert circles == [], f"import circles (a shared piece wants its own module): {circles}"


def test_imports_run_data_signals_backtests():
    bad = layer_violations(import_graph())
    assert bad == [], f"imports against data -> signals -> backtests: {bad}"


def test_the_graph_sees_lazy_imports():
    edges = import_graph()
    # backtests/cli/commands.py imports the pipeline inside a function
    assert "backtests.study.pipeline" in edges["backtests.cli.commands"]


def test_modules_fit_on_a_screen():
    long = {m: n for m, n in module_lengths().items() if n > MAX_LINES}
    assert long == {}, f"modules over ~400 lines (split along concepts): {long}"


def test_backtests_top_level_holds_only_the_public_api():
    from tests.architecture import REPO

    top = sorted(p.name for p in (REPO / "backtests").glob("*.py"))
    assert top == ["__init__.py"], f"modules at the top of backtests/: {top}"

"""The package's import graph, read from the source (no module is imported).

Used by ``tests/test_architecture.py`` (no import circle; imports run ``data -> signals ->
backtests``) and by ``make imports``, which prints the graph::

    python -m tests.architecture            # one line per module: what it imports
    python -m tests.architecture --dot      # Graphviz DOT, e.g. | dot -Tsvg > imports.svg
    python -m tests.architecture --packages # folder-level edges only

Every import counts, including those inside functions (a lazy import still ties two modules
together); an import of a package by one of its own modules (``from backtests.inference
import x`` inside ``backtests/inference/``) does not.
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("data", "signals", "backtests")
LAYER = {name: i for i, name in enumerate(PACKAGES)}
"""A module may import its own layer or a lower one: data (0) <- signals (1) <- backtests (2)."""


def module_files(root: Path = REPO) -> dict[str, Path]:
    """Return ``{dotted module name: file}`` for every module of the three packages."""
    out: dict[str, Path] = {}
    for pkg in PACKAGES:
        for p in sorted((root / pkg).rglob("*.py")):
            rel = p.relative_to(root).with_suffix("")
            if "cache" in rel.parts[:-1]:  # data/cache/ holds downloads, not code
                continue
            parts = rel.parts[:-1] if p.name == "__init__.py" else rel.parts
            out[".".join(parts)] = p
    return out


def _imported(node: ast.AST, package: str) -> Iterable[str]:
    if isinstance(node, ast.Import):
        yield from (a.name for a in node.names)
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parts = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join(parts + ([base] if base else []))
        yield base
        yield from (f"{base}.{a.name}" for a in node.names)


def import_graph(root: Path = REPO) -> dict[str, set[str]]:
    """Return ``{module: modules of the three packages it imports}``."""
    mods = module_files(root)
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for m, p in mods.items():
        package = m if p.name == "__init__.py" else m.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(p.read_text(), filename=str(p))):
            for name in _imported(node, package):
                while name and name not in mods:
                    name = name.rsplit(".", 1)[0] if "." in name else ""
                own_package = mods.get(name, Path()).name == "__init__.py" and m.startswith(
                    name + "."
                )
                if name and name != m and not own_package:
                    edges[m].add(name)
    return edges


def import_circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def layer_violations(edges: dict[str, set[str]]) -> list[str]:
    """Return ``"a -> b"`` for every import that runs against ``data -> signals -> backtests``."""
    return sorted(
        f"{a} -> {b}"
        for a, bs in edges.items()
        for b in bs
        if LAYER[b.split(".")[0]] > LAYER[a.split(".")[0]]
    )


def module_lengths(root: Path = REPO) -> dict[str, int]:
    """Return ``{module: number of lines}`` for the packages and the benchmark scripts."""
    files = dict(module_files(root))
    files.update({f"benchmarks.{p.stem}": p for p in sorted((root / "benchmarks").glob("*.py"))})
    return {m: len(p.read_text().splitlines()) for m, p in files.items()}


def _folder(m: str, files: dict[str, Path]) -> str:
    return m if files[m].name == "__init__.py" else m.rsplit(".", 1)[0]


def main(argv: list[str] | None = None) -> int:
    """Print the import graph (text, DOT or folder level)."""
    ap = argparse.ArgumentParser(prog="python -m tests.architecture", description=__doc__)
    ap.add_argument("--dot", action="store_true", help="Graphviz DOT instead of text")
    ap.add_argument("--packages", action="store_true", help="folder-level edges only")
    args = ap.parse_args(argv)
    edges = import_graph()
    if args.packages:
        files = module_files()
        folded: dict[str, set[str]] = {}
        for a, bs in edges.items():
            fa = _folder(a, files)
            folded.setdefault(fa, set()).update(
                _folder(b, files) for b in bs if _folder(b, files) != fa
            )
        edges = folded
    if args.dot:
        lines = ["digraph imports {", "  rankdir=LR;"]
        lines += [f'  "{a}" -> "{b}";' for a in sorted(edges) for b in sorted(edges[a])]
        lines.append("}")
    else:
        lines = [f"{a} -> {', '.join(sorted(edges[a])) or '(nothing)'}" for a in sorted(edges)]
    circles = import_circles(edges)
    lines.append(f"# {len(edges)} nodes, {sum(map(len, edges.values()))} edges, circles: {circles}")
    print("\n".join(lines))  # noqa: T201 - a command-line tool, not library code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

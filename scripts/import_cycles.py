"""Print the import cycles between mailer_gui's modules (exit 1 if any).

Every ``import`` counts, at module level or inside a function (a lazy import
only hides the cycle until the function runs; the two modules still depend on
each other), except those under ``if TYPE_CHECKING:``. With ``--load-time``
only the imports that run as a module loads count.
Usage: ``python scripts/import_cycles.py [--load-time] [package_dir]``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module_name(path: Path, base: Path) -> str:
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(
    tree: ast.AST, name: str, is_pkg: bool, known: set[str], lazy: bool = True
) -> set[str]:
    out: set[str] = set()
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        for child in ast.iter_child_nodes(node):
            if _type_checking_only(child):
                continue
            if not lazy and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            todo.append(child)
            if isinstance(child, ast.Import):
                out.update(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = name.split(".") if is_pkg else name.split(".")[:-1]
                    base = base[: len(base) - (child.level - 1)]
                    mod = ".".join(base + ([child.module] if child.module else []))
                else:
                    mod = child.module or ""
                out.add(mod)
                out.update(f"{mod}.{a.name}" for a in child.names)
    return {m for m in out if m in known}


def graph(pkg_dir: Path, lazy: bool = True) -> dict[str, set[str]]:
    base = pkg_dir.parent
    files = {module_name(p, base): p for p in pkg_dir.rglob("*.py")}
    known = set(files)
    return {
        name: imports_of(
            ast.parse(p.read_text(encoding="utf-8")), name, p.name == "__init__.py", known, lazy
        )
        - {name}
        for name, p in files.items()
    }


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(g[v]):
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

    sys.setrecursionlimit(10_000)
    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def main(argv: list[str]) -> int:
    lazy = "--load-time" not in argv
    args = [a for a in argv[1:] if a != "--load-time"]
    pkg = Path(args[0]) if args else ROOT / "mailer_gui"
    found = cycles(graph(pkg, lazy))
    for comp in found:
        print("import cycle: " + " <-> ".join(comp))
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

"""The import graph of `portal/`, read from the source with `ast` (issue 25).

Every import that runs counts, at module level and inside functions; those under `if
TYPE_CHECKING:` never run (annotations of relationships between models) and are left out. An edge
goes from the importing module to the module it names; `from package import name` points at
`package.name` when that is a module, else at `package`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "portal"


def module_names(root: Path = ROOT) -> dict[str, Path]:
    names = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _resolve(module: str, path: Path, level: int, target: str | None) -> str:
    if not level:
        return target or ""
    base = module.split(".")
    if path.name != "__init__.py":
        base.pop()
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def imports(root: Path = ROOT) -> dict[str, set[tuple[str, int, bool]]]:
    """module -> {(imported module, line, at module level)}; only modules of `portal`."""
    names = module_names(root)
    graph: dict[str, set[tuple[str, int, bool]]] = {}
    for module, path in names.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in tree.body:  # `if TYPE_CHECKING:` / try blocks at module level count as module level
            if isinstance(node, (ast.If, ast.Try)):
                top_level.update(id(n) for n in ast.walk(node))
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If)
            and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
            for inner in ast.walk(node)
        }
        edges = graph.setdefault(module, set())
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(module, path, node.level, node.module)
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    targets.append(candidate if candidate in names else base)
            for target in targets:
                while target and target not in names:
                    target = target.rpartition(".")[0]
                if target and target != module and target.startswith(PACKAGE):
                    edges.add((target, node.lineno, id(node) in top_level))
    return graph


def cycles(graph: dict[str, set[tuple[str, int, bool]]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    adjacency = {m: sorted({t for t, _, _ in edges}) for m, edges in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        nonlocal counter
        work = [(start, iter(adjacency.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(adjacency.get(child, ()))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for module in sorted(adjacency):
        if module not in index:
            visit(module)
    return found


if __name__ == "__main__":  # pragma: no cover - a summary for people
    graph = imports()
    loops = cycles(graph)
    local = sum(1 for edges in graph.values() for _, _, top in edges if not top)
    print(f"modules {len(graph)}, import edges {sum(map(len, graph.values()))}, inside functions {local}")
    print(f"cycles {len(loops)}, modules in cycles {sum(map(len, loops))}")
    for loop in loops:
        print(len(loop), " ".join(loop))

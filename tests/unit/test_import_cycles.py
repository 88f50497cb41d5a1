"""No module of app/ imports, however indirectly, a module that imports it back.

The graph is read from the source with `ast`, imports inside functions included (a lazy import
hides a cycle, it doesn't remove it). An edge goes from a module to each app module it names:
`import app.x`, `from app import x` (x a module) and `from app.x import y` (app.x, or app.x.y when
y is a module). A package's own `__init__` is not an edge target for its submodules' `from app.p
import name` when `name` is a submodule: that names the submodule, not the package's code.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in APP.rglob("*.py")}


def imported(path: Path, name: str, known: set[str]) -> set[str]:
    """The app modules that module `name` (at `path`) imports anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
    return {module for module in found if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(path, name, set(known)) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_app_has_no_import_cycle():
    assert cycles(import_graph()) == []


def test_the_graph_sees_top_level_lazy_and_relative_imports(tmp_path):
    package = tmp_path / "app"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from app import b\n")
    (package / "b.py").write_text("def later():\n    from app.sub.c import thing\n")
    (package / "sub" / "c.py").write_text("from .. import a\nthing = 1\n")
    (package / "d.py").write_text("import app.a\n")
    known = {module_name(path, tmp_path): path for path in package.rglob("*.py")}
    graph = {name: imported(path, name, set(known)) for name, path in known.items()}
    assert graph["app.a"] == {"app.b"}
    assert graph["app.b"] == {"app.sub.c"}
    assert graph["app.sub.c"] == {"app.a"}
    assert graph["app.d"] == {"app.a"}
    assert cycles(graph) == [["app.a", "app.b", "app.sub.c"]]


def test_a_graph_without_cycles_has_none():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []

"""The import graph of the project, read with `ast`: no import loops, and the layers hold.

Every import counts: at the top, inside functions and under `if TYPE_CHECKING:`, because a
loop held open by a late import is still a loop a reader has to untangle. A package's
`__init__` is a module of its own (`bot.core`). `import a.b.c` and `from a.b import c` are
one edge to the most specific project module they name.

The layers, top to bottom: cogs/ and benchmarks/, bot/, lessons/, sandbox/. The tutor core
(bot/core/) knows nothing of Discord or the terminal.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "cogs", "lessons", "sandbox", "benchmarks")
# What a lesson folder holds besides checks.py is learner code (some of it broken on
# purpose), never imported by the project.
_LEARNER_CODE = ("starter.py", "solution.py")

Graph = Mapping[str, set[str]]


def _is_learner_code(path: Path) -> bool:
    relative = path.relative_to(ROOT).parts
    if relative[0] != "lessons" or len(relative) < 3:
        return False
    return relative[-1] in _LEARNER_CODE or "fixtures" in relative


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "__pycache__" not in path.parts and not _is_learner_code(path):
                found[_module_name(path)] = path
    return found


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> Iterable[str]:
    """Every dotted name an import in `tree` can bind: `from a import b` gives a.b and a."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                yield f"{base}.{alias.name}" if alias.name != "*" else base


def _resolve(name: str, modules: Iterable[str]) -> str | None:
    """The most specific project module `name` is, or lies in; None outside the project."""
    known = set(modules)
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def imports_of(module: str, path: Path) -> set[str]:
    """Every dotted name the module imports (project and third party)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return set(_imported_names(tree, module, path.name == "__init__.py"))


def project_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = {_resolve(name, modules) for name in imports_of(module, path)}
        graph[module] = {t for t in targets if t is not None and t != module}
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """The import loops: each strongly connected group of two or more modules (every module
    in it reaches every other), its modules sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm; the graphs here are small
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(sorted(group) for group in groups)


def _loop_through(group: set[str], graph: Graph) -> list[str]:
    """A path from the group's first module back to it, within the group (breadth-first)."""
    start = min(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph.get(node, set()) & group):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    return sorted(group)  # unreachable for a strongly connected group


def _describe(loops: list[list[str]], graph: Graph) -> str:
    return "\n".join(
        f"{len(loop)} modules: {', '.join(loop)}; one way round: "
        + " -> ".join(_loop_through(set(loop), graph))
        for loop in loops
    )


def test_the_cycle_finder_finds_a_loop_and_shows_the_way_round() -> None:
    graph = {
        "a": {"b"},
        "b": {"c", "x"},
        "c": {"a"},
        "x": {"y"},
        "y": set(),
        "p": {"q"},
        "q": {"p"},
    }
    assert cycles(graph) == [["a", "b", "c"], ["p", "q"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert "3 modules: a, b, c; one way round: a -> b -> c -> a" in _describe(cycles(graph), graph)


def test_the_graph_reads_late_and_type_checking_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import sibling\n"
        "if TYPE_CHECKING:\n    from pkg.typed import Thing\n"
        "def later():\n    import pkg.late.deep\n"
    )
    names = set(_imported_names(ast.parse(source), "pkg.mod", is_package=False))
    modules = {"pkg", "pkg.mod", "pkg.sibling", "pkg.typed", "pkg.late"}
    assert {_resolve(name, modules) for name in names} == {
        None, "pkg.sibling", "pkg.typed", "pkg.late",
    }  # fmt: skip


def test_no_import_loops_between_project_modules() -> None:
    graph = project_graph()
    loops = cycles(graph)
    assert not loops, "import loops:\n" + _describe(loops, graph)


def _offending(prefixes: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    """`module imports name` for each import from a module under `prefixes` of a name
    under `forbidden` (a prefix matches itself and its submodules)."""

    def under(name: str, roots: tuple[str, ...]) -> bool:
        return any(name == root or name.startswith(root + ".") for root in roots)

    found = []
    for module, path in project_modules().items():
        if under(module, prefixes):
            found += [
                f"{module} imports {name}"
                for name in sorted(imports_of(module, path))
                if under(name, forbidden)
            ]
    return found


def test_the_sandbox_knows_no_lessons_and_no_bot() -> None:
    assert _offending(("sandbox",), ("lessons", "bot", "cogs", "benchmarks")) == []


def test_lessons_know_no_bot() -> None:
    assert _offending(("lessons",), ("bot", "cogs", "benchmarks")) == []


def test_the_tutor_core_knows_no_front_end() -> None:
    front_ends = ("discord", "bot.discord_app", "cogs", "bot.console")
    assert _offending(("bot.core",), front_ends) == []
    assert _offending(("bot.discord_app",), ("discord",))  # it does see discord where it is


def test_the_bot_imports_cogs_only_to_list_them_for_the_extension_loader() -> None:
    assert _offending(("bot",), ("cogs",)) == ["bot.discord_app.bot imports cogs"]


def test_the_store_does_not_reach_into_the_sandbox_result_channel() -> None:
    assert _offending(("bot.store",), ("sandbox.result", "sandbox.result_decoding")) == []

"""The import graph of our packages, read from the source: no cycle, the layering, no private Dagster import.

Every ``import`` counts, at the top of a module or inside a function (an
import hidden in a function to dodge a cycle is still the cycle), and those
under ``if TYPE_CHECKING:`` too. A package's ``__init__`` executed on the way
to one of its modules is not counted as an import of it: only what the
source names.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pipelines", "assets", "resources", "quality", "anonymisation")
DAGSTER = ("dagster", "dagster_")  # dagster itself and its integrations (dagster_k8s, dagster_shared...)
# The rooms of the house (docs/architecture.md): room -> (the other rooms it may import, whether it may
# import Dagster). A module's room is the longest prefix of its name listed here. The plain rooms must
# not reach Dagster even through another module (test_plain_rooms_never_reach_dagster).
ROOMS: dict[str, tuple[frozenset[str], bool]] = {
    "resources.common": (frozenset(), False),  # institution config, errors, atomic files, vocabulary
    "resources.sourcing": (frozenset({"resources.common"}), False),  # source contracts, streaming readers
    "anonymisation": (frozenset({"resources.common", "resources.sourcing"}), False),
    # published files and their metadata, candidates, the store's folders, alerts: read policies and staging
    "resources.publishing": (frozenset({"resources.common", "resources.sourcing", "anonymisation"}), False),
    "quality": (frozenset({"resources.common", "resources.sourcing", "resources.publishing", "anonymisation"}), False),
    # the Dagster resources: one module per outside system
    "resources": (frozenset({"resources.common", "resources.sourcing", "resources.publishing"}), True),
    "assets": (frozenset({"resources", "resources.common", "resources.sourcing", "resources.publishing",
                          "anonymisation", "quality"}), True),
    "pipelines": (frozenset({"resources", "resources.common", "resources.sourcing", "resources.publishing",
                             "anonymisation", "quality", "assets"}), True),
}


@dataclass(frozen=True)
class Import:
    name: str  # the module, or module.attribute, the source names
    line: int
    type_only: bool  # under `if TYPE_CHECKING:`: read by type checkers, never run


@cache
def modules() -> dict[str, Path]:
    """Every module of our packages, by dotted name (a package by its own name)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, type_only: bool = False):
    """Every node under ``node``, with whether it sits in an ``if TYPE_CHECKING:`` block."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _type_checking(child.test):
            for inner in child.body:
                yield inner, True
                yield from _walk(inner, True)
            for inner in child.orelse:
                yield inner, type_only
                yield from _walk(inner, type_only)
            continue
        yield child, type_only
        yield from _walk(child, type_only)


@cache
def imports(module: str) -> tuple[Import, ...]:
    """What a module imports, wherever the import statement is."""
    path = modules()[module]
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node, type_only in _walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, node.lineno, type_only) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, up level - 1
                base = ".".join([*package[:len(package) - node.level + 1], *([node.module] if node.module else [])])
            found += [Import(f"{base}.{alias.name}", node.lineno, type_only) for alias in node.names]
    return tuple(found)


def _ours(name: str) -> str | None:
    """The module of ours a name designates (``a.b.C`` -> ``a.b``), or None for another library's."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


@cache
def graph() -> dict[str, frozenset[str]]:
    """Each module of ours -> the modules of ours it imports."""
    return {module: frozenset(m for i in imports(module) if (m := _ours(i.name)) and m != module)
            for module in modules()}


def cycles(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """One cycle of each group of modules that import one another (strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm; our graph is a few hundred modules deep at most
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return [_path(group, edges) for group in groups]


def _path(group: set[str], edges: dict[str, frozenset[str]]) -> list[str]:
    """A cycle through the group, from its first module back to it (breadth-first: the shortest)."""
    start = min(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(edges[node] & group):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if nxt not in came_from:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no cycle through {sorted(group)}")


def closure(module: str) -> set[str]:
    """Every module of ours that importing ``module`` reaches, itself included."""
    seen, todo = {module}, [module]
    while todo:
        for nxt in graph()[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def _top(name: str) -> str:
    return name.split(".")[0]


def _is_dagster(name: str) -> bool:
    return _top(name) == DAGSTER[0] or _top(name).startswith(DAGSTER[1])


def _in(package: str) -> list[str]:
    return sorted(m for m in modules() if _top(m) == package)


def test_the_graph_is_read_from_every_module() -> None:
    """The reader finds function-level and type-only imports (what hid the cycles this test now forbids)."""
    assert len(modules()) > 100 and {"pipelines.definitions", "anonymisation.policy"} <= set(modules())
    assert "anonymisation.rules" in graph()["anonymisation.policy"]
    executors = imports("pipelines.executors")
    assert any(i.name.startswith("dagster_k8s.") and not i.type_only for i in executors)  # inside a function
    assert any(i.type_only and i.name.startswith("dagster._") for i in executors)
    toy = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset({"a"})}
    assert cycles(toy) == [["a", "b", "c", "a"]]


def room(module: str) -> str:
    """The room of a module: the longest prefix of its name that ``ROOMS`` lists."""
    parts = module.split(".")
    for size in range(len(parts), 0, -1):
        if (prefix := ".".join(parts[:size])) in ROOMS:
            return prefix
    raise AssertionError(f"{module} is in no room of ROOMS")


def layering(edges: dict[str, frozenset[str]]) -> list[str]:
    """Every import of a module of ours that its room may not make (``ROOMS``)."""
    return sorted(f"{module} -> {target}" for module, targets in edges.items() for target in targets
                  if room(target) != room(module) and room(target) not in ROOMS[room(module)][0])


def test_the_layering_check_sees_a_wrong_import() -> None:
    """The check is not vacuous: a plain library importing a resource, an asset importing pipelines fail it."""
    toy = {"resources.sourcing.streaming": frozenset({"resources.sources"}),
           "assets.published": frozenset({"pipelines.alerts", "resources.store"}),
           "resources.sources": frozenset({"resources.sourcing.streaming"}), "pipelines.alerts": frozenset(),
           "resources.store": frozenset()}
    assert layering(toy) == ["assets.published -> pipelines.alerts", "resources.sourcing.streaming -> resources.sources"]
    assert room("resources.publishing.version") == "resources.publishing" and room("resources.store") == "resources"


def test_every_room_imports_only_what_the_table_allows() -> None:
    wrong = layering(graph())
    assert not wrong, "imports across rooms that ROOMS does not allow:\n" + "\n".join(wrong)


def test_plain_rooms_never_reach_dagster() -> None:
    """The rooms ``ROOMS`` marks plain import no Dagster, and reach none through another module."""
    for module in modules():
        if ROOMS[room(module)][1]:
            continue
        reached = closure(module)
        dagster = sorted(f"{m}: {i.name}" for m in reached for i in imports(m) if _is_dagster(i.name))
        assert not dagster, f"{module} reaches Dagster: {dagster}"


def test_no_import_cycle() -> None:
    found = [" -> ".join(cycle) for cycle in cycles(graph())]
    assert not found, "import cycles:\n" + "\n".join(found)


def test_anonymisation_is_a_plain_library() -> None:
    """anonymisation/ reaches neither Dagster nor the assets and pipelines, even through another module."""
    for module in _in("anonymisation"):
        reached = closure(module)
        upper = sorted(m for m in reached if _top(m) in ("assets", "pipelines"))
        dagster = sorted(f"{m}: {i.name}" for m in reached for i in imports(m) if _is_dagster(i.name))
        assert not upper and not dagster, f"{module} reaches {upper + dagster}"


def test_quality_is_a_plain_library() -> None:
    """quality/ reaches neither Dagster nor the assets, pipelines and Dagster resources, even through another module."""
    for module in _in("quality"):
        reached = closure(module)
        upper = sorted(m for m in reached if _top(m) in ("assets", "pipelines") or room(m) == "resources")
        dagster = sorted(f"{m}: {i.name}" for m in reached for i in imports(m) if _is_dagster(i.name))
        assert not upper and not dagster, f"{module} reaches {upper + dagster}"


def test_no_private_dagster_import_at_run_time() -> None:
    """No module of ours imports ``dagster._…`` (nor ``_``-names from dagster) when it runs.

    Under ``if TYPE_CHECKING:`` a module may name a type that a public Dagster
    interface uses but Dagster 1.13 does not export (the executor's plan and
    context, ``define_asset_job``'s result): type checkers read it, Python
    never imports it.
    """
    private = [f"{modules()[m].relative_to(ROOT)}:{i.line}: {i.name}" for m in modules() for i in imports(m)
               if _top(i.name) == "dagster" and any(part.startswith("_") for part in i.name.split(".")[1:])
               and not i.type_only]
    assert not private, "private Dagster imports:\n" + "\n".join(private)

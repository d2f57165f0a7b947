"""The house rules a newcomer relies on: the folders show the flows, imports run one way
(server → chat, api → assistant → index) with no circles between modules, only the store knows
Chroma, the tests mirror the packages, and modules stay small enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("index", "assistant", "chat", "api", "server")
# What each room may import besides itself: the chat and the API are siblings (neither imports the
# other); only the server, the composition root, sees both.
ALLOWED_BELOW = {
    "index": set(),
    "assistant": {"index"},
    "chat": {"assistant", "index"},
    "api": {"assistant", "index"},
    "server": {"chat", "api", "assistant", "index"},
}
# ``python -m chat`` is a door to the server (the same as ``python app.py``), not part of the chat.
DOORS = {ROOT / "chat" / "__main__.py"}
MAX_LINES = 350


def imports_of(path: Path, *, lazy: bool = True) -> set[str]:
    """Absolute module names ``path`` imports (``from a import b`` gives ``a`` and ``a.b``), those only
    for type checking left out; ``lazy=False`` also leaves out imports inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for statement in node.body
        for inner in ast.walk(statement)
    }
    if not lazy:
        skipped |= {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            for inner in ast.walk(node)
        }
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_imports_run_one_way_server_chat_api_assistant_index() -> None:
    wrong = []
    for package in PACKAGES:
        forbidden = set(PACKAGES) - ALLOWED_BELOW[package] - {package}
        for path in sources(package):
            if path in DOORS:
                continue
            for name in imports_of(path):
                if name.split(".")[0] in forbidden:
                    wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """The circles of ``graph`` (Tarjan's algorithm): groups of modules that import each other."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for other in graph[node]:
            if other not in order:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], order[other])
        if low[node] == order[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            if group:
                circles.append(sorted([node, *group]))

    for node in graph:
        if node not in order:
            visit(node)
    return circles


def test_no_module_imports_itself_round_a_circle() -> None:
    """A circle (a imports b, which imports a, even lazily inside a function) means neither can be
    read or changed alone; the package ``__init__`` files count (importing ``a.b`` runs ``a``)."""
    paths = {module_name(path): path for package in PACKAGES for path in sources(package)}
    graph = {name: (imports_of(path) & paths.keys()) - {name} for name, path in paths.items()}
    assert strongly_connected(graph) == []


def test_the_tests_mirror_the_packages() -> None:
    """A room's tests sit in the same room under tests/ (browser tests apart, in tests/browser/)."""
    rooms = {path.parent.relative_to(ROOT) for package in PACKAGES for path in sources(package)}
    test_rooms = {path.parent.relative_to(ROOT / "tests") for path in (ROOT / "tests").rglob("test_*.py")}
    strays = sorted(str(room) for room in test_rooms - rooms - {Path("."), Path("browser")})
    assert strays == []
    for package in PACKAGES:
        assert list((ROOT / "tests" / package).glob("test_*.py")), f"tests/{package}/ has no tests"


def test_only_the_store_imports_chroma() -> None:
    outside = [
        f"{path.relative_to(ROOT)} imports {name}"
        for package in PACKAGES
        for path in sources(package)
        if "index/store" not in path.as_posix()
        for name in imports_of(path)
        if name.split(".")[0] in ("chromadb", "langchain_chroma")
    ]
    assert outside == []


def test_the_entry_point_is_thin_and_modules_are_small() -> None:
    assert len((ROOT / "app.py").read_text().splitlines()) <= 20
    long = [
        f"{path.relative_to(ROOT)}: {count} lines"
        for package in PACKAGES
        for path in sources(package)
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert long == []

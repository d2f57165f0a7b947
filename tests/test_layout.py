"""The house rules a newcomer relies on: imports run one way (chat → assistant → index), only the
store knows Chroma, and modules stay small enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGES = ("index", "assistant", "chat")
MAX_LINES = 350


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_imports_run_one_way_chat_assistant_index() -> None:
    allowed_below = {"index": set(), "assistant": {"index"}, "chat": {"assistant", "index"}}
    wrong = []
    for package in PACKAGES:
        forbidden = set(PACKAGES) - allowed_below[package] - {package}
        for path in sources(package):
            for name in imported_modules(path):
                if name.split(".")[0] in forbidden:
                    wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def test_only_the_store_imports_chroma() -> None:
    outside = [
        f"{path.relative_to(ROOT)} imports {name}"
        for package in PACKAGES
        for path in sources(package)
        if "index/store" not in path.as_posix()
        for name in imported_modules(path)
        if name.split(".")[0] in ("chromadb", "langchain_chroma")
    ]
    assert outside == []


def test_the_chat_entry_point_is_thin_and_modules_are_small() -> None:
    assert len((ROOT / "app.py").read_text().splitlines()) <= 20
    long = [
        f"{path.relative_to(ROOT)}: {count} lines"
        for package in PACKAGES
        for path in sources(package)
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert long == []

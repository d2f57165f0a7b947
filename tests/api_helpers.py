"""An index for the served API's tests: the seed article about Turkey and Libya, and a distractor
about France that a follow-up ("And what did it say about France?") must not drift to."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import AssistantSettings
from index.build import build_index
from index.store import ArticleStore

from .followup_corpus import write_followup_corpus


def build_followup_index(root: Path, embeddings: object) -> Path:
    """Index the seed and the distractor into ``root/db`` (real Chroma, real model); returns the folder."""
    db = root / "db"
    store = ArticleStore.open(AssistantSettings(db_path=db), embeddings=embeddings)
    report = build_index(store, [write_followup_corpus(root / "articles")], show_progress=False)
    assert report.added == 2 and not report.errors
    return db

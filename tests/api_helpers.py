"""An index for the served API's tests: the seed article about Turkey and Libya, and a distractor
about France that a follow-up ("And what did it say about France?") must not drift to; and, for the
tests of hostile input, the same with an article whose text, title and URL try to run script."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.settings import AssistantSettings
from index.build import build_index
from index.store import ArticleStore
from tests.followup_corpus import write_followup_corpus


def build_followup_index(root: Path, embeddings: object) -> Path:
    """Index the seed and the distractor into ``root/db`` (real Chroma, real model); returns the folder."""
    db = root / "db"
    store = ArticleStore.open(AssistantSettings(db_path=db), embeddings=embeddings)
    report = build_index(store, [write_followup_corpus(root / "articles")], show_progress=False)
    assert report.added == 2 and not report.errors
    return db


# What a client rendering an answer as HTML or Markdown would run, were it passed on verbatim.
HOSTILE_ARTICLE = {
    "doc_id": "hostile",
    "title": "<img src=x onerror=alert('title')>Zorblat harbour festival",
    "publish_date": "2020/06/22",
    "url": "javascript:alert('url')",
    "text": (
        "The Zorblat harbour festival drew 40,000 visitors on Sunday, the organisers said. "
        "<script>alert(1)</script> A float carried the festival's sign past the harbour. "
        "Tickets were sold out, [click](javascript:alert(1)) said the organisers of the Zorblat harbour festival."
    ),
}
HOSTILE_QUESTION = "How many visitors did the Zorblat harbour festival draw?"


def build_hostile_index(root: Path, embeddings: object) -> Path:
    """The follow-up corpus plus :data:`HOSTILE_ARTICLE`, indexed into ``root/db``; returns the folder."""
    db = root / "db"
    articles = write_followup_corpus(root / "articles")
    (articles / "hostile.jsonl").write_text(json.dumps(HOSTILE_ARTICLE) + "\n", encoding="utf-8")
    store = ArticleStore.open(AssistantSettings(db_path=db), embeddings=embeddings)
    report = build_index(store, [articles], show_progress=False)
    assert report.added == 3 and not report.errors
    return db

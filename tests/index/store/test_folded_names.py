"""Names however they are typed, in keyword search (tantivy and the shared PostgreSQL index): a name
asked without its accents finds the article that writes them, and the other way round; ß and ss,
curly and straight quotes, Zelensky and Zelenskyy meet. An index written before folding keeps
working: a local one is re-indexed when it opens, a shared one is named once with its command."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import text

import index.store.keyword.postgres as postgres_backend
import index.store.keyword.tantivy as tantivy_backend
from assistant.retrieval import PassageRetriever
from assistant.settings import AssistantSettings
from index.build import build_index
from index.store import ArticleStore
from tests.conftest import run_python
from tests.index.store.test_shared_keywords import environment, shared_settings

# Each name is in one article only; some articles write it with its marks, some without.
ARTICLES = {
    "kalin": ("Ankara backs the talks", "Ibrahim Kalın, the presidential spokesman, said Ankara backs the talks."),
    "erdogan": ("A new bridge", "President Recep Tayyip Erdoğan opened the new bridge over the strait."),
    "saopaulo": ("Floods close the metro", "Floods in São Paulo closed the metro for two days."),
    "mueller": ("The squad is named", "Coach Thomas Müller named the squad for the autumn matches."),
    "strasse": ("A market reopens", "The market on the Hauptstraße reopened after the repairs."),
    "saotome": ("An island election", "Voters in Sao Tome chose a new parliament on Sunday."),
    "gerd": ("A striker remembered", "Gerd Muller scored sixty-eight goals for his country."),
    "kyiv": ("An office speaks", "President Volodymyr Zelenskyy’s office said the “grain corridor” stays open."),
    "weather": ("Rain again", "Heavy rain is expected across the region until the weekend."),
}


def write_feed(path: Path) -> Path:
    path.write_text(
        "".join(
            json.dumps({"doc_id": doc_id, "title": title, "text": body, "date": "2024-03-05"}) + "\n"
            for doc_id, (title, body) in ARTICLES.items()
        )
    )
    return path


def keyword_article(store: ArticleStore, question: str) -> str | None:
    hits = PassageRetriever.from_settings(store, store.settings, retrieval_mode="bm25").search(question)
    return str(hits[0].metadata["article_id"]) if hits else None


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("Who is Ibrahim Kalin?", "kalin"),
        ("What did Erdogan open?", "erdogan"),
        ("Why did the metro close in Sao Paulo?", "saopaulo"),
        ("Which squad did Muller name?", "mueller"),
        ("What reopened on the Hauptstrasse?", "strasse"),
        ("Who voted in São Tomé?", "saotome"),  # the reverse: the question has the marks, the article not
        ("How many goals did Gerd Müller score?", "gerd"),
        ("What did ZELENSKY'S office say?", "kyiv"),  # straight quote, no doubled y, capitals
        ("What did Zelenskiy say about the grain corridor?", "kyiv"),
        ("Zelenskyi’s office", "kyiv"),
    ],
)
def test_a_name_typed_another_way_finds_its_article_by_keywords(make_store, tmp_path: Path, question, article) -> None:
    store = make_store()
    build_index(store, [write_feed(tmp_path / "names.jsonl")], show_progress=False)
    assert keyword_article(store, question) == article


def test_an_index_written_before_folding_is_reindexed_once_when_it_opens(
    tmp_path: Path, embeddings, caplog: pytest.LogCaptureFixture
) -> None:
    settings = AssistantSettings(db_path=tmp_path / "db")
    with pytest.MonkeyPatch.context() as before:  # what the code before folding wrote: the text as typed
        before.setattr(tantivy_backend, "fold", lambda typed: typed)
        old = ArticleStore.open(settings, embeddings=embeddings)
        build_index(old, [write_feed(tmp_path / "names.jsonl")], show_progress=False)
        (tmp_path / "db" / "keyword" / "FOLDING").unlink()
        assert keyword_article(old, "Kalın") == "kalin"
        assert keyword_article(old, "Kalin") is None

    with caplog.at_level(logging.WARNING):
        reopened = ArticleStore.open(settings, embeddings=embeddings)
    said = caplog.text
    assert "re-indexing it once" in said and f"{reopened.count()} chunks" in said
    assert "--rebuild" not in said, "the default encoder's vectors need no rebuild"
    for question in ("Kalin", "Kalın"):
        assert keyword_article(reopened, question) == "kalin"
    assert reopened.keyword_index.count() == reopened.count()

    caplog.clear()
    with caplog.at_level(logging.WARNING):
        ArticleStore.open(settings, embeddings=embeddings)
    assert "re-indexing" not in caplog.text, "re-indexed once, not at every open"


def test_a_shared_keyword_index_written_before_folding_keeps_working_until_the_refold_command(
    chroma_server: tuple[str, int],
    postgres_server: str,
    tmp_path: Path,
    embeddings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    shared = shared_settings(chroma_server, postgres_server)
    settings = AssistantSettings(db_path=tmp_path / "db", **shared)
    with pytest.MonkeyPatch.context() as before:
        before.setattr(postgres_backend, "fold", lambda typed: typed)
        old = ArticleStore.open(settings, embeddings=embeddings)
        build_index(old, [write_feed(tmp_path / "names.jsonl")], show_progress=False)
        with old.keyword_index.engine.begin() as connection:  # type: ignore[attr-defined]
            connection.execute(
                text(f"DELETE FROM {postgres_backend.FOLDING_TABLE} WHERE namespace = :ns"),
                {"ns": old.record_manager.namespace},
            )

    with caplog.at_level(logging.WARNING):
        replica = ArticleStore.open(settings, embeddings=embeddings)
    assert "python -m index refold" in caplog.text
    assert keyword_article(replica, "Kalın") == "kalin", "the old rows are still found"
    assert keyword_article(replica, "Kalin") is None

    done = run_python("-m", "index", "refold", "--db", str(tmp_path / "cli"), env=environment(shared))
    assert done.returncode == 0, done.stderr
    assert f"{replica.count()} chunks written again" in done.stdout
    assert keyword_article(replica, "Kalin") == "kalin", "the replica open meanwhile finds it"
    assert keyword_article(replica, "Kalın") == "kalin"

    caplog.clear()
    with caplog.at_level(logging.WARNING):
        ArticleStore.open(settings, embeddings=embeddings)
    assert "refold" not in caplog.text, "said until it is done, then no more"

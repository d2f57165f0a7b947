"""Incremental, idempotent builds on a real Chroma with the real model."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from index.articles import Article, LoadError
from index.build import BuildReport, build_index, chunk_key, index_articles
from index.chunking import article_documents
from index.encoders.registry import canonical_encoder_name
from index.sources.files import file_article_id, iter_articles
from index.store import ArticleStore, EmbeddingModelMismatchError


def write_feed(path: Path, articles: dict[str, str], date: str = "2023/03/01") -> Path:
    lines = [
        json.dumps({"doc_id": doc_id, "title": doc_id.title(), "text": text, "publish_date": date, "source": "Test"})
        for doc_id, text in articles.items()
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


STORIES = {
    "volcano": "A volcano erupted in Iceland on Tuesday. Lava reached the outskirts of Grindavik. "
    "Residents had been evacuated days before.",
    "rates": "The central bank raised interest rates by a quarter point. Inflation remains above target. "
    "Markets had expected the move.",
    "final": "The home team won the cup final 2-1 after extra time. The winning goal came in the 112th minute.",
}


class CountingEmbeddings(Embeddings):
    """A spy around the real model: counts the texts it embeds, delegates the work."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.texts = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def ids_in(store: ArticleStore) -> set[str]:
    return set(store.collection.get(include=[])["ids"])


def test_second_build_embeds_nothing_and_keeps_the_count(make_store, articles_dir: Path, tmp_path: Path) -> None:
    store = make_store()
    feed = write_feed(tmp_path / "feed.jsonl", STORIES)
    first = build_index(store, [articles_dir, feed], show_progress=False)
    assert (first.added, first.updated, first.unchanged) == (4, 0, 0)
    assert first.chunks_embedded == first.chunks_total == store.count() > 4
    before = ids_in(store)

    second = build_index(store, [articles_dir, feed], show_progress=False)
    assert (second.added, second.updated, second.unchanged, second.removed) == (0, 0, 4, 0)
    assert second.chunks_embedded == 0 and second.chunks_deleted == 0
    assert ids_in(store) == before


def test_a_changed_article_replaces_exactly_its_chunks(make_store, tmp_path: Path) -> None:
    store = make_store()
    feed = write_feed(tmp_path / "feed.jsonl", STORIES)
    build_index(store, [feed], show_progress=False)
    untouched = set(store.collection.get(where={"article_id": {"$ne": "rates"}}, include=[])["ids"])

    changed = dict(STORIES, rates="The central bank cut interest rates to support growth. Bond yields fell sharply.")
    report = build_index(store, [write_feed(feed, changed)], show_progress=False)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    assert report.chunks_embedded == 1 and report.chunks_deleted == 1
    assert untouched < ids_in(store), "other articles keep their chunks"
    rates = store.collection.get(where={"article_id": "rates"}, include=["documents"])["documents"]
    assert rates == [changed["rates"]], "only the new text of the changed article is left"
    [(top, _)] = store.search("Did the central bank raise rates?", k=1)
    assert "cut interest rates" in top.page_content


def test_new_chunk_settings_rechunk_every_article(make_store, tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", {"long": " ".join([STORIES["volcano"]] * 12), **STORIES})
    first = build_index(make_store(), [feed], show_progress=False)
    smaller = make_store(chunk_size=300, chunk_overlap=0)
    report = build_index(smaller, [feed], show_progress=False)
    # The long article is cut anew; the short ones are one chunk either way, the same as before.
    assert (report.unchanged, report.updated) == (3, 1)
    assert report.chunks_embedded > 0 and smaller.count() > first.chunks_total
    again = build_index(smaller, [feed], show_progress=False)
    assert (again.unchanged, again.chunks_embedded) == (4, 0)


def test_prune_removes_articles_no_longer_present(make_store, tmp_path: Path) -> None:
    store = make_store()
    feed = write_feed(tmp_path / "feed.jsonl", STORIES)
    build_index(store, [feed], show_progress=False)
    without_final = {k: v for k, v in STORIES.items() if k != "final"}

    kept = build_index(store, [write_feed(feed, without_final)], show_progress=False)
    assert kept.removed == 0 and store.collection.get(where={"article_id": "final"})["ids"], "no prune, no delete"

    pruned = build_index(store, [feed], prune=True, show_progress=False)
    assert (pruned.removed, pruned.unchanged) == (1, 2)
    assert store.collection.get(where={"article_id": "final"})["ids"] == []
    hits = store.search("Who won the cup final?", k=3)
    assert all(doc.metadata["article_id"] != "final" for doc, _ in hits), "a deleted article is never retrieved"


def test_broken_items_are_reported_and_the_rest_is_indexed(make_store, tmp_path: Path) -> None:
    store = make_store()
    feed = write_feed(tmp_path / "feed.jsonl", STORIES)
    feed.write_text(feed.read_text() + '{"doc_id": "broken", "text": \n')
    report = build_index(store, [feed], show_progress=False)
    assert report.added == 3
    [error] = report.errors
    assert (Path(error.path).name, error.line) == ("feed.jsonl", 4)


def test_duplicate_article_ids_keep_the_first_and_say_so(make_store, tmp_path: Path) -> None:
    store = make_store()
    first = write_feed(tmp_path / "a.jsonl", {"volcano": STORIES["volcano"]})
    second = write_feed(tmp_path / "b.jsonl", {"volcano": STORIES["final"]})
    report = build_index(store, [first, second], show_progress=False)
    assert report.added == 1
    assert [e.message for e in report.errors] == ["duplicate article id; the first one is kept"]
    assert store.collection.get(where={"article_id": "volcano"}, include=["documents"])["documents"] == [
        STORIES["volcano"]
    ]


def test_the_same_article_under_two_names_is_indexed_once(make_store, tmp_path: Path) -> None:
    store = make_store()
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "bridge.txt").write_text(f"date 2023-03-01\n{STORIES['volcano']}")
    (folder / "copy of bridge.txt").write_text(f"date 2023-03-01\n\n{STORIES['volcano']}  \n")
    report = build_index(store, [folder], show_progress=False)
    assert report.added == 1 and report.errors == [], "a copy is noted, not an error"
    [copy] = report.copies_noted
    assert Path(copy.article_id).name == "copy of bridge.txt" and copy.reason == "same text"
    assert "the same story as" in str(copy) and report.copies == 1
    hits = store.search("Which volcano erupted?", k=5)
    assert len({doc.metadata["article_id"] for doc, _ in hits}) == 1, "one copy answers, not two"


def test_a_very_long_article_is_indexed_whole(make_store, tmp_path: Path) -> None:
    filler = " ".join(f"Paragraph {n} of the council minutes records routine business." for n in range(600))
    ending = "Finally the council voted to rename the harbour after Admiral Grace Okafor."
    store = make_store()
    report = build_index(
        store, [write_feed(tmp_path / "long.jsonl", {"minutes": f"{filler} {ending}"})], show_progress=False
    )
    assert report.added == 1 and report.chunks_embedded > 30
    [(best, _)] = store.search("Who was the harbour renamed after?", k=1)
    assert ending in best.page_content


def test_an_interrupted_build_resumes_without_duplicates(make_store, tmp_path: Path) -> None:
    """Simulate a crash after the Chroma write but before the record-manager write."""
    store = make_store()
    feed = write_feed(tmp_path / "feed.jsonl", STORIES)
    errors: list = []
    documents = [d for a in iter_articles([feed], errors) for d in article_documents(a)]
    half = documents[: len(documents) // 2]
    store.vector_store.add_documents(half, ids=[chunk_key(d) for d in half])
    assert store.record_manager.list_keys() == []

    counting = CountingEmbeddings(store.vector_store._embedding_function)
    store.vector_store._embedding_function = counting
    build_index(store, [feed], show_progress=False)
    assert store.count() == len(documents)
    assert ids_in(store) == {chunk_key(d) for d in documents}
    assert counting.texts == len(documents) - len(half), "chunks already in Chroma are not embedded again"
    # Filtered searches still find the resumed chunks (re-adding existing ids once broke them).
    for doc_id, text in STORIES.items():
        hits = store.vector_store.similarity_search(text, k=1, filter={"article_id": doc_id})
        assert hits and hits[0].metadata["article_id"] == doc_id


def test_batches_larger_than_the_write_size_are_split(make_store, tmp_path: Path) -> None:
    store = make_store(index_batch_size=2)
    many = {f"story-{n}": f"Story number {n} reports a local event. It happened on day {n}." for n in range(7)}
    report = build_index(store, [write_feed(tmp_path / "many.jsonl", many)], show_progress=False)
    assert report.added == 7 and store.count() == 7


def test_opening_with_another_model_is_a_clear_error(make_store, tmp_path: Path, embeddings) -> None:
    store = make_store()
    build_index(store, [write_feed(tmp_path / "feed.jsonl", STORIES)], show_progress=False)
    other = store.settings.model_copy(update={"embedding_model": "some-other-model"})
    with pytest.raises(EmbeddingModelMismatchError) as raised:
        ArticleStore.open(other, embeddings=embeddings)
    message = str(raised.value)
    assert canonical_encoder_name(store.settings.embedding_model) in message and "some-other-model" in message
    assert "python -m index build --rebuild" in message


def test_hnsw_settings_are_explicit_and_ef_search_follows_the_setting(make_store) -> None:
    store = make_store()
    hnsw = store.collection.configuration["hnsw"]
    assert (hnsw["space"], hnsw["max_neighbors"], hnsw["ef_construction"], hnsw["ef_search"]) == (
        "cosine",
        16,
        100,
        100,
    )
    reopened = make_store(hnsw_ef_search=180)
    assert reopened.collection.configuration["hnsw"]["ef_search"] == 180


def test_ids_of_files_outside_the_project_name_no_server_path(make_store, articles_dir: Path) -> None:
    """Ids are shown in the chat and handed out by the API: a folder elsewhere on the server (here a
    temp folder) is not spelled out in them, and an index made when ids were absolute paths moves to
    the new ids on the next build, each article once."""
    store = make_store()
    old = [dataclasses.replace(a, id=str(articles_dir.resolve() / Path(a.id).name)) for a in _read(articles_dir)]
    index_articles(store, old, BuildReport(), show_progress=False)  # as the code before issue 25 named them
    assert all(a.id.startswith("/") for a in store.articles())

    report = build_index(store, [articles_dir], show_progress=False)
    ids = sorted(a.id for a in store.articles())
    assert len(ids) == len(old) and report.added == len(old) and not report.errors
    assert not any(str(articles_dir.parent) in article_id or article_id.startswith("/") for article_id in ids)
    assert {article_id.split("/")[0] for article_id in ids} == {file_article_id(articles_dir / "x.txt").split("/")[0]}
    assert build_index(store, [articles_dir], show_progress=False).added == 0


def _read(folder: Path) -> list[Article]:
    errors: list[LoadError] = []
    articles = list(iter_articles([folder], errors))
    assert not errors
    return articles

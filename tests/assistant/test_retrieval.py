"""Retrieval on a real store: keyword index in sync, hybrid, filters, per-article cap."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assistant import Assistant, Filters
from assistant.retrieval import PassageRetriever
from index.build import build_index
from index.store import ArticleStore
from index.store.keyword.tantivy import KeywordIndex
from tests.corpus_factory import QUESTIONS, cargo_articles, write_corpus


@pytest.fixture
def cargo_store(make_store, tmp_path: Path) -> tuple[ArticleStore, Path]:
    """MiniLM's vectors: their missing a rare code is what keyword search is there for (static vectors
    split a code into pieces and sometimes find it)."""
    store = make_store("cargo", embedding_model="minilm")
    corpus, _ = write_corpus(tmp_path)
    build_index(store, [corpus], show_progress=False)
    return store, corpus


def article_ranks(store: ArticleStore, mode: str, question: str, **filters) -> list[str]:
    retriever = PassageRetriever.from_settings(store, store.settings, k=30, retrieval_mode=mode)
    found = retriever.search(question, Filters.of(**filters))
    return list(dict.fromkeys(d.metadata["article_id"] for d in found))


def test_keyword_search_finds_the_rare_code_that_dense_search_misses(cargo_store) -> None:
    store, _ = cargo_store
    question = QUESTIONS[0]["question"]
    assert article_ranks(store, "bm25", question)[0] == "cargo-07"
    assert "cargo-07" not in article_ranks(store, "dense", question)[:10]
    assert "cargo-07" in article_ranks(store, "hybrid", question)[:10]
    assert article_ranks(store, "hybrid-rerank", question)[0] == "cargo-07"


def test_keyword_index_follows_adds_changes_and_prunes(cargo_store, tmp_path: Path) -> None:
    store, corpus = cargo_store
    assert store.keyword_index.count() == store.count() == 24
    articles = cargo_articles()
    articles[7]["text"] = articles[7]["text"].replace("ZX-4471", "YK-9090")
    del articles[3]
    corpus.write_text("".join(json.dumps(a) + "\n" for a in articles))
    build_index(store, [corpus], prune=True, show_progress=False)

    assert store.keyword_index.count() == store.count() == 23
    assert store.keyword_index.search("ZX-4471", k=5) == [], "the old text of a changed article is never matched"
    [(chunk_id, _)] = store.keyword_index.search("YK-9090", k=5)
    assert store.collection.get(ids=[chunk_id])["metadatas"][0]["article_id"] == "cargo-07"
    assert "cargo-03" not in article_ranks(store, "bm25", "laptops container"), "a pruned article is gone"


def test_a_drifted_keyword_index_is_reconciled_when_the_store_opens(cargo_store) -> None:
    store, _ = cargo_store
    keyword = KeywordIndex(store.settings.db_path / "keyword")
    keyword.add(["stale-id"], ["a chunk Chroma never had"], [{}])
    keyword.delete(list(keyword.all_ids())[:3])
    assert keyword.count() != store.count()

    reopened = ArticleStore.open(store.settings, embeddings=store.embeddings)
    assert reopened.keyword_index.all_ids() == set(reopened.collection.get(include=[])["ids"])


def test_one_article_takes_at_most_per_article_slots(make_store, tmp_path: Path) -> None:
    store = make_store("long", per_article=2, chunk_size=300, chunk_overlap=0)
    long_text = " ".join(f"Sentence {n} of the harbour strike story says dockers stayed out." for n in range(40))
    feed = tmp_path / "long.jsonl"
    feed.write_text(json.dumps({"doc_id": "long", "title": "Harbour strike", "text": long_text}) + "\n")
    build_index(store, [feed], show_progress=False)
    retriever = PassageRetriever.from_settings(store, store.settings, k=10, retrieval_mode="hybrid")
    assert len(retriever.search("harbour strike dockers")) == 2


def test_since_until_and_sources_are_hard_filters(cargo_store) -> None:
    store, _ = cargo_store
    question = "What did the shipment contain?"
    dated = article_ranks(store, "hybrid", question, since=date(2023, 3, 10), until=date(2023, 3, 12))
    assert sorted(dated) == ["cargo-09", "cargo-10", "cargo-11"]
    from_cnn = article_ranks(store, "hybrid", question, sources=["cnn.com"])
    assert from_cnn and all(int(doc_id[-2:]) % 2 == 1 for doc_id in from_cnn)


def test_a_narrow_filter_still_finds_its_articles_when_few_candidates_are_fetched(cargo_store) -> None:
    """Filters are applied to a wider unfiltered search first; when that leaves too few, Chroma filters."""
    store, _ = cargo_store
    retriever = PassageRetriever.from_settings(store, store.settings, k=10, retrieval_mode="dense", candidates=1)
    found = retriever.search(
        "What did the shipment contain?", Filters(since=date(2023, 3, 10), until=date(2023, 3, 10))
    )
    assert [d.metadata["article_id"] for d in found] == ["cargo-09"]
    unfiltered = retriever.search("What did the shipment contain?")
    assert "cargo-09" not in {d.metadata["article_id"] for d in unfiltered}, "the filter did the finding"


def test_as_of_prefers_articles_just_before_the_date(cargo_store) -> None:
    store, _ = cargo_store
    question = "What did the customs officers find in the container?"
    late = article_ranks(store, "hybrid", question, as_of=date(2023, 3, 24))
    early = article_ranks(store, "hybrid", question, as_of=date(2023, 3, 5))
    assert late[0] != early[0]
    assert all(int(doc_id[-2:]) + 1 <= 5 + 3 for doc_id in early), "nothing published after as_of + 3 days"


def test_answer_accepts_filters(cargo_store) -> None:
    store, _ = cargo_store
    bot = Assistant(store.settings, store=store)
    result = bot.ask("What did shipment QR-1107 contain?", filters=Filters(sources=("cnn.com",)))
    assert result.answered and "copper wire" in result.text  # QR-1107 is cargo-01, a cnn.com story
    assert all(c.source == "cnn.com" for c in result.citations)

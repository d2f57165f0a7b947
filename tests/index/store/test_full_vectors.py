"""The second speed's collection on a Chroma server: filled, searched and removed from as embedded."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

from assistant.retrieval import PassageRetriever
from assistant.settings import AssistantSettings
from index.build import build_index
from index.improve import improve
from index.settings import IndexSettings
from index.store import ArticleStore, reset_store
from index.store.full_vectors import full_encoder
from tests.assistant.test_two_speeds import ARTICLES, QUESTION


def _filled_store(settings: AssistantSettings, corpus: Path) -> ArticleStore:
    store = ArticleStore.open(settings)
    build_index(store, [corpus], show_progress=False)
    report = improve(store)
    assert report.filled == store.count() == store.full_vectors.count()
    return store


def test_embedded_and_server_fill_and_rank_alike(chroma_server: tuple[str, int], tmp_path: Path) -> None:
    corpus = tmp_path / "news.jsonl"
    corpus.write_text(
        "".join(json.dumps({"doc_id": d, "title": t, "text": x, "date": "2024-05-01"}) + "\n" for d, t, x in ARTICLES)
    )
    host, port = chroma_server
    server = AssistantSettings(
        db_path=tmp_path / "server", chroma_host=host, chroma_port=port, collection=f"news-{uuid.uuid4().hex[:12]}"
    )
    embedded = AssistantSettings(db_path=tmp_path / "embedded")
    rankings = []
    for settings in (embedded, server):
        store = _filled_store(settings, corpus)
        retriever = PassageRetriever.from_settings(store, settings, retrieval_mode="hybrid", k=5)
        rankings.append([d.id for d in retriever.search(QUESTION, today=date(2024, 6, 1))])
        sentences = store.full_vectors.sentences  # the answerer's, kept beside (index.store.sentence_vectors)
        assert sentences is not None and sentences.all_ids() == store.chunk_ids()
        store.remove_articles(["medic"])
        assert store.full_vectors.all_ids() == store.chunk_ids() == sentences.all_ids()
    assert rankings[0] == rankings[1]

    reset_store(server)  # a rebuild drops the second collection with the first
    assert ArticleStore.open(server).full_vectors.collection() is None


def test_an_english_only_second_speed_is_off_beside_a_multilingual_index() -> None:
    # A Spanish question's passages ranked by an English-only encoder would be ranked by chance.
    assert full_encoder(IndexSettings(embedding_model="wordllama")) == "minilm-int8"
    assert full_encoder(IndexSettings(embedding_model="e5-multilingual")) is None
    assert full_encoder(IndexSettings(embedding_model="wordllama", full_embedding_model="")) is None

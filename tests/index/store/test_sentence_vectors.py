"""The answerer's sentence vectors, kept by the fill: an answer reads them instead of embedding its
sentences, says the same, and they go with their chunks.

Real things: a real index in a temp folder, the real wordllama and minilm-int8, the real fill and the
real extractive answerer. The one count of texts handed to the encoder is how "nothing embedded at
question time" is seen; the answers themselves are compared whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from assistant import Assistant
from assistant.settings import AssistantSettings
from index.build import build_index
from index.chunking import quotable_sentences
from index.improve import improve
from index.store import ArticleStore, reset_store
from index.store.sentence_vectors import SentenceVectors, pack, unpack
from tests.assistant.test_two_speeds import ARTICLES, write_articles

QUESTIONS = [
    "Who cared for the striker after his knee gave way?",
    "Why did the harbour reopen?",
    "By how much did the central bank raise its interest rate?",
]


@pytest.fixture
def settings(tmp_path: Path) -> AssistantSettings:
    corpus = write_articles(tmp_path / "news.jsonl")
    settings = AssistantSettings(db_path=tmp_path / "db")
    build_index(ArticleStore.open(settings), [corpus], show_progress=False)
    return settings


@contextmanager
def _texts_embedded(embeddings: Embeddings) -> Iterator[list[str]]:
    """The texts this encoder is handed meanwhile."""
    handed: list[str] = []
    original = embeddings.embed_documents

    def counting(texts: list[str]) -> list[list[float]]:
        handed.extend(texts)
        return original(texts)

    embeddings.embed_documents = counting  # type: ignore[method-assign]
    try:
        yield handed
    finally:
        embeddings.embed_documents = original  # type: ignore[method-assign]


def test_after_the_fill_an_answer_embeds_no_sentence_and_says_the_same(settings: AssistantSettings) -> None:
    store = ArticleStore.open(settings)
    improve(store)
    sentences = store.full_vectors.sentences
    assert sentences is not None and sentences.all_ids() == store.chunk_ids()

    reading = Assistant(settings, store=store)
    computing = Assistant(settings, store=store)
    computing.extractive.stored_vectors = None  # as before the fill: every sentence embedded per question
    with _texts_embedded(reading.extractive.embeddings) as handed:
        stored_answers = [reading.ask(question) for question in QUESTIONS]
    assert handed == []
    computed_answers = [computing.ask(question) for question in QUESTIONS]
    assert all(answer.answered for answer in stored_answers)
    assert [a.text for a in stored_answers] == [a.text for a in computed_answers]
    assert "Maria Lopez" in stored_answers[0].text


def test_an_index_filled_before_gets_its_sentence_vectors_without_its_chunks_embedded_again(
    settings: AssistantSettings,
) -> None:
    store = ArticleStore.open(settings)
    improve(store)
    sentences = store.full_vectors.sentences
    assert sentences is not None
    sentences.delete(sorted(store.chunk_ids()))  # as a fill made before sentence vectors were kept left it

    texts = store.collection.get(include=["documents"])["documents"] or []
    expected = [sentence for text in texts for _, sentence in quotable_sentences(text)]
    with _texts_embedded(store.full_vectors.embeddings) as handed:
        report = improve(store)
    assert (report.filled, report.done) == (store.count(), store.count())
    assert sorted(handed) == sorted(expected)  # the sentences, and no chunk
    assert sentences.all_ids() == store.chunk_ids()


def test_removed_articles_take_their_sentence_vectors_with_them(settings: AssistantSettings) -> None:
    store = ArticleStore.open(settings)
    improve(store)
    sentences = store.full_vectors.sentences
    assert sentences is not None
    store.remove_articles(["medic", "rates"])
    assert sentences.all_ids() == store.chunk_ids() and len(store.chunk_ids()) == len(ARTICLES) - 2


def test_a_chunk_read_another_way_is_given_no_stored_vector(settings: AssistantSettings) -> None:
    store = ArticleStore.open(settings)
    improve(store)
    sentences = store.full_vectors.sentences
    assert sentences is not None
    got = store.collection.get(include=["documents"])
    chunk_id, text = got["ids"][0], (got["documents"] or [""])[0]
    assert set(sentences.read({chunk_id: text})) == {sentence for _, sentence in quotable_sentences(text)}
    assert sentences.read({chunk_id: text + " A sentence the fill never saw was added here."}) == {}
    other = SentenceVectors(sentences.engine, sentences.namespace, "another-encoder")
    assert other.read({chunk_id: text}) == {}  # vectors of another encoder's space are never mixed in


def test_kept_vectors_keep_their_cosines() -> None:
    rng = np.random.default_rng(7)
    rows = rng.normal(size=(50, 384)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    kept = unpack(pack(rows), len(rows))
    assert np.abs(kept @ rows.T - rows @ rows.T).max() < 0.01


def test_a_rebuild_drops_them(settings: AssistantSettings) -> None:
    store = ArticleStore.open(settings)
    improve(store)
    sentences = store.full_vectors.sentences
    assert sentences is not None and sentences.count() == store.count() > 0
    reset_store(settings)
    assert sentences.count() == 0

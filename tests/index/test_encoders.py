"""The encoders behind ASSISTANT_EMBEDDING_MODEL, with the real models, offline: shapes, roles,
aliases sharing an index, a refused index of another encoder, cross-language retrieval."""

from __future__ import annotations

import importlib
import json
import threading
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

import index.encoders.loading
import index.encoders.torch_models
from assistant import Assistant
from assistant.settings import AssistantSettings
from index.build import build_index
from index.encoders.loading import EmbeddingModelUnavailableError, embedding_dimension, load_embeddings
from index.encoders.registry import canonical_encoder_name, make_encoder, register_encoder, unregister_encoder
from index.errors import UserError
from index.settings import IndexSettings
from index.store import ArticleStore, EmbeddingModelMismatchError
from index.store.chroma import MODEL_KEY
from tests.conftest import SEEDS

DIMENSIONS = {"minilm": 384, "minilm-int8": 384, "e5-multilingual": 384, "wordllama": 256}

SENTENCES = [
    "A volcano erupted in Iceland on Tuesday, and lava reached the outskirts of Grindavik.",
    "The central bank raised interest rates by a quarter point.",
    "Dock workers in Hamburg stopped work for a second day over pay.",
    "The home team won the cup final after extra time.",
]

ARTICLES = {
    "volcano": (
        "Volcano erupts near Grindavik",
        "A volcano on the Reykjanes peninsula in Iceland erupted on Tuesday night. Lava flowed towards the "
        "fishing town of Grindavik, whose residents had been evacuated days before. Flights were not affected.",
    ),
    "hafen": (
        "Streik im Hamburger Hafen",
        "Die Hafenarbeiter in Hamburg haben am Montag die Arbeit niedergelegt. Die Gewerkschaft verlangt mehr "
        "Lohn wegen der hohen Inflation. Dutzende Containerschiffe warten vor dem Hafen auf ihre Abfertigung.",
    ),
    "rates": (
        "Central bank raises rates",
        "The central bank raised interest rates by a quarter point on Wednesday. Inflation remains above its "
        "target, and markets had expected the move. Mortgage costs are set to rise again.",
    ),
}


def write_articles(folder: Path, articles: dict[str, tuple[str, str]] = ARTICLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    feed = folder / "articles.jsonl"
    lines = [
        json.dumps({"doc_id": doc_id, "title": title, "text": text, "publish_date": "2024/01/16", "source": "Test"})
        for doc_id, (title, text) in articles.items()
    ]
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return feed


def open_store(db: Path, model: str) -> ArticleStore:
    return ArticleStore.open(IndexSettings(db_path=db, embedding_model=model))


def built_store(db: Path, model: str, articles: Path) -> ArticleStore:
    store = open_store(db, model)
    report = build_index(store, [articles], show_progress=False)
    assert report.added == len(ARTICLES) and not report.errors
    return store


@pytest.mark.parametrize("name", sorted(DIMENSIONS))
def test_every_short_name_loads_offline_and_gives_unit_vectors_of_its_dimension(name: str) -> None:
    encoder = load_embeddings(name)
    assert isinstance(encoder, Embeddings)
    assert embedding_dimension(encoder) == DIMENSIONS[name]  # type: ignore[arg-type]
    documents = np.asarray(encoder.embed_documents(SENTENCES))
    query = np.asarray(encoder.embed_query("Where did the volcano erupt?"))
    assert documents.shape == (len(SENTENCES), DIMENSIONS[name]) and query.shape == (DIMENSIONS[name],)
    assert np.allclose(np.linalg.norm(documents, axis=1), 1.0, atol=1e-4)
    assert np.isclose(np.linalg.norm(query), 1.0, atol=1e-4)
    assert int(np.argmax(documents @ query)) == 0, "even the weakest encoder finds the volcano"
    assert encoder.embed_documents([]) == []


def test_e5_embeds_a_question_and_a_passage_differently() -> None:
    e5 = load_embeddings("e5-multilingual")
    text = SENTENCES[0]
    as_query, as_passage = np.asarray(e5.embed_query(text)), np.asarray(e5.embed_documents([text])[0])
    assert not np.allclose(as_query, as_passage, atol=1e-3), "the query: and passage: prefixes are applied"
    assert float(as_query @ as_passage) > 0.8, "still the same text"


def test_int8_minilm_vectors_are_close_to_minilm() -> None:
    full = np.asarray(load_embeddings("minilm").embed_documents(SENTENCES))
    int8 = np.asarray(load_embeddings("minilm-int8").embed_documents(SENTENCES))
    cosines = (full * int8).sum(axis=1)
    assert cosines.min() > 0.85, cosines
    assert canonical_encoder_name("minilm-int8") != canonical_encoder_name("minilm"), "close is not the same"


def test_names_of_one_model_share_one_loaded_copy_and_one_canonical_name() -> None:
    assert load_embeddings("minilm") is load_embeddings("all-MiniLM-L6-v2")
    for alias in ("minilm", "MiniLM", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        assert canonical_encoder_name(alias) == "all-MiniLM-L6-v2"
    assert canonical_encoder_name("paraphrase-MiniLM-L3-v2") == "paraphrase-MiniLM-L3-v2", "others pass through"


def test_e5_gives_the_same_vectors_from_several_threads_at_once() -> None:
    """The chat answers concurrently, and the e5 engine runs without a lock: it must be re-entrant."""
    e5 = load_embeddings("e5-multilingual")
    expected = [np.asarray(e5.embed_documents(SENTENCES))] + [np.asarray(e5.embed_query(s)) for s in SENTENCES]
    failures: list[str] = []

    def work() -> None:
        for _ in range(2):
            got = [np.asarray(e5.embed_documents(SENTENCES))] + [np.asarray(e5.embed_query(s)) for s in SENTENCES]
            if not all(np.allclose(a, b, atol=1e-6) for a, b in zip(got, expected, strict=True)):
                failures.append("different vectors under concurrency")

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures


def test_an_index_built_as_minilm_opens_as_all_minilm_and_the_other_way_round(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "articles")
    for built_as, opened_as in (("minilm", "all-MiniLM-L6-v2"), ("all-MiniLM-L6-v2", "minilm")):
        db = tmp_path / built_as
        store = built_store(db, built_as, articles)
        assert store.collection.metadata[MODEL_KEY] == "all-MiniLM-L6-v2", "the canonical name is recorded"
        reopened = open_store(db, opened_as)
        assert reopened.count() == store.count()
        assert reopened.search("Where did lava flow?", k=1)[0][0].metadata["article_id"] == "volcano"


def test_an_index_built_with_wordllama_refuses_minilm_and_says_how_to_rebuild(tmp_path: Path) -> None:
    db = tmp_path / "db"
    built_store(db, "wordllama", write_articles(tmp_path / "articles"))
    with pytest.raises(EmbeddingModelMismatchError) as raised:
        open_store(db, "minilm")
    message = str(raised.value)
    assert "wordllama" in message and "'minilm'" in message
    assert "python -m index build --rebuild" in message
    assert open_store(db, "wordllama").count() > 0, "its own encoder still opens it"


def test_with_the_encoder_left_unset_an_index_is_read_with_the_encoder_it_was_built_with(tmp_path: Path) -> None:
    """The default encoder is for new indexes: an index built with another stays usable, not refused."""
    db = tmp_path / "db"
    built_store(db, "wordllama", write_articles(tmp_path / "articles"))
    store = ArticleStore.open(IndexSettings(db_path=db))  # ASSISTANT_EMBEDDING_MODEL unset
    assert canonical_encoder_name(store.settings.embedding_model) == canonical_encoder_name("wordllama")
    assert store.search("Where did lava flow?", k=1)[0][0].metadata["article_id"] == "volcano"
    fresh = ArticleStore.open(IndexSettings(db_path=tmp_path / "fresh"))
    assert fresh.settings.embedding_model == IndexSettings().embedding_model, "a new index gets the default"


def test_a_missing_encoder_package_names_the_package_to_install() -> None:
    """Plumbing: a factory whose import fails stands for an encoder whose package is not installed."""

    def needs_a_missing_package(batch_size: int) -> Embeddings:
        return importlib.import_module("no_such_encoder_package")  # type: ignore[return-value]

    register_encoder("absent-encoder", needs_a_missing_package, packages=("no-such-encoder-package",))
    try:
        with pytest.raises(EmbeddingModelUnavailableError) as raised:
            load_embeddings("absent-encoder")
    finally:
        unregister_encoder("absent-encoder")
    message = str(raised.value)
    assert isinstance(raised.value, UserError) and "\n" not in message
    assert "'absent-encoder'" in message and "pip install no-such-encoder-package" in message


def test_a_pytorch_model_without_the_extra_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the extra torch, minilm and any sentence-transformers name are one line saying to install it."""
    monkeypatch.setattr(index.encoders.torch_models, "_TORCH_MODULES", ("no_such_torch_module",))
    loads = {  # uncached: load_embeddings may hold a MiniLM that an earlier test loaded
        "minilm": lambda: make_encoder("minilm", 4),
        "a sentence-transformers name": lambda: index.encoders.loading.sentence_transformer("org/a-model", 4),
    }
    for what, load in loads.items():
        with pytest.raises(EmbeddingModelUnavailableError) as raised:
            load()
        message = str(raised.value)
        assert "\n" not in message and "no_such_torch_module" in message, what
        assert "'.[torch]'" in message and "wordllama" in message, what


def test_e5_retrieves_across_languages(tmp_path: Path) -> None:
    store = built_store(tmp_path / "db", "e5-multilingual", write_articles(tmp_path / "articles"))
    questions = {
        "¿Qué volcán entró en erupción en Islandia y hacia dónde fluyó la lava?": "volcano",
        "İzlanda'da patlayan yanardağın lavları hangi kasabaya doğru aktı?": "volcano",
        "Why did the dock workers in Hamburg go on strike?": "hafen",
        # No name shared with any article: all-MiniLM-L6-v2 puts the volcano first here, e5 does not.
        "Faiz oranları ne kadar arttı?": "rates",
    }
    for question, article_id in questions.items():
        (document, _score), *_ = store.search(question, k=1)
        assert document.metadata["article_id"] == article_id, question


def test_wordllama_with_the_int8_answerer_answers_short_questions_and_refuses_off_topic_ones(tmp_path: Path) -> None:
    """The pair's own floors (index.encoders.floors): wordllama's cosine alone refused "Who heads the GNA?"."""
    settings = AssistantSettings(
        db_path=tmp_path / "db", embedding_model="wordllama", answer_embedding_model="minilm-int8"
    )
    store = ArticleStore.open(settings)
    build_index(store, [SEEDS], show_progress=False)
    assistant = Assistant(settings, store=store)
    for question, expected in (("Who heads the GNA?", "Sarraj"), ("What did Turkey say about France?", "France")):
        answer = assistant.ask(question)
        assert answer.answered and expected in answer.text, (question, answer.text)
    for question in ("How do I bake sourdough bread?", "Who is the chief executive of Apple?"):
        assert not assistant.ask(question).answered, question

"""The second speed: better vectors for the same chunks, filled in behind the fast ones.

Articles become answerable as soon as the fast encoder (``embedding_model``) has embedded them;
``python -m index improve`` then embeds the same chunks with ``full_embedding_model`` into a second
Chroma collection beside the first (``<collection>__full_<encoder>``), through the same client, so
an embedded index and a Chroma server work alike. Retrieval searches both and fuses the lists.

The fill also embeds each chunk's quotable sentences for the answerer, when it scores with the same
encoder (:mod:`index.store.sentence_vectors`): a chunk is filled when it has both.

What is done is what that collection (and that table) holds: vectors are upserted under the chunk's
own id (with its metadata, so dates and sources filter there too), so a fill killed at any point
resumes with what is missing and redoes nothing finished. A chunk removed from the main collection is removed here by
the same delete (:meth:`index.store.chroma.ArticleChroma.delete`), and a fill that wrote a chunk
removed meanwhile takes it out again (:meth:`FullVectors.fill`).
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

import chromadb
import numpy as np
from chromadb.errors import NotFoundError
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from index.encoders.floors import answer_encoder
from index.encoders.loading import embedding_dimension, load_embeddings, remembered_queries
from index.encoders.registry import canonical_encoder_name, is_multilingual
from index.settings import IndexSettings, StoreSettings
from index.store.chroma import embedding_text
from index.store.filters import ChunkFilter, filtered_nearest
from index.store.sentence_vectors import SentenceVectors

logger = logging.getLogger(__name__)

# While the second collection is empty (no fill yet), whether it still is is asked again only this
# often, and how much of the index it holds is counted again only this often: every question would
# otherwise pay a count, and a fill running elsewhere is seen soon enough.
_RECHECK_EMPTY_SECONDS = 30.0
_FULL_MODEL_KEY = "full_embedding_model"


def full_collection_name(settings: StoreSettings, encoder: str) -> str:
    """``<collection>__full_<encoder's canonical name>``, in the characters Chroma allows."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", canonical_encoder_name(encoder)).strip("-._")
    return f"{settings.collection}__full_{slug}"


def full_encoder(settings: IndexSettings) -> str | None:
    """The better encoder, or None when the second speed is off (no setting, or the same encoder, or an
    English-only one beside a multilingual index: it would rank a Spanish question's passages by chance)."""
    name = getattr(settings, "full_embedding_model", None)
    if not name or canonical_encoder_name(name) == canonical_encoder_name(settings.embedding_model):
        return None
    if is_multilingual(settings.embedding_model) and not is_multilingual(name):
        return None
    return str(name)


def sentence_encoder(settings: IndexSettings) -> str | None:
    """The encoder the fill embeds the answerer's sentences with: the full encoder, when the answerer
    scores with that same one (the default: minilm-int8 for both); None otherwise."""
    full = full_encoder(settings)
    if full is None:
        return None
    answering = answer_encoder(settings.embedding_model, getattr(settings, "answer_embedding_model", None))
    return full if canonical_encoder_name(answering) == canonical_encoder_name(full) else None


class FullVectors:
    """The second collection of one store: its search, its fill, its count and its deletes."""

    def __init__(
        self,
        client: chromadb.ClientAPI,
        settings: IndexSettings,
        main: chromadb.Collection,
        sentences: SentenceVectors | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.main = main
        self.encoder = full_encoder(settings)
        self.name = full_collection_name(settings, self.encoder) if self.encoder else None
        self.sentences = sentences if self.encoder else None  # the answerer's, filled beside (or None)
        self._empty_until = 0.0  # monotonic time before which the collection is taken to be empty
        self._filled: chromadb.Collection | None = None  # the collection, once seen holding vectors
        self._share: tuple[float, float] = (0.0, 0.0)  # (monotonic time it was counted, share filled)

    @property
    def enabled(self) -> bool:
        return self.name is not None

    def collection(self, *, create: bool = False) -> chromadb.Collection | None:
        """The second collection; None when off, or when no fill has made it yet (and ``create`` is false)."""
        if self.name is None:
            return None
        if not create:
            try:
                return self.client.get_collection(self.name)
            except NotFoundError:
                return None
        return self.client.get_or_create_collection(
            self.name,
            embedding_function=None,  # vectors are always given: Chroma's own model is never loaded
            metadata={_FULL_MODEL_KEY: canonical_encoder_name(str(self.encoder)), "dimension": self.dimension},
            configuration={  # as the main collection's (index.store.store.ArticleStore.open)
                "hnsw": {
                    "space": "cosine",
                    "max_neighbors": self.settings.hnsw_max_neighbors,
                    "ef_construction": self.settings.hnsw_ef_construction,
                    "ef_search": self.settings.hnsw_ef_search,
                }
            },
        )

    @functools.cached_property
    def embeddings(self) -> Embeddings:
        """The better encoder, loaded on first use (the answerer's copy when it is the same model)."""
        assert self.encoder is not None
        return load_embeddings(self.encoder, self.settings.embedding_batch_size)

    @property
    def dimension(self) -> int:
        return embedding_dimension(self.embeddings)  # type: ignore[arg-type]

    def count(self) -> int:
        """Chunks that have full vectors (0 when off or never filled)."""
        collection = self.collection()
        return collection.count() if collection is not None else 0

    def filled_share(self) -> float:
        """The share of the main collection's chunks that have full vectors (0 to 1), counted at most every
        :data:`_RECHECK_EMPTY_SECONDS`: retrieval reads a full-vector rank against it (assistant.retrieval)."""
        counted, share = self._share
        if self._searchable() is None:
            return 0.0
        if time.monotonic() - counted >= _RECHECK_EMPTY_SECONDS or not counted:
            chunks = self.main.count()
            share = min(1.0, self.count() / chunks) if chunks else 0.0
            self._share = (time.monotonic(), share)
        return share

    def all_ids(self) -> set[str]:
        """Every chunk id with a full vector."""
        collection = self.collection()
        return _ids_of(collection, self.client.get_max_batch_size()) if collection is not None else set()

    def fill_state(self, chunk_ids: set[str]) -> tuple[set[str], set[str]]:
        """(filled, stale): the chunks the fill is done with (a full vector, and the answerer's sentence
        vectors when kept), and those with either that are not among ``chunk_ids`` (the index's)."""
        full = self.all_ids()
        if self.sentences is None:
            return full, full - chunk_ids
        sentences = self.sentences.all_ids()
        return full & sentences, (full | sentences) - chunk_ids

    def delete(self, ids: Sequence[str]) -> None:
        """Remove these chunks' full vectors (those it has); called wherever main chunks are removed."""
        collection = self.collection() if ids else None
        if collection is not None:
            collection.delete(ids=list(ids))
        if self.sentences is not None and ids:
            self.sentences.delete(ids)

    def search(self, question: str, k: int, chunk_filter: ChunkFilter | None = None) -> list[str]:
        """The ids of the ``k`` chunks whose full vectors are closest to ``question``, best first.

        Nothing (and no question embedded) while no chunk has a full vector, so retrieval before any
        fill is exactly the one-speed retrieval.
        """
        collection = self._searchable()
        if collection is None:
            return []
        vector = self.query_vector(question)

        def nearest(n: int, where: dict[str, Any] | None) -> list[tuple[Document, float]]:
            found = collection.query(
                query_embeddings=[vector.tolist()], n_results=n, where=where, include=["metadatas", "distances"]
            )
            metadatas = (found["metadatas"] or [[]])[0]
            distances = (found["distances"] or [[]])[0]
            return [
                (Document(id=chunk_id, page_content="", metadata=dict(metadata or {})), 1.0 - float(distance))
                for chunk_id, metadata, distance in zip(found["ids"][0], metadatas, distances, strict=True)
            ]

        try:
            return [str(document.id) for document, _ in filtered_nearest(nearest, k, chunk_filter)]
        except NotFoundError:  # dropped meanwhile (a rebuild elsewhere): look for it afresh next time
            self._filled = None
            return []

    def having(self, ids: Sequence[str]) -> set[str]:
        """Which of these chunks have a full vector (none before a fill has begun)."""
        collection = self._searchable()
        if collection is None or not ids:
            return set()
        try:
            return set(collection.get(ids=list(ids), include=[])["ids"])
        except NotFoundError:
            self._filled = None
            return set()

    def written(self, ids: Sequence[str]) -> set[str]:
        """Which of these chunks the fill is done with now, read afresh (another filler may have just
        written some: :mod:`index.store.fill_claims`), where :meth:`having` may remember an empty collection."""
        collection = self.collection()
        if collection is None or not ids:
            return set()
        done = set(collection.get(ids=list(ids), include=[])["ids"])
        return done & self.sentences.having(done) if self.sentences is not None else done

    def _searchable(self) -> chromadb.Collection | None:
        """The collection once it holds vectors, remembered (no lookup or count per question after that)."""
        if self._filled is not None or self.name is None or time.monotonic() < self._empty_until:
            return self._filled
        collection = self.collection()
        if collection is None or collection.count() == 0:
            self._empty_until = time.monotonic() + _RECHECK_EMPTY_SECONDS
            return None
        self._filled = collection
        return collection

    @functools.cached_property
    def query_vector(self) -> Callable[[str], np.ndarray]:
        """The question in the better encoder's space, remembered like the fast one's (the encoder loaded here)."""
        return remembered_queries(self.embeddings)

    def fill(self, ids: Sequence[str]) -> int:
        """Embed these chunks (those the main collection still has) and upsert them; the chunks written.

        A chunk removed from the main collection while it was being embedded is taken out again
        afterwards: its delete may have looked here before this upsert (see the module docstring).
        """
        got = self.main.get(ids=list(ids), include=["documents", "metadatas"])
        if not got["ids"]:
            return 0
        collection = self.collection(create=True)
        assert collection is not None
        have = set(collection.get(ids=got["ids"], include=[])["ids"])  # a chunk whose sentences alone are missing
        rows = [
            (chunk_id, text or "", dict(metadata) if metadata else None)
            for chunk_id, text, metadata in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
        ]
        lacking = [row for row in rows if row[0] not in have]
        if lacking:
            inputs = [embedding_text(text, metadata) for _, text, metadata in lacking]
            collection.upsert(
                ids=[chunk_id for chunk_id, _, _ in lacking],
                embeddings=self.embeddings.embed_documents(inputs),  # type: ignore[arg-type]
                metadatas=[metadata for _, _, metadata in lacking],  # type: ignore[misc]
            )
        if self.sentences is not None:
            done = self.sentences.having(got["ids"])
            self.sentences.write(
                {chunk_id: text for chunk_id, text, _ in rows if chunk_id not in done}, self.embeddings
            )
        still = set(self.main.get(ids=got["ids"], include=[])["ids"])
        gone = [chunk_id for chunk_id in got["ids"] if chunk_id not in still]
        if gone:
            self.delete(gone)
        self._empty_until = 0.0
        return len(got["ids"]) - len(gone)


def _ids_of(collection: chromadb.Collection, page: int) -> set[str]:
    ids: set[str] = set()
    for offset in range(0, collection.count(), page):
        ids.update(collection.get(include=[], limit=page, offset=offset)["ids"])
    return ids

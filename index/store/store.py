"""The store: article chunks in Chroma, LangChain's record manager for them, and a keyword index.

Everything above :mod:`index.store` sees this small API (search by vector with a filter, chunks
by id, whether an article is indexed, the catalogue of articles) and never Chroma itself.

>>> store = ArticleStore.open(IndexSettings(db_path=Path("/tmp/news")))  # doctest: +SKIP
>>> store.search("what does Turkey demand in Libya", k=3)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import chromadb
import numpy as np
from langchain_classic.indexes import SQLRecordManager
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from index.encoders.loading import embedding_dimension, load_embeddings, remembered_queries
from index.encoders.registry import canonical_encoder_name
from index.folding import FOLDING
from index.settings import IndexSettings
from index.store.catalogue import ArticleCatalogue
from index.store.chroma import (
    ARTICLES_NAMESPACE_SUFFIX,
    DIMENSION_KEY,
    EMBEDDING_INPUT,
    FOLDING_KEY,
    INPUT_KEY,
    MODEL_KEY,
    ArticleChroma,
    apply_ef_search,
    check_model,
    ef_search,
    make_client,
    note_unfolded_vectors,
    readable,
    record_manager_for,
    vector_folding,
    with_built_encoder,
)
from index.store.filters import ChunkFilter, filtered_nearest
from index.store.full_vectors import FullVectors, sentence_encoder
from index.store.keyword.backends import KeywordSearch, open_keyword_index
from index.store.sentence_vectors import SentenceVectors
from index.store.writes import StoreWrites
from index.stories.copies import StoryRegistry
from index.stories.groups import StoryGroups

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StoredChunk:
    """A chunk as the store holds it: the passage (with its metadata) and its vector."""

    document: Document
    vector: np.ndarray


class ArticleStore(ArticleCatalogue, StoreWrites):
    """A Chroma collection of article chunks plus LangChain's record manager for it; what a build
    writes goes through :class:`~index.store.writes.StoreWrites`."""

    def __init__(
        self,
        settings: IndexSettings,
        client: chromadb.ClientAPI,
        vector_store: ArticleChroma,
        record_manager: SQLRecordManager,
        embeddings: Embeddings,
    ) -> None:
        self.settings = settings
        self.client = client
        self.vector_store = vector_store
        self.record_manager = record_manager
        self.article_records = record_manager_for(settings, ARTICLES_NAMESPACE_SUFFIX)
        self.embeddings = embeddings
        self.stories = StoryRegistry(record_manager.engine, record_manager.namespace)  # type: ignore[arg-type]
        self.story_groups = StoryGroups(record_manager.engine, record_manager.namespace)  # type: ignore[arg-type]
        self._keyword_synced_at = time.monotonic()
        self._keyword_sync_lock = threading.Lock()

    @classmethod
    def open(cls, settings: IndexSettings, embeddings: Embeddings | None = None) -> ArticleStore:
        """Open (or create) the collection; refuse one built with another embedding model."""
        client = make_client(settings)
        settings = readable(lambda: with_built_encoder(client, settings), settings)
        readable(lambda: check_model(client, settings, dimension=None), settings)  # before loading any model
        record_manager = record_manager_for(settings)
        keyword_index = open_keyword_index(settings, record_manager.namespace)  # a database down: before the model
        embeddings = embeddings or load_embeddings(settings.embedding_model, settings.embedding_batch_size)
        dimension = embedding_dimension(embeddings)  # type: ignore[arg-type]
        check_model(client, settings, dimension)
        vector_store = ArticleChroma(
            collection_name=settings.collection,
            embedding_function=embeddings,
            client=client,
            collection_metadata={
                MODEL_KEY: canonical_encoder_name(settings.embedding_model),  # a vector space, however spelt,
                DIMENSION_KEY: dimension,
                INPUT_KEY: EMBEDDING_INPUT,
                **({FOLDING_KEY: folding} if (folding := vector_folding(embeddings)) else {}),
            },
            # Explicit, not Chroma's defaults by accident: these decide recall and insert speed at scale.
            collection_configuration={
                "hnsw": {
                    "space": "cosine",
                    "max_neighbors": settings.hnsw_max_neighbors,
                    "ef_construction": settings.hnsw_ef_construction,
                    "ef_search": ef_search(settings),
                }
            },
        )
        apply_ef_search(vector_store._collection, settings)
        note_unfolded_vectors(vector_store._collection, embeddings, settings)
        vector_store.keyword_index = keyword_index
        sentences = sentence_encoder(settings)
        vector_store.full_vectors = FullVectors(
            client,
            settings,
            vector_store._collection,
            SentenceVectors(record_manager.engine, record_manager.namespace, canonical_encoder_name(sentences))  # type: ignore[arg-type]
            if sentences
            else None,
        )
        store = cls(settings, client, vector_store, record_manager, embeddings)
        try:
            store.fold_keyword_index_at_open()
            store.reconcile_keyword_index(at_open=True)
        except ValueError as error:  # tantivy's writer lock: another process is writing right now
            logger.warning("keyword index not reconciled (%s); it will be on the next open", error)
        return store

    @property
    def keyword_index(self) -> KeywordSearch:
        assert self.vector_store.keyword_index is not None
        return self.vector_store.keyword_index

    def keep_keyword_index_current(self) -> None:
        """On a Chroma server, others may index too: catch up with them every ``keyword_sync_seconds``.

        The keyword index is local to each machine; its count is compared with the server's, and
        only a difference costs more (the ids are compared and the difference fetched).
        """
        if not self.settings.chroma_host or self.keyword_index.shared:
            return  # this process owns the store, or every machine reads the one shared keyword index
        with self._keyword_sync_lock:
            if time.monotonic() - self._keyword_synced_at < self.settings.keyword_sync_seconds:
                return
            self._keyword_synced_at = time.monotonic()
            try:
                self.reconcile_keyword_index()
            except ValueError as error:  # tantivy's writer lock: a build on this machine is writing it
                logger.info("keyword index not reconciled now (%s)", error)

    def fold_keyword_index_at_open(self) -> None:
        """A keyword index written before names were folded (:mod:`index.folding`): a local one is
        re-indexed from Chroma now, a shared one is named once with the command that re-indexes it.

        Why automatic for the local one: it reads only Chroma's texts, embeds nothing, and every process
        opening this folder would otherwise search it half-folded (measured in docs/lab-notes.md,
        "Names however they are typed"). A shared one may hold millions of chunks read by many
        replicas starting at once; it keeps working meanwhile (searched with the question as typed too).
        """
        if self.keyword_index.folding() == FOLDING:
            return
        if self.keyword_index.shared:
            logger.warning(
                "The shared keyword index of %r was written before names were folded: questions typing a name "
                "without its accents (Kalin for Kalın) miss it there until it is re-indexed, once, with "
                "python -m index refold (it reads the texts from Chroma; nothing is embedded again).",
                self.settings.collection,
            )
            return
        started = time.monotonic()
        logger.warning(
            "The keyword index at %s was written before names were folded: re-indexing it once "
            "from Chroma (nothing is embedded again)",
            self.settings.db_path,
        )
        chunks = self.refold_keyword_index()
        logger.warning("keyword index re-indexed: %d chunks in %.1f s", chunks, time.monotonic() - started)

    def refold_keyword_index(self) -> int:
        """Write every chunk of Chroma into the keyword index again, folded as today; the chunks written.

        A local index is emptied first: chunks replaced one by one would leave their old copies in
        BM25's word counts until tantivy merges them (measured: a dev question's article fell out of
        the top 10). A shared one is rewritten in place, so that every replica keeps finding its rows.
        """
        if not self.keyword_index.shared:
            self.keyword_index.clear()
        written = 0
        page = self.max_batch_size * 8
        for offset in range(0, self.count(), page):
            got = self.collection.get(include=["documents", "metadatas"], limit=page, offset=offset)
            metadatas = [dict(metadata) if metadata else None for metadata in got["metadatas"] or []]
            self.keyword_index.add(got["ids"], got["documents"] or [], metadatas, replace=True)
            written += len(got["ids"])
        self.keyword_index.mark_folded()
        return written

    def reconcile_keyword_index(self, at_open: bool = False) -> None:
        """Make the keyword index hold exactly Chroma's chunks.

        Both are written in the same calls, so they only drift after a crash between the two
        writes, or for an index built before the keyword index existed: then the difference is
        added or removed (a count check keeps this free when nothing drifted).

        A shared keyword index is not compared at open: its count differs from Chroma's whenever
        an indexer is between its two writes, and comparing every id at a million chunks is what
        it exists to avoid (a resumed build redoes an interrupted keyword write by itself). It is
        filled from Chroma once, when it is empty and Chroma is not (a store switched to it).
        """
        if at_open and self.keyword_index.shared and not self.keyword_index.is_empty():
            return
        if self.keyword_index.count() == self.count():
            return
        chroma_ids = self.chunk_ids()
        keyword_ids = self.keyword_index.all_ids()
        self.keyword_index.delete(keyword_ids - chroma_ids)
        missing = sorted(chroma_ids - keyword_ids)
        logger.info("keyword index: adding %d chunks, removing %d", len(missing), len(keyword_ids - chroma_ids))
        for start in range(0, len(missing), self.max_batch_size * 8):
            batch = missing[start : start + self.max_batch_size * 8]
            got = self.collection.get(ids=batch, include=["documents", "metadatas"])
            metadatas = [dict(metadata) if metadata else None for metadata in got["metadatas"] or []]
            self.keyword_index.add(got["ids"], got["documents"] or [], metadatas)

    def chunk_ids(self) -> set[str]:
        """Every chunk id of the main collection."""
        ids: set[str] = set()
        page = self.client.get_max_batch_size()
        for offset in range(0, self.count(), page):
            ids.update(self.collection.get(include=[], limit=page, offset=offset)["ids"])
        return ids

    @property
    def collection(self) -> chromadb.Collection:
        return self.vector_store._collection

    @property
    def full_vectors(self) -> FullVectors:
        """The second speed's vectors of the same chunks (:mod:`index.store.full_vectors`)."""
        assert self.vector_store.full_vectors is not None
        return self.vector_store.full_vectors

    @property
    def max_batch_size(self) -> int:
        """Chunks per write: our setting, never above what Chroma accepts in one call."""
        return max(1, min(self.settings.index_batch_size, self.client.get_max_batch_size()))

    def count(self) -> int:
        """Number of chunks in the collection."""
        return self.collection.count()

    def search(self, query: str, k: int, chunk_filter: ChunkFilter | None = None) -> list[tuple[Document, float]]:
        """The ``k`` chunks closest to ``query``, each with its cosine similarity (higher is closer)."""
        return self.search_by_vector(self.query_vector(query), k, chunk_filter)

    def search_by_vector(
        self, vector: np.ndarray, k: int, chunk_filter: ChunkFilter | None = None
    ) -> list[tuple[Document, float]]:
        """The ``k`` chunks closest to ``vector`` among those ``chunk_filter`` lets through."""
        return filtered_nearest(lambda n, where: self._nearest(vector, n, where), k, chunk_filter)

    def _nearest(self, vector: np.ndarray, k: int, where: dict[str, Any] | None) -> list[tuple[Document, float]]:
        # No count() first: Chroma returns what it has when asked for more (and nothing from an empty
        # collection), and counting cost 4-15 ms a question, a tenth of an answer.
        # Cosine distance → similarity ourselves: LangChain's relevance helper warns on negatives.
        hits = self.vector_store.similarity_search_by_vector_with_relevance_scores(vector.tolist(), k=k, filter=where)
        return [(document, 1.0 - distance) for document, distance in hits]

    def chunks(self, ids: Sequence[str]) -> list[StoredChunk]:
        """The chunks with these ids that Chroma holds (in no particular order), with their vectors."""
        if not ids:
            return []
        got = self.collection.get(ids=list(ids), include=["documents", "metadatas", "embeddings"])
        vectors = [] if got["embeddings"] is None else list(got["embeddings"])
        return [
            StoredChunk(Document(id=chunk_id, page_content=text, metadata=dict(metadata or {})), np.asarray(vector))
            for chunk_id, text, metadata, vector in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], vectors, strict=True
            )
        ]

    def has_article(self, article_id: str) -> bool:
        """Whether any chunk of the article is indexed."""
        return bool(self.collection.get(where={"article_id": article_id}, limit=1, include=[])["ids"])

    @functools.cached_property
    def query_vector(self) -> Callable[[str], np.ndarray]:
        """The question's embedding, remembered: retrieval and answering both need it."""
        return remembered_queries(self.embeddings)

    def delete_keys(self, keys: Sequence[str]) -> None:
        """Remove chunks from Chroma first, then from the record manager (as LangChain does)."""
        for start in range(0, len(keys), self.max_batch_size):
            batch = list(keys[start : start + self.max_batch_size])
            self.vector_store.delete(ids=batch)
            self.record_manager.delete_keys(batch)

    def article_ids_of(self, keys: Sequence[str]) -> set[str]:
        """Which articles the given chunk ids belong to."""
        found: set[str] = set()
        for start in range(0, len(keys), self.max_batch_size):
            batch = list(keys[start : start + self.max_batch_size])
            metadatas = self.collection.get(ids=batch, include=["metadatas"])["metadatas"] or []
            found.update(str(m["article_id"]) for m in metadatas if m and "article_id" in m)
        return found

    def remove_articles(self, article_ids: Sequence[str]) -> int:
        """Delete the articles' chunks (Chroma, keyword index, records) and fingerprints; returns chunks removed."""
        keys = self.record_manager.list_keys(group_ids=list(article_ids))
        self.delete_keys(keys)
        fingerprints = self.article_records.list_keys(group_ids=list(article_ids))
        if fingerprints:
            self.article_records.delete_keys(fingerprints)
        self.stories.forget(list(article_ids))  # its copies go too: a copy's next build indexes it
        self.story_groups.forget(list(article_ids))
        return len(keys)

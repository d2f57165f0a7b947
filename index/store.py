"""The one place that knows Chroma: the collection, its record manager and the model check.

Embedded (``PersistentClient`` at ``db_path``) or a Chroma server (``chroma_host``) is a
setting alone; everything above this module sees a LangChain ``VectorStore`` and
:class:`ArticleStore`'s small API.

>>> store = ArticleStore.open(Settings(db_path=Path("/tmp/news")))  # doctest: +SKIP
>>> store.search("what does Turkey demand in Libya", k=3)  # doctest: +SKIP
"""

from __future__ import annotations

import fcntl
import functools
import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import chromadb
import numpy as np
from chromadb.api.client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError
from langchain_chroma import Chroma
from langchain_classic.indexes import SQLRecordManager
from langchain_classic.indexes._sql_record_manager import UpsertionRecord  # its table, for counts per article
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from index.embeddings import embedding_dimension, load_embeddings
from index.keyword import KeywordIndex
from index.settings import Settings

logger = logging.getLogger(__name__)

MODEL_KEY = "embedding_model"
DIMENSION_KEY = "embedding_dimension"
INPUT_KEY = "embedding_input"
EMBEDDING_INPUT = "title+passage"  # what embedding_text() builds; a change means re-embedding
ARTICLES_NAMESPACE_SUFFIX = "/articles"
_T = TypeVar("_T")


@dataclass(slots=True)
class IndexedArticle:
    """One article as the index holds it: what the Articles tab lists."""

    id: str
    title: str
    date: str
    source: str
    url: str
    chunks: int


class StoreError(RuntimeError):
    """A problem with the index that the user can fix; the message says how (shown without a traceback)."""


class StoreBusyError(StoreError):
    """An embedded index is already owned by another process (the chat, or another build)."""


class StoreUnreadableError(StoreError):
    """The index folder is damaged (or not an index), or the Chroma server cannot be reached."""


_CLAIMED: dict[Path, int] = {}  # embedded stores this process owns: path -> open lock file descriptor


def claim_store(settings: Settings) -> None:
    """Own the embedded index at ``settings.db_path`` for the life of this process, or refuse.

    An embedded Chroma (a SQLite file and HNSW segments in a folder) is safe with one process at a
    time, so the chat and ``index build`` claim it first; a second claimant gets a clear error that
    says how to share instead: a Chroma server. A server needs no claim (it serialises writes), and
    a process may claim the same folder more than once. The lock goes with the process, even killed.
    """
    if settings.chroma_host:
        return
    folder = settings.db_path.resolve()
    if folder in _CLAIMED:
        return
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder / "owner.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        owner = os.read(descriptor, 64).decode(errors="replace").strip() or "unknown"
        os.close(descriptor)
        raise StoreBusyError(
            f"The index at {folder} is in use by another process (pid {owner}: the chat, or another build). "
            "An embedded index belongs to one process at a time: stop that process, or share the index through "
            "a Chroma server (chroma run --path DIR, then set ASSISTANT_CHROMA_HOST and ASSISTANT_CHROMA_PORT)."
        ) from None
    os.ftruncate(descriptor, 0)
    os.write(descriptor, str(os.getpid()).encode())
    _CLAIMED[folder] = descriptor


class EmbeddingModelMismatchError(StoreError):
    """The collection was built with another model: its vectors are not comparable to ours."""


def embedding_text(passage: str, metadata: dict[str, Any] | None) -> str:
    """What gets embedded for a chunk: the article title, then the passage.

    A passage deep in an article often never names its subject ("He said the talks failed");
    the title puts it back, so the vector knows what the passage is about. The stored document
    (what a citation shows) stays the passage alone.
    """
    title = str((metadata or {}).get("title") or "").strip()
    return passage if not title or passage.startswith(title) else f"{title}\n\n{passage}"


class ArticleChroma(Chroma):
    """``Chroma`` that embeds title + passage and never re-adds an id it already holds.

    Ids here are content hashes, so an existing id means an identical chunk. Re-upserting
    existing ids (which happens when a build was interrupted between the Chroma write and the
    record-manager write) was seen to make filtered searches return nothing, so they are skipped,
    and not embedded again.

    Every write also goes to the keyword index, so BM25 never matches a chunk Chroma no longer has.
    """

    keyword_index: KeywordIndex | None = None

    def add_texts(
        self,
        texts: Iterable[str],
        metadatas: list[dict] | None = None,
        ids: list[str] | None = None,
        **kwargs: Any,
    ) -> list[str]:
        texts = list(texts)
        ids = list(ids) if ids else [str(uuid.uuid4()) for _ in texts]
        present = set(self._collection.get(ids=ids, include=[])["ids"])
        if present:
            logger.info("skipping %d chunks already in Chroma (resumed build)", len(present))
        keep = [i for i, id_ in enumerate(ids) if id_ not in present]
        if not keep:
            return ids
        kept_metadatas = [metadatas[i] for i in keep] if metadatas else None
        kept_texts = [texts[i] for i in keep]
        inputs = [embedding_text(t, m) for t, m in zip(kept_texts, kept_metadatas or [None] * len(keep), strict=True)]
        kept_ids = [ids[i] for i in keep]
        self._collection.upsert(
            ids=kept_ids,
            embeddings=self.embeddings.embed_documents(inputs),  # type: ignore[union-attr, arg-type]
            documents=kept_texts,
            metadatas=kept_metadatas,  # type: ignore[arg-type]
        )
        if self.keyword_index is not None:
            self.keyword_index.add(kept_ids, kept_texts, kept_metadatas or [None] * len(kept_ids))
        return ids

    def delete(self, ids: list[str] | None = None, **kwargs: Any) -> None:
        super().delete(ids, **kwargs)
        if self.keyword_index is not None and ids:
            self.keyword_index.delete(ids)


class ArticleStore:
    """A Chroma collection of article chunks plus LangChain's record manager for it."""

    def __init__(
        self,
        settings: Settings,
        client: chromadb.ClientAPI,
        vector_store: Chroma,
        record_manager: SQLRecordManager,
        embeddings: Embeddings,
    ) -> None:
        self.settings = settings
        self.client = client
        self.vector_store = vector_store
        self.record_manager = record_manager
        self.article_records = _record_manager(settings, ARTICLES_NAMESPACE_SUFFIX)
        self.embeddings = embeddings
        self._keyword_synced_at = time.monotonic()
        self._keyword_sync_lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings, embeddings: Embeddings | None = None) -> ArticleStore:
        """Open (or create) the collection; refuse one built with another embedding model."""
        client = _make_client(settings)
        _readable(lambda: _check_model(client, settings, dimension=None), settings)  # before loading any model
        embeddings = embeddings or load_embeddings(settings.embedding_model, settings.embedding_batch_size)
        dimension = embedding_dimension(embeddings)  # type: ignore[arg-type]
        _check_model(client, settings, dimension)
        vector_store = ArticleChroma(
            collection_name=settings.collection,
            embedding_function=embeddings,
            client=client,
            collection_metadata={
                MODEL_KEY: settings.embedding_model,
                DIMENSION_KEY: dimension,
                INPUT_KEY: EMBEDDING_INPUT,
            },
            # Explicit, not Chroma's defaults by accident: these decide recall and insert speed at scale.
            collection_configuration={
                "hnsw": {
                    "space": "cosine",
                    "max_neighbors": settings.hnsw_max_neighbors,
                    "ef_construction": settings.hnsw_ef_construction,
                    "ef_search": _ef_search(settings),
                }
            },
        )
        _apply_ef_search(vector_store._collection, settings)
        vector_store.keyword_index = KeywordIndex(settings.db_path / "keyword")
        store = cls(settings, client, vector_store, _record_manager(settings), embeddings)
        try:
            store.reconcile_keyword_index()
        except ValueError as error:  # tantivy's writer lock: another process is writing right now
            logger.warning("keyword index not reconciled (%s); it will be on the next open", error)
        return store

    @property
    def keyword_index(self) -> KeywordIndex:
        assert self.vector_store.keyword_index is not None
        return self.vector_store.keyword_index

    def keep_keyword_index_current(self) -> None:
        """On a Chroma server, others may index too: catch up with them every ``keyword_sync_seconds``.

        The keyword index is local to each machine; its count is compared with the server's, and
        only a difference costs more (the ids are compared and the difference fetched).
        """
        if not self.settings.chroma_host:
            return  # embedded: this process owns the store, every write went through it
        with self._keyword_sync_lock:
            if time.monotonic() - self._keyword_synced_at < self.settings.keyword_sync_seconds:
                return
            self._keyword_synced_at = time.monotonic()
            try:
                self.reconcile_keyword_index()
            except ValueError as error:  # tantivy's writer lock: a build on this machine is writing it
                logger.info("keyword index not reconciled now (%s)", error)

    def reconcile_keyword_index(self) -> None:
        """Make the keyword index hold exactly Chroma's chunks.

        Both are written in the same calls, so they only drift after a crash between the two
        writes, or for an index built before the keyword index existed: then the difference is
        added or removed (a count check keeps this free when nothing drifted).
        """
        if self.keyword_index.count() == self.count():
            return
        chroma_ids = self._all_ids()
        keyword_ids = self.keyword_index.all_ids()
        self.keyword_index.delete(keyword_ids - chroma_ids)
        missing = sorted(chroma_ids - keyword_ids)
        logger.info("keyword index: adding %d chunks, removing %d", len(missing), len(keyword_ids - chroma_ids))
        for start in range(0, len(missing), self.max_batch_size * 8):
            batch = missing[start : start + self.max_batch_size * 8]
            got = self.collection.get(ids=batch, include=["documents", "metadatas"])
            self.keyword_index.add(got["ids"], got["documents"] or [], got["metadatas"] or [])

    def _all_ids(self) -> set[str]:
        ids: set[str] = set()
        page = self.client.get_max_batch_size()
        for offset in range(0, self.count(), page):
            ids.update(self.collection.get(include=[], limit=page, offset=offset)["ids"])
        return ids

    @property
    def collection(self) -> chromadb.Collection:
        return self.vector_store._collection

    @property
    def max_batch_size(self) -> int:
        """Chunks per write: our setting, never above what Chroma accepts in one call."""
        return max(1, min(self.settings.index_batch_size, self.client.get_max_batch_size()))

    def count(self) -> int:
        """Number of chunks in the collection."""
        return self.collection.count()

    def search(self, query: str, k: int, where: dict[str, Any] | None = None) -> list[tuple[Document, float]]:
        """The ``k`` chunks closest to ``query``, each with its cosine similarity (higher is closer)."""
        return self.search_by_vector(self.query_vector(query), k, where)

    def search_by_vector(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[Document, float]]:
        if self.count() == 0:
            return []
        # Cosine distance → similarity ourselves: LangChain's relevance helper warns on negatives.
        hits = self.vector_store.similarity_search_by_vector_with_relevance_scores(
            vector.tolist(), k=min(k, self.count()), filter=where
        )
        return [(document, 1.0 - distance) for document, distance in hits]

    def query_vector(self, text: str) -> np.ndarray:
        """The question's embedding, remembered: retrieval and answering both need it."""
        return self._query_vector(text)

    @functools.cached_property
    def _query_vector(self) -> Callable[[str], np.ndarray]:
        @functools.lru_cache(maxsize=2048)
        def embed(text: str) -> np.ndarray:
            vector = np.asarray(self.embeddings.embed_query(text), dtype=np.float32)
            vector.setflags(write=False)
            return vector

        return embed

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

    def articles(self) -> list[IndexedArticle]:
        """Every indexed article with its chunk count (newest first).

        Read from each article's first chunk plus the record manager's count of chunks per article:
        paging through every chunk's metadata instead took 140 s at 84,944 chunks (Chroma's offset
        paging rereads what it skips), this 2.8 s (both timed beside a benchmark on 2 cores).
        """
        counts = self._chunk_counts()
        found: dict[str, IndexedArticle] = {}
        page = self.client.get_max_batch_size()
        offset = 0
        while True:
            rows = self.collection.get(where={"chunk": 0}, include=["metadatas"], limit=page, offset=offset)
            metadatas = rows["metadatas"] or []
            for metadata in metadatas:
                if not metadata or "article_id" not in metadata:
                    continue
                article_id = str(metadata["article_id"])
                found[article_id] = IndexedArticle(
                    id=article_id,
                    title=str(metadata.get("title") or article_id),
                    date=str(metadata.get("date") or ""),
                    source=str(metadata.get("source") or ""),
                    url=str(metadata.get("url") or ""),
                    chunks=counts.get(article_id, 1),
                )
            if len(metadatas) < page:
                break
            offset += page
        return sorted(found.values(), key=lambda a: (a.date, a.title), reverse=True)

    def _chunk_counts(self) -> dict[str, int]:
        """Chunks per article, as LangChain's record manager holds them (one SQL query)."""
        manager = self.record_manager
        query = (
            select(UpsertionRecord.group_id, func.count())
            .where(UpsertionRecord.namespace == manager.namespace)
            .group_by(UpsertionRecord.group_id)
        )
        with Session(manager.engine) as session:
            return {str(group): int(count) for group, count in session.execute(query) if group is not None}

    def article_text(self, article_id: str) -> str | None:
        """The article's whole text, put back together from its chunks (None when it is not indexed).

        Chunks carry their character offsets, so overlapping sentences are taken once. The
        whitespace between two chunks that do not overlap is not stored: one space stands for a
        short gap, a paragraph break for a longer one.
        """
        found = self.collection.get(where={"article_id": article_id}, include=["documents", "metadatas"])
        pieces = sorted(
            (int(metadata.get("start", 0)), text)
            for text, metadata in zip(found["documents"] or [], found["metadatas"] or [], strict=True)
            if metadata is not None and text
        )
        if not pieces:
            return None
        whole, covered = "", 0
        for start, text in pieces:
            if start >= covered:
                whole += ("" if not whole else " " if start - covered <= 1 else "\n\n") + text
            elif start + len(text) > covered:
                whole += text[covered - start :]
            covered = max(covered, start + len(text))
        return whole

    def remove_articles(self, article_ids: Sequence[str]) -> int:
        """Delete the articles' chunks (Chroma, keyword index, records) and fingerprints; returns chunks removed."""
        keys = self.record_manager.list_keys(group_ids=list(article_ids))
        self.delete_keys(keys)
        fingerprints = self.article_records.list_keys(group_ids=list(article_ids))
        if fingerprints:
            self.article_records.delete_keys(fingerprints)
        return len(keys)

    def stats(self, articles: list[IndexedArticle] | None = None) -> dict[str, Any]:
        """What the index holds: articles, chunks, date range, model, size on disk and last change.

        ``articles`` (from :meth:`articles`) saves a second pass over the index when the caller has it.
        """
        articles = self.articles() if articles is None else articles
        dates = [a.date for a in articles if a.date]
        metadata = self.collection.metadata or {}
        files = [] if self.settings.chroma_host else [f for f in self.settings.db_path.rglob("*") if f.is_file()]
        return {
            "location": self.location,
            "collection": self.settings.collection,
            "articles": len(articles),
            "chunks": self.count(),
            "first_date": min(dates) if dates else None,
            "last_date": max(dates) if dates else None,
            "embedding_model": metadata.get(MODEL_KEY),
            "embedding_dimension": metadata.get(DIMENSION_KEY),
            "store_bytes": sum(f.stat().st_size for f in files) if files else None,
            "last_update": (
                datetime.fromtimestamp(max(f.stat().st_mtime for f in files), tz=UTC).isoformat(timespec="seconds")
                if files
                else None
            ),
        }

    @property
    def location(self) -> str:
        if self.settings.chroma_host:
            return f"http://{self.settings.chroma_host}:{self.settings.chroma_port}"
        return str(self.settings.db_path)


def _ef_search(settings: Settings) -> int:
    """At least the passages an ordinary query asks for (twice ``candidates`` with ``as_of``); the wider
    searches behind date and source filters ask for more, and HNSW then explores as many as asked."""
    return max(settings.hnsw_ef_search, 2 * settings.candidates)


def _apply_ef_search(collection: chromadb.Collection, settings: Settings) -> None:
    """``ef_search`` is the one HNSW setting Chroma can change after creation: follow the setting."""
    hnsw = (collection.configuration or {}).get("hnsw") or {}
    if hnsw.get("ef_search") not in (None, _ef_search(settings)):
        collection.modify(configuration={"hnsw": {"ef_search": _ef_search(settings)}})


def _make_client(settings: Settings) -> chromadb.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return _readable(
            lambda: chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings),
            settings,
        )
    settings.db_path.mkdir(parents=True, exist_ok=True)
    return _readable(lambda: chromadb.PersistentClient(path=str(settings.db_path), settings=chroma_settings), settings)


def _readable(open_: Callable[[], _T], settings: Settings) -> _T:
    """``open_()``, with Chroma's low-level failures to open turned into a message that says what to do."""
    try:
        return open_()
    except StoreError:
        raise
    except Exception as error:  # Chroma raises its own, SQLite's, and connection errors here
        if settings.chroma_host:
            raise StoreUnreadableError(
                f"The Chroma server at http://{settings.chroma_host}:{settings.chroma_port} cannot be used "
                f"({type(error).__name__}: {error}). Start it (chroma run --path DIR --port "
                f"{settings.chroma_port}) or correct ASSISTANT_CHROMA_HOST and ASSISTANT_CHROMA_PORT."
            ) from error
        raise StoreUnreadableError(
            f"The index at {settings.db_path} cannot be read ({type(error).__name__}: {error}): it is damaged "
            "or not an index. Rebuild it from your articles with python -m index build --rebuild [PATH ...] "
            "(this replaces the index in that folder; your article files are not touched), or point "
            "ASSISTANT_DB_PATH at another folder."
        ) from error


def _check_model(client: chromadb.ClientAPI, settings: Settings, dimension: int | None) -> None:
    """Raise a clear error when the existing collection was embedded with another model.

    With ``dimension=None`` only the model name is compared, which needs no model loaded.
    """
    try:
        collection = client.get_collection(settings.collection)
    except NotFoundError:
        return
    metadata = collection.metadata or {}
    built_model = metadata.get(MODEL_KEY)
    built_dimension = metadata.get(DIMENSION_KEY)
    if metadata.get(INPUT_KEY, EMBEDDING_INPUT) != EMBEDDING_INPUT:
        raise EmbeddingModelMismatchError(
            f"The index at {settings.db_path} embedded {metadata.get(INPUT_KEY)!r}, this version embeds "
            f"{EMBEDDING_INPUT!r}: rebuild it with python -m index build --rebuild [PATH ...]"
        )
    if built_model == settings.embedding_model and (dimension is None or built_dimension in (None, dimension)):
        return
    if built_model is None and collection.count() == 0:
        return
    raise EmbeddingModelMismatchError(
        f"The index at {settings.db_path} (collection {settings.collection!r}) was built with "
        f"embedding model {built_model!r} ({built_dimension} dimensions), but the settings ask for "
        f"{settings.embedding_model!r}{f' ({dimension} dimensions)' if dimension else ''}. "
        "Vectors of different models cannot be "
        "compared. Either set ASSISTANT_EMBEDDING_MODEL back to the model the index was built with, or "
        "rebuild the index with the new model: python -m index build --rebuild [PATH ...]"
    )


def reset_store(settings: Settings) -> None:
    """Delete the collection and its records without loading any model (for ``--rebuild``).

    An embedded index too damaged to open is removed file by file instead (only what Chroma, the
    keyword index and the record manager keep there), so that a rebuild can always start afresh.
    """
    try:
        client = _make_client(settings)
    except StoreUnreadableError:
        if settings.chroma_host:
            raise
        _remove_embedded_index(settings.db_path)
        return
    try:
        client.delete_collection(settings.collection)
    except NotFoundError:
        logger.info("no collection %r to delete", settings.collection)
    for suffix in ("", ARTICLES_NAMESPACE_SUFFIX):
        record_manager = _record_manager(settings, suffix)
        keys = record_manager.list_keys()
        if keys:
            record_manager.delete_keys(keys)


def _record_manager(settings: Settings, suffix: str = "") -> SQLRecordManager:
    """LangChain's record manager for the collection's chunks (``suffix=""``) or, in a namespace of
    its own that LangChain's cleanup never touches, for the articles' fingerprints."""
    record_manager = SQLRecordManager(
        namespace=f"chroma/{settings.collection}{suffix}", db_url=settings.record_manager_database
    )
    record_manager.create_schema()
    return record_manager


_CHROMA_FILES = ("chroma.sqlite3", "chroma.sqlite3-wal", "chroma.sqlite3-shm", "record_manager.sqlite")
_UUID_FOLDER = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _remove_embedded_index(folder: Path) -> None:
    """Delete what an embedded index keeps in ``folder`` (Chroma's SQLite file and segment folders, the
    keyword index, the record manager) and nothing else: the folder may hold the user's own files."""
    logger.warning("the index at %s cannot be opened; removing its files to rebuild it", folder)
    for name in _CHROMA_FILES:
        (folder / name).unlink(missing_ok=True)
    for child in folder.iterdir():
        if child.is_dir() and (_UUID_FOLDER.match(child.name) or child.name == "keyword"):
            shutil.rmtree(child)
    SharedSystemClient.clear_system_cache()  # else this process keeps the failed client for the path

"""Chroma itself: the client (embedded or a server), the collection, its model check and reset.

Embedded (``PersistentClient`` at ``db_path``) or a Chroma server (``chroma_host``) is a setting
alone. Nothing outside :mod:`index.store` imports chromadb.
"""

from __future__ import annotations

import logging
import re
import shutil
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import chromadb
from chromadb.api.client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError
from langchain_chroma import Chroma
from langchain_classic.indexes import SQLRecordManager

from index.encoders.registry import canonical_encoder_name, find_encoder
from index.folding import FOLDING
from index.settings import IndexSettings, StoreSettings
from index.store.errors import EmbeddingModelMismatchError, StoreError, StoreUnreadableError
from index.store.keyword.backends import KeywordSearch, open_keyword_index
from index.store.sentence_vectors import SentenceVectors
from index.store.sql import create_racing, sql_engine
from index.stories.copies import StoryRegistry
from index.stories.groups import StoryGroups

if TYPE_CHECKING:
    from index.store.full_vectors import FullVectors

logger = logging.getLogger(__name__)

MODEL_KEY = "embedding_model"  # the encoder's canonical name (index.encoders.registry): aliases share an index
DIMENSION_KEY = "embedding_dimension"
INPUT_KEY = "embedding_input"
EMBEDDING_INPUT = "title+passage"  # what embedding_text() builds; a change means re-embedding
# The folding (index.folding.FOLDING) the vectors' input went through; absent: embedded before folding.
FOLDING_KEY = "embedding_folding"
ARTICLES_NAMESPACE_SUFFIX = "/articles"
_T = TypeVar("_T")


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

    keyword_index: KeywordSearch | None = None
    full_vectors: FullVectors | None = None  # the second speed's collection, removed from in step

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
            if self.keyword_index is not None:  # a crash may have come between the two writes: redo this one
                in_chroma = [i for i, id_ in enumerate(ids) if id_ in present]
                self.keyword_index.add(
                    [ids[i] for i in in_chroma],
                    [texts[i] for i in in_chroma],
                    [metadatas[i] if metadatas else None for i in in_chroma],
                )
        keep = [i for i, id_ in enumerate(ids) if id_ not in present]
        if not keep:
            return ids
        kept_metadatas: list[dict[str, Any] | None] | None = [metadatas[i] for i in keep] if metadatas else None
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
        if self.full_vectors is not None and ids:  # after the main delete: FullVectors.fill relies on it
            self.full_vectors.delete(ids)


def ef_search(settings: StoreSettings) -> int:
    """HNSW candidates explored per query: the setting (hnswlib explores at least the ``k`` asked for).

    It once followed the retrieval's candidate count too; that tied the store to retrieval settings,
    and ``hnsw_ef_search``'s default already covers twice the default candidates.
    """
    return settings.hnsw_ef_search


def apply_ef_search(collection: chromadb.Collection, settings: StoreSettings) -> None:
    """``ef_search`` is the one HNSW setting Chroma can change after creation: follow the setting."""
    hnsw = (collection.configuration or {}).get("hnsw") or {}
    if hnsw.get("ef_search") not in (None, ef_search(settings)):
        collection.modify(configuration={"hnsw": {"ef_search": ef_search(settings)}})


def make_client(settings: StoreSettings) -> chromadb.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return readable(
            lambda: chromadb.HttpClient(
                host=settings.chroma_host or "localhost", port=settings.chroma_port, settings=chroma_settings
            ),
            settings,
        )
    settings.db_path.mkdir(parents=True, exist_ok=True)
    return readable(lambda: chromadb.PersistentClient(path=str(settings.db_path), settings=chroma_settings), settings)


def readable(open_: Callable[[], _T], settings: StoreSettings) -> _T:
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


def check_model(client: chromadb.ClientAPI, settings: IndexSettings, dimension: int | None) -> None:
    """Raise a clear error when the existing collection was embedded with another model.

    Names are compared as canonical encoder names, so ``minilm`` opens an index recorded as
    ``all-MiniLM-L6-v2`` (every index built before there were short names) and the other way round.
    With ``dimension=None`` only the names are compared, which needs no model loaded.
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
    wanted = canonical_encoder_name(settings.embedding_model)
    same_model = built_model is not None and canonical_encoder_name(str(built_model)) == wanted
    if same_model and (dimension is None or built_dimension in (None, dimension)):
        return
    if built_model is None and collection.count() == 0:
        return
    built_entry = find_encoder(str(built_model)) if built_model else None
    built_name = f"{built_entry.name}, " if built_entry and built_entry.name != built_model else ""
    raise EmbeddingModelMismatchError(
        f"The index at {settings.db_path} (collection {settings.collection!r}) was built with "
        f"embedding model {built_model!r} ({built_name}{built_dimension} dimensions), but the settings ask for "
        f"{settings.embedding_model!r}{f' (that is {wanted!r})' if wanted != settings.embedding_model else ''}"
        f"{f' ({dimension} dimensions)' if dimension else ''}. "
        "Vectors of different models cannot be "
        "compared. Either set ASSISTANT_EMBEDDING_MODEL back to the model the index was built with, or "
        "rebuild the index with the new model: python -m index build --rebuild [PATH ...]"
    )


def vector_folding(embeddings: Any) -> str | None:
    """What a collection embedded by ``embeddings`` records under :data:`FOLDING_KEY` (``None``: not folded)."""
    return FOLDING if getattr(embeddings, "fold_input", False) else None


def note_unfolded_vectors(collection: chromadb.Collection, embeddings: Any, settings: StoreSettings) -> None:
    """Say once, at open, that an index's vectors were made before the encoder folded its input.

    It keeps working: questions are folded, passages were not, which differs only where a text has
    marks, curly quotes or dashes (measured: docs/lab-notes.md, "Names however they are typed"), and
    keyword search, re-indexed folded, finds the names. An empty collection is simply marked.
    """
    wanted = vector_folding(embeddings)
    metadata = dict(collection.metadata or {})
    if wanted is None or metadata.get(FOLDING_KEY) == wanted:
        return
    if collection.count() == 0:
        collection.modify(metadata={**metadata, FOLDING_KEY: wanted})
        return
    logger.warning(
        "The index at %s was embedded before names were folded: a name typed without its accents (Kalin for "
        "Kalın) is found by keyword search, and by the vectors too once the index is rebuilt: "
        "python -m index build --rebuild [PATH ...]",
        settings.chroma_host or settings.db_path,
    )


def with_built_encoder(client: chromadb.ClientAPI, settings: IndexSettings) -> IndexSettings:
    """``settings`` with the encoder the existing index was built with, when the setting was left unset.

    The default encoder is for new indexes: an index built under an earlier default keeps being read
    with its own encoder instead of being refused, until someone chooses one (then a mismatch is
    refused with the rebuild command, as before).
    """
    if "embedding_model" in settings.model_fields_set:
        return settings
    try:
        built = (client.get_collection(settings.collection).metadata or {}).get(MODEL_KEY)
    except NotFoundError:
        return settings
    if not built or canonical_encoder_name(str(built)) == canonical_encoder_name(settings.embedding_model):
        return settings
    logger.info("the index at %s was built with %s: reading it with that encoder", settings.db_path, built)
    adopted = settings.model_copy(update={"embedding_model": str(built)})
    adopted.model_fields_set.discard("embedding_model")  # still "unset": a later open adopts again
    return adopted


def reset_store(settings: StoreSettings) -> None:
    """Delete the collection and its records without loading any model (for ``--rebuild``).

    An embedded index too damaged to open is removed file by file instead (only what Chroma, the
    keyword index and the record manager keep there), so that a rebuild can always start afresh.
    """
    try:
        client = make_client(settings)
    except StoreUnreadableError:
        if settings.chroma_host:
            raise
        _remove_embedded_index(settings.db_path)
        return
    full_prefix = f"{settings.collection}__full_"  # the second speed's collections (index.store.full_vectors)
    full = [c.name for c in client.list_collections() if c.name.startswith(full_prefix)]
    for name in [settings.collection, *full]:
        try:
            client.delete_collection(name)
        except NotFoundError:
            logger.info("no collection %r to delete", name)
    for suffix in ("", ARTICLES_NAMESPACE_SUFFIX):
        record_manager = record_manager_for(settings, suffix)
        keys = record_manager.list_keys()
        if keys:
            record_manager.delete_keys(keys)
        if not suffix:
            StoryRegistry(record_manager.engine, record_manager.namespace).clear()  # type: ignore[arg-type]
            StoryGroups(record_manager.engine, record_manager.namespace).clear()  # type: ignore[arg-type]
            SentenceVectors(record_manager.engine, record_manager.namespace, "").clear()  # type: ignore[arg-type]
            keyword_index = open_keyword_index(settings, record_manager.namespace)
            if keyword_index.shared:  # a local one follows Chroma by itself (reconciled at the next open)
                keyword_index.clear()


def record_manager_for(settings: StoreSettings, suffix: str = "") -> SQLRecordManager:
    """LangChain's record manager for the collection's chunks (``suffix=""``) or, in a namespace of
    its own that LangChain's cleanup never touches, for the articles' fingerprints."""
    if not settings.record_manager_url:  # its SQLite file beside the index (a server's replica has no folder yet)
        settings.db_path.mkdir(parents=True, exist_ok=True)
    record_manager = SQLRecordManager(
        namespace=f"chroma/{settings.collection}{suffix}", engine=sql_engine(settings.record_manager_database)
    )
    create_racing(record_manager.create_schema)  # two follow workers may open a new index at once
    return record_manager


_CHROMA_FILES = (
    "chroma.sqlite3",
    "chroma.sqlite3-wal",
    "chroma.sqlite3-shm",
    "record_manager.sqlite",
    "record_manager.sqlite-wal",
    "record_manager.sqlite-shm",
)
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

"""The catalogue of indexed articles: listing them, one whole article, the index's figures.

A mixin of :class:`~index.store.store.ArticleStore`, kept apart because it answers what a person
browsing the index asks (the Articles tab, a source's "whole article"), not what retrieval needs.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_classic.indexes._sql_record_manager import UpsertionRecord  # its table, for counts per article
from langchain_core.documents import Document
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from index.store.chroma import DIMENSION_KEY, MODEL_KEY

if TYPE_CHECKING:
    import chromadb
    from langchain_classic.indexes import SQLRecordManager

    from index.settings import IndexSettings
    from index.store.full_vectors import FullVectors


@dataclass(slots=True)
class IndexedArticle:
    """One article as the index holds it: what the Articles tab lists."""

    id: str
    title: str
    date: str
    source: str
    url: str
    chunks: int


class ArticleCatalogue:
    """Articles as a person sees them; needs the store's collection, client and record manager."""

    settings: IndexSettings
    client: chromadb.ClientAPI
    record_manager: SQLRecordManager

    @property
    def collection(self) -> chromadb.Collection:
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    @property
    def full_vectors(self) -> FullVectors:
        raise NotImplementedError

    def articles(self) -> list[IndexedArticle]:
        """Every indexed article with its chunk count (newest first).

        Read from each article's first chunk plus the record manager's count of chunks per article:
        paging through every chunk's metadata instead was far slower at scale, because Chroma's offset
        paging rereads what it skips (figures in docs/lab-notes.md).
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
        # LangChain's table leaves its columns untyped, hence Any.
        query: Select[Any] = (
            select(UpsertionRecord.group_id, func.count())  # type: ignore[assignment]
            .where(UpsertionRecord.namespace == manager.namespace)
            .group_by(UpsertionRecord.group_id)
        )
        with Session(manager.engine) as session:  # type: ignore[arg-type]  # a sync engine: SQLRecordManager's default
            return {str(group): int(count) for group, count in session.execute(query) if group is not None}

    def article_ids_under(self, path: str) -> list[str]:
        """The articles whose id is the file path ``path``, or a path under it or an item of it
        (``path/…``, ``path#…``): ids of files indexed when ids were absolute paths."""
        manager = self.record_manager
        group: Any = UpsertionRecord.group_id  # LangChain leaves the column untyped
        query: Select[Any] = (
            select(group)
            .where(UpsertionRecord.namespace == manager.namespace)
            .where(
                (group == path)
                | group.startswith(path + "/", autoescape=True)
                | group.startswith(path + "#", autoescape=True)
            )
            .distinct()
        )
        with Session(manager.engine) as session:  # type: ignore[arg-type]  # a sync engine: SQLRecordManager's default
            return sorted(str(found) for (found,) in session.execute(query))

    def article_text(self, article_id: str) -> str | None:
        """The article's whole text, put back together from its chunks (None when it is not indexed).

        Chunks carry their character offsets, so overlapping sentences are taken once. The
        whitespace between two chunks that do not overlap is not stored: one space stands for a
        short gap, a paragraph break for a longer one.
        """
        found = self.collection.get(where={"article_id": article_id}, include=["documents", "metadatas"])
        pieces = sorted(
            (int(metadata.get("start", 0) or 0), text)  # type: ignore[arg-type]
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

    def article_passages(self, article_ids: Sequence[str], first_chunks: int | None = None) -> list[Document]:
        """The articles' chunks (only the first ``first_chunks`` of each, when given) as passages with
        their metadata, each article's in reading order: what a story's briefing, timeline or
        comparison quotes from."""
        ids = list(dict.fromkeys(article_ids))
        passages: list[Document] = []
        for start in range(0, len(ids), 100):
            batch = ids[start : start + 100]
            where: Any = {"article_id": batch[0]} if len(batch) == 1 else {"article_id": {"$in": batch}}
            if first_chunks is not None:
                where = {"$and": [where, {"chunk": {"$lt": first_chunks}}]}
            found = self.collection.get(where=where, include=["documents", "metadatas"])
            for chunk_id, text, metadata in zip(
                found["ids"], found["documents"] or [], found["metadatas"] or [], strict=True
            ):
                passages.append(Document(id=chunk_id, page_content=text or "", metadata=dict(metadata or {})))
        order = {article_id: n for n, article_id in enumerate(ids)}
        return sorted(passages, key=lambda p: (order.get(str(p.metadata.get("article_id")), 0), _chunk_number(p)))

    def stats(self, articles: list[IndexedArticle] | None = None) -> dict[str, Any]:
        """What the index holds: articles, chunks, date range, model, size on disk and last change.

        ``articles`` (from :meth:`articles`) saves a second pass over the index when the caller has it.
        """
        articles = self.articles() if articles is None else articles
        dates = [a.date for a in articles if a.date]
        metadata = self.collection.metadata or {}
        size, changed = (None, None) if self.settings.chroma_host else folder_size_and_change(self.settings.db_path)
        return {
            "location": self.location,
            "collection": self.settings.collection,
            "articles": len(articles),
            "chunks": self.count(),
            "first_date": min(dates) if dates else None,
            "last_date": max(dates) if dates else None,
            "embedding_model": metadata.get(MODEL_KEY),
            "embedding_dimension": metadata.get(DIMENSION_KEY),
            "full_vectors": self.full_vectors.count(),  # chunks the second speed has filled
            "full_embedding_model": self.full_vectors.encoder,
            # chunks whose quotable sentences the fill has embedded for the answerer (None: not kept)
            "sentence_vectors": sentences.count() if (sentences := self.full_vectors.sentences) else None,
            "store_bytes": size,
            "last_update": (
                datetime.fromtimestamp(changed, tz=UTC).isoformat(timespec="seconds") if changed is not None else None
            ),
        }

    def change_marker(self) -> str:
        """Cheap, and different after every write to the index (by this process or any other): the chunk
        counts of both collections and the newest file change in the index's folder (a count alone
        misses an article updated in place). What a page compares every few seconds (issue 29)."""
        _, changed = (None, None) if self.settings.chroma_host else folder_size_and_change(self.settings.db_path)
        return f"{self.count()}:{self.full_vectors.count()}:{changed}"

    @property
    def location(self) -> str:
        if self.settings.chroma_host:
            return f"http://{self.settings.chroma_host}:{self.settings.chroma_port}"
        return str(self.settings.db_path)


def _chunk_number(passage: Document) -> int:
    value = passage.metadata.get("chunk", 0)
    return int(value) if isinstance(value, int) else 0


def folder_size_and_change(folder: Path) -> tuple[int | None, float | None]:
    """The bytes of every file under ``folder`` and the newest change among them (``None``s when empty).

    The newest change leaves out lock files: a process taking the index (the chat starting) writes
    its lock, but changes nothing in the index.

    The index's folder changes while it is read: a build or the follower writes beside the chat,
    and the keyword index renames temporary files as it commits. A file that is gone by the time
    it is looked at is simply not counted (it was there a moment ago, or never was); the figures
    are a snapshot, and reading them must never fail because a file came or went.
    """
    size, newest, found = 0, 0.0, False
    for root, _folders, names in os.walk(folder):  # os.walk ignores folders that vanish under it
        for name in names:
            try:
                info = os.stat(os.path.join(root, name), follow_symlinks=False)
            except FileNotFoundError:
                continue
            if stat.S_ISREG(info.st_mode):
                size, found = size + info.st_size, True
                newest = newest if name.endswith(".lock") else max(newest, info.st_mtime)
    return (size, newest or None) if found else (None, None)

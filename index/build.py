"""Build or update the index incrementally with LangChain's indexing API.

Why the batches are cut by us: ``langchain_core.indexing.index`` with ``cleanup="incremental"``
deletes, after each batch, the old chunks of the articles in that batch. If an article's chunks
straddled two batches, its still-valid tail would be deleted and re-embedded, so we hand
``index()`` batches of whole articles. Pruning is LangChain's "full" cleanup done once at the end
(every record not refreshed during this build), which lets several calls form one build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.indexing import index
from tqdm import tqdm

from index.articles import Article, LoadError
from index.chunking import article_documents
from index.loaders import iter_articles
from index.store import ArticleStore

logger = logging.getLogger(__name__)


@dataclass
class BuildReport:
    """What a build did, at the article level (what users count) and the chunk level (what costs)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks_embedded: int = 0
    chunks_deleted: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    errors: list[LoadError] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} removed articles; {self.chunks_embedded} chunks embedded, "
            f"{self.chunks_deleted} deleted, {self.chunks_total} in the index; "
            f"{len(self.errors)} errors; {self.seconds:.1f} s"
        )


def chunk_key(document: Document) -> str:
    """Content hash of a chunk (text and metadata): the id in Chroma and in the record manager."""
    payload = json.dumps({"text": document.page_content, "metadata": document.metadata}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def build_index(
    store: ArticleStore,
    paths: Iterable[Path | str],
    *,
    prune: bool = False,
    show_progress: bool = True,
    keep: Callable[[Article], bool] | None = None,
) -> BuildReport:
    """Bring the index in line with the articles under ``paths``.

    Unchanged articles cost a hash and a lookup, never an embedding; a changed article has its old
    chunks replaced; with ``prune``, articles no longer under ``paths`` are removed. Broken items
    land in ``report.errors`` and the rest is indexed. ``keep`` selects a subset of the articles
    (the evaluation's quick runs use it).
    """
    started = time.perf_counter()
    report = BuildReport()
    build_start = store.record_manager.get_time()
    articles = iter_articles(paths, report.errors)
    if keep is not None:
        articles = filter(keep, articles)
    with tqdm(articles, unit=" articles", desc="indexing", disable=not show_progress) as progress:
        for batch in _article_batches(store, progress, report):
            result = index(
                batch,
                store.record_manager,
                store.vector_store,
                batch_size=len(batch),
                cleanup="incremental",
                source_id_key="article_id",
                key_encoder=chunk_key,
            )
            report.chunks_embedded += result["num_added"]
            report.chunks_deleted += result["num_deleted"]
            progress.set_postfix(embedded=report.chunks_embedded)
    if prune:
        stale_keys = store.record_manager.list_keys(before=build_start)
        report.removed = len(store.article_ids_of(stale_keys))
        store.delete_keys(stale_keys)
        report.chunks_deleted += len(stale_keys)
    report.chunks_total = store.count()
    report.seconds = time.perf_counter() - started
    for error in report.errors:
        logger.warning("skipped %s", error)
    logger.info("index build: %s", report.summary())
    return report


def _article_batches(store: ArticleStore, articles: Iterator[Article], report: BuildReport) -> Iterator[list[Document]]:
    """Chunk articles and group them into batches of whole articles of about the write size."""
    settings = store.settings
    seen: set[str] = set()
    batch: list[Document] = []
    for article in articles:
        if article.id in seen:
            report.errors.append(LoadError(article.id, None, "duplicate article id; the first one is kept"))
            continue
        seen.add(article.id)
        documents = article_documents(article, settings.chunk_size, settings.chunk_overlap)
        _count_article(store, article.id, documents, report)
        batch.extend(documents)
        if len(batch) >= store.max_batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _count_article(store: ArticleStore, article_id: str, documents: list[Document], report: BuildReport) -> None:
    existing = set(store.record_manager.list_keys(group_ids=[article_id]))
    if not existing:
        report.added += 1
    elif existing == {chunk_key(d) for d in documents}:
        report.unchanged += 1
    else:
        report.updated += 1

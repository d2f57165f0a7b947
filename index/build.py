"""Build or update the index incrementally with LangChain's indexing API.

Why the batches are cut by us: ``langchain_core.indexing.index`` with ``cleanup="incremental"``
deletes, after each batch, the old chunks of the articles in that batch. If an article's chunks
straddled two batches, its still-valid tail would be deleted and re-embedded, so we hand
``index()`` batches of whole articles.

Why a fingerprint per article besides LangChain's record per chunk: ``index()`` hashes, looks up
and re-stamps every chunk of every article it is handed, so an unchanged article still costs the
record manager's SQL for each of its chunks. One fingerprint per article, checked 500 at a time
before any chunking, makes an unchanged archive far cheaper (figures in docs/lab-notes.md,
"index/build.py: fingerprints"). Pruning then removes
every chunk belonging to no article of this build.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import inspect
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from langchain_core.documents import Document
from tqdm import tqdm

from index.articles import Article, LoadError
from index.chunking import article_documents
from index.naming import named
from index.sources.files import iter_articles, server_path_ids_prefix
from index.store import ArticleStore
from index.store.writes import chunk_key
from index.stories.copies import text_digest as _digest

logger = logging.getLogger(__name__)

# Articles whose fingerprints are looked up in one query: large enough that an unchanged archive
# costs little per article, small enough to keep the progress bar moving.
_LOOKUP_GROUP = 500


@dataclass(frozen=True)
class NotedCopy:
    """An article not indexed because it repeats an indexed story: recorded as that story's copy."""

    article_id: str
    kept_id: str
    reason: str
    outlet: str

    def __str__(self) -> str:
        return (
            f"{self.article_id}: the same story as {self.kept_id} ({self.reason}): indexed once, "
            f"noted as also published by {self.outlet}"
        )


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
    copies_noted: list[NotedCopy] = field(default_factory=list)  # not indexed: they repeat an indexed story

    @property
    def copies(self) -> int:
        return len(self.copies_noted)

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} removed articles; {self.copies_summary()}{self.chunks_embedded} chunks embedded, "
            f"{self.chunks_deleted} deleted, {self.chunks_total} in the index; "
            f"{self.skipped_count} items skipped, {len(self.errors) - self.skipped_count} warnings; "
            f"{self.seconds:.1f} s"
        )

    def copies_summary(self) -> str:
        return f"{self.copies} copies of indexed stories noted; " if self.copies else ""

    @property
    def skipped_count(self) -> int:
        """Broken items left out (``errors`` also holds warnings about items indexed after all)."""
        return sum(error.skipped for error in self.errors)


@functools.cache
def _chunker_digest() -> str:
    """Hash of the chunking code: a change to how articles become chunks must re-chunk them."""
    return hashlib.sha256(Path(inspect.getfile(article_documents)).read_bytes()).hexdigest()


def article_key(article: Article, chunk_size: int, chunk_overlap: int) -> str:
    """``<digest>:<article id>``, where the digest covers the article as indexed (titled and sourced by
    :func:`index.naming.named`), the chunk settings and the chunking code: an article whose key is on
    record has exactly its chunks in the index."""
    payload = json.dumps(
        [dataclasses.astuple(named(article)), chunk_size, chunk_overlap, _chunker_digest()], ensure_ascii=False
    )
    return f"{hashlib.sha256(payload.encode('utf-8')).hexdigest()}:{article.id}"


def text_digest(article: Article) -> str:
    """Hash of an article's text, whitespace aside: two articles with one digest are one story."""
    return _digest(article.text)


def build_index(
    store: ArticleStore,
    paths: Iterable[Path | str],
    *,
    prune: bool = False,
    show_progress: bool = True,
    keep: Callable[[Article], bool] | None = None,
) -> BuildReport:
    """Bring the index in line with the articles under ``paths``.

    An unchanged article costs a hash and a share of one batched lookup: its fingerprint (article,
    chunk settings, chunking code) is on record, so it is neither chunked nor passed to LangChain.
    The others go through LangChain's ``index()``, which embeds only chunks it has no record of; a
    changed article has its old chunks replaced. The fingerprint is written after its chunks, so an
    interrupted build redoes at most the articles it had not finished, without re-embedding what it
    had written. With ``prune``, articles no longer under ``paths`` are removed. Broken items land in
    ``report.errors`` and the rest is indexed. ``keep`` selects a subset of the articles (the
    evaluation's quick runs use it). Each indexed article is then put into a story
    (:mod:`index.stories.groups`); articles indexed before stories existed get theirs on the next build.
    """
    report = BuildReport()
    paths = list(paths)
    _forget_server_path_ids(store, paths)
    articles = iter_articles(paths, report.errors)
    if keep is not None:
        articles = filter(keep, articles)
    return index_articles(store, articles, report, prune=prune, show_progress=show_progress)


def index_articles(
    store: ArticleStore,
    articles: Iterable[Article],
    report: BuildReport | None = None,
    *,
    prune: bool = False,
    show_progress: bool = False,
) -> BuildReport:
    """Index ``articles`` however they were read (files, a fetched feed), incrementally, as
    :func:`build_index` describes; ``report`` may already hold the reader's errors."""
    started = time.perf_counter()
    report = report if report is not None else BuildReport()
    seen: set[str] = set()
    with tqdm(articles, unit=" articles", desc="indexing", disable=not show_progress) as progress:
        # Each article with a title and a readable source (index.naming), whichever way it came in.
        for group in groups(_first_of_each_id(map(named, progress), seen, report), _LOOKUP_GROUP):
            _index_group(store, group, report)
            progress.set_postfix(embedded=report.chunks_embedded)
    if prune:
        _prune(store, seen, report)
    report.chunks_total = store.count()
    report.seconds = time.perf_counter() - started
    for error in report.errors:
        logger.warning("%s %s", "skipped" if error.skipped else "warning:", error)
    for copy in report.copies_noted:
        logger.info("copy: %s", copy)
    logger.info("index build: %s", report.summary())
    return report


def _index_group(store: ArticleStore, group: list[Article], report: BuildReport) -> None:
    """Skip the group's articles whose fingerprint is on record; index the others."""
    settings = store.settings
    keys = [article_key(a, settings.chunk_size, settings.chunk_overlap) for a in group]
    on_record = store.fingerprints_on_record(keys)
    changed = [(article, key) for article, key, known in zip(group, keys, on_record, strict=True) if not known]
    report.unchanged += len(group) - len(changed)
    # Stories indexed before they were recorded (an older index) are recorded now, so copies of them are caught.
    known = [a for a, on in zip(group, on_record, strict=True) if on]
    ungrouped = store.catch_up_stories(known)  # an older index: its stories recorded and grouped now
    changed = _new_stories(store, changed, report)
    if changed:
        _index_changed(store, changed, report)
    placed = ungrouped | {article.id for article, _ in changed}
    group_stories(store, [article for article in group if article.id in placed])


def group_stories(store: ArticleStore, articles: list[Article]) -> None:
    """Put indexed articles into stories (:mod:`index.stories.groups`), in the order they came."""
    vectors = first_chunk_vectors(store, articles)
    store.assign_stories([(article, vectors[article.id]) for article in articles if article.id in vectors])


def first_chunk_vectors(store: ArticleStore, articles: list[Article]) -> dict[str, np.ndarray]:
    """Each indexed article's first-chunk vector: its title + lead, already embedded by the store."""
    settings = store.settings
    first: dict[str, str] = {}
    for article in articles:
        documents = article_documents(article, settings.chunk_size, settings.chunk_overlap)
        if documents:
            first[chunk_key(documents[0])] = article.id
    return {first[str(chunk.document.id)]: chunk.vector for chunk in store.chunks(sorted(first))}


def _index_changed(store: ArticleStore, changed: list[tuple[Article, str]], report: BuildReport) -> None:
    """Index the changed articles' chunks, then record their fingerprints."""
    for batch in _document_batches(store, [article for article, _ in changed], report):
        written = store.write_chunks(batch)
        report.chunks_embedded += written.embedded
        report.chunks_deleted += written.deleted
    store.record_fingerprints([key for _, key in changed])


def _new_stories(
    store: ArticleStore, changed: list[tuple[Article, str]], report: BuildReport
) -> list[tuple[Article, str]]:
    """The changed articles that are news; those repeating an indexed story are recorded as its copies
    (and noted in the report)."""
    kept = []
    for article, key in changed:
        same = store.copy_or_keep(article)
        if same is None:
            kept.append((article, key))
        else:
            outlet = article.source or article.url or article.id
            report.copies_noted.append(NotedCopy(article.id, same.kept_id, same.reason, outlet))
    return kept


def _prune(store: ArticleStore, seen: set[str], report: BuildReport) -> None:
    """Remove every chunk (and fingerprint) that belongs to no article of this build."""
    pruned = store.prune_to(seen)
    report.removed = pruned.articles
    report.chunks_deleted += pruned.chunks


def _forget_server_path_ids(store: ArticleStore, paths: list[Path | str]) -> None:
    """Articles indexed under the absolute path ids that files outside the working directory had
    before (:func:`~index.sources.files.file_article_id`) are removed, so this build indexes them under
    their new ids once (not beside their old selves, nor as copies of them)."""
    for path in paths:
        prefix = server_path_ids_prefix(Path(path))
        old = store.article_ids_under(prefix) if prefix else []
        if old:
            logger.info(
                "%d articles of %s were indexed under server paths: indexing them under new ids", len(old), path
            )
            store.remove_articles(old)


def _first_of_each_id(articles: Iterable[Article], seen: set[str], report: BuildReport) -> Iterator[Article]:
    """Each article id once: a second article with an id already seen is reported and left out.

    Copies of a story under other ids (the same text saved under two names, a wire story from two
    outlets) are caught across builds by :mod:`index.stories.copies` instead. A copy's id is counted as
    seen, so ``--prune`` keeps its record, and removes it with the copy's file.
    """
    for article in articles:
        if article.id in seen:
            report.errors.append(LoadError(article.id, None, "duplicate article id; the first one is kept"))
            continue
        seen.add(article.id)
        yield article


def groups(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """``articles`` in lists of ``size`` (the last may be shorter), read lazily."""
    group: list[Article] = []
    for article in articles:
        group.append(article)
        if len(group) == size:
            yield group
            group = []
    if group:
        yield group


def _document_batches(store: ArticleStore, articles: list[Article], report: BuildReport) -> Iterator[list[Document]]:
    """Chunk articles and group them into batches of whole articles of about the write size."""
    settings = store.settings
    batch: list[Document] = []
    for article in articles:
        documents = article_documents(article, settings.chunk_size, settings.chunk_overlap)
        _count_article(store, article.id, documents, report)
        batch.extend(documents)
        if len(batch) >= store.max_batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _count_article(store: ArticleStore, article_id: str, documents: list[Document], report: BuildReport) -> None:
    existing = store.chunk_keys_of(article_id)
    if not existing:
        report.added += 1
    elif existing == {chunk_key(d) for d in documents}:
        report.unchanged += 1  # indexed before fingerprints were kept, or by a build interrupted after it
    else:
        report.updated += 1

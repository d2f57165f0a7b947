"""The store's write path: what a build asks of it, so the build never touches the parts behind it.

A build (:mod:`index.build`) decides *what* to write: which articles changed, in batches of whole
articles, with a report of what happened. How that is kept is the store's business and lives here:
LangChain's record manager and ``index()`` for the chunks, one fingerprint per article, the copies
(:mod:`index.stories.copies`) and the stories (:mod:`index.stories.groups`). Every method keeps
the parts in step, so a build interrupted between two calls leaves an index the next build
completes (chunks are written before fingerprints, as the build's docstring explains).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_classic.indexes import SQLRecordManager
from langchain_core.documents import Document
from langchain_core.indexing import index

from index.articles import Article
from index.store.chroma import ArticleChroma
from index.stories.copies import SameStory, StoryRegistry
from index.stories.groups import StoryGroups

# Articles whose records are looked up in one query when pruning.
_LOOKUP_GROUP = 500


def chunk_key(document: Document) -> str:
    """Content hash of a chunk (text and metadata): the id in Chroma and in the record manager."""
    payload = json.dumps({"text": document.page_content, "metadata": document.metadata}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def article_of_fingerprint(key: str) -> str:
    """The article id in a fingerprint ``<digest>:<article id>``."""
    return key.split(":", 1)[1]


@dataclass(frozen=True)
class ChunkWrites:
    """What one batch of chunks did: new chunks embedded, old ones (of the same articles) deleted."""

    embedded: int
    deleted: int


@dataclass(frozen=True)
class Pruned:
    """What removing the articles a build no longer saw did."""

    articles: int
    chunks: int


class StoreWrites:
    """The write path of :class:`~index.store.ArticleStore` (a base class of it: one object, two faces)."""

    record_manager: SQLRecordManager
    article_records: SQLRecordManager
    vector_store: ArticleChroma
    stories: StoryRegistry
    story_groups: StoryGroups

    def delete_keys(self, keys: Sequence[str]) -> None:  # the store's
        raise NotImplementedError

    def article_ids_of(self, keys: Sequence[str]) -> set[str]:  # the store's
        raise NotImplementedError

    def fingerprints_on_record(self, keys: Sequence[str]) -> list[bool]:
        """For each article fingerprint, whether it is on record (that article is indexed as it is)."""
        return list(self.article_records.exists(list(keys)))

    def catch_up_stories(self, indexed: Sequence[Article]) -> set[str]:
        """Record the stories of articles indexed before copies were caught, and return the ids of
        those indexed before stories were grouped (the build groups them now)."""
        self.stories.remember_missing(indexed)
        return set(self.story_groups.missing([article.id for article in indexed]))

    def copy_or_keep(self, article: Article) -> SameStory | None:
        """The indexed story ``article`` repeats, recorded as its copy; or None, and ``article`` is
        remembered as a story of its own (so a copy later in the same build is caught too)."""
        same = self.stories.original_of(article)
        if same is None:
            self.stories.remember([article])
        else:
            self.stories.record_copy(article, same)
        return same

    def write_chunks(self, batch: list[Document]) -> ChunkWrites:
        """Write a batch of whole articles' chunks through LangChain's ``index()``: only chunks with no
        record are embedded, and each article's chunks no longer in it are deleted."""
        result = index(
            batch,
            self.record_manager,
            self.vector_store,
            batch_size=len(batch),
            cleanup="incremental",
            source_id_key="article_id",
            key_encoder=chunk_key,
        )
        return ChunkWrites(embedded=result["num_added"], deleted=result["num_deleted"])

    def chunk_keys_of(self, article_id: str) -> set[str]:
        """The chunk ids on record for an article (empty: never indexed)."""
        return set(self.record_manager.list_keys(group_ids=[article_id]))

    def record_fingerprints(self, fingerprints: Sequence[str]) -> None:
        """Record the articles' fingerprints (after their chunks), dropping their older ones."""
        article_ids = [article_of_fingerprint(key) for key in fingerprints]
        old = set(self.article_records.list_keys(group_ids=article_ids)) - set(fingerprints)
        self.article_records.update(list(fingerprints), group_ids=article_ids)
        if old:
            self.article_records.delete_keys(sorted(old))

    def assign_stories(self, placed: Sequence[tuple[Article, np.ndarray]]) -> None:
        """Put indexed articles (each with its first chunk's vector) into stories, in that order."""
        self.story_groups.assign_many(placed)

    def prune_to(self, seen: set[str]) -> Pruned:
        """Remove every chunk, fingerprint, copy and story member of articles not in ``seen``."""
        kept: set[str] = set()
        seen_ids = sorted(seen)
        for start in range(0, len(seen_ids), _LOOKUP_GROUP):
            kept.update(self.record_manager.list_keys(group_ids=seen_ids[start : start + _LOOKUP_GROUP]))
        stale_keys = [key for key in self.record_manager.list_keys() if key not in kept]
        stale_articles = self.article_ids_of(stale_keys)
        self.stories.forget(sorted(stale_articles))
        self.story_groups.forget(sorted(stale_articles))
        self.stories.forget_copies_except(seen)
        self.delete_keys(stale_keys)
        stale_fingerprints = [k for k in self.article_records.list_keys() if article_of_fingerprint(k) not in seen]
        if stale_fingerprints:
            self.article_records.delete_keys(stale_fingerprints)
        return Pruned(articles=len(stale_articles), chunks=len(stale_keys))

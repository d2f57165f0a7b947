"""One address read and indexed: a page, feed or sitemap, its new articles indexed a few at a time.

What ``python -m index fetch`` does once per address, and the follower (:mod:`index.sources.follower`)
for each followed one. The articles come lazily from the reader and are indexed in small batches,
so a run killed half-way keeps what it had indexed; the first article is indexed alone, so that
a new feed's first article is answerable as soon as it is read.

What a fetch reports counts what the index gained: "new" is an article added to the index (not
one already there, even if changed: that is "updated"). Whatever fails while reading or indexing
the address becomes its failure (the traceback logged as a warning), never the caller's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from index.articles import Article, LoadError
from index.build import BuildReport, NotedCopy, article_key, groups, index_articles
from index.sources.fetching import FetchError, WebClient
from index.sources.fetching.urls import without_credentials
from index.sources.follow_list import Followed
from index.sources.problems import FeedProblem, SkippedEntry
from index.sources.reader import ReadResult, read_url
from index.store import ArticleStore
from index.words import counted

logger = logging.getLogger(__name__)

_BATCH = 4  # articles indexed at a time: small, so a killed run loses little and new articles show soon


@dataclass
class FetchReport:
    """What one address gave in one fetch."""

    url: str
    kind: str = ""
    new_articles: int = 0  # added to the index by this fetch
    updated: int = 0  # already indexed, changed since
    copies_noted: list[NotedCopy] = field(default_factory=list)  # not indexed: they repeat an indexed story
    not_modified: bool = False
    errors: list[LoadError] = field(default_factory=list)
    failed: str | None = None  # the address itself could not be read (with why)
    stories: dict[str, str] = field(default_factory=dict)  # a skipped entry's address → the story it would join

    @property
    def copies(self) -> int:
        return len(self.copies_noted)

    def line(self) -> str:
        if self.failed:
            return f"{self.url}: failed: {self.failed}"
        if self.not_modified:
            return f"{self.url}: unchanged since the last fetch"
        updated = f", {self.updated} updated" if self.updated else ""
        copies = f", {counted(self.copies, 'copy', 'copies')} of indexed stories" if self.copies else ""
        errors = f", {len(self.errors)} not indexed" if self.errors else ""
        return f"{self.url}: {self.kind}, {counted(self.new_articles, 'new article')}{updated}{copies}{errors}"

    def problems(self, noted: str) -> list[FeedProblem]:
        """What this fetch could not index, and the copies it noted, as the follow list keeps them."""
        copies = [FeedProblem.of_copy(copy, noted) for copy in self.copies_noted]
        return [*(FeedProblem.of(error, noted, self.stories.get(error.path, "")) for error in self.errors), *copies]


def fetch_into_index(
    store: ArticleStore,
    client: WebClient,
    url: str,
    *,
    known: Callable[[str], bool] = lambda link: False,
    followed: Followed | None = None,
    on_batch_done: Callable[[list[str], list[str]], None] = lambda links, indexed: None,
    on_read: Callable[[ReadResult], None] = lambda result: None,
) -> tuple[FetchReport, ReadResult | None]:
    """Read ``url`` and index its new articles in small batches; the report, and what the read gave
    (its validators to keep; None when ``url`` itself failed).

    ``on_read(result)`` hears the read's result as soon as ``url`` is read (its counts then grow as
    the entries are read). After each batch, ``on_batch_done(links, indexed)`` hears the entry links
    now done and the ids of the batch's articles the index holds (added, updated or already there; not copies).
    """
    report = FetchReport(without_credentials(url))
    try:
        result, articles = read_url(
            client,
            url,
            known=known,
            etag=followed.etag if followed else None,
            last_modified=followed.last_modified if followed else None,
            body_hash=followed.body_hash if followed else None,
        )
    except FetchError as error:
        report.failed = error.reason
        return report, None
    except Exception as error:  # whatever one address's content makes fail is that address's failure
        report.failed = unforeseen(report.url, error)
        return report, None
    report.kind, report.not_modified = result.kind, result.not_modified
    on_read(result)
    done = 0
    try:
        for batch in _batches(articles):
            build = index_articles(store, batch, BuildReport())
            report.new_articles += build.added
            report.updated += build.updated
            report.copies_noted += build.copies_noted
            report.errors += build.errors  # copies are noted apart (build.copies_noted), not errors
            on_batch_done(result.links[done:], _held(store, batch))
            done = len(result.links)
        on_batch_done(result.links[done:], [])
    except Exception as error:  # the batches indexed so far stay indexed and counted
        report.failed = unforeseen(report.url, error)
        return report, None
    report.errors += result.errors
    report.stories = stories_of_skipped(store, report.errors)
    return report, result


def stories_of_skipped(store: ArticleStore, errors: list[LoadError]) -> dict[str, str]:
    """The story each skipped entry served in part (a paywall's title and teaser) would join, by address.

    Asked once the fetch's articles are indexed, so a paywalled article read before another outlet's
    article of the same event still finds its story; read only (:meth:`StoryGroups.story_for`): an
    article that could not be read changes no story. The teaser (else the title) is embedded as a first chunk is.
    """
    teasers = [e for e in errors if isinstance(e, SkippedEntry) and e.date and (e.title or e.lead)]
    if not teasers:
        return {}
    try:
        vectors = store.embeddings.embed_documents([e.lead or e.title for e in teasers])
        stories = {
            e.path: store.story_groups.story_for(Article(e.path, e.title, e.lead, e.date, e.source), np.asarray(v))
            for e, v in zip(teasers, vectors, strict=True)
        }
    except Exception:  # the fetch's articles are indexed whatever this does: its problems just name no story
        logger.warning("could not tell the stories of %d skipped entries", len(teasers), exc_info=True)
        return {}
    return {url: story for url, story in stories.items() if story}


def _batches(articles: Iterator[Article]) -> Iterator[list[Article]]:
    """The first article alone, then batches of ``_BATCH``: a new feed's first article is answerable
    as soon as it is read (bench/follow_to_answer.py: 5.4 s → 2.3 s from Follow, 1 s host interval)."""
    first = next(articles, None)
    if first is not None:
        yield [first]
        yield from groups(articles, _BATCH)


def _held(store: ArticleStore, articles: list[Article]) -> list[str]:
    """The ids of ``articles`` the index holds now: their fingerprints are on record (copies are not)."""
    settings = store.settings
    keys = [article_key(article, settings.chunk_size, settings.chunk_overlap) for article in articles]
    return [article.id for article, held in zip(articles, store.fingerprints_on_record(keys), strict=True) if held]


def unforeseen(url: str, error: Exception) -> str:
    logger.warning("reading %s failed", url, exc_info=True)
    return f"{type(error).__name__}: {error}"

"""Following news: fetch every followed feed or site, index what is new, on an interval.

The same follower runs from ``python -m index follow`` and, when ``ASSISTANT_FOLLOW_IN_CHAT`` is
on, in the chat's own process (so new articles are answered without a restart).

Incremental and resumable: a feed's new articles are indexed a few at a time, and each link is
written to the followed list as seen only once its article is indexed; the feed's validators
(``ETag``/``Last-Modified``) are saved only when every entry of that fetch is done. A follower
killed mid-fetch therefore fetches the rest next time, and what it had indexed is recognised as
unchanged (the build's fingerprints): nothing lost, nothing twice.

What a fetch reports counts what the index gained: "new" is an article added to the index (not
one already there, even if changed: that is "updated"). A followed address's "in all" counts the
articles it led to that the index holds, each once: an article is counted in the same write that
marks its link done, and remembered by id, so one indexed by a run killed before that write is
counted when the next run meets it again, and never twice.

One address's content never stops the others: whatever fails while reading or indexing one address
becomes that address's failure (the traceback logged as a warning), and the cycle goes on.

After a fetch that indexed new articles the follower calls its ``indexed_listeners`` with their
number: the index cannot import the assistant, yet the chat re-asks its followed questions then
(:mod:`assistant.following.questions`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from index.articles import Article, LoadError
from index.build import BuildReport, article_key, groups, index_articles
from index.errors import UserError
from index.improve import improve
from index.settings import IndexSettings
from index.sources.fetching import FetchError, WebClient
from index.sources.fetching.urls import without_credentials
from index.sources.follow_list import Followed, FollowList
from index.sources.reader import ReadResult, read_url
from index.store import ArticleStore
from index.store.sql import utc_now

logger = logging.getLogger(__name__)

_BATCH = 4  # articles indexed at a time: small, so a killed run loses little and new articles show soon


@dataclass
class FetchReport:
    """What one address gave in one fetch."""

    url: str
    kind: str = ""
    new_articles: int = 0  # added to the index by this fetch
    updated: int = 0  # already indexed, changed since
    copies: int = 0
    not_modified: bool = False
    errors: list[LoadError] = field(default_factory=list)
    failed: str | None = None  # the address itself could not be read (with why)

    def line(self) -> str:
        if self.failed:
            return f"{self.url}: failed: {self.failed}"
        if self.not_modified:
            return f"{self.url}: unchanged since the last fetch"
        updated = f", {self.updated} updated" if self.updated else ""
        copies = f", {self.copies} copies of indexed stories" if self.copies else ""
        errors = f", {len(self.errors)} not indexed" if self.errors else ""
        return f"{self.url}: {self.kind}, {self.new_articles} new articles{updated}{copies}{errors}"


def fetch_into_index(
    store: ArticleStore,
    client: WebClient,
    url: str,
    *,
    known: Callable[[str], bool] = lambda link: False,
    followed: Followed | None = None,
    on_batch_done: Callable[[list[str], list[str]], None] = lambda links, indexed: None,
) -> tuple[FetchReport, ReadResult | None]:
    """Read ``url`` and index its new articles in small batches; the report, and what the read gave
    (its validators to keep; None when ``url`` itself failed).

    After each batch, ``on_batch_done(links, indexed)`` hears the entry links now done and the ids
    of the batch's articles the index holds (added, updated or already there; not copies).
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
        report.failed = _unforeseen(report.url, error)
        return report, None
    report.kind, report.not_modified = result.kind, result.not_modified
    done = 0
    try:
        for batch in groups(articles, _BATCH):
            build = index_articles(store, batch, BuildReport())
            report.new_articles += build.added
            report.updated += build.updated
            report.copies += build.copies
            report.errors += build.errors  # copies are noted apart (build.copies_noted), not errors
            on_batch_done(result.links[done:], _held(store, batch))
            done = len(result.links)
        on_batch_done(result.links[done:], [])
    except Exception as error:  # the batches indexed so far stay indexed and counted
        report.failed = _unforeseen(report.url, error)
        return report, None
    report.errors += result.errors
    return report, result


def _held(store: ArticleStore, articles: list[Article]) -> list[str]:
    """The ids of ``articles`` the index holds now: their fingerprints are on record (copies are not)."""
    settings = store.settings
    keys = [article_key(article, settings.chunk_size, settings.chunk_overlap) for article in articles]
    return [article.id for article, held in zip(articles, store.fingerprints_on_record(keys), strict=True) if held]


def _unforeseen(url: str, error: Exception) -> str:
    logger.warning("reading %s failed", url, exc_info=True)
    return f"{type(error).__name__}: {error}"


class Follower:
    """Fetches every followed address and indexes what is new; one cycle, or on an interval."""

    def __init__(
        self,
        store: ArticleStore,
        settings: IndexSettings,
        follow_list: FollowList | None = None,
        on_indexed: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.follow_list = follow_list or FollowList(settings.follow_file)
        self.client = WebClient(settings)
        self._cycle_lock = threading.Lock()
        # Called with the number of new articles after a cycle or a fetch that indexed some.
        self.indexed_listeners: list[Callable[[int], None]] = [on_indexed] if on_indexed else []

    def cycle(self) -> list[FetchReport]:
        """Fetch every followed address once (one cycle at a time per process)."""
        with self._cycle_lock:
            reports = [self._fetch_guarded(entry) for entry in self.follow_list.entries()]
        self._indexed(sum(report.new_articles for report in reports))
        return reports

    def fetch_one(self, url: str) -> FetchReport:
        entry = self.follow_list.get(url)
        if entry is None:
            raise KeyError(url)
        with self._cycle_lock:
            report = self._fetch_guarded(entry)
        self._indexed(report.new_articles)
        return report

    def fill_behind(self) -> None:
        """Between two cycles, a bounded share of the better vectors the index lacks (the second speed,
        :mod:`index.improve`): what it fetched is answerable at once with fast vectors, and ranked with
        both once filled. A failure here is logged; the next cycle comes all the same."""
        limit = self.settings.follow_fill_chunks
        if not limit or not self.store.full_vectors.enabled:
            return
        try:
            report = improve(self.store, limit=limit)
        except Exception:
            logger.exception("filling the better vectors failed; trying again after the next cycle")
            return
        if report.filled:
            logger.info("%s", report.summary())

    def _indexed(self, new_articles: int) -> None:
        """Tell the listeners (outside the cycle lock: what they do may take a while)."""
        if not new_articles:
            return
        for listener in list(self.indexed_listeners):
            try:
                listener(new_articles)
            except Exception:  # a listener's failure must not fail the fetch that already indexed
                logger.exception("a listener of new articles failed")

    def _fetch_guarded(self, entry: Followed) -> FetchReport:
        """:meth:`_fetch`, whose unforeseen failure is this address's, never the cycle's."""
        try:
            return self._fetch(entry)
        except UserError:  # the followed list itself is unreadable: no address can be followed
            raise
        except Exception as error:
            return FetchReport(without_credentials(entry.url), failed=_unforeseen(entry.url, error))

    def _fetch(self, entry: Followed) -> FetchReport:
        seen = set(entry.seen)

        def done(links: list[str], indexed: list[str]) -> None:
            """Links done and the articles they gave, counted once each, in one write."""
            if not links and not indexed:
                return
            seen.update(links)

            def change(e: Followed) -> None:
                e.seen.extend(link for link in links if link not in e.seen)
                fresh = [article for article in dict.fromkeys(indexed) if article not in e.counted]
                e.counted.extend(fresh)
                e.total_articles += len(fresh)

            self.follow_list.update(entry.url, change)

        report, result = fetch_into_index(
            self.store, self.client, entry.url, known=seen.__contains__, followed=entry, on_batch_done=done
        )

        def record(e: Followed) -> None:
            e.last_fetch = utc_now()
            e.kind = report.kind if report.kind != "unchanged" else e.kind
            e.new_articles = report.new_articles
            e.errors = [f"{error.path}: {error.message}" for error in report.errors]
            if report.failed:
                e.status = f"failed: {report.failed}"
                return
            e.status = "unchanged" if report.not_modified else "ok"
            if result is not None and not result.incomplete:  # every entry is done: the next fetch may skip them
                e.etag, e.last_modified, e.body_hash = result.etag, result.last_modified, result.body_hash

        self.follow_list.update(entry.url, record)
        logger.info("%s", report.line())
        return report

    def run(
        self,
        stop: threading.Event,
        interval_minutes: float | None = None,
        on_cycle: Callable[[list[FetchReport]], None] | None = None,
    ) -> None:
        """Cycle every ``interval_minutes`` (default: the setting) until ``stop`` is set."""
        interval = 60.0 * (interval_minutes if interval_minutes is not None else self.settings.follow_interval_minutes)
        while not stop.is_set():
            started = time.monotonic()
            try:
                reports = self.cycle()
                if on_cycle is not None:
                    on_cycle(reports)
            except Exception:  # a follower in the background must outlive one bad cycle
                logger.exception("follow cycle failed; trying again at the next interval")
            self.fill_behind()
            stop.wait(max(0.0, interval - (time.monotonic() - started)))


def start_in_background(follower: Follower) -> threading.Event:
    """Run ``follower`` in a daemon thread of this process; set the returned event to stop it."""
    stop = threading.Event()
    settings = follower.settings
    threading.Thread(target=follower.run, args=(stop,), name="follower", daemon=True).start()
    logger.info(
        "following %d feeds and sites every %g min",
        len(follower.follow_list.entries()),
        settings.follow_interval_minutes,
    )
    return stop

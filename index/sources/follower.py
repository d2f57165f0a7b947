"""Following news: fetch every followed feed or site, index what is new, on an interval.

The same follower runs from ``python -m index follow`` and, when ``ASSISTANT_FOLLOW_IN_CHAT`` is
on, in the chat's own process (so new articles are answered without a restart).

Incremental and resumable: a feed's new articles are indexed a few at a time, and each link is
written to the followed list as seen only once its article is indexed; the feed's validators
(``ETag``/``Last-Modified``) are saved only when every entry of that fetch is done. A follower
killed mid-fetch therefore fetches the rest next time, and what it had indexed is recognised as
unchanged (the build's fingerprints): nothing lost, nothing twice.

A fetch of one address is :func:`~index.sources.indexing.fetch_into_index`. A followed address's "in all" counts the
articles it led to that the index holds, each once: an article is counted in the same write that
marks its link done, and remembered by id, so one indexed by a run killed before that write is
counted when the next run meets it again, and never twice.

One address's content never stops the others: whatever fails while reading or indexing one address
becomes that address's failure (the traceback logged as a warning), and the cycle goes on.

After a fetch that indexed new articles the follower calls its ``indexed_listeners`` with their
number: the index cannot import the assistant, yet the chat re-asks its followed questions then
(:mod:`assistant.following.questions`).

What a fetch could not index (a paywall, a page without text, an HTTP error, robots.txt, a copy of
an indexed story) is kept with its address in the follow list (:mod:`index.sources.problems`). A
fetch can run in the background (:meth:`Follower.fetch_in_background`: the chat's Follow returns at
once) and says how far it is while it runs (:meth:`Follower.progress`: "12 of 30 articles"); its
first article is indexed alone, so that it is answerable as soon as it is read.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from index.errors import UserError
from index.improve import improve
from index.settings import IndexSettings
from index.sources.fetching import WebClient
from index.sources.fetching.urls import without_credentials
from index.sources.follow_list import Followed
from index.sources.follow_store import FollowStore, open_follow_list
from index.sources.indexing import FetchReport, fetch_into_index, unforeseen
from index.sources.problems import kept_problems
from index.sources.progress import FetchProgress, FetchTracker
from index.sources.reader import ReadResult
from index.store import ArticleStore
from index.store.sql import utc_now

logger = logging.getLogger(__name__)

__all__ = ["FetchProgress", "FetchReport", "Follower", "fetch_into_index", "start_in_background"]


class Follower:
    """Fetches every followed address and indexes what is new; one cycle, or on an interval."""

    def __init__(
        self,
        store: ArticleStore,
        settings: IndexSettings,
        follow_list: FollowStore | None = None,
        on_indexed: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.follow_list = follow_list or open_follow_list(settings)
        self.client = WebClient(settings)
        self._cycle_lock = threading.Lock()
        self.tracker = FetchTracker()
        # Called with the number of new articles after a cycle or a fetch that indexed some.
        self.indexed_listeners: list[Callable[[int], None]] = [on_indexed] if on_indexed else []
        # Server mode with workers (index.sources.follow_jobs.start_in_chat): a fetch asked for is a job
        # any worker takes (the per-host lock and one fetch per feed hold); takes the addresses, returns
        # how many were enqueued (not those already waiting).
        self.enqueue: Callable[[list[str]], int] | None = None
        # And there, the jobs waiting or running in any process, by address ("todo" / "doing"): what the
        # list shows for a fetch this process does not run.
        self.job_states: Callable[[], dict[str, str]] | None = None

    def cycle(self) -> list[FetchReport]:
        """Fetch every followed address once (one cycle at a time per process; those after the
        first wait their turn, and say so in :meth:`progress`)."""
        with self._cycle_lock:
            entries = self.follow_list.entries()
            self.tracker.wait(entry.url for entry in entries)
            try:
                reports = [self._fetch_guarded(entry) for entry in entries]
            finally:  # the list became unreadable half-way: the rest wait no longer
                for entry in entries:
                    self.tracker.forget(entry.url)
        self._indexed(sum(report.new_articles for report in reports))
        return reports

    def fetch_one(self, url: str) -> FetchReport:
        """Fetch ``url`` now (after the fetch under way, if any); KeyError when it is not followed."""
        with self._cycle_lock:
            entry = self.follow_list.get(url)  # read in turn: the fetch before may have just updated it
            if entry is None:
                raise KeyError(url)
            report = self._fetch_guarded(entry)
        self._indexed(report.new_articles)
        return report

    def fetch_in_background(self, url: str | None = None) -> bool:
        """Fetch ``url`` (None: every followed address) in a thread of its own, and return at once;
        False when that fetch already waits or runs. :meth:`progress` tells how far it is."""
        urls = [without_credentials(url)] if url else [entry.url for entry in self.follow_list.entries()]
        if self.enqueue is not None:
            return self.enqueue(urls) > 0
        if not self.tracker.wait(urls):
            return False
        work = (lambda: self.fetch_one(urls[0])) if url else self.cycle
        threading.Thread(target=self._quietly, args=(work, urls), name="fetch", daemon=True).start()
        return True

    def progress(self, url: str) -> FetchProgress | None:
        """How far this process's fetch of ``url`` is ("12 of 30 articles"); None when none runs or waits."""
        return self.tracker.progress(url)

    def _quietly(self, work: Callable[[], object], urls: list[str]) -> None:
        try:
            work()
        except KeyError:  # no longer followed by the time its turn came
            pass
        except Exception:  # a thread of its own: nobody else would hear of it
            logger.exception("a fetch in the background failed")
        finally:  # whatever happened, these wait no longer
            for url in urls:
                self.tracker.forget(url)

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
            return FetchReport(without_credentials(entry.url), failed=unforeseen(entry.url, error))

    def _fetch(self, entry: Followed) -> FetchReport:
        with self.tracker.fetching(entry.url) as on_read:
            return self._fetch_tracked(entry, on_read)

    def _fetch_tracked(self, entry: Followed, on_read: Callable[[ReadResult], None]) -> FetchReport:
        seen = set(entry.seen)
        read_fine: set[str] = set()  # articles indexed (or already held) by this fetch

        def done(links: list[str], indexed: list[str]) -> None:
            """Links done and the articles they gave, counted once each, in one write."""
            if not links and not indexed:
                return
            seen.update(links)
            read_fine.update(indexed)

            def change(e: Followed) -> None:
                e.seen.extend(link for link in links if link not in e.seen)
                fresh = [article for article in dict.fromkeys(indexed) if article not in e.counted]
                e.counted.extend(fresh)
                e.total_articles += len(fresh)

            self.follow_list.update(entry.url, change)

        report, result = fetch_into_index(
            self.store,
            self.client,
            entry.url,
            known=seen.__contains__,
            followed=entry,
            on_batch_done=done,
            on_read=on_read,
        )
        if result is not None and not result.not_modified:
            read_fine.add(entry.url)  # read again: a problem of the feed itself stands only if noted again

        def record(e: Followed) -> None:
            # Microseconds: a follow job compares it with when it was asked for (follow_jobs.fetch_feed).
            e.last_fetch = utc_now("microseconds")
            e.kind = report.kind if report.kind != "unchanged" else e.kind
            e.new_articles = report.new_articles
            e.problems = kept_problems(report.problems(e.last_fetch), e.problems, read_fine)
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

"""Fetching the shared followed list spread over machines, by procrastinate's jobs in PostgreSQL.

Why procrastinate: its jobs live in the database the deployment already shares (no broker to run),
and it has what this needs built in. Each due feed is one job (:func:`enqueue_feeds`), deferred with
``queueing_lock=url`` (a feed waits in the queue once, however many replicas enqueue it) and
``lock=url`` (two jobs of one feed never run at once). Any number of ``python -m index follow worker``
processes take them. Per-host politeness holds across workers by a PostgreSQL advisory lock per host,
held for the whole fetch of a feed (the feed and its articles): one worker at a time per host, each
keeping ``fetch_host_interval`` between its requests; a worker waiting for a busy host waits, so a
slow host costs the workers that drew its feeds, not the others' hosts.

A worker killed mid-job stops beating its heartbeat (every quarter of ``follow_stalled_seconds``):
every worker looks, as often, for jobs left ``doing`` by a worker silent for ``follow_stalled_seconds``
(procrastinate's ``get_stalled_jobs``, heartbeat based) and puts them back in the queue (``retry_job``;
when the feed was enqueued again meanwhile, the stalled job is marked failed instead, which frees the
feed's lock for the waiting one), so another worker fetches the feed. Chosen over a retry strategy,
which retries a job that *failed*, not one whose worker vanished. The fetch resumes safely: validators
and seen links are saved only once every entry is indexed (:mod:`index.sources.follow_list`) and the
record manager skips articles already indexed.

On a schedule, by procrastinate's periodic tasks: every worker runs the periodic deferrer, which
defers one ``enqueue_due`` job per tick of ``follow_tick_cron`` (the database keeps a tick from being
deferred twice, however many workers run), and the worker that takes it enqueues the feeds *due*: the
in-process follower's ``follow_interval_minutes``, per feed (never fetched, or last fetched that long
ago or more). Nobody runs ``follow enqueue`` (it enqueues every feed, due or not). A job carries when
it was asked for; a feed fetched since (a fetch that was running when the tick came) is not fetched
again. Finished jobs are deleted, so the jobs table stays the size of the queue.

The chat's process is a worker too (:func:`start_in_chat`), with the chat's own follower, so replicas
and ``follow worker`` processes share the work; its Follow and Fetch buttons enqueue jobs.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from procrastinate import App, PsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.job_context import JobContext
from procrastinate.jobs import JobDeferrer, Status
from sqlalchemy import text

from index.settings import IndexSettings
from index.sources.follow_list import Followed
from index.sources.follow_store import open_follow_list
from index.sources.follower import Follower
from index.store import ArticleStore
from index.store.keyword.postgres import postgres_engine
from index.store.sql import utc_now

log = logging.getLogger(__name__)
QUEUE = "follow"
BATCH = 500  # jobs deferred in one statement

# One engine per database for the process (the per-host locks of every job, the schema check): an engine
# per job would open a connection pool per feed fetched.
_engine = functools.lru_cache(maxsize=4)(postgres_engine)
_follower: Follower | None = None  # this worker process's follower (its store, client and list)
_settings: IndexSettings | None = None


def fetch_feed(url: str, asked: str | None = None) -> None:
    """Fetch one followed feed into the index; a feed no longer followed, or fetched since ``asked``
    (UTC ISO text, as ``last_fetch``), is skipped."""
    assert _follower is not None and _settings is not None, "run by run_worker only"
    host = urlsplit(url).hostname or ""
    with _engine(_settings.follow_database).connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(hashtext(:host))"), {"host": f"follow-host:{host}"})
        try:
            entry = _follower.follow_list.get(url)
            if entry is not None and asked and _fetched_after(entry, asked):
                log.info("%s was fetched since it was enqueued", url)
                return
            report = _follower.fetch_one(url)
            log.info("fetched %s", report.line())
        except KeyError:
            log.info("%s is no longer followed", url)
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(hashtext(:host))"), {"host": f"follow-host:{host}"})


def _fetched_after(entry: Followed, asked: str) -> bool:
    """Whether ``entry`` was last fetched after ``asked``. Both keep microseconds: in whole seconds a fetch
    that ended in the second a job was asked for cannot be told before (fetch again: a re-enqueue right
    after a cycle) from after (skip: a tick that read the list while the fetch ran)."""
    if not entry.last_fetch:
        return False
    try:
        return datetime.fromisoformat(entry.last_fetch) > datetime.fromisoformat(asked)
    except ValueError:
        return False


def due(entry: Followed, at: datetime, interval_minutes: float) -> bool:
    """Whether ``entry`` is due at ``at``: never fetched, or last fetched ``interval_minutes`` ago or more."""
    if not entry.last_fetch:
        return True
    try:
        last = datetime.fromisoformat(entry.last_fetch)
    except ValueError:
        return True
    last = last if last.tzinfo else last.replace(tzinfo=UTC)
    return at - last >= timedelta(minutes=interval_minutes)


async def enqueue_due(context: JobContext, timestamp: int) -> None:
    """One tick of ``follow_tick_cron``: a job for each feed due (deferred by procrastinate's periodic
    deferrer, once per tick across workers)."""
    assert _follower is not None and _settings is not None and context.app is not None, "run by run_worker only"
    at = datetime.fromtimestamp(timestamp, UTC)
    read = utc_now("microseconds")  # the ask: a fetch ending after the list was read makes the job moot
    entries = await asyncio.to_thread(_follower.follow_list.entries)
    urls = [entry.url for entry in entries if due(entry, at, _settings.follow_interval_minutes)]
    enqueued = await _defer(context.app, urls, read)
    log.info("tick %d: %d of %d feeds due, %d enqueued", timestamp, len(urls), len(entries), enqueued)


async def _defer(ready: App, urls: list[str], asked: str) -> int:
    """Defer a job per url not already waiting, in batches (a url enqueued meanwhile: one at a time)."""
    enqueued = 0
    for start in range(0, len(urls), BATCH):
        batch = urls[start : start + BATCH]
        waiting = await ready.connector.execute_query_all_async(
            "SELECT queueing_lock FROM procrastinate_jobs WHERE status = 'todo' AND queueing_lock = ANY(%(urls)s)",
            urls=batch,
        )
        waits = {row["queueing_lock"] for row in waiting}
        jobs = [_job(ready, url).make_new_job(url=url, asked=asked) for url in batch if url not in waits]
        try:
            enqueued += len(await ready.job_manager.batch_defer_jobs_async(jobs)) if jobs else 0
        except AlreadyEnqueued:  # one of them was enqueued by another process since
            log.info("a batch of %d jobs met one enqueued meanwhile: one at a time", len(jobs))
            for job in jobs:
                with contextlib.suppress(AlreadyEnqueued):
                    await ready.job_manager.defer_job_async(job)
                    enqueued += 1
    return enqueued


def _job(ready: App, url: str) -> JobDeferrer:
    return ready.configure_task("fetch_feed", lock=url, queueing_lock=url)


def job_app(settings: IndexSettings) -> App:
    """The jobs' app on the deployment's database, its tables made once."""
    url = settings.follow_database
    ready = App(connector=PsycopgConnector(conninfo=url))
    ready.task(name="fetch_feed", queue=QUEUE)(fetch_feed)
    tick = ready.task(name="enqueue_due", queue=QUEUE, pass_context=True, priority=1, queueing_lock="enqueue_due")
    ready.periodic(cron=settings.follow_tick_cron)(tick(enqueue_due))
    with _engine(url).begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('procrastinate schema'))"))
        if connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            with ready.open():
                ready.schema_manager.apply_schema()
    return ready


def enqueue_feeds(settings: IndexSettings, urls: list[str] | None = None, ready: App | None = None) -> int:
    """One job for each of ``urls`` (None: every followed feed) not already waiting; how many were enqueued
    (``ready``: the jobs' app already made, as the chat keeps it)."""
    ready = ready or job_app(settings)
    if urls is None:
        urls = [entry.url for entry in open_follow_list(settings).entries()]

    async def defer() -> int:
        async with ready.open_async():
            return await _defer(ready, urls, utc_now("microseconds"))

    return asyncio.run(defer())


def run_worker(settings: IndexSettings, *, until_empty: bool = False) -> None:
    """Take fetch jobs until stopped (``until_empty``: until the queue is empty)."""
    _serve(Follower(ArticleStore.open(settings), settings), until_empty=until_empty)


def share_fetches(follower: Follower) -> None:
    """Make the chat's Follow and Fetch (``follower.fetch_in_background``) enqueue jobs, whoever takes them:
    never two fetches of a feed at once, the per-host lock held."""
    settings, ready = follower.settings, job_app(follower.settings)  # made once, not at every click
    follower.enqueue = lambda urls: enqueue_feeds(settings, urls, ready)
    follower.job_states = lambda: job_states(settings)


def job_states(settings: IndexSettings) -> dict[str, str]:
    """The fetch jobs waiting ("todo") or running ("doing") in any process, by feed address."""
    with _engine(settings.follow_database).connect() as connection:
        rows = connection.execute(
            text(
                "SELECT queueing_lock, status::text FROM procrastinate_jobs "
                "WHERE task_name = 'fetch_feed' AND status IN ('todo', 'doing') AND queueing_lock IS NOT NULL"
            )
        )
        return {str(url): str(status) for url, status in rows}


def start_in_chat(follower: Follower) -> threading.Event:
    """Run a worker with the chat's ``follower`` (its store, client and list) in a daemon thread, its fetches
    shared (:func:`share_fetches`); set the returned event to stop the worker."""
    settings = follower.settings
    share_fetches(follower)
    stop = threading.Event()
    threading.Thread(target=_serve, args=(follower,), kwargs={"stop": stop}, name="follow-worker", daemon=True).start()
    log.info("the chat is a follow worker: due feeds on %r", settings.follow_tick_cron)
    return stop


def _serve(follower: Follower, *, until_empty: bool = False, stop: threading.Event | None = None) -> None:
    global _follower, _settings  # the tasks run in this process with this follower
    _follower, _settings = follower, follower.settings
    ready = job_app(follower.settings)
    asyncio.run(_work(ready, follower.settings.follow_stalled_seconds, until_empty=until_empty, stop=stop))


async def _work(ready: App, stalled_seconds: float, *, until_empty: bool, stop: threading.Event | None) -> None:
    async with ready.open_async():
        rescuer = asyncio.create_task(_retry_stalled(ready, stalled_seconds))
        worker = asyncio.create_task(
            ready.run_worker_async(
                queues=[QUEUE],
                wait=not until_empty,
                concurrency=1,
                delete_jobs="successful",
                install_signal_handlers=stop is None,  # a thread of the chat: its process has its own
                update_heartbeat_interval=stalled_seconds / 4,
                stalled_worker_timeout=stalled_seconds,
            )
        )
        try:
            if stop is None:
                await worker
            else:
                while not worker.done() and not stop.is_set():
                    await asyncio.sleep(0.5)
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
        finally:
            rescuer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await rescuer


async def _retry_stalled(ready: App, stalled_seconds: float) -> None:
    """Put the jobs of workers silent for ``stalled_seconds`` back in the queue, now and then."""
    while True:
        for job in await ready.job_manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=stalled_seconds):
            log.warning("retrying job %s of a stalled worker: %s", job.id, job.task_kwargs.get("url"))
            try:
                await ready.job_manager.retry_job(job)
            except UniqueViolation:  # the feed was enqueued again meanwhile: that job fetches it
                await ready.job_manager.finish_job(job, Status.FAILED, delete_job=False)  # frees the feed's lock
        await asyncio.sleep(stalled_seconds / 4)

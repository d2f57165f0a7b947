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

Not done yet (issue 31): enqueueing on a schedule (``follow enqueue`` is run by hand or by cron).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import urlsplit

from procrastinate import App, PsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.jobs import Status
from sqlalchemy import text

from index.settings import IndexSettings
from index.sources.follow_store import open_follow_list
from index.sources.follower import Follower
from index.store import ArticleStore
from index.store.keyword.postgres import postgres_engine

log = logging.getLogger(__name__)
QUEUE = "follow"

_follower: Follower | None = None  # this worker process's follower (its store, client and list)
_settings: IndexSettings | None = None


def fetch_feed(url: str) -> None:
    """Fetch one followed feed into the index; a feed no longer followed is skipped."""
    assert _follower is not None and _settings is not None, "run by run_worker only"
    host = urlsplit(url).hostname or ""
    with postgres_engine(_settings.follow_database).connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(hashtext(:host))"), {"host": f"follow-host:{host}"})
        try:
            report = _follower.fetch_one(url)
            log.info("fetched %s", report.line())
        except KeyError:
            log.info("%s is no longer followed", url)
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(hashtext(:host))"), {"host": f"follow-host:{host}"})


def job_app(settings: IndexSettings) -> App:
    """The jobs' app on the deployment's database, its tables made once."""
    url = settings.follow_database
    ready = App(connector=PsycopgConnector(conninfo=url))
    ready.task(name="fetch_feed", queue=QUEUE)(fetch_feed)
    with postgres_engine(url).begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('procrastinate schema'))"))
        if connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            with ready.open():
                ready.schema_manager.apply_schema()
    return ready


def enqueue_feeds(settings: IndexSettings) -> int:
    """One job per followed feed not already waiting; how many were enqueued."""
    ready = job_app(settings)
    enqueued = 0
    with ready.open():
        for entry in open_follow_list(settings).entries():
            try:
                ready.configure_task("fetch_feed", lock=entry.url, queueing_lock=entry.url).defer(url=entry.url)
                enqueued += 1
            except AlreadyEnqueued:
                pass
    return enqueued


def run_worker(settings: IndexSettings, *, until_empty: bool = False) -> None:
    """Take fetch jobs until stopped (``until_empty``: until the queue is empty)."""
    global _follower, _settings  # noqa: PLW0603 - the task runs in this process with this follower
    _settings = settings
    _follower = Follower(ArticleStore.open(settings), settings)
    asyncio.run(_work(job_app(settings), settings.follow_stalled_seconds, until_empty=until_empty))


async def _work(ready: App, stalled_seconds: float, *, until_empty: bool) -> None:
    async with ready.open_async():
        rescuer = asyncio.create_task(_retry_stalled(ready, stalled_seconds))
        try:
            await ready.run_worker_async(
                queues=[QUEUE],
                wait=not until_empty,
                concurrency=1,
                update_heartbeat_interval=stalled_seconds / 4,
                stalled_worker_timeout=stalled_seconds,
            )
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

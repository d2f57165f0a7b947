"""Fetching the shared followed list with procrastinate's jobs: real PostgreSQL, a real Chroma server,
real worker processes (``python -m index follow worker``) and a real news site on loopback."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from index.settings import IndexSettings
from index.sources.follow_jobs import _fetched_after, enqueue_feeds, start_in_chat
from index.sources.follow_list import Followed
from index.sources.follow_store import FollowStore, open_follow_list
from index.sources.follower import Follower
from index.store import ArticleStore
from tests.conftest import ROOT, stop_process
from tests.news_site import page, rss
from tests.postgres_server import fresh_postgres_database
from tests.web_server import Recorded, Route, WebServer

FEEDS = 200  # what issue 31 asks for
ARTICLES = 20  # the feeds with a new article (the rest: nothing new), so the test stays within a minute


def serve_feeds(web: WebServer, names: list[str], articles: int | None = None) -> None:
    """One feed per name, the first ``articles`` (default: all) each leading to one article of its own,
    the others with nothing in them."""
    for n, name in enumerate(names):
        items = [(f"/news/{name}", f"Shipment kestrel-{n} held")] if articles is None or n < articles else []
        if items:
            web.routes[f"/news/{name}"] = Route(body=page(n), headers={"Content-Type": "text/html; charset=utf-8"})
        web.routes[f"/feed/{name}.xml"] = Route(body=rss(web, items), headers={"Content-Type": "application/rss+xml"})


@pytest.fixture
def options(web: WebServer, tmp_path: Path, postgres_server: str, chroma_server: tuple[str, int]) -> dict[str, object]:
    """A deployment in server mode: Chroma server, keyword index, record manager and list in PostgreSQL."""
    host, port = chroma_server
    return {
        "db_path": str(tmp_path / "db"),
        "follow_file": str(tmp_path / "followed.json"),
        "chroma_host": host,
        "chroma_port": port,
        "collection": f"news_{uuid.uuid4().hex[:8]}",
        "record_manager_url": fresh_postgres_database(postgres_server),  # new tables: workers race to make them
        "keyword_index": "postgres",
        "fetch_allow_private": [web.origin],
        "fetch_host_interval": 0.0,
        "follow_stalled_seconds": 2.0,
    }


def worker(options: dict[str, object], *flags: str, log: Path | None = None) -> subprocess.Popen[str]:
    """``python -m index follow worker`` as another machine runs it (what it says: to ``log``, or a pipe)."""
    env = {f"ASSISTANT_{key.upper()}": v if isinstance(v, str) else json.dumps(v) for key, v in options.items()}
    return subprocess.Popen(
        [sys.executable, "-m", "index", "follow", "worker", *flags],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log.open("w") if log else subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(done: Callable[[], bool], timeout: float = 300) -> bool:
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        time.sleep(0.2)
    return done()


def follow(options: dict[str, object], web: WebServer, names: list[str]) -> tuple[IndexSettings, FollowStore]:
    settings = IndexSettings(**options)  # type: ignore[arg-type]
    follow_list = open_follow_list(settings)
    for name in names:
        follow_list.add(web.url(f"/feed/{name}.xml"))
    return settings, follow_list


def test_two_workers_fetch_every_feed_once_per_cycle_and_index_every_article_once(
    web: WebServer, embeddings, options: dict[str, object]
) -> None:
    names = [str(n) for n in range(FEEDS)]
    serve_feeds(web, names, ARTICLES)
    settings, follow_list = follow(options, web, names)
    for cycle in (1, 2):
        assert enqueue_feeds(settings) == FEEDS
        assert enqueue_feeds(settings) == 0, "a feed already waiting is not enqueued twice"
        workers = [worker(options, "--once") for _ in range(2)]
        try:
            outputs = [process.communicate(timeout=600)[0] for process in workers]
        finally:
            for process in workers:
                stop_process(process)
        assert [process.returncode for process in workers] == [0, 0], outputs
        asked = Counter(request.path for request in web.requests)
        assert {path: count for path, count in asked.items() if path.startswith("/feed/")} == {
            f"/feed/{name}.xml": cycle for name in names
        }, f"every feed fetched exactly once per cycle (cycle {cycle})"
        assert all(asked[f"/news/{name}"] == 1 for name in names[:ARTICLES]), asked

    entries = follow_list.entries()
    assert all(entry.last_fetch for entry in entries), [e.status for e in entries]
    indexed = sum(entry.total_articles for entry in entries)
    copies = sum(1 for entry in entries for problem in entry.problems if problem.kind == "copy")
    assert indexed > 0 and indexed + copies == ARTICLES, [(e.url, e.status, e.problems) for e in entries if e.problems]
    store = ArticleStore.open(settings, embeddings=embeddings)
    assert sum(store.article_text(web.url(f"/news/{name}")) is not None for name in names[:ARTICLES]) == indexed


def test_a_worker_killed_mid_fetch_leaves_its_feed_to_the_other(
    web: WebServer, embeddings, options: dict[str, object]
) -> None:
    names = ["slow", "a", "b", "c"]
    serve_feeds(web, names)
    reached, release = threading.Event(), threading.Event()
    slow_page = web.routes["/news/slow"]

    def slow(request: Recorded) -> Route:  # the first worker is killed while it waits here
        reached.set()
        release.wait(timeout=120)
        assert isinstance(slow_page, Route)
        return slow_page

    web.routes["/news/slow"] = slow
    settings, follow_list = follow(options, web, ["slow"])
    enqueue_feeds(settings)
    first = worker(options)
    try:
        assert reached.wait(timeout=300), "the first worker never reached the slow article"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=60)
    finally:
        stop_process(first)
    web.routes["/news/slow"] = slow_page
    release.set()
    for name in names[1:]:
        follow_list.add(web.url(f"/feed/{name}.xml"))
    enqueue_feeds(settings)

    second = worker(options)
    try:
        deadline = time.monotonic() + 300
        while not all(entry.last_fetch for entry in follow_list.entries()) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        second.send_signal(signal.SIGTERM)
        stop_process(second)
        said = second.stdout.read() if second.stdout else ""

    entries = {entry.url: entry for entry in follow_list.entries()}
    assert all(entry.last_fetch for entry in entries.values()), ([e.status for e in entries.values()], said)
    asked = Counter(request.path for request in web.requests)
    assert asked["/feed/slow.xml"] == 2, "the killed worker's feed fetched again, by the other"
    assert all(asked[f"/feed/{name}.xml"] == 1 for name in names[1:]), asked
    slow_entry = entries[web.url("/feed/slow.xml")]
    assert slow_entry.total_articles == 1, (slow_entry.status, slow_entry.problems)
    store = ArticleStore.open(settings, embeddings=embeddings)
    assert store.article_text(web.url("/news/slow")) is not None


def test_due_feeds_are_enqueued_on_each_tick_by_one_worker(
    web: WebServer, embeddings, options: dict[str, object], tmp_path: Path
) -> None:
    names = ["p0", "p1", "p2"]
    serve_feeds(web, names)
    options = {**options, "follow_tick_cron": "* * * * * */2", "follow_interval_minutes": 1 / 60}  # 2 s, 1 s
    logs = [tmp_path / f"worker{n}.log" for n in range(2)]
    workers = [worker(options, log=log) for log in logs]
    try:
        settings, follow_list = follow(options, web, names)  # nobody enqueues: the workers' ticks do

        def fetches() -> Counter[str]:
            return Counter(r.path for r in list(web.requests) if r.path.startswith("/feed/"))

        assert wait_for(lambda: len(fetches()) == len(names) and min(fetches().values()) >= 3), fetches()
    finally:
        for process in workers:
            stop_process(process)
    said = "".join(log.read_text() for log in logs)
    ticks = re.findall(r"tick (\d+): ", said)
    assert len(ticks) == len(set(ticks)), f"a tick run by both workers: {sorted(ticks)}"
    fetched = fetches()
    assert max(fetched.values()) <= len(ticks), (fetched, ticks, "a feed fetched twice in one tick")
    asked = Counter(request.path for request in web.requests)
    assert all(asked[f"/news/{name}"] == 1 for name in names), asked
    assert [entry.total_articles for entry in follow_list.entries()] == [1, 1, 1], said
    store = ArticleStore.open(settings, embeddings=embeddings)
    assert all(store.article_text(web.url(f"/news/{name}")) is not None for name in names)


def test_the_chats_follower_is_a_worker_and_its_fetches_are_jobs(
    web: WebServer, embeddings, options: dict[str, object], tmp_path: Path
) -> None:
    names = [f"c{n}" for n in range(6)]
    serve_feeds(web, names)
    settings, follow_list = follow(options, web, names[:1])
    chat = Follower(ArticleStore.open(settings, embeddings=embeddings), settings)
    stop = start_in_chat(chat)  # the chat's process, sharing the jobs with a follow worker
    other = worker(options, log=tmp_path / "worker.log")
    try:
        assert chat.fetch_in_background(web.url("/feed/c0.xml")), "the chat's Follow: a job, taken at once"
        assert wait_for(lambda: bool(follow_list.entries()[0].last_fetch)), (tmp_path / "worker.log").read_text()
        for name in names[1:]:
            follow_list.add(web.url(f"/feed/{name}.xml"))
        assert chat.fetch_in_background(), "the chat's Fetch all: a job per feed"
        assert wait_for(lambda: all(entry.last_fetch for entry in follow_list.entries()))
    finally:
        stop.set()
        stop_process(other)
    asked = Counter(request.path for request in web.requests)
    assert asked["/feed/c0.xml"] in (1, 2), asked  # asked twice: by Follow, then by Fetch all
    assert all(asked[f"/feed/{name}.xml"] == 1 for name in names[1:]), asked
    assert all(asked[f"/news/{name}"] == 1 for name in names), asked
    store = ArticleStore.open(settings, embeddings=embeddings)
    assert all(store.article_text(web.url(f"/news/{name}")) is not None for name in names)


def test_a_fetch_ending_in_the_second_a_job_was_asked_is_told_before_from_after() -> None:
    """Plumbing, no database: a job is skipped only for a fetch that ended after it was asked for (a tick
    that read the list while the fetch ran), not for one that ended just before (Fetch all after a cycle);
    CI met the first within one second, when the list kept whole seconds."""
    asked = "2026-12-06T20:42:00.500000+00:00"

    def fetched(at: str | None) -> Followed:
        return Followed(url="http://127.0.0.1/feed.xml", added=asked, last_fetch=at)

    assert _fetched_after(fetched("2026-12-06T20:42:00.900000+00:00"), asked), "ended after the ask: skip"
    assert not _fetched_after(fetched("2026-12-06T20:42:00.100000+00:00"), asked), "ended before: fetch"
    assert not _fetched_after(fetched("2026-12-06T20:42:00+00:00"), asked), "a list kept in seconds: fetch"
    assert not _fetched_after(fetched(None), asked), "never fetched: fetch"


def test_two_replicas_enqueueing_at_once_enqueue_each_feed_once(web: WebServer, options: dict[str, object]) -> None:
    names = [f"r{n}" for n in range(1000)]  # two batches each: the two replicas' batches overlap
    settings, _ = follow(options, web, names)
    counts: list[int] = []
    replicas = [threading.Thread(target=lambda: counts.append(enqueue_feeds(settings))) for _ in range(2)]
    for replica in replicas:
        replica.start()
    for replica in replicas:
        replica.join(timeout=300)
    assert len(counts) == 2 and sum(counts) == len(names), counts
    assert enqueue_feeds(settings) == 0

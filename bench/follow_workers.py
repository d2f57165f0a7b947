"""Following at scale in server mode: N followed feeds on a loopback site fetched by 1, then 2
``python -m index follow worker`` processes (procrastinate jobs in PostgreSQL, a Chroma server): the
cycle time with nothing new, then with 1 % of the feeds bringing one new article each, the per-feed
cost, and the database's cost per job.

    python bench/follow_workers.py [--feeds 10000] [--hosts 20] [--entries 20] [--new 0.01] [--workers 1 2]

The feeds are spread over ``--hosts`` loopback addresses (127.0.0.1, 127.0.0.2, ...; one site
answering on each): one worker at a time fetches from a host, so on one host a second worker waits.
Each feed lists ``--entries`` articles already seen (its followed state says so, as after months of
following), served again with the same body each time (what most feeds do between two articles).
A cycle is ``follow enqueue`` (one job per feed) until every feed was fetched once by the site's
access log and no job waits: wall time, and worker-seconds per feed (wall x workers / feeds; the
one-process follower's figure, bench/fetching.py, is 14.6 ms per unchanged feed). The database's
cost per job is read from ``pg_stat_database`` around the cycle (workers stopped, so their sessions'
figures are in): time spent executing statements (``active_time``, which counts a worker waiting for a
host's advisory lock too), transactions, rows written.
PostgreSQL (``initdb`` on loopback, fsync off) and ``chroma run`` are started for the run unless
``--url`` names a database. The site, the database, Chroma and the workers share this machine's
cores. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from index.settings import IndexSettings
from index.sources.follow_jobs import enqueue_feeds, job_app
from index.sources.follow_list import Followed
from index.sources.follow_shared import SharedFollowList
from index.store.keyword.postgres import postgres_engine
from index.store.sql import utc_now
from tests.conftest import chroma_server, stop_process
from tests.news_site import page, rss
from tests.postgres_server import fresh_postgres_database, postgres_server
from tests.web_server import Route, WebServer, _handler_for, _QuietServer

ROOT = Path(__file__).resolve().parent.parent
RSS = {"Content-Type": "application/rss+xml"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
STATS = "SELECT active_time, xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database "


class _Scratch:
    """What the Chroma server fixture asks of pytest's tmp_path_factory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def mktemp(self, name: str) -> Path:
        path = self.root / name
        path.mkdir()
        return path


def _workers(options: dict[str, object], count: int, logs: Path) -> list[subprocess.Popen[bytes]]:
    env = {f"ASSISTANT_{key.upper()}": v if isinstance(v, str) else json.dumps(v) for key, v in options.items()}
    started = []
    for n in range(count):
        log = logs / f"worker-{count}-{n}-{time.time_ns()}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "index", "follow", "worker"],
                cwd=ROOT,
                env={**os.environ, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        while "taking fetch jobs" not in log.read_text():  # started: its encoder and store are open
            if process.poll() is not None:
                raise SystemExit(f"a worker died: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        started.append(process)
    return started


def _cycle(web: WebServer, settings: IndexSettings, options: dict[str, object], count: int, logs: Path) -> dict:
    """One cycle with ``count`` workers: wall seconds, enqueue seconds, and the database's counters' deltas."""
    engine = postgres_engine(settings.follow_database)
    name = engine.url.database
    feeds = len(SharedFollowList(engine, settings.collection).entries())
    workers = _workers(options, count, logs)
    with engine.connect() as db:
        db.execute(text("SELECT pg_stat_clear_snapshot()"))
        before = db.execute(text(STATS + "WHERE datname = :d"), {"d": name}).one()
    fetched_before = sum(1 for r in list(web.requests) if r.path.startswith("/feed/"))
    started = time.perf_counter()
    enqueue_feeds(settings)
    enqueued = time.perf_counter() - started
    with engine.connect() as db:
        while True:
            fetched = sum(1 for r in list(web.requests) if r.path.startswith("/feed/")) - fetched_before
            waiting = db.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"))
            if fetched >= feeds and waiting.scalar() == 0:
                break
            time.sleep(0.1)
            db.rollback()
    wall = time.perf_counter() - started
    for process in workers:
        stop_process(process, timeout=60)
    time.sleep(1.5)  # the statistics collector's flush
    with engine.connect() as db:
        after = db.execute(text(STATS + "WHERE datname = :d"), {"d": name}).one()
    return {
        "wall_s": wall,
        "enqueue_s": enqueued,
        "fetched": fetched,
        "db_ms": after[0] - before[0],
        "xacts": after[1] - before[1],
        "rows": after[2] - before[2],
    }


class _Site:
    """The loopback site answering on ``hosts`` addresses (one access log): feed ``n`` on host ``n % hosts``."""

    def __init__(self, web: WebServer, hosts: int) -> None:
        self.web = web
        self.servers = [_QuietServer((f"127.0.0.{h}", 0), _handler_for(web)) for h in range(2, hosts + 1)]
        for server in self.servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.origins = [web.origin] + [f"127.0.0.{h}:{s.server_address[1]}" for h, s in enumerate(self.servers, 2)]

    def url(self, feed: int, path: str) -> str:
        return f"http://{self.origins[feed % len(self.origins)]}{path}"

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def _serve(site: _Site, feed: int, entries: int, new: bool) -> None:
    web = site.web
    items = [(site.url(feed, f"/news/{feed}-{k}"), f"Story {feed}-{k}") for k in range(entries)]
    if new:
        web.routes[f"/news/{feed}-new"] = Route(body=page(feed), headers=HTML)
        items.insert(0, (site.url(feed, f"/news/{feed}-new"), f"Shipment kestrel-{feed} held"))
    web.routes[f"/feed/{feed}.xml"] = Route(body=rss(web, items), headers=RSS)


def _follow(site: _Site, settings: IndexSettings, feeds: int, entries: int) -> None:
    """``feeds`` followed feeds whose ``entries`` articles are all seen already, written in one transaction."""
    shared = SharedFollowList.connect(settings.follow_database, settings.collection)
    with shared.engine.begin() as connection:
        for feed in range(feeds):
            _serve(site, feed, entries, new=False)
            seen = [site.url(feed, f"/news/{feed}-{k}") for k in range(entries)]
            shared._insert(connection, Followed(url=site.url(feed, f"/feed/{feed}.xml"), added=utc_now(), seen=seen))


def _line(label: str, feeds: int, count: int, figures: dict) -> str:
    jobs = figures["fetched"]
    return (
        f"{label}, {count} worker{'s' * (count > 1)}: cycle {figures['wall_s']:.1f} s "
        f"({feeds / figures['wall_s']:.0f} feeds/s; enqueue {figures['enqueue_s']:.1f} s), "
        f"{1000 * figures['wall_s'] * count / feeds:.1f} worker-ms per feed; database per job: "
        f"{figures['db_ms'] / jobs:.2f} ms executing, {figures['xacts'] / jobs:.1f} transactions, "
        f"{figures['rows'] / jobs:.1f} rows written"
    )


@contextlib.contextmanager
def _database(url: str | None, scratch: Path) -> Iterator[str]:
    if url:
        yield url
        return
    with contextlib.contextmanager(postgres_server.__wrapped__)() as server:
        yield server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=20, help="loopback addresses the feeds are spread over")
    parser.add_argument("--entries", type=int, default=20, help="articles each feed lists (all seen)")
    parser.add_argument("--new", type=float, default=0.01, help="share of the feeds with a new article")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--url", help="a PostgreSQL server's URL (default: one started for the run)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped: the servers started here stop too
    results = {}
    with (
        tempfile.TemporaryDirectory() as scratch,
        WebServer() as web,
        _database(args.url, Path(scratch)) as server,
        contextlib.contextmanager(chroma_server.__wrapped__)(_Scratch(Path(scratch))) as (host, port),
    ):
        site = _Site(web, args.hosts)
        database = fresh_postgres_database(server)
        options: dict[str, object] = {
            "db_path": str(Path(scratch) / "db"),
            "follow_file": str(Path(scratch) / "followed.json"),
            "chroma_host": host,
            "chroma_port": port,
            "collection": f"bench_{uuid.uuid4().hex[:8]}",
            "record_manager_url": database,
            "keyword_index": "postgres",
            "fetch_allow_private": site.origins,
            "fetch_host_interval": 0.0,
            "follow_tick_cron": "0 0 1 1 *",  # the cycles here are enqueued by the bench, not by the ticks
            "follow_fill_chunks": 0,
        }
        settings = IndexSettings(**options)  # type: ignore[arg-type]
        _follow(site, settings, args.feeds, args.entries)
        job_app(settings)  # the jobs' tables made before the workers start
        warm = _cycle(web, settings, options, max(args.workers), Path(scratch))
        print(_line("first fetch of every feed (not a figure)", args.feeds, max(args.workers), warm), flush=True)
        fresh = 0
        for count in args.workers:
            results[f"unchanged_{count}"] = figures = _cycle(web, settings, options, count, Path(scratch))
            print(_line(f"{args.feeds} feeds, nothing new", args.feeds, count, figures), flush=True)
            batch = range(fresh, fresh + max(1, round(args.feeds * args.new)))
            fresh = batch.stop
            for feed in batch:
                _serve(site, feed, args.entries, new=True)
            results[f"new_{count}"] = figures = _cycle(web, settings, options, count, Path(scratch))
            fetched = sum(1 for r in list(web.requests) if r.path.endswith("-new"))
            print(_line(f"{args.feeds} feeds, {len(batch)} new articles", args.feeds, count, figures), flush=True)
            print(f"  new articles fetched so far: {fetched} (expected {fresh})", flush=True)
        site.close()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

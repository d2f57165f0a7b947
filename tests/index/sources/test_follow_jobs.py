"""Fetching the shared followed list with procrastinate's jobs: real PostgreSQL, a real Chroma server,
real worker processes (``python -m index follow worker``) and a real news site on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections import Counter

from index.settings import IndexSettings
from index.sources.follow_jobs import enqueue_feeds
from index.sources.follow_store import open_follow_list
from index.store import ArticleStore
from tests.conftest import ROOT, stop_process
from tests.news_site import page, rss
from tests.web_server import Route, WebServer

FEEDS = 20


def test_two_workers_fetch_every_feed_once_and_index_every_article_once(
    web: WebServer, tmp_path, embeddings, postgres_server: str, chroma_server: tuple[str, int]
) -> None:
    for n in range(FEEDS):
        web.routes[f"/news/{n}"] = Route(body=page(n), headers={"Content-Type": "text/html; charset=utf-8"})
        items = [(f"/news/{n}", f"Shipment kestrel-{n} held")]
        web.routes[f"/feed/{n}.xml"] = Route(body=rss(web, items), headers={"Content-Type": "application/rss+xml"})
    host, port = chroma_server
    options: dict[str, object] = {
        "db_path": str(tmp_path / "db"),
        "follow_file": str(tmp_path / "followed.json"),
        "chroma_host": host,
        "chroma_port": port,
        "collection": f"news_{uuid.uuid4().hex[:8]}",
        "record_manager_url": postgres_server,
        "keyword_index": "postgres",
        "fetch_allow_private": [web.origin],
        "fetch_host_interval": 0.0,
    }
    settings = IndexSettings(**options)  # type: ignore[arg-type]
    follow_list = open_follow_list(settings)
    for n in range(FEEDS):
        follow_list.add(web.url(f"/feed/{n}.xml"))
    assert enqueue_feeds(settings) == FEEDS
    assert enqueue_feeds(settings) == 0, "a feed already waiting is not enqueued twice"

    env = {
        f"ASSISTANT_{key.upper()}": value if isinstance(value, str) else json.dumps(value)
        for key, value in options.items()
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "index", "follow", "worker", "--once"],
            cwd=ROOT,
            env={**__import__("os").environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        outputs = [worker.communicate(timeout=600)[0] for worker in workers]
    finally:
        for worker in workers:
            stop_process(worker)
    assert [worker.returncode for worker in workers] == [0, 0], outputs

    asked = Counter(request.path for request in web.requests)
    assert {path: asked[path] for path in asked if path.startswith("/feed/")} == {
        f"/feed/{n}.xml": 1 for n in range(FEEDS)
    }, "every feed fetched exactly once"
    assert all(asked[f"/news/{n}"] == 1 for n in range(FEEDS)), asked
    entries = follow_list.entries()
    assert all(entry.last_fetch for entry in entries), [e.status for e in entries]
    indexed = sum(entry.total_articles for entry in entries)
    copies = sum(1 for entry in entries for problem in entry.problems if problem.kind == "copy")
    assert indexed + copies == FEEDS, [(e.url, e.status, e.problems) for e in entries]
    store = ArticleStore.open(settings, embeddings=embeddings)
    assert sum(store.article_text(web.url(f"/news/{n}")) is not None for n in range(FEEDS)) == indexed

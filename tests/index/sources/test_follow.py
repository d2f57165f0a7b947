"""News that flows in: feeds, sitemaps and pages from a real server on loopback, fetched, extracted,
indexed once, followed on a schedule, resumed after a kill; every failure named with its URL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.settings import AssistantSettings
from index.sources.follow_list import FollowList
from index.sources.follower import Follower, fetch_into_index, start_in_background
from index.store import ArticleStore
from tests.conftest import ROOT, run_python
from tests.news_site import BOILERPLATE, page, paywall_page, rss, serve_feed, story
from tests.web_server import Recorded, Route, WebServer


@pytest.fixture
def store(settings: AssistantSettings, embeddings) -> ArticleStore:
    return ArticleStore.open(settings, embeddings=embeddings)


def test_a_feed_is_followed_its_articles_extracted_and_answered(settings, store, web: WebServer) -> None:
    serve_feed(web)
    web.routes["/feed.xml"] = Route(
        body=rss(web, [(f"/news/{n}", f"Shipment kestrel-{n} held") for n in (1, 2, 3)] + [("/gone", "Gone")]),
        headers={"Content-Type": "application/rss+xml"},
    )
    follower = Follower(store, settings)
    follower.follow_list.add(web.url("/feed.xml"))

    [report] = follower.cycle()

    assert (report.kind, report.new_articles) == ("feed", 3), report.line()
    assert [f"{e.path}: {e.message}" for e in report.errors] == [f"{web.url('/gone')}: HTTP 404"]
    [entry] = follower.follow_list.entries()
    assert (entry.status, entry.new_articles, entry.total_articles, entry.kind) == ("ok", 3, 3, "feed")
    answer = Assistant(settings, store=store).ask("How many blades did the manifest of shipment kestrel-2 list?")
    assert answer.answered and "25 blades" in answer.text
    cited = answer.citations[0]
    assert cited.url == web.url("/news/2") and cited.source == "Island News" and cited.date == "2024-03-03"
    indexed = store.article_text(web.url("/news/2")) or ""
    assert all(paragraph in indexed for paragraph in story(2)), "every paragraph of the story is indexed"
    assert not any(phrase in indexed for phrase in BOILERPLATE), "no menu, banner, related links or footer"


def test_an_unchanged_feed_costs_one_conditional_request(settings, store, web: WebServer) -> None:
    serve_feed(web)
    feed = web.routes["/feed.xml"]
    assert isinstance(feed, Route)

    def conditional(request: Recorded) -> Route:
        if request.headers.get("if-none-match") == '"v1"':
            return Route(status=304)
        return Route(body=feed.body, headers={"Content-Type": "application/rss+xml", "ETag": '"v1"'})

    web.routes["/feed.xml"] = conditional
    follower = Follower(store, settings)
    follower.follow_list.add(web.url("/feed.xml"))
    assert follower.cycle()[0].new_articles == 3
    asked_before = len(web.requests)

    [again] = follower.cycle()

    assert again.not_modified and again.new_articles == 0
    assert [r.path for r in web.requests[asked_before:]] == ["/feed.xml"], "one request, no page fetched"
    assert follower.follow_list.entries()[0].status == "unchanged"


def test_entries_already_indexed_are_not_fetched_again(settings, store, web: WebServer) -> None:
    serve_feed(web)  # no validators: the feed is read every time
    follower = Follower(store, settings)
    follower.follow_list.add(web.url("/feed.xml"))
    follower.cycle()
    serve_feed(web, count=4)  # one new entry
    asked_before = len(web.requests)

    [report] = follower.cycle()

    assert report.new_articles == 1
    assert [r.path for r in web.requests[asked_before:]] == ["/feed.xml", "/news/4"]


def test_listeners_hear_how_many_new_articles_a_cycle_or_a_fetch_indexed(settings, store, web: WebServer) -> None:
    serve_feed(web)
    told: list[int] = []
    follower = Follower(store, settings, on_indexed=told.append)  # the chat re-asks followed questions then
    follower.follow_list.add(web.url("/feed.xml"))
    follower.cycle()
    follower.cycle()  # nothing new: nobody is told
    serve_feed(web, count=4)
    follower.fetch_one(web.url("/feed.xml"))
    assert told == [3, 1]


def test_a_wire_story_from_a_second_outlet_is_noted_as_a_copy(settings, store, web: WebServer) -> None:
    web.routes["/a"] = Route(body=page(1), headers={"Content-Type": "text/html"})
    web.routes["/b"] = Route(body=page(1, title="Kestrel cargo delayed"), headers={"Content-Type": "text/html"})
    client = Follower(store, settings).client
    first, _ = fetch_into_index(store, client, web.url("/a"))
    second, _ = fetch_into_index(store, client, web.url("/b"))
    assert (first.new_articles, second.new_articles, second.copies) == (1, 0, 1)
    [copy] = store.stories.copies_of([web.url("/a")])[web.url("/a")]
    assert copy.url == web.url("/b")


def test_bad_addresses_are_each_reported_and_the_rest_indexed(settings, store, web: WebServer) -> None:
    serve_feed(web, count=1)
    web.routes["/broken.xml"] = Route(body=b"<rss><channel><item>", headers={"Content-Type": "application/rss+xml"})
    web.routes["/empty"] = Route(
        body=b"<html><body><form>Log in</form></body></html>", headers={"Content-Type": "text/html"}
    )
    web.routes["/paywall"] = Route(body=paywall_page(1), headers={"Content-Type": "text/html"})
    web.routes["/error"] = Route(status=500)
    web.routes["/loop"] = Route(redirect="/loop")
    client = Follower(store, settings).client
    reports = {
        path: fetch_into_index(store, client, web.url(path))[0]
        for path in ("/broken.xml", "/empty", "/paywall", "/error", "/loop", "/feed.xml")
    }
    assert reports["/error"].failed == "HTTP 500"
    assert "redirect" in (reports["/loop"].failed or "")
    [broken] = reports["/broken.xml"].errors
    assert broken.path == web.url("/broken.xml") and "malformed feed" in broken.message
    assert [e.message for e in reports["/empty"].errors] == ["no article text found on the page"]
    assert [e.message for e in reports["/paywall"].errors] == ["behind a paywall: only a teaser was served"]
    assert reports["/feed.xml"].new_articles == 1


def test_follow_cli_adds_lists_runs_once_and_removes(tmp_path: Path, web: WebServer) -> None:
    serve_feed(web, count=2)
    env = {
        **os.environ,
        "ASSISTANT_DB_PATH": str(tmp_path / "db"),
        "ASSISTANT_FOLLOW_FILE": str(tmp_path / "followed.json"),
        "ASSISTANT_FETCH_ALLOW_PRIVATE": json.dumps([web.origin]),
        "ASSISTANT_FETCH_HOST_INTERVAL": "0",
    }

    def index(*args: str) -> subprocess.CompletedProcess[str]:
        return run_python("-m", "index", *args, env=env)

    assert index("follow", "add", web.url("/feed.xml")).returncode == 0
    refused = index("follow", "add", "ftp://example.org/feed")
    assert refused.returncode == 2 and refused.stderr.strip().startswith("error: ")
    ran = index("follow", "run", "--once")
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert f"{web.url('/feed.xml')}: feed, 2 new articles" in ran.stdout
    listed = index("follow", "list")
    assert web.url("/feed.xml") in listed.stdout and "2 new, 2 in all, 0 problems" in listed.stdout
    fetched = index("fetch", web.url("/news/1"), web.url("/missing"))
    assert f"{web.url('/missing')}: failed: HTTP 404" in fetched.stdout
    assert f"{web.url('/news/1')}: page, 0 new articles" in fetched.stdout, "the same article, not a second one"
    extracted = index("extract", web.url("/news/2"), "--json")
    assert extracted.returncode == 0, extracted.stderr[-2000:]
    [shown] = [json.loads(line) for line in extracted.stdout.splitlines()]
    assert set(shown) == {"id", "title", "date", "authors", "source", "url", "language", "text"}
    assert shown["url"] == web.url("/news/2") and shown["authors"] == ["Ada Fenwick"] and shown["language"] == "en"
    assert story(2)[1] in shown["text"] and not any(phrase in shown["text"] for phrase in BOILERPLATE)
    assert index("follow", "remove", web.url("/feed.xml")).returncode == 0
    assert index("follow", "list").stdout.strip() == ""


def test_fetching_a_site_again_counts_only_what_the_index_gained(tmp_path: Path, web: WebServer) -> None:
    serve_feed(web, count=3)
    env = {
        "ASSISTANT_DB_PATH": str(tmp_path / "db"),
        "ASSISTANT_FETCH_ALLOW_PRIVATE": json.dumps([web.origin]),
        "ASSISTANT_FETCH_HOST_INTERVAL": "0",
    }
    feed = web.url("/feed.xml")

    def fetch_line() -> str:
        fetched = run_python("-m", "index", "fetch", feed, env=env)
        assert fetched.returncode == 0, fetched.stderr[-2000:]
        return fetched.stdout.splitlines()[0]

    assert fetch_line() == f"{feed}: feed, 3 new articles"
    assert fetch_line() == f"{feed}: feed, 0 new articles", "the same site again: nothing new"
    correction = "Correction: an earlier version of this story misstated the number of days the shipment was held."
    web.routes["/news/2"] = Route(body=page(2, correction=correction), headers={"Content-Type": "text/html"})
    assert fetch_line() == f"{feed}: feed, 0 new articles, 1 updated", "a corrected article is not a new one"
    stats = run_python("-m", "index", "stats", "--json", env=env)
    assert json.loads(stats.stdout)["articles"] == 3


def test_a_follower_killed_mid_fetch_resumes_without_losing_or_repeating(tmp_path: Path, web: WebServer) -> None:
    count = 8  # two batches of four: the kill lands after the first is indexed
    serve_feed(web, count=count)
    for n in range(1, count + 1):  # slow pages, so the kill lands in the middle of the fetch
        web.routes[f"/news/{n}"] = Route(body=page(n), headers={"Content-Type": "text/html"}, delay=0.8)
    followed = tmp_path / "followed.json"
    env = {
        **os.environ,
        "ASSISTANT_DB_PATH": str(tmp_path / "db"),
        "ASSISTANT_FOLLOW_FILE": str(followed),
        "ASSISTANT_FETCH_ALLOW_PRIVATE": json.dumps([web.origin]),
        "ASSISTANT_FETCH_HOST_INTERVAL": "0",
    }
    FollowList(followed).add(web.url("/feed.xml"))
    command = [sys.executable, "-m", "index", "follow", "run", "--once"]
    killed = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while not (FollowList(followed).entries()[0].seen) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    seen_at_kill = len(FollowList(followed).entries()[0].seen)
    assert 0 < seen_at_kill < count, "the kill landed mid-fetch"

    resumed = run_python(*command[1:], env=env)

    assert resumed.returncode == 0, resumed.stderr[-2000:]
    store = ArticleStore.open(AssistantSettings(db_path=tmp_path / "db"))
    ids = [metadata["article_id"] for metadata in store.collection.get(include=["metadatas"])["metadatas"]]
    articles = {web.url(f"/news/{n}") for n in range(1, count + 1)}
    assert set(ids) == articles, "every entry indexed"
    for article_id in articles:  # each exactly once: its chunks are exactly one article's chunks
        chunk_numbers = [m["chunk"] for m in store.collection.get(where={"article_id": article_id})["metadatas"]]
        assert sorted(chunk_numbers) == list(range(len(chunk_numbers)))
    fetched_pages = [r.path for r in web.requests if r.path.startswith("/news/")]
    assert len(fetched_pages) <= count + 4, "at most the unfinished batch (four pages) was fetched again"
    stats = json.loads(run_python("-m", "index", "stats", "--json", env=env).stdout)
    listed = run_python("-m", "index", "follow", "list", env=env).stdout
    assert stats["articles"] == count and f", {count} in all," in listed, "the total is what the index holds"


def test_a_follower_fills_the_better_vectors_of_what_it_indexed_between_cycles(settings, store, web: WebServer) -> None:
    """The second speed without an improve worker: after its cycle the background follower fills the
    better vectors (minilm-int8, the default) of the chunks it indexed, and `index stats` counts them."""
    assert store.full_vectors.enabled, "the second speed is on by default"
    serve_feed(web)
    web.routes["/feed.xml"] = Route(
        body=rss(web, [(f"/news/{n}", f"Shipment kestrel-{n} held") for n in (1, 2)]),
        headers={"Content-Type": "application/rss+xml"},
    )
    follower = Follower(store, settings)
    follower.follow_list.add(web.url("/feed.xml"))
    stop = start_in_background(follower)
    try:
        deadline = time.monotonic() + 180
        while not (0 < len(store.chunk_ids()) == store.full_vectors.count()) and time.monotonic() < deadline:
            time.sleep(0.2)  # polling for the fill to be done, not a wait before a check
    finally:
        stop.set()
    chunks = len(store.chunk_ids())
    assert chunks > 0 and store.full_vectors.count() == chunks, (chunks, store.full_vectors.count())
    stats = run_python("-m", "index", "stats", "--db", str(settings.db_path))
    assert f"{chunks} of {chunks} chunks have full vectors" in stats.stdout, stats.stdout

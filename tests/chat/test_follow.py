"""Following from the chat: the Articles tab follows a feed (through the served app's API), and the
chat's background follower indexes new entries that are then answered without a restart."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
from gradio_client import Client

from index.sources.follow_list import FollowList
from tests.conftest import serving
from tests.news_site import serve_feed
from tests.web_server import WebServer

QUESTION = "How many blades did the manifest of shipment kestrel-{n} list?"


def chat_env(tmp_path: Path, web: WebServer, **extra: str) -> dict[str, str]:
    return {
        "ASSISTANT_FOLLOW_FILE": str(tmp_path / "followed.json"),
        "ASSISTANT_FETCH_ALLOW_PRIVATE": json.dumps([web.origin]),  # this test's server only
        "ASSISTANT_FETCH_HOST_INTERVAL": "0",
        **extra,
    }


def ask(client: Client, n: int) -> str:
    return str(client.predict(QUESTION.format(n=n), "", "", [], api_name="/chat"))


def test_the_articles_tab_follows_a_feed_and_the_chat_answers_from_it(tmp_path: Path, web: WebServer) -> None:
    serve_feed(web, count=2)
    with serving(tmp_path / "db", chat_env(tmp_path, web)) as url:
        client = Client(url, verbose=False)
        assert "not in the articles" in ask(client, 2)
        outcome, table, _problems = client.predict(web.url("/feed.xml"), "", api_name="/follow")
        assert f"Following {web.url('/feed.xml')}: its row in the list shows its fetch" in outcome
        [row] = table["data"]
        assert row[0] == web.url("/feed.xml") and row[3].startswith(("waiting", "fetching")), "returned at once"
        followed = FollowList(tmp_path / "followed.json")
        deadline = time.monotonic() + 120
        while followed.entries()[0].status != "ok" and time.monotonic() < deadline:  # the fetch in the background
            time.sleep(0.5)
        [entry] = followed.entries()
        assert (entry.kind, entry.new_articles, entry.total_articles, entry.problems) == ("feed", 2, 2, [])
        assert "25 blades" in ask(client, 2)
        outcome, _selected, table, _ = client.predict(web.url("/feed.xml"), api_name="/unfollow")
        assert f"Stopped following {web.url('/feed.xml')}" in outcome
        assert web.url("/feed.xml") not in [row[0] for row in table["data"]], "the list shows it gone"
    assert FollowList(tmp_path / "followed.json").entries() == []


def test_the_chats_background_follower_brings_new_articles_without_a_restart(tmp_path: Path, web: WebServer) -> None:
    serve_feed(web, count=1)
    FollowList(tmp_path / "followed.json").add(web.url("/feed.xml"))
    env = chat_env(tmp_path, web, ASSISTANT_FOLLOW_IN_CHAT="true", ASSISTANT_FOLLOW_INTERVAL_MINUTES="0.02")
    with serving(tmp_path / "db", env) as url:
        client = Client(url, verbose=False)
        serve_feed(web, count=3)  # two new entries appear in the feed while the chat runs
        deadline = time.monotonic() + 120
        while "35 blades" not in (reply := ask(client, 3)) and time.monotonic() < deadline:
            time.sleep(1)
        assert "35 blades" in reply, reply[:500]


def test_the_chat_starts_and_its_pages_load_while_its_follower_indexes(tmp_path: Path, web: WebServer) -> None:
    """Each start finds new entries on the followed feed, so the follower indexes while the page is
    built and loaded (the chat once died at start-up on 2 starts of 3, sizing a file the keyword
    index had just renamed)."""
    FollowList(tmp_path / "followed.json").add(web.url("/feed.xml"))
    env = chat_env(tmp_path, web, ASSISTANT_FOLLOW_IN_CHAT="true", ASSISTANT_FOLLOW_INTERVAL_MINUTES="0.02")
    for start in range(1, 4):
        newest = 25 * start
        serve_feed(web, count=newest)  # 25 new entries before every start
        with serving(tmp_path / "db", env) as url:  # fails the test if the app dies starting
            for _ in range(5):
                assert "Articles" in httpx.get(url, timeout=30).text
            client = Client(url, verbose=False)
            deadline = time.monotonic() + 120
            while f"{10 * newest + 5} blades" not in (reply := ask(client, newest)) and time.monotonic() < deadline:
                time.sleep(1)
            assert f"{10 * newest + 5} blades" in reply, reply[:500]

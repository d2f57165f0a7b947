"""The Atom feeds, read by ``feedparser`` from the real app (``python app.py``, with a login) over HTTP:
a login's feed token opens the two feeds and nothing else, until revoked; the briefing feed's entries
carry stable ids, dates, the cited text and links that open the articles; bad parameters are a 422
saying why; and after the chat's follower indexes a new article, the followed question it answers
shows up in the followed feed with that source marked new."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import feedparser
import httpx
import pytest
from lxml import html

from index.sources.follow_list import FollowList
from tests.conftest import run_python, serving
from tests.news_site import serve_feed
from tests.web_server import WebServer

USER, PASSWORD = "ann", "s3cret-feeds"
QUESTION = "How many turbine blades did the manifest of shipment kestrel-3 list?"
FETCH_TIMEOUT_S = 180


@dataclass
class Served:
    url: str
    db: Path
    web: WebServer
    token: str


def cli(*args: str, env: dict[str, str] | None = None) -> str:
    done = run_python(*args, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Two stories of a loopback news site indexed, a question about a third followed by ``ann``, her
    feed token made; then the chat serving with a login, its follower reading the site's feed."""
    root = tmp_path_factory.mktemp("feeds")
    db = root / "db"
    with WebServer() as web:
        serve_feed(web, 2)
        fetching = {"ASSISTANT_FETCH_ALLOW_PRIVATE": json.dumps([web.origin]), "ASSISTANT_FETCH_HOST_INTERVAL": "0"}
        cli("-m", "index", "fetch", web.url("/feed.xml"), "--db", str(db), env=fetching)
        cli("-m", "assistant", "follow", "add", QUESTION, "--owner", USER, "--db", str(db))
        token = cli("-m", "assistant", "digest", "token", "--owner", USER, "--db", str(db)).split(": ")[1].split()[0]
        followed = FollowList(root / "followed.json")
        followed.add(web.url("/feed.xml"))
        env = {
            **fetching,
            "ASSISTANT_CHAT_USER": USER,
            "ASSISTANT_CHAT_PASSWORD": PASSWORD,
            "ASSISTANT_FOLLOW_FILE": str(followed.path),
            "ASSISTANT_FOLLOW_IN_CHAT": "true",
            "ASSISTANT_FOLLOW_INTERVAL_MINUTES": "0.05",  # a cycle every 3 s
        }
        with serving(db, env) as url:
            yield Served(url.rstrip("/"), db, web, token)


def read(served: Served, path: str, **params: str) -> feedparser.FeedParserDict:
    response = httpx.get(f"{served.url}{path}", params={"token": served.token, **params}, timeout=120)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def hrefs(entry: feedparser.FeedParserDict) -> list[str]:
    return list(html.fromstring(entry.content[0].value).xpath("//a/@href"))


def test_the_briefing_feed_has_stable_entries_with_cited_text_and_working_links(served: Served) -> None:
    feed = read(served, "/feeds/briefing.atom", days="7")
    assert feed.feed.title == "News briefing" and feed.entries
    cited = set()
    for entry in feed.entries:
        assert entry.id.startswith("urn:news-assistant:story:") and entry.updated_parsed and entry.published_parsed
        assert entry.link.startswith(served.web.url("/news/"))
        body = html.fromstring(entry.content[0].value).text_content()
        assert "Port Kestrel" in body and "Sources" in body, "the cited sentences and their passages"
        for href in hrefs(entry):
            assert httpx.get(href, timeout=10).status_code == 200, href
            cited.add(href)
    assert {served.web.url("/news/1"), served.web.url("/news/2")} <= cited, "both days' articles, linked"
    again = read(served, "/feeds/briefing.atom", days="7")
    assert [e.id for e in again.entries] == [e.id for e in feed.entries], "the same stories, the same ids"
    newest_day = read(served, "/feeds/briefing.atom")  # default: the newest indexed article's day only
    assert 0 < len(newest_day.entries) <= len(feed.entries)
    assert read(served, "/feeds/briefing.atom", topic="chocolate factory strike").entries == []


def test_bad_parameters_are_a_422_that_says_why(served: Served) -> None:
    for params, field in (({"days": "abc"}, "days"), ({"days": "0"}, "days"), ({"days": "32"}, "days")):
        response = httpx.get(f"{served.url}/feeds/briefing.atom", params={"token": served.token, **params})
        assert response.status_code == 422 and field in response.json()["error"], response.text
    response = httpx.get(f"{served.url}/feeds/briefing.atom", params={"token": served.token, "topic": "x" * 201})
    assert response.status_code == 422 and "topic" in response.json()["error"]


def test_the_feed_token_opens_the_two_feeds_only(served: Served) -> None:
    for path in ("/feeds/briefing.atom", "/feeds/followed.atom"):
        assert httpx.get(f"{served.url}{path}").status_code == 401
        wrong = httpx.get(f"{served.url}{path}", params={"token": "not-" + served.token})
        assert wrong.status_code == 401 and "feed token" in wrong.json()["error"]
        with_login = httpx.get(f"{served.url}{path}", auth=(USER, PASSWORD))
        assert with_login.status_code == 200
    search = httpx.post(f"{served.url}/api/search", params={"token": served.token}, json={"query": "kestrel"})
    assert search.status_code == 401, "the token is no key to the API"
    assert httpx.get(f"{served.url}/", params={"token": served.token}).status_code == 200  # the login page only


def test_a_new_article_brings_a_followed_question_entry_with_its_source_marked_new(served: Served) -> None:
    assert read(served, "/feeds/followed.atom").entries == [], "nothing new since the question was followed"
    serve_feed(served.web, 3)  # the site publishes a third story; the chat's follower reads it
    deadline = time.monotonic() + FETCH_TIMEOUT_S
    while not (feed := read(served, "/feeds/followed.atom")).entries:
        assert time.monotonic() < deadline, "the followed question never showed a new source"
        time.sleep(0.5)
    [entry] = feed.entries
    third = served.web.url("/news/3")
    assert QUESTION in entry.title and "1 new source" in entry.title and entry.link == third
    content = html.fromstring(entry.content[0].value)
    marked = [li.xpath("./a/@href") for li in content.xpath("//li") if "new" in li.xpath("./span/text()")]
    assert marked == [[third]], "the new article's source, marked new"
    assert [e.id for e in read(served, "/feeds/followed.atom").entries] == [entry.id], "a stable id"

    cli("-m", "assistant", "digest", "token", "--owner", USER, "--revoke", "--db", str(served.db))
    revoked = httpx.get(f"{served.url}/feeds/followed.atom", params={"token": served.token})
    assert revoked.status_code == 401 and "revoked" in revoked.json()["error"]

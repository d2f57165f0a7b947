"""The followed list shared by every replica through PostgreSQL (server mode), on a real PostgreSQL
server and a real news site on loopback; the embedded default keeps its JSON file."""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path

import pytest

from assistant.settings import AssistantSettings
from index.sources.follow_list import Followed, FollowList
from index.sources.follow_shared import SharedFollowList
from index.sources.follow_store import open_follow_list
from index.sources.follower import Follower
from index.sources.problems import FeedProblem, ProblemKind
from index.store import ArticleStore
from tests.conftest import run_python
from tests.news_site import serve_feed
from tests.web_server import WebServer


def replica(settings: AssistantSettings, folder: Path, database: str, collection: str) -> AssistantSettings:
    """Another machine of the same deployment: its own data folder, the same database."""
    return settings.model_copy(
        update={
            "db_path": folder / "db",
            "follow_file": folder / "followed.json",
            "follow_database_url": database,
            "collection": collection,
        }
    )


@pytest.fixture
def collection() -> str:
    return f"news_{uuid.uuid4().hex[:8]}"  # one deployment per test in the session's database


def test_without_a_database_the_list_stays_in_the_json_file(settings: AssistantSettings) -> None:
    follow_list = open_follow_list(settings)
    follow_list.add("https://example.org/feed.xml")
    assert isinstance(follow_list, FollowList)
    assert [item["url"] for item in json.loads(settings.follow_file.read_text())] == ["https://example.org/feed.xml"]


def test_a_feed_added_on_one_replica_is_listed_on_the_other(
    settings, tmp_path: Path, postgres_server: str, collection: str
) -> None:
    a = replica(settings, tmp_path / "a", postgres_server, collection)
    b = replica(settings, tmp_path / "b", postgres_server, collection)
    added = run_python("-m", "index", "follow", "add", "https://example.org/a.xml", env=_env(a))
    assert added.returncode == 0, added.stderr

    listed = run_python("-m", "index", "follow", "list", env=_env(b))

    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("https://example.org/a.xml\t"), listed.stdout
    assert not a.follow_file.exists() and not b.follow_file.exists(), "no JSON list written in server mode"
    open_follow_list(b).remove("https://example.org/a.xml")
    assert open_follow_list(a).entries() == []


def test_the_json_list_is_imported_once_with_its_state(
    settings, tmp_path: Path, postgres_server: str, collection: str
) -> None:
    a = replica(settings, tmp_path / "a", postgres_server, collection)
    old = FollowList(a.follow_file)
    old.add("https://example.org/one.xml")
    old.add("https://example.org/two.xml")
    problem = FeedProblem(url="https://example.org/x", kind=ProblemKind.HTTP, reason="HTTP 404", noted="2026-12-01")

    def fetched(entry: Followed) -> None:
        entry.etag, entry.seen, entry.problems = '"v7"', ["https://example.org/x"], [problem]

    old.update("https://example.org/one.xml", fetched)

    shared = open_follow_list(a)
    assert [e.url for e in shared.entries()] == ["https://example.org/one.xml", "https://example.org/two.xml"]
    assert shared.get("https://example.org/one.xml") == old.get("https://example.org/one.xml")
    shared.remove("https://example.org/two.xml")

    b = replica(settings, tmp_path / "b", postgres_server, collection)
    FollowList(b.follow_file).add("https://example.org/two.xml")  # another replica's stale file
    assert [e.url for e in open_follow_list(b).entries()] == ["https://example.org/one.xml"], "imported once only"


def test_two_replicas_updating_one_feed_lose_no_change(postgres_server: str, collection: str) -> None:
    replicas = [SharedFollowList.connect(postgres_server, collection) for _ in range(2)]
    replicas[0].add("https://example.org/feed.xml")

    def count(follow_list: SharedFollowList) -> None:
        for _ in range(25):
            follow_list.update("https://example.org/feed.xml", _one_more)

    threads = [threading.Thread(target=count, args=(r,)) for r in replicas for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    entry = replicas[1].get("https://example.org/feed.xml")
    assert entry is not None and entry.total_articles == 100


def _one_more(entry: Followed) -> None:
    entry.total_articles += 1


def test_a_fetch_on_one_replica_shows_its_state_on_the_other(
    settings, tmp_path: Path, web: WebServer, embeddings, *, postgres_server: str, collection: str
) -> None:
    serve_feed(web)
    a = replica(settings, tmp_path / "a", postgres_server, collection)
    follower = Follower(ArticleStore.open(a, embeddings=embeddings), a)
    follower.follow_list.add(web.url("/feed.xml"))
    seen_before = open_follow_list(a).marker()

    [report] = follower.cycle()

    assert report.new_articles == 3, report.line()
    other = open_follow_list(replica(settings, tmp_path / "b", postgres_server, collection))
    [entry] = other.entries()
    assert (entry.status, entry.kind, entry.new_articles, entry.total_articles) == ("ok", "feed", 3, 3)
    assert sorted(entry.seen) == sorted(web.url(f"/news/{n}") for n in (1, 2, 3))
    assert other.marker() != seen_before, "the feeds panel redraws when another replica fetched"


def _env(settings: AssistantSettings) -> dict[str, str]:
    return {
        "ASSISTANT_DB_PATH": str(settings.db_path),
        "ASSISTANT_FOLLOW_FILE": str(settings.follow_file),
        "ASSISTANT_FOLLOW_DATABASE_URL": str(settings.follow_database_url),
        "ASSISTANT_COLLECTION": settings.collection,
    }

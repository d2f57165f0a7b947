"""Digests by webhook, end to end: ``python -m assistant digest add --webhook`` and ``digest run --once``
run as a user runs them, a real HTTP receiver on loopback checking what a receiver checks: the
signature with the secret shown at ``add``, the digest id, a retry after a 500, no retry after a 400,
an unreachable receiver reported in ``digest list`` with the digest kept, private addresses refused."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.deliveries.mail import DIGEST_HEADER
from assistant.deliveries.outbox import PENDING, SENT, Outbox
from assistant.settings import AssistantSettings
from index.build import build_index
from index.store import ArticleStore
from index.store.sql import sql_engine
from tests.assistant.deliveries.test_email import publish
from tests.conftest import free_port, run_python
from tests.index.stories.test_groups import DAM, OTHERS
from tests.web_server import WebServer
from tests.webhook_receiver import WebhookReceiver


@pytest.fixture(scope="module")
def news_db(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[Path]:
    """A week of news (a dam's collapse and three other stories), its pages served."""
    root = tmp_path_factory.mktemp("webhook-news")
    with WebServer() as server:
        store = ArticleStore.open(AssistantSettings(db_path=root / "db"), embeddings=embeddings)
        build_index(store, [publish(server, root / "articles", {**DAM, **OTHERS})], show_progress=False)
        yield root / "db"


def environment(database: Path, *allowed: str, attempts: int = 3) -> dict[str, str]:
    """The runner's settings: its outbox, the receivers it may post to on loopback, quick retries."""
    return {
        "ASSISTANT_CONVERSATION_DATABASE": f"sqlite:///{database}",
        "ASSISTANT_FETCH_ALLOW_PRIVATE": json.dumps(list(allowed)),
        "ASSISTANT_WEBHOOK_BACKOFF": "0.05",
        "ASSISTANT_WEBHOOK_ATTEMPTS": str(attempts),
    }


def digest(db: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_python("-m", "assistant", "digest", *args, "--db", str(db), env=env)


def add_hook(db: Path, env: dict[str, str], url: str) -> str:
    """Add a daily webhook schedule; the secret it shows once."""
    added = digest(db, env, "add", "--every", "daily", "--webhook", url)
    assert added.returncode == 0, added.stderr[-2000:]
    found = re.search(r"webhook secret .*: (\S+)$", added.stdout, re.MULTILINE)
    assert found, added.stdout
    return found.group(1)


def outbox_of(database: Path) -> Outbox:
    return Outbox(sql_engine(f"sqlite:///{database}"))


def test_a_webhook_digest_is_signed_and_sent_again_after_a_500(news_db: Path, tmp_path: Path) -> None:
    database = tmp_path / "conversations.sqlite"
    with WebhookReceiver() as receiver:
        env = environment(database, receiver.origin)
        secret = add_hook(news_db, env, receiver.url())
        receiver.answers = [500]
        ran = digest(news_db, env, "run", "--once")
        assert ran.returncode == 0, ran.stderr[-2000:]
        assert "sent digest" in ran.stdout, ran.stdout
        first, second = receiver.posts  # the 500, then the retry the receiver accepted
        assert first.body == second.body and first.headers[DIGEST_HEADER.lower()] == second.headers["x-digest-id"]
        assert second.signed_with(secret) and not second.signed_with(secret + "x")
        body = json.loads(second.body)
        assert body["id"] == second.headers["x-digest-id"] and body["briefing"]["items"], "the digest's stories"
        listed = digest(news_db, env, "list")
        assert "last sent: " in listed.stdout and body["id"] in listed.stdout, listed.stdout
        assert "last error" not in listed.stdout
        [entry] = outbox_of(database).entries()
        assert (entry.digest.id, entry.status, entry.attempts) == (body["id"], SENT, 1)

        again = digest(news_db, env, "run", "--once")  # not due again until tomorrow
        assert again.returncode == 0 and again.stdout == "" and len(receiver.posts) == 2


def test_a_400_is_not_tried_again_and_an_unreachable_hook_is_listed_with_the_digest_kept(
    news_db: Path, tmp_path: Path
) -> None:
    database = tmp_path / "conversations.sqlite"
    port = free_port()  # nothing listens there yet
    with WebhookReceiver() as refusing:
        env = environment(database, refusing.origin, f"127.0.0.1:{port}", attempts=2)
        add_hook(news_db, env, refusing.url("/refuses"))
        add_hook(news_db, env, f"http://127.0.0.1:{port}/hook")
        refusing.answers = [400]
        ran = digest(news_db, env, "run", "--once")
        assert ran.returncode == 0, ran.stderr[-2000:]
        assert len(refusing.posts) == 1, "a 400 says the request is wrong: not repeated"
    listed = digest(news_db, env, "list").stdout
    assert "answered 400 Bad Request; not tried again" in listed, listed
    assert f"127.0.0.1:{port}/hook" in listed and "cannot reach it" in listed and "after 2 tries" in listed, listed
    assert listed.count("last sent: never") == 2
    entries = outbox_of(database).entries()
    assert len(entries) == 2 and {e.status for e in entries} == {PENDING}, "nothing lost"
    assert all(e.last_error for e in entries)


def test_a_private_or_loopback_webhook_is_refused_in_one_line(news_db: Path, tmp_path: Path) -> None:
    env = {"ASSISTANT_CONVERSATION_DATABASE": f"sqlite:///{tmp_path / 'conversations.sqlite'}"}
    for url, problem in (
        ("http://10.0.0.1/hook", "10.0.0.1 is a private address"),
        ("http://127.0.0.1:8080/hook", "127.0.0.1 is a loopback address"),
        ("ftp://example.org/hook", "only http and https"),
    ):
        refused = digest(news_db, env, "add", "--every", "daily", "--webhook", url)
        assert refused.returncode == 2 and refused.stdout == "", refused.stdout
        assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("error: webhook "), refused.stderr
        assert problem in refused.stderr, refused.stderr
    assert "no digest is scheduled" in digest(news_db, env, "list").stdout

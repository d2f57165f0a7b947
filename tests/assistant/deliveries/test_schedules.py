"""Scheduled digests shared by replicas: two ``digest run --once`` processes started together on one
database (SQLite, then PostgreSQL) send each due schedule's digest once, counted by a real webhook
receiver; a paused schedule is not sent; a removed one is gone. Also the cadences a person may give."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.deliveries.digest import Subscription
from assistant.deliveries.schedules import Schedules, checked_cadence, next_time
from index.errors import UserError
from index.store.sql import sql_engine
from tests.assistant.deliveries.test_webhooks import add_hook, digest, environment, news_db  # noqa: F401 - fixture
from tests.conftest import ROOT
from tests.postgres_server import fresh_postgres_database
from tests.webhook_receiver import WebhookReceiver


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_runners_on_one_database_send_one_digest_per_schedule(
    news_db: Path,  # noqa: F811 - the fixture
    tmp_path: Path,
    backend: str,
    request: pytest.FixtureRequest,
) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'conversations.sqlite'}"
    else:
        url = fresh_postgres_database(request.getfixturevalue("postgres_server"))
    with WebhookReceiver() as receiver:
        env = environment(tmp_path / "unused.sqlite", receiver.origin) | {"ASSISTANT_CONVERSATION_DATABASE": url}
        for path in ("/one", "/two", "/paused", "/removed"):
            add_hook(news_db, env, receiver.url(path))
        assert digest(news_db, env, "pause", "3").stdout == "paused digest schedule 3\n"
        assert digest(news_db, env, "remove", "4").returncode == 0
        command = [sys.executable, "-m", "assistant", "digest", "run", "--once", "--db", str(news_db)]
        full_env = {**os.environ, **env}
        runners = [
            subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [runner.communicate(timeout=300) for runner in runners]
        assert [runner.returncode for runner in runners] == [0, 0], [err[-2000:] for _, err in outputs]
        assert Counter(post.path for post in receiver.posts) == {"/one": 1, "/two": 1}, "one send per schedule"
        said = "".join(out for out, _ in outputs)
        assert said.count("schedule 1 ") == 1 and said.count("schedule 2 ") == 1, said
        listed = digest(news_db, env, "list").stdout
        assert listed.count("last sent: 20") == 2 and "(paused)" in listed and "/removed" not in listed, listed


def test_cadences_are_daily_weekly_or_cron_and_anything_else_is_one_line() -> None:
    monday = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)
    assert next_time(checked_cadence("daily"), monday) == datetime(2026, 12, 8, tzinfo=UTC)
    assert next_time(checked_cadence("weekly"), monday) == datetime(2026, 12, 13, tzinfo=UTC)  # Sunday
    assert next_time(checked_cadence("0  7 * * 1-5"), monday) == datetime(2026, 12, 7, 7, tzinfo=UTC)
    for wrong in ("hourly-ish", "61 * * * *", "* * *"):
        with pytest.raises(UserError, match="give daily, weekly or a cron expression"):
            checked_cadence(wrong)


def test_of_two_runners_that_read_the_same_due_schedule_one_claims_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'conversations.sqlite'}"
    first, second = Schedules(sql_engine(url)), Schedules(sql_engine(url))  # two replicas' connections
    added = first.add(Subscription("webhook", "https://example.org/hook"), "daily", "secret")
    now = datetime.now(UTC)
    seen_by_first, seen_by_second = first.due(now), second.due(now)
    assert [s.id for s in seen_by_first] == [s.id for s in seen_by_second] == [added.id], "both see it due"
    assert first.claim(seen_by_first[0], now, "first") is True
    assert second.claim(seen_by_second[0], now, "second") is False, "the second finds it claimed"
    assert first.due(now) == [] and second.get(added.id).next_due == next_time("daily", now).isoformat(
        timespec="microseconds"
    )

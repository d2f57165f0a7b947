"""Scheduled digests sent by the chat's own process (``ASSISTANT_DIGESTS_IN_CHAT``): a webhook schedule
added with ``python -m assistant digest add`` before ``python app.py`` starts is sent by it, unasked,
to a real receiver on loopback, and ``digest list`` then says when."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from assistant.deliveries.schedules import Schedules
from index.store.sql import sql_engine
from tests.api_helpers import build_followup_index
from tests.conftest import run_python, serving
from tests.webhook_receiver import WebhookReceiver


def test_the_chat_process_sends_a_due_schedule_by_itself(tmp_path: Path, embeddings) -> None:
    db = build_followup_index(tmp_path, embeddings)
    with WebhookReceiver() as receiver:
        env = {"ASSISTANT_FETCH_ALLOW_PRIVATE": json.dumps([receiver.origin]), "ASSISTANT_WEBHOOK_BACKOFF": "0.05"}
        added = run_python(
            "-m",
            "assistant",
            "digest",
            "add",
            "--every",
            "daily",
            "--webhook",
            receiver.url(),
            "--db",
            str(db),
            env=env,
        )
        assert added.returncode == 0, added.stderr[-2000:]
        secret = re.findall(r": (\S+)$", added.stdout, re.MULTILINE)[-1]
        chat_env = env | {"ASSISTANT_DIGESTS_IN_CHAT": "true", "ASSISTANT_DIGEST_CHECK_SECONDS": "0.5"}
        with serving(db, chat_env):
            assert receiver.wait_for(1, timeout=120), "the chat's process never sent the due digest"
            schedules = Schedules(sql_engine(f"sqlite:///{db.parent / 'conversations.sqlite'}"))
            deadline = time.monotonic() + 60
            while not schedules.get(1).last_sent:  # marked sent just after the receiver answered
                assert time.monotonic() < deadline, "the send was never recorded"
                time.sleep(0.1)
        [post] = receiver.posts
        assert post.signed_with(secret)
    listed = run_python("-m", "assistant", "digest", "list", "--db", str(db), env=env).stdout
    assert f"(digest {post.headers['x-digest-id']})" in listed, listed

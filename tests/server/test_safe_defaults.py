"""Safe by default: the chat serves this machine only unless a login guards it, and links are http(s) only."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from gradio_client import Client

from assistant.types import Answer, Citation
from chat.render import render_answer, safe_link
from chat.settings import Settings
from server.auth import chat_auth, is_loopback
from tests.conftest import ROOT, serving


def test_serving_another_address_without_a_login_is_refused_before_anything_loads(tmp_path: Path) -> None:
    refused = subprocess.run(
        [sys.executable, "app.py", "--host", "0.0.0.0", "--db", str(tmp_path / "db")],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_CHAT_")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 2
    assert "ASSISTANT_CHAT_PASSWORD" in refused.stderr and "--no-auth" in refused.stderr
    assert not (tmp_path / "db").exists(), "refused before opening any index"


def test_no_auth_serves_other_addresses_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert chat_auth(Settings(), "0.0.0.0", no_auth=True) is None
    assert "without a login" in caplog.text
    assert chat_auth(Settings(), "127.0.0.1", no_auth=False) is None
    assert chat_auth(Settings(chat_user="ann", chat_password="s3cret"), "::1", no_auth=False) == ("ann", "s3cret")
    assert [is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "192.168.1.5", "example.org")] == [
        True, True, True, False, False, False,
    ]  # fmt: skip


def test_with_a_password_set_the_chat_answers_only_after_login(seed_db: Path) -> None:
    with serving(seed_db, {"ASSISTANT_CHAT_USER": "ann", "ASSISTANT_CHAT_PASSWORD": "s3cret"}) as url:
        with pytest.raises(Exception):  # noqa: B017 - gradio_client's error for a login page varies
            Client(url, verbose=False).predict("What does Turkey demand in Libya?", api_name="/chat")
        with pytest.raises(Exception):  # noqa: B017
            Client(url, auth=("ann", "wrong"), verbose=False)
        reply = Client(url, auth=("ann", "s3cret"), verbose=False).predict(
            "What does Turkey demand in Libya?", api_name="/chat"
        )
        assert "Sirte" in reply


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("http://example.org/x (1)", "http://example.org/x%20%281%29"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//evil.example/x", None),
        ("", None),
    ],
)
def test_only_http_links_are_made_and_they_cannot_break_out(url: str, link: str | None) -> None:
    assert safe_link(url) == link
    citation = Citation(1, "a", "Title", "2020-01-01", "src", url, "The passage text.", 0.9)
    rendered = render_answer(Answer("q", "The passage text. [1]", True, [citation]))
    outside_links = re.findall(r'<a href="([^"]*)"', rendered)  # chips (class first) lead inside the reply
    assert outside_links == ([link] if link else [])

"""The HTTP API's parts on their own, where a served app cannot reach: the login check, the bounded
conversation store, and the last-resort handler that turns a crash into a one-line 500."""

from __future__ import annotations

import base64
import logging

import anyio
import httpx
import pytest
from fastapi import FastAPI

from chat.api_errors import INTERNAL_ERROR, LastResort, install_error_handlers
from chat.api_login import NEEDS_LOGIN, WRONG_LOGIN, login_problem, protected
from chat.conversations import Conversations, UnknownConversationError
from index.errors import BadDateError


def basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


def test_the_login_takes_basic_or_the_password_as_a_bearer_token() -> None:
    assert login_problem(basic("ann:s3cret"), "ann", "s3cret") is None
    assert login_problem("Bearer s3cret", "ann", "s3cret") is None
    assert login_problem("bearer  s3cret ", "ann", "s3cret") is None
    assert login_problem(basic("ann:s3cret:x"), "ann", "s3cret") == WRONG_LOGIN
    assert login_problem(basic("ann:wrong"), "ann", "s3cret") == WRONG_LOGIN
    assert login_problem("Bearer wrong", "ann", "s3cret") == WRONG_LOGIN
    assert login_problem(None, "ann", "s3cret") == NEEDS_LOGIN
    assert login_problem("Digest x", "ann", "s3cret") == NEEDS_LOGIN
    assert "malformed" in str(login_problem("Basic ***", "ann", "s3cret"))
    assert [protected(p) for p in ("/api/ask", "/v1/models", "/mcp", "/", "/apix", "/gradio_api/info")] == [
        True, True, True, False, False, False,
    ]  # fmt: skip


def test_conversations_are_bounded_and_forgotten_after_disuse() -> None:
    kept = Conversations(max_conversations=2, max_turns=2)
    first, second = kept.start(), kept.start()
    for n in range(3):
        kept.add(first, f"q{n}", f"a{n}")
    assert kept.turns(first) == [("q1", "a1"), ("q2", "a2")], "only the last turns"
    kept.start()  # a third: the least recently used (second) goes
    with pytest.raises(UnknownConversationError, match="POST /api/conversations"):
        kept.turns(second)
    assert kept.turns(first)

    idle = Conversations(idle_seconds=0)
    forgotten = idle.start()
    with pytest.raises(UnknownConversationError):
        idle.turns(forgotten)


def test_a_crash_is_logged_once_and_answered_with_a_one_line_500(caplog: pytest.LogCaptureFixture) -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/api/crash")
    async def crash() -> None:
        raise RuntimeError("secret detail")

    @app.get("/v1/user-error")
    async def user_error() -> None:
        raise BadDateError("until: “x” is not a date")

    app.add_middleware(LastResort)

    async def call() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            return await http.get("/api/crash"), await http.get("/v1/user-error")

    with caplog.at_level(logging.ERROR):
        crashed, refused = anyio.run(call)
    assert crashed.status_code == 500 and crashed.json() == {"error": INTERNAL_ERROR}
    assert "secret detail" not in crashed.text
    assert caplog.text.count("RuntimeError: secret detail") == 1, "the traceback is in the log, once"
    assert refused.status_code == 400
    assert refused.json()["error"] == {
        "message": "until: “x” is not a date",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }

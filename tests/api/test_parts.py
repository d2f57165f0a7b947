"""The HTTP API's parts on their own, where a served app cannot reach: the login check and its pause
after wrong logins as time passes, the Host rule off loopback, the sanitising of article text against
a real Markdown renderer, the bounded conversation store, and the last-resort handler that turns a
crash into a one-line 500."""

from __future__ import annotations

import base64
import logging

import anyio
import httpx
import pytest
from fastapi import FastAPI
from markdown_it import MarkdownIt

from api.errors import INTERNAL_ERROR, LastResort, install_error_handlers
from api.login import (
    FAILURE_WINDOW_S,
    MAX_FAILURES,
    NEEDS_LOGIN,
    PAUSE_S,
    WRONG_LOGIN,
    LoginThrottle,
    login_problem,
    protected,
)
from api.untrusted import safe_url, sanitize_text
from assistant.conversations.book import Conversations, UnknownConversationError
from index.errors import BadDateError
from server.host_guard import AllowedHosts


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


class Clock:
    """A clock the test moves by hand (a fake, in a unit test of plumbing): the pause's length is
    checked without a test that waits for it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_wrong_logins_pause_one_address_for_a_while_and_old_ones_are_forgotten() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock)
    for _ in range(MAX_FAILURES - 1):
        throttle.failed("a")
    assert throttle.retry_after("a") is None, "one short of the limit: no pause yet"
    clock.now += FAILURE_WINDOW_S + 1  # those failures are now older than the window
    throttle.failed("a")
    assert throttle.retry_after("a") is None

    for _ in range(MAX_FAILURES - 1):
        throttle.failed("a")
    assert throttle.retry_after("a") == PAUSE_S and throttle.retry_after("b") is None
    clock.now += PAUSE_S - 0.5
    assert throttle.retry_after("a") == 1
    clock.now += 1
    assert throttle.retry_after("a") is None, "the pause is over"

    for _ in range(MAX_FAILURES - 1):
        throttle.failed("c")
    throttle.succeeded("c")  # a right login clears the count
    throttle.failed("c")
    assert throttle.retry_after("c") is None


def test_off_loopback_host_is_checked_only_once_names_are_given() -> None:
    anywhere = AllowedHosts.for_server("0.0.0.0")
    assert not anywhere.check_host
    named = AllowedHosts.for_server("0.0.0.0", ["news.example.org", "https://tunnel.example:8443"])
    assert named.check_host
    assert named.allows("news.example.org", None, 7860) and named.allows("news.example.org", 443, 7860)
    assert named.allows("tunnel.example", 8443, 7860) and not named.allows("tunnel.example", 443, 7860)
    assert named.allows("localhost", 7860, 7860) and not named.allows("localhost", 7861, 7860)
    assert not named.allows("evil.example", 7860, 7860)
    on_address = AllowedHosts.for_server("192.0.2.5", ["news.example.org"])
    assert on_address.allows("192.0.2.5", 7860, 7860), "the address listened on is the server's own"


HOSTILE_MARKDOWN = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[a [nested] label](javascript:alert(1))",
    "[spaced]( <javascript:alert(1)>)",
    "[upper](JavaScript:alert(1))",
    "[entity](&#106;avascript:alert(1))",
    "[escaped\\\\](javascript:alert(1))",
    "see [ref][1]\n\n[1]: javascript:alert(1)",
    "- [ref]\n- [ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<img src=x onerror="alert(1)">',
]


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN)
def test_sanitized_text_renders_no_tag_and_no_link_but_http(text: str) -> None:
    page = MarkdownIt("commonmark", {"html": True}).render(sanitize_text(text))
    assert "<script" not in page and "<img" not in page and "href=" not in page, page


def test_sanitized_text_keeps_web_links_and_plain_words() -> None:
    page = MarkdownIt("commonmark").render(sanitize_text('Turkey\'s "view" [source](https://example.org/a)'))
    assert page == '<p>Turkey\'s &quot;view&quot; <a href="https://example.org/a">source</a></p>\n'
    assert MarkdownIt("commonmark").render(sanitize_text("![pixel](https://t.example/p.png)")).count("<img") == 0
    assert safe_url("javascript:alert(1)") == "" and safe_url(" data:x ") == ""
    assert safe_url("https://example.org/a'b(c)") == "https://example.org/a%27b%28c%29"


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

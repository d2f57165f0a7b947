"""The chat's login, applied to the HTTP API and the MCP server as programs send it.

When ``ASSISTANT_CHAT_USER``/``ASSISTANT_CHAT_PASSWORD`` are set (:mod:`server.auth`), every route
under ``/api``, ``/v1``, ``/mcp`` and ``/feeds`` needs them: HTTP Basic (``user:password``), or
``Authorization: Bearer <password>``, which is what OpenAI clients send as their ``api_key``.
Anything else is 401 with a message. Without a login (serving this machine only) the routes are open,
as the chat is. The chat's pages keep Gradio's own login form. A feed reader sends no password: the
two feeds (:mod:`api.feeds`) also take a login's feed token in their URL (``?token=...``,
:mod:`assistant.deliveries.tokens`), which opens them and nothing else; a wrong token counts as a
wrong login. The login the request is made as goes to the route as ``request.state.owner``.

Guessing the password is slowed down (:class:`LoginThrottle`): after :data:`MAX_FAILURES` wrong logins
from one client address within :data:`FAILURE_WINDOW_S` seconds, that address is answered 429 with
``Retry-After`` for :data:`PAUSE_S` seconds, whatever it sends, on these routes and on the chat's login
form (``POST /login``) alike; other addresses are not affected. The address is the connection's, or
the ``X-Forwarded-For`` of a proxy on this machine (uvicorn's rule): behind one proxy that does not
send it, every client shares the proxy's address, and so its pauses.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body

PROTECTED = ("/api", "/v1", "/mcp", "/feeds")
FEEDS = ("/feeds/briefing.atom", "/feeds/followed.atom")  # what a feed token opens
NEEDS_LOGIN = (
    "this server needs the chat's login: send HTTP Basic credentials (user and password) "
    "or 'Authorization: Bearer <password>' (an OpenAI client's api_key)"
)
WRONG_LOGIN = "wrong user or password"
WRONG_TOKEN = "unknown or revoked feed token: make one with `python -m assistant digest token --owner LOGIN`"
MAX_FAILURES = 5
FAILURE_WINDOW_S = 60.0
PAUSE_S = 30.0
GRADIO_LOGIN = ("/login", "/login/")  # the chat's login form posts here (gradio.routes)
_MAX_CLIENTS = 10_000  # addresses remembered at once: a flood of addresses cannot grow memory without bound


def protected(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in PROTECTED)


def _same(given: str, expected: str) -> bool:
    return secrets.compare_digest(given.encode(), expected.encode())


def login_problem(authorization: str | None, user: str, password: str) -> str | None:
    """Why ``authorization`` (the header's value) does not pass, or None when it does."""
    if not authorization:
        return NEEDS_LOGIN
    scheme, _, credentials = authorization.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer":
        return None if _same(credentials, password) else WRONG_LOGIN
    if scheme.lower() == "basic":
        try:
            given_user, _, given_password = base64.b64decode(credentials, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "malformed Basic credentials: send base64 of 'user:password'"
        # Both compared whatever the first gives: the time taken says nothing of which was wrong.
        user_ok, password_ok = _same(given_user, user), _same(given_password, password)
        return None if user_ok and password_ok else WRONG_LOGIN
    return NEEDS_LOGIN


class LoginThrottle:
    """Wrong logins counted per client address, and the pause they earn (see the module docstring).

    Only a wrong user or password counts: a request without credentials (a client finding out that
    it needs them) or with unreadable ones guesses nothing. A right login clears the count.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._paused: OrderedDict[str, float] = OrderedDict()  # address -> when its pause ends

    def retry_after(self, client: str) -> int | None:
        """Whole seconds until ``client`` may try again, or None when it may now."""
        until = self._paused.get(client)
        if until is None:
            return None
        left = until - self.clock()
        if left <= 0:
            del self._paused[client]
            return None
        return max(1, math.ceil(left))

    def failed(self, client: str) -> None:
        now = self.clock()
        recent = self._failures.pop(client, deque())
        recent.append(now)
        while recent and recent[0] <= now - FAILURE_WINDOW_S:
            recent.popleft()
        if len(recent) >= MAX_FAILURES:
            self._paused[client] = now + PAUSE_S
            _bound(self._paused)
        else:
            self._failures[client] = recent  # most recent last: the oldest address is forgotten first
            _bound(self._failures)

    def succeeded(self, client: str) -> None:
        self._failures.pop(client, None)


def _bound(remembered: OrderedDict[str, Any]) -> None:
    while len(remembered) > _MAX_CLIENTS:
        remembered.popitem(last=False)


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class RequireLogin:
    """ASGI middleware: the API's routes answer only with the login, and guessing it is slowed down
    on them and on the chat's login form (see the module docstring)."""

    def __init__(
        self, app: ASGIApp, login: tuple[str, str], feed_owner: Callable[[str], str | None] | None = None
    ) -> None:
        self.app = app
        self.user, self.password = login
        self.feed_owner = feed_owner  # a feed token's login, None for an unknown one (FeedTokens.owner_of)
        self.throttle = LoginThrottle()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        login_form = path in GRADIO_LOGIN and scope.get("method") == "POST"
        if scope["type"] != "http" or not (protected(path) or login_form):
            await self.app(scope, receive, send)
            return
        client = client_address(scope)
        wait = self.throttle.retry_after(client)
        if wait is not None:
            message = f"too many wrong logins from {client}: wait {wait} s before trying again"
            await _refuse(send, path, 429, message, [(b"retry-after", str(wait).encode())])
            return
        if login_form:
            await self.app(scope, receive, self._watching(send, client))
            return
        headers = dict(scope.get("headers") or [])
        authorization = headers.get(b"authorization")
        token = _feed_token(scope) if path in FEEDS and not authorization else None
        if token is not None:
            owner = await anyio.to_thread.run_sync(self.feed_owner, token) if self.feed_owner else None
            problem = WRONG_TOKEN if owner is None else None
        else:
            owner = self.user
            given = authorization.decode("latin-1") if authorization else None
            problem = login_problem(given, self.user, self.password)
        if problem is None:
            self.throttle.succeeded(client)
            scope.setdefault("state", {})["owner"] = owner
            await self.app(scope, receive, send)
            return
        if problem in (WRONG_LOGIN, WRONG_TOKEN):
            self.throttle.failed(client)
        challenge = (b"www-authenticate", b'Basic realm="news assistant", charset="UTF-8"')
        await _refuse(send, path, 401, problem, [challenge])

    def _watching(self, send: Send, client: str) -> Send:
        """``send``, counting the chat's login form's answer: 200 logged in, 400 wrong credentials (gradio.routes)."""

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    self.throttle.succeeded(client)
                elif message["status"] == 400:
                    self.throttle.failed(client)
            await send(message)

        return sending


def _feed_token(scope: Scope) -> str | None:
    """The ``token`` of the request's query string, or None when it has none."""
    values = parse_qs(bytes(scope.get("query_string") or b"").decode("latin-1")).get("token")
    return values[-1] if values else None


async def _refuse(send: Send, path: str, status: int, message: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps(error_body(path, status, message)).encode()
    start = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": body})

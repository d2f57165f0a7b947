"""The chat's login, applied to the HTTP API and the MCP server as programs send it.

When ``ASSISTANT_CHAT_USER``/``ASSISTANT_CHAT_PASSWORD`` are set (:mod:`chat.auth`), every route
under ``/api``, ``/v1`` and ``/mcp`` needs them: HTTP Basic (``user:password``), or
``Authorization: Bearer <password>``, which is what OpenAI clients send as their ``api_key``.
Anything else is 401 with a message. Without a login (serving this machine only) the routes are open,
as the chat is. The chat's pages keep Gradio's own login form.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets

from starlette.types import ASGIApp, Receive, Scope, Send

from chat.api_errors import error_body

PROTECTED = ("/api", "/v1", "/mcp")
NEEDS_LOGIN = (
    "this server needs the chat's login: send HTTP Basic credentials (user and password) "
    "or 'Authorization: Bearer <password>' (an OpenAI client's api_key)"
)
WRONG_LOGIN = "wrong user or password"


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


class RequireLogin:
    """ASGI middleware: the API's routes answer only with the login (see the module docstring)."""

    def __init__(self, app: ASGIApp, login: tuple[str, str]) -> None:
        self.app = app
        self.user, self.password = login

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not protected(path):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        authorization = headers.get(b"authorization")
        problem = login_problem(authorization.decode("latin-1") if authorization else None, self.user, self.password)
        if problem is None:
            await self.app(scope, receive, send)
            return
        body = json.dumps(error_body(path, 401, problem)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", b'Basic realm="news assistant", charset="UTF-8"'),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

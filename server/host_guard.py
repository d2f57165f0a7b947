"""Requests a hostile web page could make the user's browser send are refused, on every route.

A page the user visits can point a name it controls at 127.0.0.1 (DNS rebinding) and then drive the
chat and the API on this machine as if it were its own site: the browser sends ``Host: evil.example``.
It can also send requests to ``http://127.0.0.1:7860`` from its own origin (a form posted, a script's
``fetch``): the browser then sends ``Origin: https://evil.example``. :class:`HostGuard` wraps the whole
app, chat pages, ``/gradio_api``, ``/api``, ``/v1`` and ``/mcp`` alike, and refuses both:

- on loopback, a ``Host`` that is not 127.0.0.1, localhost or [::1] (with the server's port or without
  one) is 400, and an ``Origin`` that is not one of those on the server's port (``Origin: null``, a
  sandboxed or ``file:`` page, included) is 403, each saying why and what to set;
- ``ASSISTANT_ALLOWED_HOSTS`` adds names the server is reached by (behind a proxy, through a tunnel);
- on another address the login guards the routes (a rebinding page does not have it), so ``Host`` is
  checked only when that setting names the server's names (the address listened on is allowed too);
  an ``Origin`` must still be the server's own (the same name as ``Host``) or an allowed one.

Programs (curl, httpx, OpenAI and MCP clients) send no ``Origin`` and the ``Host`` of the URL they
were given, so they are not affected.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import error_response
from server.auth import is_loopback

logger = logging.getLogger(__name__)

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ANY_ADDRESS = {"0.0.0.0", "::", ""}


def _name_and_port(text: str) -> tuple[str, int | None] | None:
    """``host[:port]`` (IPv6 in brackets; a scheme allowed) as (lowercase name, port), or None if unreadable."""
    try:
        parts = urlsplit(text if "://" in text else f"//{text}")
        return (parts.hostname or "", parts.port) if parts.hostname else None
    except ValueError:  # a port that is not a number, a bracket left open
        return None


@dataclass(frozen=True)
class AllowedHosts:
    """The names a server answers to: its own (loopback ones, on its port or none) and the configured ones."""

    own: frozenset[str]
    configured: frozenset[tuple[str, int | None]]  # port None: any port
    check_host: bool

    @classmethod
    def for_server(cls, listen_host: str, extra: Iterable[str] = ()) -> AllowedHosts:
        """The rule for a server on ``listen_host`` (see the module docstring), ``extra`` from the setting."""
        configured = frozenset(parsed for entry in extra if (parsed := _name_and_port(entry.strip())))
        own = set(LOOPBACK_NAMES)
        if listen_host.strip("[]") not in _ANY_ADDRESS:
            own.add(listen_host.strip("[]").lower())
        return cls(frozenset(own), configured, check_host=is_loopback(listen_host) or bool(configured))

    def allows(self, name: str, port: int | None, server_port: int | None) -> bool:
        """Whether ``name:port`` is one of the server's names (``port`` None: the header gave none)."""
        if name in self.own and (port is None or server_port is None or port == server_port):
            return True
        return (name, None) in self.configured or (name, port) in self.configured

    def shown(self, server_port: int | None) -> str:
        names = [f"[{name}]" if ":" in name else name for name in sorted(self.own)]
        names = [f"{name}:{server_port}" if server_port else name for name in names]
        names += [f"{name}:{port}" if port else name for name, port in sorted(self.configured, key=str)]
        return ", ".join(names)


class HostGuard:
    """ASGI middleware: refuse a ``Host`` or ``Origin`` that is not the server's own (see the module docstring)."""

    def __init__(self, app: ASGIApp, allowed: AllowedHosts) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        problem = self.problem(scope)
        if problem is None:
            await self.app(scope, receive, send)
            return
        status, message = problem
        logger.info("refused %s %s: %s", scope.get("method", "WEBSOCKET"), scope.get("path", ""), message)
        if scope["type"] == "websocket":  # closed before it is accepted: the client sees a 403
            await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})
            return
        await error_response(str(scope.get("path", "")), status, message)(scope, receive, send)

    def problem(self, scope: Scope) -> tuple[int, str] | None:
        """(status, why) when the request's ``Host`` or ``Origin`` is refused, else None."""
        headers = {key.lower(): value.decode("latin-1") for key, value in scope.get("headers") or []}
        server = scope.get("server") or (None, None)
        server_port = server[1] if isinstance(server[1], int) else None
        host = headers.get(b"host", "").strip()
        parsed = _name_and_port(host)
        if self.allowed.check_host and (parsed is None or not self.allowed.allows(*parsed, server_port)):
            return 400, (
                f"this server answers only to {self.allowed.shown(server_port)}, not to Host {host[:100]!r} "
                "(a guard against DNS rebinding by a web page); if you serve it under that name, "
                "add it to ASSISTANT_ALLOWED_HOSTS"
            )
        origin = headers.get(b"origin")
        if origin is not None and not self._origin_allowed(origin.strip(), parsed, server_port):
            return 403, (
                f"requests from a page at {origin[:100]!r} are refused: only this server's own pages "
                f"({self.allowed.shown(server_port)}) may call it; if that page is yours, "
                "add its name to ASSISTANT_ALLOWED_HOSTS"
            )
        return None

    def _origin_allowed(self, origin: str, host: tuple[str, int | None] | None, server_port: int | None) -> bool:
        try:
            parts = urlsplit(origin)
            port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 0)
        except ValueError:  # a port that is not a number, a bracket left open: no page's origin
            return False
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:  # "null" (a sandboxed or file: page), not the web
            return False
        if self.allowed.allows(parts.hostname, port, server_port):
            return True
        # Unchecked Host (another address, no setting): a page this server sent, under the name it was reached by.
        return (
            not self.allowed.check_host and host is not None and host[0] == parts.hostname and host[1] in (None, port)
        )

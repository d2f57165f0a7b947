"""A TEST SERVER for the fetcher: a real HTTP server on 127.0.0.1 whose answers a test sets.

A test fills :attr:`WebServer.routes` (path → :class:`Route`, or a function of the request that
returns one) and reads :attr:`WebServer.requests` afterwards: every request with its headers and
the (monotonic) time it arrived, to check what the client sent and how far apart. Unknown paths
(``/robots.txt`` included) answer 404. Bodies are bytes (sent with a Content-Length, keep-alive)
or a function returning an iterable of chunks (streamed, then the connection closes), which is how
a test serves 50 MB without holding them; :attr:`WebServer.sent` counts what was really sent, final
once :meth:`WebServer.wait_answered` returns (the server is done with that request).

Hostile answers too: :func:`compression_bomb` is a body of zeros compressed in any Content-Encoding
the client may meet (``br``, ``zstd``, ``gzip``, ``deflate``, stacked ``"gzip, br"``), a few KB on
the wire for a GiB once decoded.

:class:`LoopbackServer` is the plumbing under it (a threaded server on a loopback port, its thread, its
close), shared with the webhook receiver of :mod:`tests.webhook_receiver`.
"""

from __future__ import annotations

import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it (header names in lower case)."""

    path: str
    headers: dict[str, str]
    time: float


@dataclass
class Route:
    """What one path answers. ``redirect`` sets Location (and status 302 unless given)."""

    status: int = 200
    body: bytes | Callable[[], Iterable[bytes]] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    redirect: str | None = None


Answer = Route | Callable[[Recorded], Route]


class LoopbackServer:
    """A ``ThreadingHTTPServer`` on 127.0.0.1 (``port``, a free one by default) answering through
    ``handler``, served from a thread from creation until :meth:`close` (or the ``with`` block's end)."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0) -> None:
        self._server = _QuietServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        """``127.0.0.1:PORT``, as a :class:`index.sources.fetching.SafetyPolicy` allows it."""
        return f"127.0.0.1:{self.port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class WebServer(LoopbackServer):
    """The test server of the fetcher (see the module's docstring), started on creation; ``close()`` it."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer] = {}
        self.requests: list[Recorded] = []
        self.sent: dict[str, int] = {}
        self.answered: list[str] = []  # the paths whose answer is over: all sent, or the client hung up
        self._lock = threading.Lock()
        self._answered = threading.Condition(self._lock)
        super().__init__(_handler_for(self))

    def url(self, path: str = "/") -> str:
        return f"http://{self.origin}{path}"

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        with self._lock:
            return [request.path for request in self.requests]

    def record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)

    def count_sent(self, path: str, size: int) -> None:
        with self._lock:
            self.sent[path] = self.sent.get(path, 0) + size

    def finish(self, path: str) -> None:
        with self._answered:
            self.answered.append(path)
            self._answered.notify_all()

    def wait_answered(self, path: str, timeout: float = 30) -> None:
        """Until the server is done answering ``path`` (all of it sent, or the client hung up)."""
        with self._answered:
            if not self._answered.wait_for(lambda: path in self.answered, timeout):
                raise TimeoutError(f"the server was still answering {path} after {timeout} s")


class _QuietServer(ThreadingHTTPServer):
    """A client hanging up (as the fetcher does past its size cap) is no error worth a traceback."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(server: WebServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Headers and body go out at once: with Nagle's algorithm, a keep-alive response waits ~40 ms
        # on the client's delayed ACK, which is the server's artefact, not the client's cost.
        disable_nagle_algorithm = True
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            request = Recorded(
                path=self.path, headers={k.lower(): v for k, v in self.headers.items()}, time=time.monotonic()
            )
            server.record(request)
            try:
                self._answer(request)
            finally:
                server.finish(self.path)

        def _answer(self, request: Recorded) -> None:
            answer = server.routes.get(self.path.split("?")[0])
            route = Route(status=404, body=b"not found") if answer is None else answer
            if callable(route):
                route = route(request)
            if route.delay:
                time.sleep(route.delay)
            try:
                self._send(route)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it may
                self.close_connection = True

        def _send(self, route: Route) -> None:
            status = route.status if route.redirect is None or route.status != 200 else 302
            self.send_response(status)
            headers = {"Content-Type": "text/plain", **route.headers}
            if route.redirect is not None:
                headers["Location"] = route.redirect
            for name, value in headers.items():
                self.send_header(name, value)
            if isinstance(route.body, bytes):
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)
                return
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            for chunk in route.body():
                self.wfile.write(chunk)
                server.count_sent(self.path, len(chunk))

        def log_message(self, format: str, *args: object) -> None:  # quiet: pytest shows failures
            pass

    return Handler


_PIECE = 1 << 20


def compression_bomb(encoding: str, size: int, cache: Path | None = None) -> bytes:
    """``size`` bytes of zeros encoded as the Content-Encoding header ``encoding`` says, codings applied
    in the order listed (``"gzip, br"``: gzip first, then brotli), kept in ``cache`` (a folder) if given.

    Made in 1 MiB pieces, never holding the zeros: brotli (quality 4, as small as 11 and 30 times
    faster) makes 1 GiB into 1,617 bytes, zstd into ~32 KB, gzip and deflate into ~1 MB (their ratio
    stops at ~1,000:1).
    """
    cached = cache / f"{size}.{encoding.replace(', ', '.')}" if cache is not None else None
    if cached is not None and cached.exists():
        return cached.read_bytes()
    body = b"".join(encoded(encoding, (bytes(min(_PIECE, size - start)) for start in range(0, size, _PIECE))))
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(body)
    return body


def encoded(encoding: str, pieces: Iterable[bytes]) -> Iterator[bytes]:
    """``pieces`` of a body encoded as the Content-Encoding header ``encoding`` says (codings in the order applied)."""
    for coding in encoding.split(","):
        pieces = _encoded(coding.strip(), pieces)
    return iter(pieces)


def _encoded(coding: str, pieces: Iterable[bytes]) -> Iterator[bytes]:
    import brotli  # noqa: PLC0415 - a test-only need, imported where used
    import zstandard  # noqa: PLC0415

    if coding == "identity":
        yield from pieces
    elif coding in ("gzip", "deflate"):  # deflate as HTTP means the zlib format (RFC 9110), not raw deflate
        zipper = zlib.compressobj(6, zlib.DEFLATED, 31 if coding == "gzip" else 15)
        yield from (zipper.compress(piece) for piece in pieces)
        yield zipper.flush()
    elif coding == "br":
        squeezer = brotli.Compressor(quality=4)
        yield from (squeezer.process(piece) for piece in pieces)
        yield squeezer.finish()
    elif coding == "zstd":
        packer = zstandard.ZstdCompressor(level=3).compressobj()
        yield from (packer.compress(piece) for piece in pieces)
        yield packer.flush()
    else:
        raise ValueError(f"no compression bomb in {coding!r}")

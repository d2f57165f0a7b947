"""A TEST SERVER for digests by webhook: a real HTTP server on 127.0.0.1 that keeps every POST.

A test sets :attr:`WebhookReceiver.answers` (statuses to answer, in turn; 200 once they run out) and
reads :attr:`WebhookReceiver.posts` (path, headers in lower case, body) to check the signature, the
digest id and how many times each digest came. :meth:`wait_for` waits for a number of POSTs.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.web_server import LoopbackServer


@dataclass(frozen=True)
class Post:
    path: str
    headers: dict[str, str]
    body: bytes

    def signed_with(self, secret: str) -> bool:
        """Whether ``X-Digest-Signature`` is the HMAC-SHA256 of the body under ``secret``, as a receiver checks."""
        expected = "sha256=" + hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers.get("x-digest-signature", ""))


class WebhookReceiver(LoopbackServer):
    """The receiving end on ``port`` (a free one by default), started on creation; close it."""

    def __init__(self, port: int = 0) -> None:
        self.answers: list[int] = []
        self.posts: list[Post] = []
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {key.lower(): value for key, value in self.headers.items()}
                with receiver._changed:
                    status = receiver.answers.pop(0) if receiver.answers else 200
                    receiver.posts.append(Post(self.path, headers, body))
                    receiver._changed.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        super().__init__(Handler, port)

    def url(self, path: str = "/hook") -> str:
        return f"http://{self.origin}{path}"

    def wait_for(self, count: int, timeout: float = 60.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.posts) >= count, timeout=timeout)

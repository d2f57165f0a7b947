"""A TEST SERVER for digests by email: aiosmtpd's SMTP server on a free loopback port.

It keeps every message it accepts (parsed, :attr:`MailServer.messages`). With ``hold=True`` it
takes a message's data and then waits, accepting nothing, until the test calls
:meth:`MailServer.let_go`: :attr:`MailServer.arrived` tells the test that a sender is mid-send,
which is when a test kills it.
"""

from __future__ import annotations

import asyncio
import threading
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from types import TracebackType
from typing import Any, Self

from aiosmtpd.controller import Controller

from tests.conftest import free_port


class MailServer:
    """An SMTP server (plain, no login) started on creation; use it as a context manager."""

    def __init__(self, port: int | None = None, *, hold: bool = False) -> None:
        self.messages: list[EmailMessage] = []
        self.hold = hold
        self.arrived = threading.Event()
        self._release = threading.Event()
        self.port = port or free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        if self.hold:
            self.arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, self._release.wait)
            return "451 4.3.0 held by the test: not accepted"
        parsed = message_from_bytes(envelope.content, policy=default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 2.0.0 accepted"

    def let_go(self) -> None:
        self._release.set()

    def env(self) -> dict[str, str]:
        """The settings that send to this server."""
        return self.env_for(self.port)

    @staticmethod
    def env_for(port: int) -> dict[str, str]:
        """The settings that send to a plain SMTP server on loopback ``port``."""
        return {
            "ASSISTANT_SMTP_HOST": "127.0.0.1",
            "ASSISTANT_SMTP_PORT": str(port),
            "ASSISTANT_SMTP_SECURITY": "none",
            "ASSISTANT_SMTP_FROM": "digests@news.example.org",
        }

    def close(self) -> None:
        self.let_go()
        self._controller.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

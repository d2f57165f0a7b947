"""Politeness towards the sites followed: a pause between requests to one host, and robots.txt.

A follower that checks dozens of feeds every half hour must not hammer one site (several feeds and
the articles they link often share a host) nor read what the site asked robots not to read.
Both are per client and thread-safe, since the follower may fetch from several threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.robotparser import RobotFileParser

import httpx

ROBOTS_MAX_AGE = 24 * 3600.0
"""Seconds a robots.txt is trusted before it is read again (RFC 9309 asks for at most a day)."""


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_end: float = float("-inf")


class HostPacer:
    """One request at a time per host, and ``interval`` seconds from the end of one to the next.

    Measuring from the *end* of the previous request (not its start) keeps the pause even when a
    site answers slowly, which is when a pause matters most.
    """

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._lock = threading.Lock()
        self._hosts: dict[str, _Host] = {}

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        """Wait for ``host``'s turn, hold it for one request, and note when it ended."""
        with self._lock:
            slot = self._hosts.setdefault(host.lower(), _Host())
        with slot.lock:
            wait = slot.last_end + self._interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                slot.last_end = time.monotonic()


class RobotsRules:
    """Each origin's robots.txt, read on first use through ``read_robots`` and kept for a day.

    ``read_robots(url)`` returns the file's text, or ``None`` when there is none to obey (404,
    another 4xx, or unreachable), which allows everything.
    """

    def __init__(self, user_agent: str, read_robots: Callable[[str], str | None]) -> None:
        self._user_agent = user_agent
        self._read_robots = read_robots
        self._lock = threading.Lock()
        self._origin_locks: dict[str, threading.Lock] = {}
        self._rules: dict[str, tuple[float, RobotFileParser]] = {}

    def allows(self, url: str) -> bool:
        """Whether robots.txt lets this user agent fetch ``url`` (read once per origin and day)."""
        parsed = httpx.URL(url)
        origin = f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
        with self._lock:
            origin_lock = self._origin_locks.setdefault(origin, threading.Lock())
        with origin_lock:  # one read per origin, even when several threads ask at once
            cached = self._rules.get(origin)
            if cached is None or time.monotonic() - cached[0] > ROBOTS_MAX_AGE:
                cached = (time.monotonic(), self._parse(self._read_robots(f"{origin}/robots.txt")))
                self._rules[origin] = cached
        return cached[1].can_fetch(self._user_agent, url)

    @staticmethod
    def _parse(text: str | None) -> RobotFileParser:
        rules = RobotFileParser()
        rules.parse(text.splitlines() if text is not None else [])  # no rules: everything allowed
        return rules

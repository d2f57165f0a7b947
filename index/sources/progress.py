"""How far the follower's fetches are: which addresses wait for a fetch, which are being fetched,
and how many of their entries are read ("12 of 30 articles").

Kept in the follower's process (the chat's, when it follows in the chat), read by the page every
few seconds: a fetch in the background shows its progress in its feed's row instead of a spinner.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from index.sources.reader import ReadResult
from index.words import counted


@dataclass(frozen=True, slots=True)
class FetchProgress:
    """How far a fetch of one address is: ``read`` of ``planned`` entries (``planned`` None while the
    address itself is being read), or ``waiting`` behind another fetch."""

    read: int = 0
    planned: int | None = None
    waiting: bool = False

    def line(self) -> str:
        if self.waiting:
            return "waiting for the fetch under way"
        if self.planned is None:
            return "fetching: reading the address"
        return f"fetching: {self.read} of {counted(self.planned, 'article')}"


class FetchTracker:
    """The addresses waiting for a fetch and those being fetched (with their read so far); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: set[str] = set()
        self._reading: dict[str, ReadResult | None] = {}

    def wait(self, urls: Iterable[str]) -> list[str]:
        """Mark ``urls`` as waiting for a fetch; those that were neither waiting nor being fetched."""
        with self._lock:
            fresh = [url for url in dict.fromkeys(urls) if url not in self._waiting and url not in self._reading]
            self._waiting.update(fresh)
            return fresh

    def forget(self, url: str) -> None:
        """``url`` no longer waits (its fetch will not run)."""
        with self._lock:
            self._waiting.discard(url)

    @contextmanager
    def fetching(self, url: str) -> Iterator[Callable[[ReadResult], None]]:
        """While ``url`` is fetched; gives the callback that hears what reading it gave."""

        def read(result: ReadResult) -> None:
            with self._lock:
                self._reading[url] = result

        with self._lock:
            self._waiting.discard(url)
            self._reading[url] = None
        try:
            yield read
        finally:
            with self._lock:
                self._reading.pop(url, None)

    def progress(self, url: str) -> FetchProgress | None:
        """How far the fetch of ``url`` is; None when none runs or waits."""
        with self._lock:
            if url in self._reading:
                result = self._reading[url]
                return FetchProgress() if result is None else FetchProgress(result.read, result.planned)
            return FetchProgress(waiting=True) if url in self._waiting else None

    def snapshot(self) -> list[tuple[str, str]]:
        """Every address waiting or being fetched, with how far it is: what a page compares."""
        with self._lock:
            urls = sorted({*self._waiting, *self._reading})
        return [(url, progress.line()) for url in urls if (progress := self.progress(url)) is not None]

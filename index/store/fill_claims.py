"""Which chunks this fill process embeds, when several machines fill one Chroma server at once.

An embedded index is filled by one process at a time (it is claimed: :mod:`index.store.lock`), so
there every missing chunk is this process's. On a Chroma server any number of ``python -m index
improve`` processes (and followers filling their share) may run, each listing the same missing
chunks in the same order: without claims they would all embed the same chunks, the slowest work there is.

A claim is a PostgreSQL session advisory lock per chunk (a 64-bit hash of the collection and the
chunk id), taken with ``pg_try_advisory_lock`` in the database the deployment already shares (the
record manager's): a chunk another process holds is passed over, not waited for. After taking its
claims a process keeps only the chunks still without full vectors: another may have written one
and let it go between this process's listing and its claim. A claim goes with its session, so a
process killed mid-batch leaves nothing held: what it had not written is missing, and filled by
the next run. Without a shared PostgreSQL database (a Chroma server beside local SQLite record
managers) there is nothing to claim in: every chunk is taken, as before, and said once in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from sqlalchemy import Connection, text

from index.settings import StoreSettings
from index.store.sql import sql_engine

logger = logging.getLogger(__name__)

_CLAIM = text(
    "SELECT id FROM unnest(CAST(:ids AS text[])) AS id "
    "WHERE pg_try_advisory_lock(hashtextextended(:collection || '/' || id, 0))"
)
_RELEASE = text(
    "SELECT pg_advisory_unlock(hashtextextended(:collection || '/' || id, 0)) FROM unnest(CAST(:ids AS text[])) AS id"
)

Filled = Callable[[Sequence[str]], set[str]]  # which of these chunks have full vectors now


class FillClaims(Protocol):
    """Claims on chunks to embed: ``claim`` takes up to ``size`` of ``candidates`` (in order) that no
    other process holds and that ``filled`` does not report done; ``release`` lets them go."""

    def claim(self, candidates: Sequence[str], size: int, filled: Filled) -> tuple[list[str], int]:
        """The chunks claimed, and how many candidates were looked at (the caller goes on from there)."""
        ...

    def release(self, ids: Sequence[str]) -> None: ...


class EveryChunk:
    """One filler at a time (an embedded index): every candidate is this process's."""

    def claim(self, candidates: Sequence[str], size: int, filled: Filled) -> tuple[list[str], int]:
        return list(candidates[:size]), min(size, len(candidates))

    def release(self, ids: Sequence[str]) -> None:
        return None


class SharedClaims:
    """Claims held as advisory locks in one PostgreSQL session (see the module's docstring)."""

    def __init__(self, connection: Connection, collection: str) -> None:
        self.connection = connection
        self.collection = collection

    def claim(self, candidates: Sequence[str], size: int, filled: Filled) -> tuple[list[str], int]:
        claimed: list[str] = []
        looked = 0
        while len(claimed) < size and looked < len(candidates):
            window = list(candidates[looked : looked + size - len(claimed)])
            looked += len(window)
            got = {row[0] for row in self.connection.execute(_CLAIM, {"ids": window, "collection": self.collection})}
            done = filled([chunk_id for chunk_id in window if chunk_id in got])
            self.release(sorted(done))  # written by another process since the listing: nothing to do
            claimed += [chunk_id for chunk_id in window if chunk_id in got and chunk_id not in done]
        return claimed, looked

    def release(self, ids: Sequence[str]) -> None:
        if ids:
            self.connection.execute(_RELEASE, {"ids": list(ids), "collection": self.collection}).all()


def fill_claims(settings: StoreSettings) -> AbstractContextManager[FillClaims]:
    """The claims a fill of this deployment takes: shared on a Chroma server with a PostgreSQL record
    manager, else every chunk (an embedded index has one filler)."""
    if settings.chroma_host and _postgres(settings.record_manager_url):
        return _shared(settings)
    return _every_chunk(settings)


def _postgres(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("postgresql", "postgres:"))


@contextmanager
def _every_chunk(settings: StoreSettings) -> Iterator[FillClaims]:
    if settings.chroma_host:
        logger.warning(
            "filling a Chroma server without a shared PostgreSQL record manager: another filler may embed the "
            "same chunks (set ASSISTANT_RECORD_MANAGER_URL to share the work)"
        )
    yield EveryChunk()


@contextmanager
def _shared(settings: StoreSettings) -> Iterator[FillClaims]:
    engine = sql_engine(settings.record_manager_database).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:  # one session: the claims live as long as it does
            yield SharedClaims(connection, settings.collection)
    finally:
        engine.dispose()

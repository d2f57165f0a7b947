"""The followed list in the PostgreSQL database a deployment shares (server mode).

One row per followed address and deployment namespace (the collection), its whole state (what a
person sees, the validators, the links already indexed, the typed problems) as JSONB: the same
:class:`~index.sources.follow_list.Followed` record the JSON file keeps, so both places read and write
one shape. A change is a read-modify-write of one row under ``SELECT ... FOR UPDATE``: two replicas
updating the same feed never lose each other's change, and ones updating different feeds never wait
for each other (the JSON file locks the whole list).

Switching a deployment to server mode imports its JSON list once: the first process to connect
copies it under a lock and notes the import, so a feed removed afterwards is not brought back by the
next replica that still has the old file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, fields
from typing import Any

from sqlalchemy import Connection, Engine, text

from index.sources.fetching.urls import without_credentials
from index.sources.follow_list import MAX_SEEN_LINKS, Followed, FollowList, checked_url
from index.sources.problems import MAX_PROBLEMS, FeedProblem
from index.store.keyword.postgres import postgres_engine
from index.store.sql import utc_now

TABLE = "followed_feeds"
IMPORTS = "followed_imports"
_SCHEMA = (
    f"CREATE SEQUENCE IF NOT EXISTS {TABLE}_version",
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        namespace text NOT NULL,
        url text NOT NULL,
        position bigserial,
        version bigint NOT NULL DEFAULT nextval('{TABLE}_version'),
        state jsonb NOT NULL,
        PRIMARY KEY (namespace, url))""",
    f"""CREATE TABLE IF NOT EXISTS {IMPORTS} (
        namespace text PRIMARY KEY, source text NOT NULL, feeds integer NOT NULL, imported text NOT NULL)""",
)


def _entry(state: dict[str, Any]) -> Followed:
    known = {f.name for f in fields(Followed)}
    entry = Followed(**{k: v for k, v in state.items() if k in known})
    entry.problems = [FeedProblem.from_dict(problem) for problem in entry.problems]  # type: ignore[arg-type]
    return entry


def _state(entry: Followed) -> str:
    return json.dumps(asdict(entry), ensure_ascii=False)


class SharedFollowList:
    """The followed list of ``namespace`` in a shared PostgreSQL database (see the module's docstring)."""

    def __init__(self, engine: Engine, namespace: str) -> None:
        self.engine = engine
        self.namespace = namespace
        with engine.begin() as connection:
            # CREATE ... IF NOT EXISTS still races between replicas starting at once: one at a time.
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:t))"), {"t": TABLE})
            for statement in _SCHEMA:
                connection.execute(text(statement))

    @classmethod
    def connect(cls, url: str, namespace: str) -> SharedFollowList:
        return cls(postgres_engine(url), namespace)

    def entries(self) -> list[Followed]:
        with self.engine.connect() as connection:
            query = text(f"SELECT state FROM {TABLE} WHERE namespace = :ns ORDER BY position")
            return [_entry(row[0]) for row in connection.execute(query, {"ns": self.namespace})]

    def get(self, url: str) -> Followed | None:
        with self.engine.connect() as connection:
            return self._row(connection, without_credentials(url), lock=False)

    def add(self, url: str) -> Followed:
        """Follow ``url`` (already followed: unchanged)."""
        url = checked_url(url)
        with self.engine.begin() as connection:
            self._insert(connection, Followed(url=url, added=utc_now()))
            found = self._row(connection, url, lock=False)
        assert found is not None  # inserted, or there already in this transaction's snapshot
        return found

    def remove(self, url: str) -> bool:
        """Stop following ``url``; its articles stay indexed. False when it was not followed."""
        with self.engine.begin() as connection:
            statement = text(f"DELETE FROM {TABLE} WHERE namespace = :ns AND url = :url")
            return connection.execute(statement, {"ns": self.namespace, "url": without_credentials(url)}).rowcount > 0

    def update(self, url: str, change: Callable[[Followed], None]) -> Followed | None:
        """Apply ``change`` to the entry of ``url`` under its row lock (None when no longer followed)."""
        with self.engine.begin() as connection:
            entry = self._row(connection, url, lock=True)
            if entry is None:
                return None
            change(entry)
            entry.seen = entry.seen[-MAX_SEEN_LINKS:]
            entry.counted = entry.counted[-MAX_SEEN_LINKS:]
            entry.problems = entry.problems[:MAX_PROBLEMS]
            connection.execute(
                text(
                    f"UPDATE {TABLE} SET state = CAST(:state AS jsonb), version = nextval('{TABLE}_version') "
                    "WHERE namespace = :ns AND url = :url"
                ),
                {"ns": self.namespace, "url": url, "state": _state(entry)},
            )
            return entry

    def marker(self) -> object:
        """How many feeds and the latest write: changes with every add, remove and update."""
        with self.engine.connect() as connection:
            query = text(f"SELECT count(*), max(version) FROM {TABLE} WHERE namespace = :ns")
            count, version = connection.execute(query, {"ns": self.namespace}).one()
            return [int(count), None if version is None else int(version)]

    def import_once(self, source: FollowList) -> int:
        """Copy the JSON list ``source`` in when this namespace never imported one; how many were copied."""
        with self.engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:t))"), {"t": f"{IMPORTS}:{self.namespace}"})
            done = text(f"SELECT 1 FROM {IMPORTS} WHERE namespace = :ns")
            if connection.execute(done, {"ns": self.namespace}).first() is not None:
                return 0
            entries = source.entries() if source.path.exists() else []
            copied = sum(self._insert(connection, entry) for entry in entries)
            connection.execute(
                text(f"INSERT INTO {IMPORTS} VALUES (:ns, :source, :feeds, :when)"),
                {"ns": self.namespace, "source": str(source.path), "feeds": copied, "when": utc_now()},
            )
            return copied

    def _insert(self, connection: Connection, entry: Followed) -> bool:
        statement = text(
            f"INSERT INTO {TABLE} (namespace, url, state) VALUES (:ns, :url, CAST(:state AS jsonb)) "
            "ON CONFLICT (namespace, url) DO NOTHING"
        )
        parameters = {"ns": self.namespace, "url": entry.url, "state": _state(entry)}
        return connection.execute(statement, parameters).rowcount > 0

    def _row(self, connection: Connection, url: str, *, lock: bool) -> Followed | None:
        query = f"SELECT state FROM {TABLE} WHERE namespace = :ns AND url = :url" + (" FOR UPDATE" if lock else "")
        row = connection.execute(text(query), {"ns": self.namespace, "url": url}).first()
        return None if row is None else _entry(row[0])

"""The one SQL helper of the side stores: the engine for a URL, the time and ids they write, their tables.

Four stores keep rows in SQL beside the vectors: story copies and story groups (in the record
manager's database), conversations and followed questions (each in a database of its own by
default). They open their databases, stamp times and declare tables the same way here, so a
setting learnt for one (write-ahead SQLite, the installed PostgreSQL driver) serves them all.

URLs as users write them: ``postgresql://…`` means psycopg2 to SQLAlchemy, but the project's extra
``server`` installs psycopg (version 3): such a URL then gets ``+psycopg``, so the same URL works for
the record manager, the side stores and the shared keyword index, whichever of the two drivers is there.
"""

from __future__ import annotations

import importlib.util
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Engine, MetaData, Table, create_engine, event
from sqlalchemy.exc import DatabaseError
from sqlalchemy.sql.schema import SchemaItem


def sqlalchemy_url(url: str) -> str:
    """``url`` with an installed PostgreSQL driver named when it names none."""
    scheme, separator, rest = url.partition("://")
    if separator and scheme in ("postgresql", "postgres") and importlib.util.find_spec("psycopg2") is None:
        return f"postgresql+psycopg://{rest}"
    return url


def sql_engine(url: str) -> Engine:
    """The engine for a side store's or the record manager's database; a SQLite file is written
    ahead (WAL) and synced at checkpoints, not at every commit.

    The build commits after every article (its fingerprint, its story), and a synced commit cost
    ~20 ms here: a fifth of a wordllama build's time went to fsync. WAL with ``synchronous=NORMAL``
    stays consistent after a crash of the process; a power cut may lose the last commits, which the
    next build redoes (records are written after Chroma, and Chroma's ids are content hashes).
    """
    engine = create_engine(sqlalchemy_url(url))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _write_ahead)
    return engine


def _write_ahead(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def utc_now(timespec: Literal["seconds", "microseconds"] = "seconds") -> str:
    """Now in UTC as ISO 8601 text (``2024-05-01T09:30:00+00:00``): it sorts as text in any database.

    Each table keeps the precision it has always stored (rows written before must still compare
    with new ones): conversations ask for microseconds, so two turns within a second keep their
    order; followed questions and the followed-feeds file keep seconds, which people read.
    """
    return datetime.now(UTC).isoformat(timespec=timespec)


def new_id() -> str:
    """An unguessable key (22 URL-safe characters): through the API an id is the only key to a row."""
    return secrets.token_urlsafe(16)


class SideTables:
    """The tables of one side store, declared on a ``MetaData`` of their own and made when missing.

    One ``MetaData`` per store, not one for all: creating a store's tables must not create the
    others' in its database (followed questions live in their own SQLite file, conversations in
    theirs). Tables are made lazily, when a store opens, so databases made before a table existed
    gain it; existing tables are left as they are (no migration: names and columns never change).
    """

    def __init__(self) -> None:
        self.metadata = MetaData()

    def table(self, name: str, *columns: SchemaItem) -> Table:
        """Declare the table ``name`` with its columns and indexes."""
        return Table(name, self.metadata, *columns)

    def create(self, engine: Engine, also: Iterable[Table] = ()) -> None:
        """Make this store's tables, and the tables ``also`` borrowed from another store, when missing."""

        def create_all() -> None:
            self.metadata.create_all(engine)
            for table in also:
                table.create(engine, checkfirst=True)

        create_racing(create_all)


def create_racing(create: Callable[[], None]) -> None:
    """Run ``create``, a check-then-CREATE of tables, once more when it lost a race.

    Two processes opening a new database at once (two ``digest run --once`` replicas, two follow
    workers) may both see a table missing and both CREATE it; the second then fails ("table ...
    already exists" on SQLite, a unique violation on PostgreSQL). Once more, the check finds the
    table made: done.
    """
    for attempt in (1, 2):
        try:
            create()
            return
        except DatabaseError:
            if attempt == 2:
                raise

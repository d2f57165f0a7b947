"""Keyword search in the PostgreSQL database a deployment already shares (its full-text search).

Why: with a Chroma server, every chat replica and indexer can read and write one keyword index in
the database that already holds LangChain's record manager, instead of each machine keeping its own
tantivy folder and catching up by comparing every chunk id in Chroma. Then a new replica has nothing
to pull (it serves keyword search as soon as it connects), a chunk written or deleted by any machine
is found, or gone, on every replica at once, and staying current costs nothing (measured in
``bench/keyword_sync.py``; the choice is explained in docs/lab-notes.md, "Keyword search shared by replicas").

Only what search and filters need is stored: the chunk's ``tsvector`` (title words weighted above
text words), its source and its date. Passages are read from Chroma, as with tantivy.

Ranking. PostgreSQL's ``ts_rank`` knows nothing of how rare a word is, and matching every row that
holds a common word ("said") and ranking them all is what makes full-text search slow at scale. So
the question's words are weighed by rarity, with the frequencies PostgreSQL's own statistics keep
for the column (``pg_stats.most_common_elems``, refreshed by ``ANALYZE``/autovacuum): words in more
than 1-5 % of the chunks (fewer as the table grows, see ``_COMMON_SHARE``) are dropped from the match
(they still count in the score when a rarer word matched), and each word's ``ts_rank`` is multiplied
by its inverse document frequency: BM25's idea, on the engine's own parts.

Folding. Titles, texts and questions are folded in Python (:func:`index.folding.fold`) before
``to_tsvector`` reads them, so "Kalin" finds "Kalın" as with tantivy and in the answerer; PostgreSQL's
``unaccent`` would need an extension created in the shared database, and would fold otherwise.
The folding a collection was written with is a row of ``keyword_folding``; a collection written
before has no row, is searched with the question as typed too (its old rows keep matching), and is
re-indexed by ``python -m index refold`` (not at open: the table is shared and may hold millions of
chunks, so one command does it once, not every replica at its start).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, create_engine, text

from index.folding import FOLDING, fold
from index.store.sql import sqlalchemy_url

logger = logging.getLogger(__name__)

TABLE = "keyword_chunks"
FOLDING_TABLE = "keyword_folding"  # one row per collection: the folding its rows were written with
# A word is a filter (a chunk must hold one of them to be ranked) when it is in at most this share of
# the chunks: as many as _MATCHED_ROWS rows, between 1 % and 5 %. It still weighs in the score when
# a rarer word matched. 5 % ranks as BM25 does on the dev questions (bench: docs/lab-notes.md), 1 %
# keeps a question at a million chunks near 50 ms (p50; 5 % there: 456 ms).
_COMMON_SHARE = (0.01, 0.05)
_MATCHED_ROWS = 10_000
_STATS_SECONDS = 300.0  # how long the column's word frequencies are trusted before being read again
_RARE_SHARE = 0.0005  # a word's assumed frequency when the statistics list none (an empty table)
_MAX_WORDS = 12  # the rarest words of a long question are enough

_SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        namespace text NOT NULL,
        id text NOT NULL,
        tsv tsvector NOT NULL,
        source text NOT NULL DEFAULT '',
        date_int integer NOT NULL DEFAULT 0,
        PRIMARY KEY (namespace, id))""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_tsv ON {TABLE} USING gin (tsv)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_date ON {TABLE} (namespace, date_int)",
    # The words' frequencies are read from the column's statistics: keep the 10,000 commonest (the
    # default, 1,000, stops at words in ~2 % of chunks, and 20,000 chunks to rank made a slow query).
    f"ALTER TABLE {TABLE} ALTER COLUMN tsv SET STATISTICS 1000",
    f"CREATE TABLE IF NOT EXISTS {FOLDING_TABLE} (namespace text PRIMARY KEY, folding text NOT NULL)",
)


def postgres_engine(url: str) -> Engine:
    """An engine for ``url`` (``postgresql://`` works with psycopg 3 too: :mod:`index.store.sql`)."""
    return create_engine(sqlalchemy_url(url), pool_pre_ping=True)


class PostgresKeywordIndex:
    """Chunks' words in one shared table, one namespace per collection (the record manager's)."""

    shared = True  # every machine reads and writes the same table: nothing to catch up with

    def __init__(self, engine: Engine, namespace: str, title_boost: float = 1.0) -> None:
        self.engine = engine
        self.namespace = namespace
        self.title_boost = title_boost
        self._stats: dict[str, float] = {}
        self._stats_read_at = -math.inf
        self._rows = 0.0
        self._stats_lock = threading.Lock()
        with engine.begin() as connection:
            if any(_missing(connection, table) for table in (TABLE, FOLDING_TABLE)):
                # No DDL at every start (its locks would queue behind a running ANALYZE), only when a
                # table is missing: a new database, or one made before the folding table existed.
                connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:table))"), {"table": TABLE})
                for statement in _SCHEMA:  # CREATE ... IF NOT EXISTS still races without the lock
                    connection.execute(text(statement))
            query = text(f"SELECT folding FROM {FOLDING_TABLE} WHERE namespace = :ns")
            self._folding: str | None = connection.execute(query, {"ns": namespace}).scalar()
        if self._folding is None and self.is_empty():
            self.mark_folded()  # a new collection: nothing in it was written unfolded

    def folding(self) -> str | None:
        """The folding the collection's rows were written with; ``None``: before folding (an older one)."""
        return self._folding

    def mark_folded(self) -> None:
        """Record that every row of the collection is now written with today's folding."""
        with self.engine.begin() as connection:
            connection.execute(
                text(
                    f"INSERT INTO {FOLDING_TABLE} (namespace, folding) VALUES (:ns, :folding) "
                    "ON CONFLICT (namespace) DO UPDATE SET folding = EXCLUDED.folding"
                ),
                {"ns": self.namespace, "folding": FOLDING},
            )
        self._folding = FOLDING

    def count(self) -> int:
        with self.engine.connect() as connection:
            query = text(f"SELECT count(*) FROM {TABLE} WHERE namespace = :ns")
            return int(connection.execute(query, {"ns": self.namespace}).scalar_one())

    def is_empty(self) -> bool:
        """Whether the collection has no row (cheaper than ``count()``: 0.2-0.4 s at a million chunks)."""
        with self.engine.connect() as connection:
            query = text(f"SELECT NOT EXISTS (SELECT 1 FROM {TABLE} WHERE namespace = :ns)")
            return bool(connection.execute(query, {"ns": self.namespace}).scalar_one())

    def add(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any] | None],
        *,
        replace: bool = False,
    ) -> None:
        """Index chunks; an id already present is kept as it is (ids are content hashes), or written
        again with ``replace`` (re-indexing in today's folding)."""
        if not ids:
            return
        titles, sources, dates = [], [], []
        for metadata in metadatas:
            fields = metadata or {}
            titles.append(fold(str(fields.get("title", ""))))
            sources.append(str(fields.get("source", "")))
            dates.append(int(fields.get("date_int", 0) or 0))
        on_conflict = "UPDATE SET tsv = EXCLUDED.tsv, source = EXCLUDED.source, date_int = EXCLUDED.date_int"
        statement = text(
            f"""INSERT INTO {TABLE} (namespace, id, tsv, source, date_int)
            SELECT :ns, c.id, setweight(to_tsvector('english', c.title), 'A') || to_tsvector('english', c.body),
                   c.source, c.date_int
            FROM unnest(CAST(:ids AS text[]), CAST(:titles AS text[]), CAST(:bodies AS text[]),
                        CAST(:sources AS text[]), CAST(:dates AS integer[]))
                 AS c(id, title, body, source, date_int)
            ON CONFLICT (namespace, id) DO {on_conflict if replace else "NOTHING"}"""
        )
        parameters = {
            "ns": self.namespace,
            "ids": list(ids),
            "titles": titles,
            "bodies": [fold(body).replace("\x00", " ") for body in texts],
            "sources": sources,
            "dates": dates,
        }
        with self.engine.begin() as connection:
            connection.execute(statement, parameters)

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self.engine.begin() as connection:
            connection.execute(
                text(f"DELETE FROM {TABLE} WHERE namespace = :ns AND id = ANY(CAST(:ids AS text[]))"),
                {"ns": self.namespace, "ids": ids},
            )

    def clear(self) -> None:
        """Forget the collection's chunks (a rebuild): what it holds next is folded."""
        with self.engine.begin() as connection:
            connection.execute(text(f"DELETE FROM {TABLE} WHERE namespace = :ns"), {"ns": self.namespace})
        self.mark_folded()

    def all_ids(self) -> set[str]:
        with self.engine.connect() as connection:
            rows = connection.execute(text(f"SELECT id FROM {TABLE} WHERE namespace = :ns"), {"ns": self.namespace})
            return {row[0] for row in rows}

    def search(
        self,
        question: str,
        k: int,
        *,
        date_range: tuple[int, int] | None = None,
        sources: Sequence[str] | None = None,
    ) -> list[tuple[str, float]]:
        """The ``k`` best chunk ids for the words of ``question``, scored by rarity-weighted ``ts_rank``."""
        typed = question[:2000]
        with self.engine.connect() as connection:
            lexemes = text("SELECT lexeme FROM unnest(to_tsvector('english', :q))")
            words = [row[0] for row in connection.execute(lexemes, {"q": fold(typed)})]
            # A collection written before folding holds the words as typed: the question's both forms.
            as_typed = [] if self._folding == FOLDING else [row[0] for row in connection.execute(lexemes, {"q": typed})]
            as_typed = [word for word in as_typed if word not in words]
            if not words:
                return []
            shares = self._word_shares(connection)
            rare = min(shares.values()) / 2 if shares else _RARE_SHARE  # a word not listed is rarer than all listed

            def share(word: str) -> float:
                return shares.get(word, rare)

            # ts_rank's weights are {D, C, B, A}: text words are D, title words A (the title boost).
            weights = f"'{{1, 1, 1, {float(self.title_boost)}}}'::float4[]"
            rarest = [min(form, key=share) for form in (words, as_typed) if form]  # of each form, when all are common
            words = sorted(words + as_typed, key=share)[:_MAX_WORDS]
            low, high = _COMMON_SHARE
            common = min(high, max(low, _MATCHED_ROWS / max(self._rows, 1.0)))
            filtering = [word for word in words if share(word) <= common] or rarest
            parameters: dict[str, Any] = {"ns": self.namespace, "k": k, "match": " | ".join(_quoted(filtering))}
            score_terms = []
            for n, word in enumerate(words):
                parameters[f"w{n}"] = _quoted([word])[0]
                parameters[f"idf{n}"] = math.log(1.0 + 1.0 / max(share(word), 1e-6))
                score_terms.append(f"ts_rank({weights}, tsv, to_tsquery('simple', :w{n})) * :idf{n}")
            conditions = ["namespace = :ns", "tsv @@ to_tsquery('simple', :match)"]
            if date_range:
                conditions.append("date_int BETWEEN :low AND :high")
                parameters["low"], parameters["high"] = date_range
            if sources:
                conditions.append("source = ANY(CAST(:sources AS text[]))")
                parameters["sources"] = list(sources)
            query = text(
                f"""SELECT id, {" + ".join(score_terms)} AS score FROM {TABLE}
                WHERE {" AND ".join(conditions)} ORDER BY score DESC LIMIT :k"""
            )
            rows = connection.execute(query, parameters).fetchall()
        return [(str(row[0]), float(row[1])) for row in rows]

    def _word_shares(self, connection: Any) -> dict[str, float]:
        """The share of chunks holding each common word, from PostgreSQL's statistics of the column."""
        with self._stats_lock:
            if time.monotonic() - self._stats_read_at < _STATS_SECONDS:
                return self._stats
            row = _column_statistics(connection)
            if row is None and connection.execute(text(f"SELECT EXISTS (SELECT 1 FROM {TABLE})")).scalar():
                # Never analysed yet (autovacuum analyses a table a minute or so after it grows): do it now.
                connection.execute(text(f"ANALYZE {TABLE}"))
                connection.commit()
                row = _column_statistics(connection)
            self._stats = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
            rows = connection.execute(text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": TABLE}).scalar()
            self._rows = float(rows or 0.0)  # estimated, all collections: only the order of magnitude matters
            self._stats_read_at = time.monotonic()
            return self._stats


def _missing(connection: Any, table: str) -> bool:
    return connection.execute(text("SELECT to_regclass(:table)"), {"table": table}).scalar() is None


def _column_statistics(connection: Any) -> Any:
    """(most common words, the share of rows holding each) of the ``tsv`` column, or None before ANALYZE."""
    return connection.execute(
        text(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = :table AND attname = 'tsv'"
        ),
        {"table": TABLE},
    ).first()


def _quoted(words: Sequence[str]) -> list[str]:
    """Lexemes as ``to_tsquery`` terms: quoted, so a lexeme is never read as an operator."""
    return ["'" + word.replace("'", "''").replace("\\", "\\\\") + "'" for word in words]

"""Stories: articles about the same event, across outlets and days, grouped as they arrive.

:mod:`index.stories.copies` catches copies (the same text, indexed once). This module groups looser
kin: several outlets telling one event in their own words, and the follow-ups of the next days.
Each indexed article belongs to exactly one story; an article is placed once, when it is indexed,
and never moves (a story id a user has seen keeps meaning the same thing).

The rule (:mod:`index.stories.rule`): an article joins the story it resembles as a whole (its
mean score over every member, names included) if that story, with it, spans at most two weeks;
else it starts a story, which *follows* the one it matched when that one was full (recorded in
``story_links``): a topic reported for months is a chain of stories, not one that only ever grows.

Removal: an article that is removed leaves its story; a story left empty disappears. A story whose
"bridge" (the article that linked two halves) is removed stays one story: splitting it would mean
re-clustering and renaming stories a user may have seen, and each remaining member did resemble
the story when it joined. Tables live beside LangChain's record manager, keyed by namespace (the
collection), like :mod:`index.stories.copies`, so a Chroma-server deployment sharing that database shares
the stories too.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import Column, Index, Integer, LargeBinary, String, Text, delete, func, insert, select
from sqlalchemy.engine import Connection, Engine

from index.articles import Article
from index.store.sql import SideTables
from index.stories.copies import copies_table  # the wire copies of kept articles (same database)
from index.stories.rule import LEAD_CHARS, Candidate, GroupingRule, Placement, names_of, place

__all__ = ["GroupingRule", "Member", "Story", "StoryGroups", "names_of"]

_tables = SideTables()
_members = _tables.table(
    "story_members",
    Column("namespace", String(200), primary_key=True),
    Column("article_id", String(500), primary_key=True),
    Column("story_id", String(40), nullable=False),
    Column("day", Integer, nullable=True),  # date.toordinal(): a window is a range; NULL when undated
    Column("source", String(500)),
    Column("title", String(1000)),
    Column("url", String(2000)),
    Column("names", Text),  # the article's names, one per line
    Column("vector", LargeBinary),  # float32, unit length
    Index("ix_story_members_day", "namespace", "day"),
    Index("ix_story_members_story", "namespace", "story_id"),
)
# A story that continues an earlier one (which was full: two weeks long). A table of its own, not a
# column of story_members: tables are made when missing, so an index grouped before follow-ups were
# linked gains it on opening, its stories simply following none (no migration of existing rows).
_links = _tables.table(
    "story_links",
    Column("namespace", String(200), primary_key=True),
    Column("story_id", String(40), primary_key=True),
    Column("follows", String(40), nullable=False),
    Index("ix_story_links_follows", "namespace", "follows"),
)


@dataclass(frozen=True, slots=True)
class Member:
    """An article of a story, as a listing shows it."""

    article_id: str
    source: str
    date: str
    title: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Story:
    """A story as a briefing lists it: its size, its outlets (wire copies counted) and its dates."""

    story_id: str
    title: str  # the first article's
    articles: int
    outlets: int
    first_date: str
    last_date: str
    follows: str = ""  # the earlier story this one continues ("" when none)


def _unit(vector: np.ndarray) -> np.ndarray:
    unit = np.asarray(vector, dtype=np.float32).ravel()
    return unit / (float(np.linalg.norm(unit)) or 1.0)


def _iso(day: int) -> str:
    return date.fromordinal(day).isoformat()


def _day(iso: str | None) -> int | None:
    try:
        return date.fromisoformat(iso).toordinal() if iso else None
    except ValueError:
        return None


class StoryGroups:
    """Which story each indexed article belongs to; one per store."""

    def __init__(self, engine: Engine, namespace: str, rule: GroupingRule | None = None) -> None:
        self.engine = engine
        self.namespace = namespace
        self.rule = rule or GroupingRule()
        # lazily, for indexes made before stories were grouped; index.stories.copies' table too (used alone)
        _tables.create(engine, also=[copies_table])
        self._lock = threading.Lock()

    def assign(self, article: Article, vector: np.ndarray) -> str:
        """Put ``article`` (with its title + lead vector) into the best-matching story; its story id."""
        return self.assign_many([(article, vector)])[0]

    def assign_many(self, placed: Sequence[tuple[Article, np.ndarray]]) -> list[str]:
        """:meth:`assign` each in turn, in one transaction (a commit per article cost 15 ms on SQLite).

        An article placed before (now changed) is placed again, keeping its story id when it would
        otherwise start a story of its own and that story has no other member.
        """
        stories = []
        with self._lock, self.engine.begin() as connection:
            for article, vector in placed:
                unit = _unit(vector)
                names = names_of(article.title, article.text[:LEAD_CHARS], article.source)
                day = _day(article.date)
                previous = self._story_rows(connection, [article.id]).get(article.id)
                emptied = self._delete(connection, [article.id]) if previous else []
                placement = self._placement(connection, unit, names, day)
                story = placement.story_id
                if story is None:
                    story = previous if previous in emptied else f"story-{uuid.uuid4().hex[:16]}"
                    self._link(connection, story, placement.follows)
                self._unlink(connection, [gone for gone in emptied if gone != story])
                row = {"namespace": self.namespace, "article_id": article.id, "story_id": story, "day": day}
                row |= {"source": article.source, "title": article.title, "url": article.url}
                row["names"] = "\n".join(sorted(names))
                connection.execute(insert(_members), [{**row, "vector": unit.tobytes()}])
                stories.append(story)
        return stories

    def story_for(self, article: Article, vector: np.ndarray) -> str | None:
        """The story ``article`` would join if it were indexed now, None when it would start one: read
        only, nothing placed (an article that could not be read, known by its title and teaser)."""
        names = names_of(article.title, article.text[:LEAD_CHARS], article.source)
        with self.engine.connect() as connection:
            return self._placement(connection, _unit(vector), names, _day(article.date)).story_id

    def missing(self, article_ids: Sequence[str]) -> list[str]:
        """Those of ``article_ids`` in no story yet (indexed before stories were grouped): one query."""
        with self.engine.connect() as connection:
            placed = self._story_rows(connection, list(article_ids))
        return [article_id for article_id in article_ids if article_id not in placed]

    def story_of(self, article_id: str) -> str | None:
        """The article's story; a wire copy (:mod:`index.stories.copies`) belongs to its kept article's."""
        with self.engine.connect() as connection:
            found = self._story_rows(connection, [article_id]).get(article_id)
            if found is None:
                kept = connection.execute(
                    select(copies_table.c.kept_id).where(
                        copies_table.c.namespace == self.namespace, copies_table.c.copy_id == article_id
                    )
                ).scalar()
                found = self._story_rows(connection, [str(kept)]).get(str(kept)) if kept else None
        return found

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The story of each of ``article_ids`` that has one (copies not resolved): for bulk reads."""
        with self.engine.connect() as connection:
            return self._story_rows(connection, list(article_ids))

    def members(self, story_id: str) -> list[Member]:
        """The story's articles, oldest first."""
        return self.members_of_stories([story_id])[story_id]

    def members_of_stories(self, story_ids: Sequence[str]) -> dict[str, list[Member]]:
        """:meth:`members` of several stories in one query (a briefing reads ten at once)."""
        m = _members.c
        rows: dict[str, list[tuple[int, Member]]] = {story_id: [] for story_id in story_ids}
        with self.engine.connect() as connection:
            for start in range(0, len(story_ids), 500):
                # Sorted here, not by ORDER BY: ordering by day made SQLite walk the whole day index
                # instead of looking the stories up (13 ms an answer at 8,000 articles, 0.04 ms so).
                query = select(m.story_id, m.article_id, m.source, m.day, m.title, m.url).where(
                    m.namespace == self.namespace, m.story_id.in_(list(story_ids[start : start + 500]))
                )
                for story_id, article_id, source, day, title, url in connection.execute(query):
                    member = Member(str(article_id), source or "", _iso(day) if day else "", title or "", url or "")
                    rows[str(story_id)].append((day or 0, member))
        # Undated members first, as SQLite's ORDER BY put them.
        return {
            story_id: [member for _day, member in sorted(members, key=lambda row: (row[0], row[1].article_id))]
            for story_id, members in rows.items()
        }

    def newest_day(self, until: str | None = None, sources: Sequence[str] = ()) -> str:
        """The newest grouped article's date (ISO), or "" when none is dated; with ``until`` (ISO) the
        newest on or before it, with ``sources`` the newest of theirs: where a briefing's latest
        period with news ends (nothing after its reference day, only the outlets asked for)."""
        m = _members.c
        query = select(func.max(m.day)).where(m.namespace == self.namespace)
        if until is not None and (high := _day(until)) is not None:
            query = query.where(m.day <= high)
        if sources:
            query = query.where(m.source.in_(list(sources)))
        with self.engine.connect() as connection:
            day = connection.execute(query).scalar()
        return _iso(int(day)) if day else ""

    def stories_between(self, start: str, end: str) -> list[Story]:
        """Stories with an article dated from ``start`` to ``end`` (ISO dates, inclusive), most
        covered first (outlets, then articles); counts and dates cover every member, copies' outlets too."""
        low, high = _day(start), _day(end)
        if low is None or high is None:
            raise ValueError(f"dates must be YYYY-MM-DD, not {start!r} and {end!r}")
        ns, m, copies = _members.c.namespace == self.namespace, _members.c, copies_table.c
        in_range = m.story_id.in_(select(m.story_id).where(ns, m.day.between(low, high)))
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(m.story_id, m.source, m.day, m.title).where(ns, in_range).order_by(m.day, m.article_id)
            ).all()
            copy_rows = connection.execute(
                select(m.story_id, copies.source)
                .join(copies_table, (copies.kept_id == m.article_id) & (copies.namespace == m.namespace))
                .where(ns, in_range)
            ).all()
            follows = self._follows(connection, sorted({str(row[0]) for row in rows}))
        outlets: dict[str, set[str]] = {}
        grouped: dict[str, list[tuple[int, str]]] = {}
        for story_id, source, day, title in rows:
            grouped.setdefault(story_id, []).append((int(day), title or ""))
            outlets.setdefault(story_id, set()).add(source or "")
        for story_id, source in copy_rows:
            outlets[story_id].add(source or "")
        stories = [
            Story(
                story_id,
                got[0][1],
                len(got),
                len(outlets[story_id] - {""}) or 1,
                _iso(got[0][0]),
                _iso(got[-1][0]),
                follows.get(story_id, ""),
            )
            for story_id, got in grouped.items()
        ]
        return sorted(stories, key=lambda s: (-s.outlets, -s.articles, s.first_date, s.story_id))

    def follows_of(self, story_ids: Sequence[str]) -> dict[str, str]:
        """The earlier story each of ``story_ids`` continues, for those that continue one."""
        with self.engine.connect() as connection:
            return self._follows(connection, list(story_ids))

    def forget(self, article_ids: Sequence[str]) -> None:
        """Removed articles leave their stories (an emptied story is gone; the others stay whole)."""
        if article_ids:
            with self._lock, self.engine.begin() as connection:
                self._unlink(connection, self._delete(connection, list(article_ids)))

    def clear(self) -> None:
        """Forget every story of this namespace (a rebuild)."""
        with self._lock, self.engine.begin() as connection:
            connection.execute(delete(_members).where(_members.c.namespace == self.namespace))
            connection.execute(delete(_links).where(_links.c.namespace == self.namespace))

    def _placement(self, connection: Connection, vector: np.ndarray, names: set[str], day: int | None) -> Placement:
        """Where the article goes (:func:`index.stories.rule.place`): the stories with a member in the
        window are the candidates, each read whole (its every member's day, names and vector)."""
        if day is None:
            return Placement(None)
        m, ns, window = _members.c, _members.c.namespace == self.namespace, self.rule.window_days
        near = select(m.story_id).where(ns, m.day.between(day - window, day + window))
        rows: dict[str, list[tuple[int, str | None, bytes]]] = {}
        query = select(m.story_id, m.day, m.names, m.vector).where(ns, m.story_id.in_(near))
        for story_id, member_day, member_names, member_vector in connection.execute(query):
            if member_vector is not None and len(member_vector) == vector.nbytes and member_day is not None:
                rows.setdefault(str(story_id), []).append((int(member_day), member_names, member_vector))
        candidates = [
            Candidate(
                story_id,
                [row[0] for row in got],
                np.frombuffer(b"".join(row[2] for row in got), dtype=np.float32).reshape(len(got), -1),
                [row[1] for row in got],
            )
            for story_id, got in rows.items()
        ]
        return place(self.rule, vector, names, day, candidates)

    def _link(self, connection: Connection, story_id: str, follows: str | None) -> None:
        """Record that ``story_id`` follows ``follows`` (or nothing, when None)."""
        links = _links.c
        connection.execute(delete(_links).where(links.namespace == self.namespace, links.story_id == story_id))
        if follows:
            connection.execute(
                insert(_links), [{"namespace": self.namespace, "story_id": story_id, "follows": follows}]
            )

    def _story_rows(self, connection: Connection, article_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(article_ids), 500):
            query = select(_members.c.article_id, _members.c.story_id).where(
                _members.c.namespace == self.namespace, _members.c.article_id.in_(article_ids[start : start + 500])
            )
            found.update({str(article_id): str(story_id) for article_id, story_id in connection.execute(query)})
        return found

    def _follows(self, connection: Connection, story_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(story_ids), 500):
            query = select(_links.c.story_id, _links.c.follows).where(
                _links.c.namespace == self.namespace, _links.c.story_id.in_(story_ids[start : start + 500])
            )
            found.update({str(story_id): str(follows) for story_id, follows in connection.execute(query)})
        return found

    def _delete(self, connection: Connection, article_ids: list[str]) -> list[str]:
        """Remove the articles from their stories; the stories left empty."""
        ns, m = _members.c.namespace == self.namespace, _members.c
        emptied = []
        for start in range(0, len(article_ids), 500):
            group = article_ids[start : start + 500]
            stories = [
                str(s) for (s,) in connection.execute(select(m.story_id).distinct().where(ns, m.article_id.in_(group)))
            ]
            connection.execute(delete(_members).where(ns, m.article_id.in_(group)))
            kept = {
                str(s) for (s,) in connection.execute(select(m.story_id).distinct().where(ns, m.story_id.in_(stories)))
            }
            emptied += [story for story in stories if story not in kept]
        return emptied

    def _unlink(self, connection: Connection, stories: list[str]) -> None:
        """Stories that are gone follow nothing, and nothing follows them."""
        links = _links.c
        for start in range(0, len(stories), 500):
            group = stories[start : start + 500]
            connection.execute(
                delete(_links).where(
                    links.namespace == self.namespace, links.story_id.in_(group) | links.follows.in_(group)
                )
            )

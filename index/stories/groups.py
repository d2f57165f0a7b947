"""Stories: articles about the same event, across outlets and days, grouped as they arrive.

:mod:`index.stories.copies` catches copies (the same text, indexed once). This module groups looser
kin: several outlets telling one event in their own words, and the follow-ups of the next days.
Each indexed article belongs to exactly one story; an article is placed once, when it is indexed,
and never moves (a story id a user has seen keeps meaning the same thing).

The rule, chosen by measurement (``bench/story_grouping.py``, RealTimeQA, 568 articles):

- features: the vector of title + lead (the first chunk's, already embedded by the store's
  encoder) and the *names* of title + lead (capitalised words and numbers, lower-cased; sentence
  openers, weekdays, months and the outlet's own name left out);
- candidates: articles dated within :data:`WINDOW_DAYS` days (an indexed range on the day), so a
  story's span grows as follow-ups join, while the same topic months later starts a new story;
- pair score: cosine + 0.25 × Jaccard of the name sets; a story scores the *mean* over its members
  in the window (average link), and the article joins the best story scoring at least 0.40, else
  starts a new one. Undated articles are stories of their own.

Why: with MiniLM vectors this groups 84% of the cross-outlet pairs of one question's
evidence (93% leaving out digests like "5 things to know", which span several events), keeps 97%
of the pairs of different questions apart, and 83% of grouped labelled pairs are one question's
(90% without digests; most of the rest are one event asked about in two questions). Average link beat
single link (a story scoring its best member) at equal recall: single link let the daily digests
chain unrelated stories together. Names hardly moved MiniLM's figures but lifted the weaker
wordllama encoder's precision (0.80 recall, 0.84 precision with the same rule, the default since), so one
rule serves both.

Removal: an article that is removed leaves its story; a story left empty disappears. A story whose
"bridge" (the article that linked two halves) is removed stays one story: splitting it would mean
re-clustering and renaming stories a user may have seen, and each remaining member did resemble
the story when it joined. Tables live beside LangChain's record manager, keyed by namespace (the
collection), like :mod:`index.stories.copies`, so a Chroma-server deployment sharing that database shares
the stories too.
"""

from __future__ import annotations

import re
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

WINDOW_DAYS = 4  # a candidate story has a member dated within this many days of the new article
LEAD_CHARS = 1000  # title + this much text: what the first chunk (the vector) covers by default
_NAME = re.compile(r"\b[A-Z][\w'’.&-]*\w|\b[A-Z]\b|\b\d[\d,.]*\d\b")
_NOT_NAMES = frozenset(
    """a an the in on at of for to and but or nor so yet he she it they we i you his her its their our my this that
    these those as by with from after before when while if what who whom how why where there here was is are be been
    has have had will would can could may might must shall should said says new not no yes all some one more most
    just also about over under into than then now only even still many much after monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september october november december
    today yesterday tomorrow week mr mrs ms dr photo video image images getty read watch updated""".split()
)

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


@dataclass(frozen=True, slots=True)
class GroupingRule:
    """When an article joins a story (thresholds measured in ``bench/story_grouping.py``)."""

    min_score: float = 0.40
    name_weight: float = 0.25
    window_days: int = WINDOW_DAYS
    linkage: str = "average"  # "average": a story scores its members' mean; "single": its best member


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


def names_of(title: str, lead: str, source: str = "") -> set[str]:
    """Capitalised words and numbers of ``title`` + ``lead``: who and what an article is about."""
    outlet = set(re.split(r"[^a-z0-9]+", source.lower()))
    found = set()
    for match in _NAME.findall(f"{title}\n{lead}"):
        name = re.sub(r"['’]s$", "", match.lower()).strip(".,")
        if len(name) > 1 and name not in _NOT_NAMES and name not in outlet:
            found.add(name)
    return found


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
                unit = np.asarray(vector, dtype=np.float32).ravel()
                unit = unit / (float(np.linalg.norm(unit)) or 1.0)
                names = names_of(article.title, article.text[:LEAD_CHARS], article.source)
                day = _day(article.date)
                previous = self._story_rows(connection, [article.id]).get(article.id)
                self._delete(connection, [article.id])
                story = self._best_story(connection, unit, names, day)
                if story is None:
                    alone = previous is not None and not self._members_of(connection, previous)
                    story = previous if previous and alone else f"story-{uuid.uuid4().hex[:16]}"
                row = {"namespace": self.namespace, "article_id": article.id, "story_id": story, "day": day}
                row |= {"source": article.source, "title": article.title, "url": article.url}
                row["names"] = "\n".join(sorted(names))
                connection.execute(insert(_members), [{**row, "vector": unit.tobytes()}])
                stories.append(story)
        return stories

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
        with self.engine.connect() as connection:
            return self._members_of(connection, story_id)

    def members_of_stories(self, story_ids: Sequence[str]) -> dict[str, list[Member]]:
        """:meth:`members` of several stories in one query (a briefing reads ten at once)."""
        m = _members.c
        found: dict[str, list[Member]] = {story_id: [] for story_id in story_ids}
        with self.engine.connect() as connection:
            for start in range(0, len(story_ids), 500):
                query = (
                    select(m.story_id, m.article_id, m.source, m.day, m.title, m.url)
                    .where(m.namespace == self.namespace, m.story_id.in_(list(story_ids[start : start + 500])))
                    .order_by(m.day, m.article_id)
                )
                for story_id, article_id, source, day, title, url in connection.execute(query):
                    member = Member(str(article_id), source or "", _iso(day) if day else "", title or "", url or "")
                    found[str(story_id)].append(member)
        return found

    def newest_day(self) -> str:
        """The newest grouped article's date (ISO), or "" when none is dated."""
        with self.engine.connect() as connection:
            day = connection.execute(
                select(func.max(_members.c.day)).where(_members.c.namespace == self.namespace)
            ).scalar()
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
        outlets: dict[str, set[str]] = {}
        grouped: dict[str, list[tuple[int, str]]] = {}
        for story_id, source, day, title in rows:
            grouped.setdefault(story_id, []).append((int(day), title or ""))
            outlets.setdefault(story_id, set()).add(source or "")
        for story_id, source in copy_rows:
            outlets[story_id].add(source or "")
        stories = [
            Story(story_id, got[0][1], len(got), len(outlets[story_id] - {""}) or 1, _iso(got[0][0]), _iso(got[-1][0]))
            for story_id, got in grouped.items()
        ]
        return sorted(stories, key=lambda s: (-s.outlets, -s.articles, s.first_date, s.story_id))

    def forget(self, article_ids: Sequence[str]) -> None:
        """Removed articles leave their stories (an emptied story is gone; the others stay whole)."""
        if article_ids:
            with self._lock, self.engine.begin() as connection:
                self._delete(connection, list(article_ids))

    def clear(self) -> None:
        """Forget every story of this namespace (a rebuild)."""
        with self._lock, self.engine.begin() as connection:
            connection.execute(delete(_members).where(_members.c.namespace == self.namespace))

    def _best_story(self, connection: Connection, vector: np.ndarray, names: set[str], day: int | None) -> str | None:
        if day is None:
            return None
        window = self.rule.window_days
        rows = connection.execute(
            select(_members.c.story_id, _members.c.names, _members.c.vector).where(
                _members.c.namespace == self.namespace, _members.c.day.between(day - window, day + window)
            )
        ).all()
        rows = [row for row in rows if row[2] is not None and len(row[2]) == vector.nbytes]
        if not rows:
            return None
        cosines = np.frombuffer(b"".join(row[2] for row in rows), dtype=np.float32).reshape(len(rows), -1) @ vector
        scores = cosines.astype(np.float64)
        if self.rule.name_weight:
            scores += self.rule.name_weight * np.array([_jaccard(names, row[1]) for row in rows])
        by_story: dict[str, list[float]] = {}
        for row, score in zip(rows, scores.tolist(), strict=True):
            by_story.setdefault(str(row[0]), []).append(score)
        link = max if self.rule.linkage == "single" else (lambda values: sum(values) / len(values))
        story, best = max(((story, link(values)) for story, values in by_story.items()), key=lambda item: item[1])
        return story if best >= self.rule.min_score else None

    def _story_rows(self, connection: Connection, article_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(article_ids), 500):
            query = select(_members.c.article_id, _members.c.story_id).where(
                _members.c.namespace == self.namespace, _members.c.article_id.in_(article_ids[start : start + 500])
            )
            found.update({str(article_id): str(story_id) for article_id, story_id in connection.execute(query)})
        return found

    def _members_of(self, connection: Connection, story_id: str) -> list[Member]:
        query = (
            select(_members.c.article_id, _members.c.source, _members.c.day, _members.c.title, _members.c.url)
            .where(_members.c.namespace == self.namespace, _members.c.story_id == story_id)
            .order_by(_members.c.day, _members.c.article_id)
        )
        return [
            Member(str(article_id), source or "", _iso(day) if day else "", title or "", url or "")
            for article_id, source, day, title, url in connection.execute(query)
        ]

    def _delete(self, connection: Connection, article_ids: list[str]) -> None:
        for start in range(0, len(article_ids), 500):
            connection.execute(
                delete(_members).where(
                    _members.c.namespace == self.namespace, _members.c.article_id.in_(article_ids[start : start + 500])
                )
            )


def _jaccard(names: set[str], stored: str | None) -> float:
    other = set((stored or "").split("\n")) - {""}
    union = len(names | other)
    return len(names & other) / union if union else 0.0

"""What answers shaped like news share: the period, a wide topic search, the stories' lead passages.

:func:`assistant.news.requests.recognise` tells these requests from ordinary questions;
:class:`assistant.news.dispatch.NewsAnswerer` answers them from the index's stories (:mod:`index.stories.groups`) with
article sentences, each cited (:mod:`assistant.news.briefing`, :mod:`assistant.news.timeline`,
:mod:`assistant.news.comparison`). The answer is an ordinary :class:`~assistant.types.Answer` (its
``kind`` says which shape), so the chat, ``answer()``, the CLI and ``--json`` show it as they
show any answer.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

from langchain_core.documents import Document

from assistant.dates import DateWindow, last_day_as_of, parse_iso
from assistant.news.requests import BRIEFING_DAYS, NewsRequest
from assistant.news.story_writer import StoryWriter
from assistant.retrieval import PassageRetriever
from assistant.settings import AssistantSettings
from assistant.text import content_words
from assistant.types import Answer, Filters
from index.store import ArticleStore, ChunkFilter

TOPIC_PASSAGES = 40  # passages searched for a topic: a week of one topic rarely has more articles
LEAD_CHUNKS = 2  # an article's first passages, where its story is told


@dataclass(frozen=True, slots=True)
class Period:
    """A closed range of publication days (a request's window, completed)."""

    start: date
    end: date

    def label(self) -> str:
        if self.start == self.end:
            return _day(self.start)
        return f"{_day(self.start)} to {_day(self.end)}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True, slots=True)
class Scope:
    """Which articles one briefing, timeline or comparison may use: its period (or, when the request
    names none, nothing published after the reference day's "as of" grace) and the sources asked for.

    Passages and story members are tested the same way: :meth:`filters` is what the retriever gets
    (turned into the store's ``where`` by :meth:`~assistant.types.Filters.chunk_filter`) and
    :meth:`admits` applies that same :class:`~index.store.ChunkFilter` to a member's date and
    source. A story found by its topic or its period is otherwise read whole, other outlets and all,
    which is how a chosen source came to be ignored by every shape but the plain answer.
    """

    period: Period | None
    last: date  # with no period: the last day shown (:func:`assistant.dates.last_day_as_of`)
    sources: tuple[str, ...] = ()

    def filters(self) -> Filters:
        """The hard filters of a search for this scope's passages (``as_of`` stays a ranking matter)."""
        if self.period is None:
            return Filters.of(sources=self.sources)
        return Filters.of(since=self.period.start, until=self.period.end, sources=self.sources)

    def admits(self, day: str, source: str) -> bool:
        """Whether an article dated ``day`` (ISO, "" when undated) from ``source`` is in scope."""
        if not self.filters().chunk_filter().admits(day, source):
            return False
        return self.period is not None or not_after(day, self.last)

    def from_source(self, source: str) -> bool:
        """Whether ``source`` is one asked for (any is, when none was): for outlets counted, whatever the day."""
        return ChunkFilter(sources=self.sources).admits("", source)

    def until_end(self) -> Scope:
        """This scope from the beginning of time to its period's end: what a story counts up to then."""
        if self.period is None:
            return self
        return dataclasses.replace(self, period=Period(date.min, self.period.end))

    def outlets(self) -> str:
        """The sources asked for, as a "nothing found" message names them ("" for all)."""
        return f" from {' or '.join(self.sources)}" if self.sources else ""


class NewsContext:
    """What the three shapes need: the store, a wide topic search and the relevance floor."""

    def __init__(self, store: ArticleStore, settings: AssistantSettings, min_relevance: float) -> None:
        self.store = store
        self.settings = settings
        self.min_relevance = min_relevance
        self.retriever = PassageRetriever.from_settings(store, settings, k=TOPIC_PASSAGES, per_article=1)
        self.writer: StoryWriter | None = None  # a configured language model tells briefings' stories

    def topic_passages(self, topic: str, scope: Scope, reference: date) -> list[Document]:
        """The passages about ``topic`` (one per article, best first) in ``scope``.

        A passage counts when it is close enough in meaning (the answerer's relevance floor) *and*
        shares a content word with the topic: in a short period, the nearest passages of an unrelated
        story would otherwise pass.
        """
        found = []
        for passage in self.retriever.search(topic, scope.filters(), today=reference):
            metadata = passage.metadata
            if not scope.admits(str(metadata.get("date", "")), str(metadata.get("source", ""))):
                continue
            if metadata.get("similarity", 0.0) >= self.min_relevance and covers(topic, passage):
                found.append(passage)
        return found

    def scope(self, request: NewsRequest, reference: date, *, days: int | None = None) -> Scope:
        """The articles ``request`` may use as of ``reference``: its period (:meth:`bounds`), else up to
        the reference day and ``as_of``'s grace, so a timeline "as of" a day does not run on into the
        days after it; and its sources."""
        period = self.bounds(request.window, reference, days=days)
        return Scope(period, last_day_as_of(reference, self.settings.future_grace_days), request.sources)

    def leads(self, article_ids: list[str]) -> list[Document]:
        """The first passages of each article, in reading order."""
        return self.store.article_passages(article_ids, first_chunks=LEAD_CHUNKS)

    def bounds(self, window: DateWindow, reference: date, *, days: int | None = None) -> Period | None:
        """``window`` as a closed period; an open end is the reference day, an open start ``days``
        before it (or no period at all, without ``days``: a timeline over all time)."""
        if window.since is None and window.until is None and days is None:
            return None
        end = window.until or reference
        start = window.since or (end - timedelta(days=(days or BRIEFING_DAYS) - 1))
        return Period(min(start, end), max(start, end))

    def newest_day(self, until: date | None = None, sources: tuple[str, ...] = ()) -> str:
        """The newest article's date (on or before ``until``, from ``sources`` when given), for saying
        what a period without articles could be instead, or covering it."""
        return self.store.story_groups.newest_day(until.isoformat() if until else None, sources)


def nothing_found(question: str, kind: str, what: str) -> Answer:
    """A request the articles cannot serve, said plainly with what was looked for."""
    return Answer(question=question, text=what, answered=False, citations=[], kind=kind)


def covers(topic: str, passage: Document) -> int:
    """How many of ``topic``'s content words the passage (with its article's title) uses."""
    words = content_words(f"{passage.metadata.get('title', '')} {passage.page_content}")
    return len(content_words(topic) & words)


def not_after(day: str, last: date) -> bool:
    """Whether an article dated ``day`` is published by ``last`` (an undated one is)."""
    parsed = parse_iso(day)
    return parsed is None or parsed <= last


def in_period(day: str, period: Period | None) -> bool:
    parsed = parse_iso(day)
    return period is None or (parsed is not None and period.start <= parsed <= period.end)

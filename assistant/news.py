"""What answers shaped like news share: the period, a wide topic search, the stories' lead passages.

:func:`assistant.news_requests.recognise` tells these requests from ordinary questions;
:class:`assistant.news_answerer.NewsAnswerer` answers them from the index's stories (:mod:`index.story_groups`) with
article sentences, each cited (:mod:`assistant.briefing`, :mod:`assistant.timeline`,
:mod:`assistant.comparison`). The answer is an ordinary :class:`~assistant.types.Answer` (its
``kind`` says which shape), so the chat, ``answer()``, the CLI and ``--json`` show it as they
show any answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from langchain_core.documents import Document

from assistant.dates import DateWindow, parse_iso
from assistant.news_requests import BRIEFING_DAYS
from assistant.retrieval import PassageRetriever
from assistant.settings import AssistantSettings
from assistant.story_writer import StoryWriter
from assistant.text import content_words
from assistant.types import Answer, Filters
from index.store import ArticleStore

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


class NewsContext:
    """What the three shapes need: the store, a wide topic search and the relevance floor."""

    def __init__(self, store: ArticleStore, settings: AssistantSettings, min_relevance: float) -> None:
        self.store = store
        self.settings = settings
        self.min_relevance = min_relevance
        self.retriever = PassageRetriever.from_settings(store, settings, k=TOPIC_PASSAGES, per_article=1)
        self.writer: StoryWriter | None = None  # a configured language model tells briefings' stories

    def topic_passages(self, topic: str, period: Period | None, reference: date) -> list[Document]:
        """The passages about ``topic`` (one per article, best first), published in ``period``.

        A passage counts when it is close enough in meaning (the answerer's relevance floor) *and*
        shares a content word with the topic: in a short period, the nearest passages of an unrelated
        story would otherwise pass.
        """
        filters = Filters(since=period.start, until=period.end) if period else Filters()
        found = []
        for passage in self.retriever.search(topic, filters, today=reference):
            if passage.metadata.get("similarity", 0.0) >= self.min_relevance and covers(topic, passage):
                found.append(passage)
        return found

    def last_day(self, reference: date) -> date:
        """The last publication day an answer as of ``reference`` shows when the request names no end:
        the reference day and ``as_of``'s grace (:class:`~assistant.types.Filters`), so a timeline
        "as of" a day does not run on into the days after it."""
        return reference + timedelta(days=self.settings.future_grace_days)

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

    def newest_day(self) -> str:
        """The newest article's date, for saying what a period without articles could be instead."""
        return self.store.story_groups.newest_day()


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

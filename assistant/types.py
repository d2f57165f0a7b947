"""What ``answer()`` returns: the text with ``[n]`` markers and the passages those numbers name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from assistant.dates import user_date
from assistant.news.items import NewsItem, PeriodCovered
from index.sources.problems import ProblemKind
from index.store import ChunkFilter
from index.stories.copies import Copy
from index.stories.groups import Member

NOT_IN_ARTICLES = "This is not in the articles: none of the indexed articles covers that question."


@dataclass(frozen=True, slots=True)
class Citation:
    """Passage ``[n]`` of an answer, with what a reader needs to check it."""

    n: int
    article_id: str
    title: str
    date: str
    source: str
    url: str
    passage: str
    score: float
    also_published_by: tuple[Copy, ...] = ()  # other outlets' copies of the same story, not indexed again
    language: str = ""  # ISO 639-1 of the article, when known: the passage is quoted in its own words
    story: tuple[Member, ...] = ()  # the first few other articles of its story (assistant.stories_shown)
    story_outlets: int = 0  # how many outlets reported the story, this one included (0: not known)
    story_articles: int = 0  # how many other articles its story has (``story`` lists at most five)
    story_id: str = ""  # its story (index.stories.groups): where the other articles can be read

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class UnreadArticle:
    """An article of a story the answer tells that a followed feed listed but could not be read
    (:class:`~index.sources.problems.FeedProblem`): its address, why (``kind``, a
    :class:`~index.sources.problems.ProblemKind` value), its entry's title and the story."""

    url: str
    kind: str
    title: str = ""
    story_id: str = ""
    reason: str = ""  # in the fetcher's words ("behind a paywall: only a teaser was served")

    @property
    def label(self) -> str:
        """What a reader is told after "could not be read:" ("behind a paywall")."""
        try:
            return ProblemKind(self.kind).label
        except ValueError:
            return ProblemKind.UNREADABLE.label


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer whose every ``[n]`` has exactly one citation, and every citation is referred to.

    ``answered`` is False when the articles don't cover the question; then ``citations`` is empty.
    ``backend`` names what wrote the text (``extractive`` for the sentence selector, else the model,
    e.g. ``smollm2``). ``fallback`` is True when a model was asked but its answer failed the grounding
    check (or the model could not be reached), so the extractive answer is shown instead; ``removed``
    lists the model's sentences that no cited passage supported, and ``notice`` says what happened.
    A briefing, timeline or comparison carries its content as data in ``items`` under ``heading``
    (:mod:`assistant.news.items`): ``text`` is then only their plain rendering, never parsed back.
    ``unread`` lists the articles of the stories it tells that a followed feed could not read (behind a
    paywall, an HTTP error), so a reader knows an outlet's account is missing.
    ``short_answer`` is the name, place, number or date the first cited sentence gives for what the
    question asks (:mod:`assistant.answer_kind`); None when it names none, and for refusals and news.
    """

    question: str
    text: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    backend: str = "extractive"
    fallback: bool = False
    removed: list[str] = field(default_factory=list)
    notice: str = ""
    kind: str = "answer"  # or the shape of news asked for: "briefing", "timeline", "comparison"
    items: tuple[NewsItem, ...] = ()  # a briefing's stories, a timeline's entries, a comparison's claims
    heading: str = ""  # the line that opens the items ("The news, 1 March 2024 to 7 March 2024, …:")
    short_answer: str | None = None  # "Emmanuel Macron": a span of the answer's first sentence
    period: PeriodCovered | None = None  # a briefing's days, and whether they are those asked for
    unread: tuple[UnreadArticle, ...] = ()  # its stories' articles a followed feed could not read (assistant.unread)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        """An answer back from :meth:`to_dict` (stored conversations and followed questions); fields
        added since are defaulted, dropped ones ignored (an answer stored before items has none)."""
        known = {item.name for item in fields(Citation)}
        citations = []
        for raw in data.get("citations", []):
            values = {key: value for key, value in raw.items() if key in known}
            values["also_published_by"] = tuple(Copy(**copy) for copy in raw.get("also_published_by", ()))
            values["story"] = tuple(Member(**member) for member in raw.get("story", ()))
            citations.append(Citation(**values))
        return cls(
            question=data.get("question", ""),
            text=data.get("answer", ""),
            answered=bool(data.get("answered", False)),
            citations=citations,
            backend=data.get("backend", "extractive"),
            fallback=bool(data.get("fallback", False)),
            removed=list(data.get("removed", [])),
            notice=data.get("notice", ""),
            kind=data.get("kind", "answer"),
            items=tuple(NewsItem.from_dict(raw) for raw in data.get("items", ())),
            heading=data.get("heading", ""),
            short_answer=data.get("short_answer"),
            period=PeriodCovered.from_dict(data.get("period")),
            unread=tuple(
                UnreadArticle(**{key: str(value) for key, value in raw.items() if key in _UNREAD_FIELDS})
                for raw in data.get("unread", ())
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "answered": self.answered,
            "short_answer": self.short_answer,
            "backend": self.backend,
            "fallback": self.fallback,
            "removed": list(self.removed),
            "notice": self.notice,
            "kind": self.kind,
            "citations": [citation.to_dict() for citation in self.citations],
            "heading": self.heading,
            "items": [item.to_dict() for item in self.items],
            "period": self.period.to_dict() if self.period else None,
            "unread": [asdict(article) for article in self.unread],
        }


_UNREAD_FIELDS = frozenset(item.name for item in fields(UnreadArticle))


@dataclass(frozen=True, slots=True)
class Filters:
    """What narrows a question's articles, passed down as one value.

    ``as_of``: answer as of that day (articles near it first, none published after it beyond a few
    days' grace). ``since``/``until``: publication dates, inclusive. ``sources``: only these.
    """

    as_of: date | None = None
    since: date | None = None
    until: date | None = None
    sources: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        as_of: date | None = None,
        since: date | None = None,
        until: date | None = None,
        sources: Sequence[str] | None = None,
    ) -> Filters:
        return cls(as_of, since, until, tuple(sources or ()))

    @classmethod
    def typed(
        cls,
        as_of: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sources: Sequence[str] | None = None,
        *,
        names: tuple[str, str, str] = ("as_of", "since", "until"),
    ) -> Filters:
        """Filters from what a user typed (dates as ``YYYY-MM-DD``, empty: none), the one way every
        door reads them: the CLI, the chat's boxes, MCP tools. A bad date is refused by
        :func:`assistant.dates.user_date` as :class:`~index.errors.BadDateError` naming the field as
        that door shows it (``names``: ``--as-of``, ``From``...), so the user knows which to fix."""
        as_of_name, since_name, until_name = names
        days = user_date(as_of, as_of_name), user_date(since, since_name), user_date(until, until_name)
        return cls.of(*days, sources)

    def chunk_filter(self) -> ChunkFilter:
        """The hard filters as the store applies them (``as_of`` is a preference, applied by ranking)."""
        return ChunkFilter(since=self.since, until=self.until, sources=self.sources)


# What Assistant.stream() yields: the draft text so far (str), then the final, checked Answer.
AnswerUpdate = str | Answer


def not_in_articles(question: str, backend: str = "extractive") -> Answer:
    """The refusal: said plainly, with no passage that could be mistaken for support."""
    return Answer(question=question, text=NOT_IN_ARTICLES, answered=False, citations=[], backend=backend)

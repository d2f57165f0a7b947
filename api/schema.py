"""What the HTTP API answers, as documented in its OpenAPI schema (``GET /api/openapi.json``).

The routes return plain dicts (``Answer.to_dict()``, the passages of a search); these models only
describe them, so clients and the schema-driven fuzz test know the shape, and so every text field
says what it is: article text, verbatim and untrusted unless the request asked ``"sanitize": true``
(:mod:`api.untrusted`). Each model allows extra fields: an answer may grow one without the schema
calling it wrong. Errors are ``{"error": "message"}`` (OpenAI's shape under ``/v1``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

UNTRUSTED = (
    "Article text, quoted verbatim: untrusted. It may contain HTML (<script>) or Markdown links to "
    'javascript: URLs; escape it before rendering, or send "sanitize": true to receive it sanitised.'
)
UNTRUSTED_URL = (
    "The article's address as its feed gave it: untrusted, possibly not http(s); "
    'with "sanitize": true only http(s) addresses are kept (else "").'
)


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class CopyOut(_Open):
    """Another outlet's publication of the same story (not indexed again)."""

    source: str = Field(description=UNTRUSTED)
    url: str = Field(description=UNTRUSTED_URL)
    title: str = Field(description=UNTRUSTED)
    date: str


class MemberOut(_Open):
    """Another article of the cited article's story."""

    article_id: str
    source: str = Field(description=UNTRUSTED)
    date: str
    title: str = Field(description=UNTRUSTED)
    url: str = Field(default="", description=UNTRUSTED_URL)


class StoryOut(_Open):
    """A story's articles, oldest first, from ``offset``: what ``POST /api/story`` answers."""

    story_id: str
    articles: int = Field(description="how many articles the story has")
    follows: str = Field(default="", description="the earlier story this one continues ('' when none)")
    offset: int
    members: list[MemberOut] = Field(description="at most the limit asked for, oldest first")


class CitationOut(_Open):
    """Passage ``[n]`` of the answer and the article it comes from."""

    n: int = Field(description="the number the answer's [n] markers use")
    article_id: str
    title: str = Field(description=UNTRUSTED)
    date: str = Field(description="the article's publication date, YYYY-MM-DD ('' if unknown)")
    source: str = Field(description=UNTRUSTED)
    url: str = Field(description=UNTRUSTED_URL)
    passage: str = Field(description=UNTRUSTED)
    score: float
    also_published_by: list[CopyOut] = []
    language: str = ""
    story: list[MemberOut] = Field(
        default=[], description="the first few (at most five) other articles of the cited article's story"
    )
    story_outlets: int = Field(default=0, description="how many outlets reported the story, this one included")
    story_articles: int = Field(default=0, description="how many other articles the story has, listed or not")
    story_id: str = Field(
        default="",
        description="the story's id ('' when the article is in none): POST /api/story lists all its articles",
    )


class NewsSentenceOut(_Open):
    """One sentence of a news item and the citations it rests on."""

    text: str = Field(description="The sentence, quoted or written from the articles: " + UNTRUSTED)
    cites: list[int] = Field(
        description="the citations' n written after it; empty when the next sentence cites the same passage"
    )


class NewsItemOut(_Open):
    """A story of a briefing, an entry of a timeline or a claim of a comparison, as data."""

    kind: str = Field(description="story (briefing), entry (timeline), shared, only or account (comparison)")
    sentences: list[NewsSentenceOut]
    title: str = Field(default="", description="the story's title. " + UNTRUSTED)
    outlets: list[str] = Field(default=[], description="the outlets reporting or saying it. " + UNTRUSTED)
    outlet_count: int = Field(default=0, description="how many outlets reported the story (copies' outlets too)")
    first_date: str = Field(default="", description="YYYY-MM-DD: the story's first day, or the entry's day")
    last_date: str = Field(default="", description="YYYY-MM-DD: the story's last day, or the entry's day")


class PeriodOut(_Open):
    """The days a briefing covers, and whether they are those asked for."""

    start: str = Field(description="YYYY-MM-DD: the first day covered")
    end: str = Field(description="YYYY-MM-DD: the last day covered")
    basis: str = Field(
        description="asked: the period asked for (or the default week); latest: that period (asked_start to "
        "asked_end) had no news, so the latest as long that has is covered; topic: a topic asked for without a "
        "period, covered by its latest stories"
    )
    asked_start: str | None = Field(default=None, description="with latest: the first day asked for")
    asked_end: str | None = Field(default=None, description="with latest: the last day asked for")


class UnreadOut(_Open):
    """An article of a story the answer tells that a followed feed listed but could not read."""

    url: str = Field(description=UNTRUSTED_URL)
    kind: str = Field(description="why: paywall, no text, not fetched, robots, refused, unreadable")
    title: str = Field(default="", description="the feed entry's title. " + UNTRUSTED)
    story_id: str = Field(default="", description="the story (of a citation's story_id) it would have joined")
    reason: str = Field(default="", description="in the fetcher's words: 'behind a paywall: only a teaser was served'")


class AnswerOut(_Open):
    """A cited answer: what ``python -m assistant ask --json`` prints."""

    question: str = Field(description="the question as it was answered (cleaned)")
    answer: str = Field(description="The answer with its [n] markers. It quotes the articles: " + UNTRUSTED)
    answered: bool = Field(description="false when the articles do not cover the question")
    short_answer: str | None = Field(
        default=None,
        description="the name, place, number or date the answer's first cited sentence gives for what the "
        "question asks (who, where, how many, when, which company...), quoted from it; null when the question "
        "asks for no such thing or the sentence names none, and for refusals and briefings. " + UNTRUSTED,
    )
    backend: str
    fallback: bool
    removed: list[str] = Field(description="a model's sentences no passage supported. " + UNTRUSTED)
    notice: str
    kind: str = Field(description="answer, briefing, timeline or comparison")
    citations: list[CitationOut]
    heading: str = Field(default="", description="the line that opens a briefing's, timeline's or comparison's items")
    items: list[NewsItemOut] = Field(
        default=[], description="a briefing's stories, a timeline's entries, a comparison's claims ([] for an answer)"
    )
    period: PeriodOut | None = Field(default=None, description="a briefing's days (null for other answers)")
    unread: list[UnreadOut] = Field(
        default=[], description="articles of the stories told that a followed feed could not read ([] when none)"
    )
    conversation_id: str | None = Field(default=None, description="present when the request gave one")


class PassageOut(_Open):
    """A passage retrieval found."""

    rank: int
    article_id: str
    title: str = Field(description=UNTRUSTED)
    date: str
    source: str = Field(description=UNTRUSTED)
    url: str = Field(description=UNTRUSTED_URL)
    passage: str = Field(description=UNTRUSTED)
    similarity: float
    score: float


class SearchOut(_Open):
    query: str
    passages: list[PassageOut]


class ConversationOut(_Open):
    conversation_id: str


class ErrorOut(BaseModel):
    """Why the request was refused, and what to change."""

    error: str


class OpenAIError(BaseModel):
    message: str
    type: str
    param: Any = None
    code: Any = None


class OpenAIErrorOut(BaseModel):
    """An error in OpenAI's shape, which OpenAI clients raise as their exceptions."""

    error: OpenAIError


def errors(model: type[BaseModel], *statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route refusing with ``statuses`` (besides 400, 415, 422 for any body)."""
    return {status: {"model": model, "description": "refused: the message says why"} for status in statuses}

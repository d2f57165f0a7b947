"""What the HTTP API accepts: one typed model per request body, so bad input is refused with a message.

Every field is checked before anything is answered: a wrong type, a missing field, an unknown
field (a typo such as ``"questoin"`` would otherwise be ignored silently) or a date that is not
``YYYY-MM-DD`` (or lies outside the years the date arithmetic handles, :func:`assistant.dates.user_date`)
becomes HTTP 422 naming the field (:mod:`api.rest`). The OpenAI-compatible request
alone accepts unknown fields, because OpenAI clients send options (``temperature``, ``top_p``...)
that an assistant answering from articles has no use for.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from assistant.dates import in_user_range, user_date
from assistant.history import message_text
from assistant.types import Filters

MAX_SEARCH_K = 50  # as many passages as one search contributes by default (ASSISTANT_CANDIDATES)
MAX_STORY_ARTICLES = 200  # a page of a story's articles: a fortnight of one event from every outlet


class Dated(BaseModel):
    """The period a request is about: ``as_of`` a day, and/or publication dates ``since``..``until``."""

    model_config = ConfigDict(extra="forbid")

    as_of: date | None = Field(default=None, description="answer as of this day (YYYY-MM-DD)")
    since: date | None = Field(default=None, description="only articles published on or after this day")
    until: date | None = Field(default=None, description="only articles published on or before this day")

    @field_validator("as_of", "since", "until", mode="before")
    @classmethod
    def _day(cls, value: object, info: ValidationInfo) -> object:
        """Dates read as everywhere else (:func:`assistant.dates.user_date`), with its message on error."""
        if value is None:
            return value
        if isinstance(value, date):
            return in_user_range(value, str(info.field_name))
        if not isinstance(value, str):  # not a number of seconds, as pydantic alone would read one
            raise ValueError(f"{info.field_name}: write a date as a string, YYYY-MM-DD")
        return user_date(value, str(info.field_name))

    def filters(self) -> Filters:
        return Filters.of(self.as_of, self.since, self.until)


class Filtered(Dated):
    """A period and, optionally, the sources to keep (none: all)."""

    sources: list[str] = Field(default_factory=list, description="only these sources")

    def filters(self) -> Filters:
        return Filters.of(self.as_of, self.since, self.until, self.sources)


SANITIZE = (
    "true: every text field of the answer HTML-escaped, Markdown links to anything but http(s) and images "
    "made plain text, and non-http(s) URLs emptied (api.untrusted); false: article text verbatim, untrusted"
)


class Sanitizable(BaseModel):
    """Whether the answer's article text comes sanitised (:mod:`api.untrusted`) or verbatim."""

    sanitize: bool = Field(default=False, description=SANITIZE)


class StoryRequest(Sanitizable):
    """``POST /api/story``: the articles of the story a citation names (its ``story_id``), oldest
    first, a page at a time (a citation lists only the first few)."""

    model_config = ConfigDict(extra="forbid")

    story_id: str = Field(min_length=1, max_length=100, description="a citation's story_id")
    offset: int = Field(default=0, ge=0, description="articles to skip, oldest first")
    limit: int = Field(default=50, ge=1, le=MAX_STORY_ARTICLES, description="articles to return at most")


class Message(BaseModel):
    """One turn of a conversation, as chat APIs write it (content: a string or a list of text blocks)."""

    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        return message_text(self.content)


class AskRequest(Filtered, Sanitizable):
    """``POST /api/ask`` and ``/api/ask/stream``: a question, and the conversation it follows, if any."""

    question: str
    history: list[Message | tuple[str, str]] | None = Field(
        default=None, description="earlier turns: {role, content} messages or [question, answer] pairs"
    )
    conversation_id: str | None = Field(default=None, description="a conversation made by POST /api/conversations")

    @model_validator(mode="after")
    def _one_history(self) -> AskRequest:
        if self.history is not None and self.conversation_id is not None:
            raise ValueError("give either history or conversation_id, not both")
        return self

    def turns(self) -> list[Any]:
        """The history as :func:`assistant.history.history_turns` reads it."""
        return [turn if isinstance(turn, tuple) else turn.model_dump() for turn in self.history or []]


class SearchRequest(Filtered, Sanitizable):
    """``POST /api/search``: the passages a question retrieves, without an answer."""

    query: str
    k: int | None = Field(default=None, ge=1, le=MAX_SEARCH_K, description="passages (default ASSISTANT_TOP_K)")


BriefKind = Literal["briefing", "timeline", "comparison"]


class BriefRequest(Filtered, Sanitizable):
    """``POST /api/brief``: a briefing of a period, a timeline of a story, or outlets compared on one;
    ``sources`` as in ``/api/ask`` (every kind of answer honours the same filters)."""

    topic: str = Field(default="", description="what it is about ('' with a briefing: all the news)")
    kind: BriefKind = "briefing"

    @model_validator(mode="after")
    def _topic_when_needed(self) -> BriefRequest:
        if self.kind != "briefing" and not self.topic.strip():
            raise ValueError(f"a {self.kind} needs a topic: the story it is about")
        return self


class ChatCompletionRequest(Filtered):
    """``POST /v1/chat/completions`` (OpenAI's shape): the last user message is the question."""

    model_config = ConfigDict(extra="allow")

    model: str = "news-assistant"
    messages: list[Message] = Field(min_length=1)
    stream: bool = False
    # Chat clients render the reply as Markdown: article text is sanitised unless the caller opts out.
    sanitize: bool = Field(default=True, description=SANITIZE)
    stream_options: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _ends_with_a_question(self) -> ChatCompletionRequest:
        if self.messages[-1].role != "user":
            raise ValueError("the last message must be the user's question (role 'user')")
        return self

    def question(self) -> str:
        return self.messages[-1].text()

    def history(self) -> list[dict[str, str]]:
        """The turns before the question, user and assistant only (system prompts do not steer the
        assistant: it answers from the articles by its own rules), each reply cut to its answer."""
        return [
            {"role": message.role, "content": message.text().split(SOURCES_HEADING, 1)[0].strip()}
            for message in self.messages[:-1]
            if message.role in ("user", "assistant")
        ]

    def include_usage(self) -> bool:
        return bool((self.stream_options or {}).get("include_usage"))


SOURCES_HEADING = "\n\nSources:\n"  # where an OpenAI-compatible reply's answer ends and its sources begin

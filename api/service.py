"""The assistant as the HTTP API and the MCP tools call it: checked input, bounded concurrency, JSON out.

The REST routes (:mod:`api.rest`), the OpenAI-compatible ones (:mod:`api.openai_compat`) and the MCP
tools (:mod:`api.mcp_tools`) all go through :class:`AnsweringService`, so they refuse the same bad
input with the same words and answer with the same :class:`~assistant.types.Answer`.

Answering is CPU work in a worker thread; at most ``concurrency`` (``ASSISTANT_CHAT_CONCURRENCY``)
questions of the API run at once and the rest wait their turn without holding a thread, so twenty
clients at once slow each other down instead of starving the chat and the event loop.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

import anyio
import anyio.to_thread
from langchain_core.documents import Document

from api.untrusted import sanitized
from assistant.conversations.book import ConversationBook, Conversations, UnknownConversationError
from assistant.news.requests import RequestKind
from assistant.questions import clean_question
from assistant.service import Assistant
from assistant.types import Answer, AnswerUpdate, Filters

logger = logging.getLogger(__name__)

_DONE = object()


class ApiError(Exception):
    """A request the API refuses: its HTTP status and a message saying what to change."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclasses.dataclass
class AnsweringService:
    """One :class:`Assistant` shared by every API route and MCP tool of the process."""

    assistant: Assistant
    concurrency: int = 4
    # The server passes the chat's conversation store (server.serve); made alone, conversations live in memory.
    conversations: ConversationBook = dataclasses.field(default_factory=Conversations)
    _limiter: anyio.CapacityLimiter | None = dataclasses.field(default=None, init=False, repr=False)

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        """Made on first use, inside the server's event loop (anyio binds it to the running loop's library)."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.concurrency)
        return self._limiter

    @property
    def drafts_are_final(self) -> bool:
        """Whether each draft is already checked text that only grows (the extractive answerer's
        sentences): then a client that cannot take text back (OpenAI streaming) may be sent it."""
        return self.assistant.chat_model is None and self.assistant.answerer is self.assistant.extractive

    def question_text(self, raw: str, what: str = "question") -> str:
        """``raw`` cleaned as the assistant cleans it; empty or too long is refused (422), never cut.

        The chat cuts a long question and says so under the answer; a program would not read that
        note, so the API refuses instead and says how long a question may be.
        """
        limit = self.assistant.settings.max_question_chars
        cleaned = clean_question(raw, limit)
        if not cleaned.text:
            raise ApiError(422, f"{what} is empty: send a question about the news articles")
        if cleaned.notice:
            length = len(" ".join(raw.split()))
            raise ApiError(
                422,
                f"{what} is {length:,} characters long; at most {limit:,} are accepted "
                "(ASSISTANT_MAX_QUESTION_CHARS): shorten it",
            )
        return cleaned.text

    def history(self, conversation_id: str | None, turns: Sequence[Any]) -> list[Any]:
        """The earlier turns: those of the conversation ``conversation_id`` (404 if unknown), else ``turns``."""
        if conversation_id is None:
            return list(turns)
        try:
            return list(self.conversations.turns(conversation_id))
        except UnknownConversationError as error:
            raise ApiError(404, str(error)) from None

    def remember(self, conversation_id: str | None, answer: Answer) -> None:
        if conversation_id is not None:
            self.conversations.record(conversation_id, answer)

    async def ask(self, question: str, history: Sequence[Any] = (), filters: Filters | None = None) -> Answer:
        """``Assistant.ask`` in a worker thread, waiting for a free slot first."""
        ask = self.assistant.ask
        return await anyio.to_thread.run_sync(ask, question, list(history), filters, limiter=self.limiter)

    async def stream(
        self, question: str, history: Sequence[Any] = (), filters: Filters | None = None
    ) -> AsyncIterator[AnswerUpdate]:
        """``Assistant.stream`` item by item (drafts, then the :class:`Answer`), one slot held throughout."""
        async with self.limiter:
            updates = self.assistant.stream(question, list(history), filters)
            try:
                while (update := await anyio.to_thread.run_sync(next, updates, _DONE)) is not _DONE:
                    yield update  # type: ignore[misc]
            finally:
                close = getattr(updates, "close", None)  # a generator: end it (its cleanup runs) if cut short
                if close is not None:
                    close()

    async def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[dict[str, Any]]:
        """The passages retrieval finds for ``query`` (``k`` of them, default ``ASSISTANT_TOP_K``), best first."""
        retriever = self.assistant.retriever
        if k is not None and k != retriever.k:
            retriever = retriever.model_copy(update={"k": k})
        found = await anyio.to_thread.run_sync(retriever.search, query, filters, limiter=self.limiter)
        return [passage_dict(rank, document) for rank, document in enumerate(found, start=1)]

    async def brief(self, kind: RequestKind, topic: str = "", filters: Filters | None = None) -> Answer:
        """A briefing, timeline or comparison (``Assistant.shaped``) in a worker thread."""
        return await anyio.to_thread.run_sync(self.assistant.shaped, kind, topic, filters, limiter=self.limiter)

    async def story(self, story_id: str, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """The articles of story ``story_id`` from ``offset`` (at most ``limit``), oldest first;
        404 when no indexed article is in it."""
        groups = self.assistant.store.story_groups

        def read() -> tuple[list[Any], dict[str, str]]:
            return groups.members(story_id), groups.follows_of([story_id])

        members, follows = await anyio.to_thread.run_sync(read, limiter=self.limiter)
        if not members:
            raise ApiError(404, f"no story {story_id!r}: take a story_id from a citation of an answer")
        return {
            "story_id": story_id,
            "articles": len(members),
            "follows": follows.get(story_id, ""),
            "offset": offset,
            "members": [dataclasses.asdict(member) for member in members[offset : offset + limit]],
        }


def passage_dict(rank: int, document: Document) -> dict[str, Any]:
    """A retrieved passage as JSON: where it comes from, its text, and how well it matched."""
    meta = document.metadata
    return {
        "rank": rank,
        "article_id": str(meta.get("article_id", "")),
        "title": str(meta.get("title", "")),
        "date": str(meta.get("date", "")),
        "source": str(meta.get("source", "")),
        "url": str(meta.get("url", "")),
        "passage": document.page_content,
        "similarity": round(float(meta.get("similarity", 0.0)), 4),
        "score": round(float(meta.get("score", 0.0)), 6),
    }


def answer_dict(answer: Answer, conversation_id: str | None = None, *, sanitize: bool = False) -> dict[str, Any]:
    """What ``python -m assistant ask --json`` prints, plus the conversation's id when there is one;
    ``sanitize``: its article text made safe to render (:mod:`api.untrusted`)."""
    result = sanitized(answer.to_dict()) if sanitize else answer.to_dict()
    if conversation_id is not None:
        result["conversation_id"] = conversation_id
    return result

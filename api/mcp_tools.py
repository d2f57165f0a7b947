"""The assistant as MCP tools, so agents (Claude Desktop, IDEs, any MCP client) can ask the news.

Three tools, served over streamable HTTP at ``/mcp`` beside the chat (:mod:`api.rest`):
``ask`` (a cited answer), ``search`` (the passages a query retrieves) and ``briefing`` (the news of
a period, a timeline of a story, or outlets compared), each returning the same JSON as the HTTP
API. A refusal (an empty or too long question, a bad date) is a tool error whose message says
what to change, which the calling model can read and act on.

The server is stateless (every request stands alone, no session to keep or lose) and answers in
plain JSON rather than an event stream: the tools return one result each, nothing is pushed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from api.requests import MAX_SEARCH_K
from api.service import AnsweringService, ApiError, answer_dict
from assistant.types import Filters
from index.errors import UserError, one_line

logger = logging.getLogger(__name__)

INSTRUCTIONS = (
    "Answers questions about the news articles indexed on this server, citing the passage behind "
    "every claim as [n] (the citations list gives title, date, source, URL and passage of each). "
    "When the articles do not cover a question, 'answered' is false: say so rather than guess."
)


Day = Annotated[str | None, Field(description="a day, YYYY-MM-DD")]
AsOf = Annotated[str | None, Field(description="answer as of this day, YYYY-MM-DD (default: today)")]


Sources = Annotated[list[str] | None, Field(description="only articles from these sources (default: all)")]


def _filters(
    as_of: str | None = None, since: str | None = None, until: str | None = None, sources: list[str] | None = None
) -> Filters:
    return Filters.typed(as_of, since, until, sources)


def mcp_server(service: AnsweringService) -> MCPServer:
    """An MCP server whose tools answer through ``service`` (its Starlette app is mounted by :mod:`api.rest`)."""
    server: MCPServer = MCPServer("news-assistant", instructions=INSTRUCTIONS, log_level="WARNING")
    logging.getLogger("mcp").setLevel(logging.WARNING)  # one line per request at INFO would drown the chat's log

    @server.tool(description="Answer a question from the news articles, citing passages as [n].")
    async def ask(
        question: Annotated[str, Field(description="a question about the news")],
        as_of: AsOf = None,
        since: Day = None,
        until: Day = None,
    ) -> dict[str, Any]:
        """``as_of``: answer as of that day (YYYY-MM-DD); ``since``/``until``: publication dates."""
        with _refusals():
            text = service.question_text(question)
            return answer_dict(await service.ask(text, (), _filters(as_of, since, until)))

    @server.tool(description="Find the passages of the news articles that best match a query, best first.")
    async def search(
        query: Annotated[str, Field(description="what to look for, in words")],
        k: Annotated[int | None, Field(ge=1, le=MAX_SEARCH_K, description="how many passages")] = None,
        since: Day = None,
        until: Day = None,
    ) -> dict[str, Any]:
        """``k``: how many passages (1-50, default the server's ASSISTANT_TOP_K)."""
        with _refusals():
            text = service.question_text(query, "query")
            return {"query": text, "passages": await service.search(text, k, _filters(since=since, until=until))}

    @server.tool(
        description=(
            "A cited briefing of the news of a period (kind 'briefing'; topic optional), a dated timeline "
            "of a story ('timeline'), or what outlets say in common and apart about one ('comparison'). "
            "'items' holds its stories, entries or claims as data (title, outlets, dates, sentences with the "
            "numbers of the citations they rest on); 'period' the days a briefing covers (the latest with news when "
            "those asked for have none); 'answer' is the same as plain text."
        )
    )
    async def briefing(
        topic: Annotated[str, Field(description="what it is about ('' for all the news of the period)")] = "",
        since: Day = None,
        until: Day = None,
        kind: Literal["briefing", "timeline", "comparison"] = "briefing",
        as_of: AsOf = None,
        *,
        sources: Sources = None,
    ) -> dict[str, Any]:
        """Without since/until, a briefing covers the week up to ``as_of`` (default today)."""
        with _refusals():
            if kind != "briefing" and not topic.strip():
                raise ApiError(422, f"a {kind} needs a topic: the story it is about")
            if topic.strip():
                topic = service.question_text(topic, "topic")
            return answer_dict(await service.brief(kind, topic, _filters(as_of, since, until, sources)))

    return server


@contextmanager
def _refusals() -> Iterator[None]:
    """Refusals become tool errors carrying their message (the model reads it and can correct itself)."""
    try:
        yield
    except ApiError as error:
        raise ToolError(error.message) from error
    except UserError as error:
        raise ToolError(one_line(error)) from error

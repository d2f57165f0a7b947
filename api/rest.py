"""The HTTP API served with the chat: the assistant as a service other programs call.

Routes (all JSON; :mod:`server.serve` mounts the chat at ``/`` of the same app):

- ``POST /api/ask``: ``{"question", "history"?, "conversation_id"?, "as_of"?, "since"?, "until"?,
  "sources"?}`` → what ``python -m assistant ask --json`` prints (``Answer.to_dict()``), plus
  ``conversation_id`` when one was given.
- ``POST /api/ask/stream``: the same, as NDJSON lines: ``{"type": "draft", "text"}`` while the
  answer is written (provisional: replace, don't append), then ``{"type": "answer", "answer"}``.
- ``POST /api/conversations`` → ``{"conversation_id"}``: follow-ups by id (:mod:`assistant.conversations.book`).
- ``POST /api/search``: ``{"query", "k"?, filters}`` → ``{"query", "passages": [...]}``.
- ``POST /api/brief``: ``{"topic"?, "kind"?, "as_of"?, "since"?, "until"?, "sources"?}`` → an answer.
- ``POST /api/story``: ``{"story_id", "offset"?, "limit"?}`` → the articles of the story a citation
  names (a citation lists only the first five), oldest first, and the story it follows, if any.
- ``GET /v1/models``, ``POST /v1/chat/completions``: OpenAI-compatible (:mod:`api.openai_compat`).
- ``POST /mcp``: the MCP server (:mod:`api.mcp_tools`); ``GET /mcp`` is 405, as the MCP spec allows
  a server that pushes nothing (it is stateless and answers in JSON): an event stream opened there
  would stay open and idle for as long as the client liked.
- ``GET /feeds/briefing.atom``, ``GET /feeds/followed.atom``: Atom feeds of the latest briefing and of
  the followed questions with new sources (:mod:`api.feeds`); with a login, a feed token opens them.
- ``/api/deliveries``: scheduled digests by email or webhook: list, add, send now, pause, resume,
  remove (:mod:`api.deliveries`).
- ``GET /api/openapi.json``: this API's schema (:mod:`api.schema` describes the answers).

Bad input is a 4xx with a message (:mod:`api.errors`); the chat's login guards every route
(:mod:`api.login`); a ``Host`` or ``Origin`` a hostile web page would send is refused on every
route, the chat's included (:mod:`server.host_guard`). Answers quote articles verbatim: ``"sanitize":
true`` asks for their text made safe to render (:mod:`api.untrusted`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import cache
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route

from api.deliveries import deliveries_router
from api.errors import INTERNAL_ERROR, LastResort, error_response, install_error_handlers
from api.feeds import feeds_router
from api.login import RequireLogin
from api.mcp_tools import mcp_server
from api.openai_compat import openai_router
from api.requests import AskRequest, BriefRequest, SearchRequest, StoryRequest
from api.schema import AnswerOut, ConversationOut, ErrorOut, SearchOut, StoryOut, errors
from api.service import AnsweringService, answer_dict
from api.untrusted import sanitize_text, sanitized
from assistant.types import Answer
from index.errors import UserError, one_line

logger = logging.getLogger(__name__)

_ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def create_api(
    service: AnsweringService,
    login: tuple[str, str] | None = None,
    feed_owner: Callable[[str], str | None] | None = None,
) -> FastAPI:
    """The API app over ``service``; ``login`` (user, password) guards it, and ``feed_owner`` (a feed
    token's login: :meth:`~assistant.deliveries.tokens.FeedTokens.owner_of`) lets a feed reader into the
    feeds. The server wraps it (and the chat mounted on it) in its Host/Origin guard (:mod:`server.host_guard`)."""
    mcp = mcp_server(service)
    mcp_app = mcp.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
        # The MCP library's own Host/Origin check knows loopback names only; HostGuard checks every
        # route, /mcp included, and knows ASSISTANT_ALLOWED_HOSTS too.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with mcp.session_manager.run():  # a mounted app's own lifespan would not run
            yield

    app = FastAPI(
        title="News assistant API",
        summary="Cited answers about the indexed news articles.",
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive page loads scripts from a CDN: this server stays offline
        redoc_url=None,
    )
    install_error_handlers(app)
    _add_routes(app, service)
    app.include_router(openai_router(service))
    app.include_router(feeds_router(service))
    app.include_router(deliveries_router(service))
    app.add_api_route("/mcp", _no_event_stream, methods=["GET"], include_in_schema=False)  # before MCP's own
    app.router.routes.extend(route for route in mcp_app.routes if isinstance(route, Route))
    _add_unknown_routes(app)
    app.add_middleware(LastResort)
    if login is not None:
        app.add_middleware(RequireLogin, login=login, feed_owner=feed_owner)
    return app


async def _no_event_stream(request: Request) -> JSONResponse:
    return error_response(
        "/mcp",
        405,
        "GET is not accepted on /mcp: this MCP server is stateless and pushes nothing; POST JSON-RPC requests",
        {"Allow": "POST"},
    )


BODY_ERRORS = errors(ErrorOut, 400, 415, 422)


def _add_routes(app: FastAPI, service: AnsweringService) -> None:
    @app.post("/api/conversations", status_code=201, tags=["answers"], response_model=ConversationOut)
    async def start_conversation() -> dict[str, str]:
        """A conversation to ask follow-ups in: pass its id as ``conversation_id`` to ``/api/ask``."""
        return {"conversation_id": service.conversations.start()}

    answered = {200: {"model": AnswerOut}, **BODY_ERRORS, **errors(ErrorOut, 404)}

    @app.post("/api/ask", tags=["answers"], response_model=None, responses=answered)
    async def ask(request: AskRequest) -> dict[str, Any]:
        """A cited answer: the JSON of ``python -m assistant ask --json``. Its text quotes the articles
        verbatim (untrusted: it may hold HTML or javascript: links) unless ``"sanitize": true``."""
        question = service.question_text(request.question)
        history = service.history(request.conversation_id, request.turns())
        answer = await service.ask(question, history, request.filters())
        service.remember(request.conversation_id, answer)
        return answer_dict(answer, request.conversation_id, sanitize=request.sanitize)

    @app.post(
        "/api/ask/stream",
        tags=["answers"],
        response_class=StreamingResponse,
        responses={
            200: {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
            **BODY_ERRORS,
            **errors(ErrorOut, 404),
        },
    )
    async def ask_stream(request: AskRequest) -> StreamingResponse:
        """NDJSON: draft lines while the answer is written, then the answer line (article text,
        untrusted, unless ``"sanitize": true``)."""
        question = service.question_text(request.question)  # refused before the response begins
        history = service.history(request.conversation_id, request.turns())
        clean = sanitize_text if request.sanitize else str

        async def lines() -> AsyncIterator[str]:
            try:
                async for update in service.stream(question, history, request.filters()):
                    if isinstance(update, Answer):
                        service.remember(request.conversation_id, update)
                        answer = answer_dict(update, request.conversation_id, sanitize=request.sanitize)
                        yield _line({"type": "answer", "answer": answer})
                    else:
                        yield _line({"type": "draft", "text": clean(update)})
            except UserError as error:  # the response has begun: the error becomes its last line
                yield _line({"type": "error", "error": one_line(error)})
            except Exception:
                logger.exception("streaming an answer to %r failed", question)
                yield _line({"type": "error", "error": INTERNAL_ERROR})

        return StreamingResponse(lines(), media_type="application/x-ndjson", headers={"X-Accel-Buffering": "no"})

    @app.post(
        "/api/search", tags=["passages"], response_model=None, responses={200: {"model": SearchOut}, **BODY_ERRORS}
    )
    async def search(request: SearchRequest) -> dict[str, Any]:
        """The passages retrieval finds, best first, each with its article's title, date, source and URL
        (article text, untrusted, unless ``"sanitize": true``)."""
        query = service.question_text(request.query, "query")
        passages = await service.search(query, request.k, request.filters())
        return {"query": query, "passages": sanitized(passages) if request.sanitize else passages}

    @app.post("/api/brief", tags=["answers"], response_model=None, responses={200: {"model": AnswerOut}, **BODY_ERRORS})
    async def brief(request: BriefRequest) -> dict[str, Any]:
        """A cited briefing of a period, timeline of a story, or comparison of outlets on one (article
        text, untrusted, unless ``"sanitize": true``)."""
        topic = service.question_text(request.topic, "topic") if request.topic.strip() else ""
        return answer_dict(await service.brief(request.kind, topic, request.filters()), sanitize=request.sanitize)

    @app.post(
        "/api/story",
        tags=["passages"],
        response_model=None,
        responses={200: {"model": StoryOut}, **BODY_ERRORS, **errors(ErrorOut, 404)},
    )
    async def story(request: StoryRequest) -> dict[str, Any]:
        """All the articles of a story a citation names (``story_id``), a page at a time, oldest first
        (titles and sources are article text, untrusted, unless ``"sanitize": true``)."""
        found = await service.story(request.story_id, request.offset, request.limit)
        return sanitized(found) if request.sanitize else found


def _line(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False) + "\n"


def _add_unknown_routes(app: FastAPI) -> None:
    """Unknown paths under ``/api``, ``/v1`` and ``/feeds`` answer in JSON here rather than reaching the chat's 404;
    a known path asked with another method is 405 naming the methods it takes."""

    @cache
    def known() -> dict[str, list[str]]:
        """Every route and its methods, read from the schema: included routers (``/v1``) keep their
        routes out of ``app.router.routes``, so listing those would miss them."""
        paths = {path: sorted(method.upper() for method in item) for path, item in app.openapi()["paths"].items()}
        paths[app.openapi_url or ""] = ["GET", "HEAD"]  # a Starlette route: HEAD comes with GET (not so FastAPI's)
        return paths

    async def unknown(request: Request) -> JSONResponse:
        path = request.url.path.rstrip("/") or "/"
        if path in known() and request.method not in known()[path]:
            methods = ", ".join(known()[path])
            message = f"{request.method} is not accepted on {path}: use {methods}"
            return error_response(path, 405, message, {"Allow": methods})
        routes = ", ".join(f"{' '.join(methods)} {route}" for route, methods in sorted(known().items()))
        return error_response(path, 404, f"no such route: {request.method} {path}; the API has {routes}")

    for prefix in ("/api", "/v1", "/feeds"):
        for path in (prefix, f"{prefix}/{{rest:path}}"):
            app.add_api_route(path, unknown, methods=_ANY_METHOD, include_in_schema=False)

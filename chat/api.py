"""The HTTP API served with the chat: the assistant as a service other programs call.

Routes (all JSON; :mod:`chat.serve` mounts the chat at ``/`` of the same app):

- ``POST /api/ask``: ``{"question", "history"?, "conversation_id"?, "as_of"?, "since"?, "until"?,
  "sources"?}`` → what ``python -m assistant ask --json`` prints (``Answer.to_dict()``), plus
  ``conversation_id`` when one was given.
- ``POST /api/ask/stream``: the same, as NDJSON lines: ``{"type": "draft", "text"}`` while the
  answer is written (provisional: replace, don't append), then ``{"type": "answer", "answer"}``.
- ``POST /api/conversations`` → ``{"conversation_id"}``: follow-ups by id (:mod:`chat.conversations`).
- ``POST /api/search``: ``{"query", "k"?, filters}`` → ``{"query", "passages": [...]}``.
- ``POST /api/brief``: ``{"topic"?, "kind"?, "as_of"?, "since"?, "until"?}`` → an answer.
- ``GET /v1/models``, ``POST /v1/chat/completions``: OpenAI-compatible (:mod:`chat.openai_api`).
- ``/mcp``: the MCP server (:mod:`chat.mcp_tools`). ``GET /api/openapi.json``: this API's schema.

Bad input is a 4xx with a message (:mod:`chat.api_errors`); the chat's login guards every route
(:mod:`chat.api_login`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from assistant.types import Answer
from chat.api_errors import INTERNAL_ERROR, LastResort, error_response, install_error_handlers
from chat.api_login import RequireLogin
from chat.api_models import AskRequest, BriefRequest, SearchRequest
from chat.api_service import AnsweringService, answer_dict
from chat.mcp_tools import mcp_server
from chat.openai_api import openai_router
from index.errors import UserError, one_line

logger = logging.getLogger(__name__)

_ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def create_api(service: AnsweringService, login: tuple[str, str] | None = None, *, host: str = "127.0.0.1") -> FastAPI:
    """The API app over ``service``; ``login`` (user, password) guards it; ``host`` is where it listens
    (on loopback the MCP server also refuses requests naming another host: DNS rebinding)."""
    mcp = mcp_server(service)
    mcp_app = mcp.streamable_http_app(streamable_http_path="/mcp", stateless_http=True, json_response=True, host=host)

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
    app.router.routes.extend(route for route in mcp_app.routes if isinstance(route, Route))
    _add_unknown_routes(app)
    app.add_middleware(LastResort)
    if login is not None:
        app.add_middleware(RequireLogin, login=login)
    return app


def _add_routes(app: FastAPI, service: AnsweringService) -> None:
    @app.post("/api/conversations", status_code=201, tags=["answers"])
    async def start_conversation() -> dict[str, str]:
        """A conversation to ask follow-ups in: pass its id as ``conversation_id`` to ``/api/ask``."""
        return {"conversation_id": service.conversations.start()}

    @app.post("/api/ask", tags=["answers"])
    async def ask(request: AskRequest) -> dict[str, Any]:
        """A cited answer: the JSON of ``python -m assistant ask --json``."""
        question = service.question_text(request.question)
        history = service.history(request.conversation_id, request.turns())
        answer = await service.ask(question, history, request.filters())
        service.remember(request.conversation_id, answer)
        return answer_dict(answer, request.conversation_id)

    @app.post("/api/ask/stream", tags=["answers"], response_class=StreamingResponse)
    async def ask_stream(request: AskRequest) -> StreamingResponse:
        """NDJSON: draft lines while the answer is written, then the answer line."""
        question = service.question_text(request.question)  # refused before the response begins
        history = service.history(request.conversation_id, request.turns())

        async def lines() -> AsyncIterator[str]:
            try:
                async for update in service.stream(question, history, request.filters()):
                    if isinstance(update, Answer):
                        service.remember(request.conversation_id, update)
                        yield _line({"type": "answer", "answer": answer_dict(update, request.conversation_id)})
                    else:
                        yield _line({"type": "draft", "text": update})
            except UserError as error:  # the response has begun: the error becomes its last line
                yield _line({"type": "error", "error": one_line(error)})
            except Exception:
                logger.exception("streaming an answer to %r failed", question)
                yield _line({"type": "error", "error": INTERNAL_ERROR})

        return StreamingResponse(lines(), media_type="application/x-ndjson", headers={"X-Accel-Buffering": "no"})

    @app.post("/api/search", tags=["passages"])
    async def search(request: SearchRequest) -> dict[str, Any]:
        """The passages retrieval finds, best first, each with its article's title, date, source and URL."""
        query = service.question_text(request.query, "query")
        return {"query": query, "passages": await service.search(query, request.k, request.filters())}

    @app.post("/api/brief", tags=["answers"])
    async def brief(request: BriefRequest) -> dict[str, Any]:
        """A cited briefing of a period, timeline of a story, or comparison of outlets on one."""
        topic = service.question_text(request.topic, "topic") if request.topic.strip() else ""
        return answer_dict(await service.brief(request.kind, topic, request.filters()))


def _line(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False) + "\n"


def _add_unknown_routes(app: FastAPI) -> None:
    """Unknown paths under ``/api`` and ``/v1`` answer in JSON here rather than reaching the chat's 404."""
    known = {
        route.path: sorted(route.methods or ())
        for route in app.router.routes
        if isinstance(route, Route) and route.path.startswith(("/api", "/v1"))
    }

    async def unknown(request: Request) -> JSONResponse:
        path = request.url.path.rstrip("/") or "/"
        if path in known and request.method not in known[path]:
            methods = ", ".join(known[path])
            return error_response(path, 405, f"{request.method} is not accepted on {path}: use {methods}")
        routes = ", ".join(f"{' '.join(methods)} {route}" for route, methods in sorted(known.items()))
        return error_response(path, 404, f"no such route: {request.method} {path}; the API has {routes}")

    for prefix in ("/api", "/v1"):
        for path in (prefix, f"{prefix}/{{rest:path}}"):
            app.add_api_route(path, unknown, methods=_ANY_METHOD, include_in_schema=False)

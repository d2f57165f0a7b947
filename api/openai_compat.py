"""An OpenAI-compatible endpoint, so any OpenAI client (``openai``, LangChain's ``ChatOpenAI``,
editors and agents) can use the assistant by pointing its base URL at ``/v1``.

``POST /v1/chat/completions``: the last user message is the question, the earlier user and
assistant messages the conversation. The reply is a standard ``chat.completion`` (or a stream of
``chat.completion.chunk`` events ending with ``data: [DONE]``) whose content is the answer with its
``[n]`` markers, then a "Sources:" list; the structured citations ride along in an extra
``citations`` field (on the final chunk when streaming). ``model`` is echoed: the assistant answers
the same whatever it is called. Usage is counted in words, not model tokens (none may be involved).

Chat clients render the content as Markdown, so the article text in it (and in ``citations``) is
sanitised by default (:mod:`api.untrusted`: HTML-escaped, links only to http(s)); a request with
``"sanitize": false`` gets it verbatim.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from api.errors import INTERNAL_ERROR, error_body
from api.requests import SOURCES_HEADING, ChatCompletionRequest
from api.schema import OpenAIErrorOut, errors
from api.service import AnsweringService
from api.untrusted import sanitize_answer, sanitize_text
from assistant.types import Answer, Citation
from index.errors import UserError, one_line

logger = logging.getLogger(__name__)

MODEL_ID = "news-assistant"


def source_line(citation: Citation) -> str:
    """``[1] Title · 2020-06-20 · source · https://...``: what a reader needs to find the passage."""
    parts = (citation.title, citation.date, citation.source, citation.url)
    return f"[{citation.n}] " + " · ".join(part for part in parts if part)


def reply_text(answer: Answer) -> str:
    """The answer with its ``[n]`` markers, its notice, then its sources: readable in any chat client."""
    text = answer.text + (f"\n\n({answer.notice})" if answer.notice else "")
    if answer.citations:
        text += SOURCES_HEADING + "\n".join(source_line(citation) for citation in answer.citations)
    return text


def _words(text: str) -> int:
    return len(text.split())


def _usage(request: ChatCompletionRequest, content: str) -> dict[str, int]:
    prompt = sum(_words(message.text()) for message in request.messages)
    completion = _words(content)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


class _Reply:
    """The ids and fields every object of one reply shares."""

    def __init__(self, request: ChatCompletionRequest) -> None:
        self.request = request
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.created = int(time.time())

    def completion(self, answer: Answer) -> dict[str, Any]:
        content = reply_text(answer)
        return {
            **self._head("chat.completion"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": _usage(self.request, content),
            **_extras(answer),
        }

    def chunk(self, delta: dict[str, Any], finish_reason: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}
        return _event({**self._head("chat.completion.chunk"), "choices": [choice], **extra})

    def usage_chunk(self, content: str) -> str:
        return _event({**self._head("chat.completion.chunk"), "choices": [], "usage": _usage(self.request, content)})

    def _head(self, kind: str) -> dict[str, Any]:
        return {"id": self.id, "object": kind, "created": self.created, "model": self.request.model}


def _extras(answer: Answer) -> dict[str, Any]:
    """What no OpenAI field holds: the structured citations, whether the articles answered at all, and
    the short answer (the name, number or place the first cited sentence gives; null when none)."""
    return {
        "citations": [citation.to_dict() for citation in answer.citations],
        "answered": answer.answered,
        "short_answer": answer.short_answer,
    }


def _event(data: dict[str, Any]) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


async def _chunks(service: AnsweringService, request: ChatCompletionRequest, question: str) -> AsyncIterator[str]:
    """The reply as server-sent events: the role, the text as it grows, the final chunk with citations.

    Drafts are sent only when they are checked text that only grows (the extractive answerer's
    sentences): an OpenAI client cannot take text back, and a model's draft may still be cut by the
    citation check. Otherwise the checked answer arrives whole, after the role chunk.
    """
    reply = _Reply(request)
    yield reply.chunk({"role": "assistant", "content": ""})
    sent = ""
    try:
        async for update in service.stream(question, request.history(), request.filters()):
            if isinstance(update, Answer):
                answer = _shown(request, update)
                content = reply_text(answer)
                rest = content[len(sent) :] if content.startswith(sent) else "\n\n" + content
                if rest:
                    yield reply.chunk({"content": rest})
                yield reply.chunk({}, "stop", **_extras(answer))
                if request.include_usage():
                    yield reply.usage_chunk(content)
                continue
            draft = sanitize_text(update) if request.sanitize else update
            if service.drafts_are_final and draft.startswith(sent) and len(draft) > len(sent):
                yield reply.chunk({"content": draft[len(sent) :]})
                sent = draft
    except Exception as error:  # the response has begun: the error is an event, as OpenAI sends it
        if isinstance(error, UserError):
            yield _event(error_body("/v1", 400, one_line(error)))
        else:
            logger.exception("streaming an answer to %r failed", question)
            yield _event(error_body("/v1", 500, INTERNAL_ERROR))
    yield "data: [DONE]\n\n"


def _shown(request: ChatCompletionRequest, answer: Answer) -> Answer:
    """The answer as this reply carries it: sanitised unless the request said ``"sanitize": false``."""
    return sanitize_answer(answer) if request.sanitize else answer


def openai_router(service: AnsweringService) -> APIRouter:
    """``GET /v1/models`` and ``POST /v1/chat/completions`` over ``service``."""
    router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"], responses=errors(OpenAIErrorOut, 400, 415, 422))

    @router.get("/models")
    async def models() -> dict[str, Any]:
        """The one model there is: the assistant (any name is accepted in a completion request)."""
        return {
            "object": "list",
            "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "news-assistant"}],
        }

    completion = {
        "description": "a chat.completion, or with stream: true chat.completion.chunk events",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/event-stream": {"schema": {"type": "string"}},
        },
    }

    @router.post("/chat/completions", response_model=None, responses={200: completion})
    async def completions(request: ChatCompletionRequest) -> dict[str, Any] | StreamingResponse:
        """An answer to the last user message, with its sources in the text and as ``citations``. The
        content quotes the articles (untrusted), so it comes sanitised unless ``"sanitize": false``."""
        question = service.question_text(request.question(), "the last user message")
        if request.stream:
            return StreamingResponse(
                _chunks(service, request, question),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        answer = await service.ask(question, request.history(), request.filters())
        return _Reply(request).completion(_shown(request, answer))

    return router

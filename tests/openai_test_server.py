"""A TEST SERVER serving the real SmolLM2 behind two chat APIs: OpenAI's and Ollama's.

``/v1/chat/completions`` (OpenAI-compatible) and ``/api/chat`` (Ollama's) exist so that the
``openai:<model>`` and ``ollama:<model>`` backends can be tested through the real ``langchain-openai``
and ``langchain-ollama`` clients, offline. Only what those clients use here is implemented (plain
and streamed chat); it is not part of the product.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

_ROLES = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}


def _messages(body: dict[str, Any]) -> list[BaseMessage]:
    messages = []
    for message in body["messages"]:
        content = message.get("content") or ""
        if isinstance(content, list):
            content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
        messages.append(_ROLES[message["role"]](content))
    return messages


def make_app(model: BaseChatModel, model_name: str) -> FastAPI:
    app = FastAPI()
    lock = threading.Lock()  # one generation at a time: a test server, not a serving stack

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Any:
        body = await request.json()
        messages = _messages(body)
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        if body.get("stream"):

            def events() -> Iterator[str]:
                with lock:
                    for chunk in model.stream(messages):
                        delta = {"role": "assistant", "content": chunk.text}
                        payload = {
                            "id": completion_id,
                            "object": "chat.completion.chunk",
                            "created": created,
                            "model": model_name,
                            "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
                        }
                        yield f"data: {json.dumps(payload)}\n\n"
                done = {
                    "id": completion_id,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": model_name,
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                }
                yield f"data: {json.dumps(done)}\n\n"
                yield "data: [DONE]\n\n"

            return StreamingResponse(events(), media_type="text/event-stream")
        with lock:
            text = model.invoke(messages).text
        return JSONResponse(
            {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": model_name,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            }
        )

    @app.post("/api/chat")
    async def ollama_chat(request: Request) -> Any:
        body = await request.json()
        messages = _messages(body)
        model_name_asked = body.get("model", model_name)

        def line(content: str, done: bool) -> str:
            payload: dict[str, Any] = {
                "model": model_name_asked,
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "message": {"role": "assistant", "content": content},
                "done": done,
            }
            if done:
                payload["done_reason"] = "stop"
            return json.dumps(payload) + "\n"

        if body.get("stream", True):

            def lines() -> Iterator[str]:
                with lock:
                    for chunk in model.stream(messages):
                        yield line(chunk.text, False)
                yield line("", True)

            return StreamingResponse(lines(), media_type="application/x-ndjson")
        with lock:
            text = model.invoke(messages).text
        return JSONResponse(json.loads(line(text, True)))

    return app


class TestServer:
    """Runs the app with uvicorn in a thread on ``port``; ``stop()`` ends it."""

    __test__ = False  # not a pytest test class

    def __init__(self, app: FastAPI, port: int) -> None:
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self, timeout: float = 30) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline:
                raise TimeoutError("the OpenAI-compatible test server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)

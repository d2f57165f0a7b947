"""How the HTTP API says no: a 4xx with a message saying what to change, never a traceback.

Under ``/api`` the body is ``{"error": "message"}``; under ``/v1`` it is OpenAI's shape,
``{"error": {"message", "type", "param", "code"}}``, which OpenAI clients read into their
exceptions. Malformed JSON is 400; a missing field, a wrong type or a bad date is 422 naming the
field; a user error of the project (:class:`index.errors.UserError`) is 400; anything unexpected is
logged with its traceback and answered with a one-line 500.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.service import ApiError
from index.errors import UserError, one_line

logger = logging.getLogger(__name__)

INTERNAL_ERROR = "internal error while answering; the server log has the details"
_WHOLE_BODY = {"missing", "model_attributes_type", "model_type", "dict_type"}
_OPENAI_TYPES = {
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
}


def error_body(path: str, status: int, message: str) -> dict[str, Any]:
    """The error as the route's clients expect it (OpenAI's shape under ``/v1``)."""
    if path == "/v1" or path.startswith("/v1/"):
        kind = _OPENAI_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
        return {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return {"error": message}


def error_response(path: str, status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(path, status, message), status_code=status, headers=headers)


def validation_message(error: RequestValidationError, content_type: str = "application/json") -> tuple[int, str]:
    """A request that does not fit its model, as (status, one sentence naming each field at fault)."""
    problems = []
    for item in error.errors():
        where = [str(part) for part in item.get("loc", ()) if part != "body"]
        kind = str(item.get("type", ""))
        if kind == "json_invalid":
            reason = (item.get("ctx") or {}).get("error", "not JSON")
            return 400, f"malformed JSON: {reason}; send a JSON object"
        if not where and kind in _WHOLE_BODY:  # the body as a whole: absent, not sent as JSON, or not an object
            if content_type and "json" not in content_type.lower():
                return 415, f"the body was sent as {content_type}: send a JSON object, as application/json"
            return 422, "the body must be a JSON object with the fields of this route"
        message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
        if kind == "missing":
            message = "this field is required"
        field = ".".join(where)
        problems.append(message if not field or message.startswith(f"{field}:") else f"{field}: {message}")
    return 422, "; ".join(problems) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    """Every refusal of the API's own routes as a JSON error (see the module docstring)."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        status, message = validation_message(error, request.headers.get("content-type", ""))
        return error_response(request.url.path, status, message)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        return error_response(request.url.path, error.status_code, str(error.detail), dict(error.headers or {}))

    @app.exception_handler(ApiError)
    async def _refused(request: Request, error: ApiError) -> JSONResponse:
        return error_response(request.url.path, error.status, error.message)

    @app.exception_handler(UserError)
    async def _user_error(request: Request, error: UserError) -> JSONResponse:
        return error_response(request.url.path, 400, one_line(error))


class LastResort:
    """ASGI middleware: an exception no handler took becomes a logged traceback and a one-line 500.

    Starlette's own last handler answers too, but then raises the error again for the server to
    print a second time; this one logs it once and keeps the message the client sees to one line.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            logger.exception("%s %s failed", scope.get("method", ""), scope.get("path", ""))
            if started:  # part of a response is out: nothing sensible can follow it
                return
            body = json.dumps(error_body(str(scope.get("path", "")), 500, INTERNAL_ERROR)).encode()
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 500, "headers": headers})
            await send({"type": "http.response.body", "body": body})

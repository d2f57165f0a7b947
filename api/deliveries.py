"""Scheduled digests through the API: the chat's Deliveries panel for programs (``/api/deliveries``).

- ``GET /api/deliveries`` → ``{"deliveries": [...]}``: the login's schedules, each with ``id``,
  ``every``, ``channel``, ``to``, ``topic``, ``paused``, ``next_due``, ``last_sent``, ``last_digest``,
  ``last_error``.
- ``POST /api/deliveries`` ``{"every", "to"? | "webhook"?, "topic"?}`` → 201, the schedule, and for a
  webhook its ``secret`` (this once: only kept after).
- ``POST /api/deliveries/{id}/send`` → ``{"sent": [digest ids], "error", "delivery"}``: sent now.
- ``POST /api/deliveries/{id}/pause``, ``/resume``; ``DELETE /api/deliveries/{id}`` → 204.

Reasons are 4xx with ``{"error"}``: a bad cadence, address, or a webhook URL the address rules refuse
is 400 (:class:`~index.errors.UserError`); both or neither of ``to`` and ``webhook`` is 422; an id that
is not the login's is 404. A failed send is 200 with its ``error``: the request was right, the
receiver was not (the digest waits in the outbox, as ``digest list`` says).

Kept out of ``/api/openapi.json`` for now (``include_in_schema=False``): the schema's fuzz test
(tests/api/test_fuzz.py) calls every route it lists with generated bodies, and these would store
schedules and send digests to generated addresses; they need their own fuzz profile first.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import anyio
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.feeds import owner_of
from api.service import AnsweringService, ApiError
from assistant.deliveries.digest import Subscription
from assistant.deliveries.mail import checked_address
from assistant.deliveries.runner import Runner
from assistant.deliveries.schedules import Schedule, Schedules
from assistant.deliveries.webhook import checked_url, new_secret


class DeliveryRequest(BaseModel):
    """``POST /api/deliveries``: where (``to`` an email address, or ``webhook`` a URL), how often, on what."""

    model_config = ConfigDict(extra="forbid")

    every: str = Field(min_length=1, max_length=100, description="daily, weekly or a cron expression (UTC)")
    to: str | None = Field(default=None, max_length=400, description="the email address to send it to")
    webhook: str | None = Field(default=None, max_length=2000, description="the URL to POST it to, signed")
    topic: str = Field(default="", max_length=200, description="only stories about this ('': all the news)")

    @model_validator(mode="after")
    def _one_destination(self) -> DeliveryRequest:
        if (self.to is None) == (self.webhook is None):
            raise ValueError("give exactly one of to (an email address) and webhook (a URL)")
        return self


def schedule_dict(schedule: Schedule) -> dict[str, Any]:
    sub = schedule.subscription
    return {
        "id": schedule.id,
        "every": schedule.every,
        "channel": sub.channel,
        "to": sub.recipient,
        "topic": sub.topic,
        "paused": schedule.paused,
        "next_due": schedule.next_due,
        "last_sent": schedule.last_sent,
        "last_digest": schedule.last_digest,
        "last_error": schedule.last_error,
    }


def deliveries_router(service: AnsweringService) -> APIRouter:
    """The routes of the module docstring, over ``service``'s assistant and its settings."""
    router = APIRouter(prefix="/api/deliveries", tags=["deliveries"], include_in_schema=False)
    settings = service.assistant.settings

    @cache
    def schedules() -> Schedules:  # opened on first use, like the feeds' followed questions
        return Schedules.open(settings)

    @cache
    def runner() -> Runner:
        return Runner(settings, lambda: service.assistant)

    def mine(request: Request, number: int) -> Schedule:
        owner = owner_of(request)
        found = next((s for s in schedules().all(owner) if s.id == number), None)
        if found is None:
            raise ApiError(404, f"no delivery {number}: GET /api/deliveries lists yours")
        return found

    @router.get("")
    async def listed(request: Request) -> dict[str, Any]:
        return {"deliveries": [schedule_dict(s) for s in schedules().all(owner_of(request))]}

    @router.post("", status_code=201)
    async def add(body: DeliveryRequest, request: Request) -> dict[str, Any]:
        owner, topic = owner_of(request), " ".join(body.topic.split())
        if body.webhook is not None:
            secret = new_secret()
            subscription = Subscription("webhook", checked_url(body.webhook, settings), owner, topic)
            return {**schedule_dict(schedules().add(subscription, body.every, secret)), "secret": secret}
        subscription = Subscription("email", checked_address(body.to or ""), owner, topic)
        return schedule_dict(schedules().add(subscription, body.every))

    @router.post("/{number}/send")
    async def send(number: int, request: Request) -> dict[str, Any]:
        mine(request, number)
        run = await anyio.to_thread.run_sync(runner().send_now, number, limiter=service.limiter)
        if run is None:
            raise ApiError(409, f"delivery {number} is being sent by another runner")
        return {"sent": [d.id for d in run.sent], "error": run.error, "delivery": schedule_dict(run.schedule)}

    @router.post("/{number}/pause")
    async def pause(number: int, request: Request) -> dict[str, Any]:
        mine(request, number)
        return schedule_dict(schedules().pause(number, True))

    @router.post("/{number}/resume")
    async def resume(number: int, request: Request) -> dict[str, Any]:
        mine(request, number)
        return schedule_dict(schedules().pause(number, False))

    @router.delete("/{number}", status_code=204)
    async def remove(number: int, request: Request) -> Response:
        mine(request, number)
        schedules().remove(number)
        return Response(status_code=204)

    return router

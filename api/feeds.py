"""Atom feeds for feed readers: ``GET /feeds/briefing.atom`` and ``GET /feeds/followed.atom``.

- ``/feeds/briefing.atom?topic=T&days=N``: the briefing of the ``N`` days (1 to 31; default
  ``ASSISTANT_DIGEST_DAYS``) up to the newest indexed article's day, ``T``'s stories only when given,
  one entry per story (:mod:`assistant.deliveries.atom`).
- ``/feeds/followed.atom``: one entry per followed question of the reader whose latest answer cites
  articles not seen yet, the new ones marked.

Bad values are a 422 naming the parameter and why (:mod:`api.errors`). With a chat login the feeds
need it, as every API route does, or the login's feed token in the URL (``?token=...``, made by
``python -m assistant digest token``), which opens these two routes and nothing else
(:mod:`api.login`). The reader is the login (its followed questions); without one, everyone is "".
The feed's ``self`` link leaves the token out: a feed shown elsewhere does not hand out the key.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.schema import ErrorOut, errors
from api.service import AnsweringService
from assistant.deliveries.atom import briefing_feed, followed_feed
from assistant.deliveries.build import latest_briefing
from assistant.following.questions import FollowedQuestions

ATOM = "application/atom+xml"
MAX_DAYS = 31  # a month: a longer period is a briefing of its own, not a feed's latest news
TOPIC_CHARS = 200
FEEDS = ("/feeds/briefing.atom", "/feeds/followed.atom")
_ANSWERED: dict[int | str, dict[str, Any]] = {
    200: {"content": {ATOM: {"schema": {"type": "string"}}}, "description": "an Atom feed"},
    **errors(ErrorOut, 401, 422),
}


def owner_of(request: Request) -> str:
    """The reader: the login, or the feed token's login (set by :class:`api.login.RequireLogin`); "" without."""
    return str(getattr(request.state, "owner", "") or "")


def feeds_router(service: AnsweringService) -> APIRouter:
    """The two feed routes over ``service``'s assistant (its answering slots bound their work too)."""
    router = APIRouter(tags=["feeds"])
    default_days = service.assistant.settings.digest_days

    @cache
    def followed() -> FollowedQuestions:  # opened on first use: a server never asked for it keeps no file
        return FollowedQuestions.open(service.assistant.settings)

    @router.get(FEEDS[0], response_class=Response, responses=_ANSWERED)
    async def briefing(
        request: Request,
        topic: Annotated[str, Query(max_length=TOPIC_CHARS, description="only stories about this")] = "",
        days: Annotated[
            int | None, Query(ge=1, le=MAX_DAYS, description="days of news up to the newest indexed day")
        ] = None,
    ) -> Response:
        """The latest briefing as an Atom feed: one entry per story, its cited sentences and sources."""
        topic = service.question_text(topic, "topic") if topic.strip() else ""
        period = days or default_days
        answer = await anyio.to_thread.run_sync(
            latest_briefing, service.assistant, topic, period, limiter=service.limiter
        )
        body = briefing_feed(answer, _self_link(request), topic=topic, days=period)
        return Response(body, media_type=ATOM)

    @router.get(FEEDS[1], response_class=Response, responses=_ANSWERED)
    async def followed_questions(request: Request) -> Response:
        """The reader's followed questions whose answers cite new sources, as an Atom feed."""
        owner = owner_of(request)
        questions = await anyio.to_thread.run_sync(followed().questions, owner, limiter=service.limiter)
        return Response(followed_feed(questions, _self_link(request), owner=owner), media_type=ATOM)

    return router


def _self_link(request: Request) -> str:
    return str(request.url.remove_query_params("token"))

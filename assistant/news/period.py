"""Which days a briefing covers: those asked for, else the latest that have news; a topic's latest.

An archive asked "What happened this week?" used to answer that nothing is dated in the last 7
days: honest, and of no use to someone reading a 2019 archive today. So a briefing whose period is
the *current* one (it holds the reference day: "this week", "today", the default week) and has
no story covers the latest period of the same length that has news instead, ending on the newest
article's day (on or before the reference day: a briefing as of a day never looks past it; from
the sources asked for; on the topic, when one is named). A period that ends before the reference
day (or starts after it) was named on purpose ("the news of 3 March 2023") and is kept, empty or not.

A topic asked for without a period ("Brief me on Home Depot") covers the topic's latest stories,
not the last 7 days only: the :data:`~assistant.news.briefing.MAX_ITEMS` stories whose newest
article on the topic is newest, within the :data:`TOPIC_DAYS` up to the newest of all, the period
running from the oldest of those days to the newest. The bound is there because the topic's
articles are found by meaning, not by date: on 1,500 RealTimeQA articles "Brief me on Tesla" found
its 10 latest stories spread over eight years (29 July 2017 to 20 March 2025), and a briefing of
them read as a history, which is what a timeline is for.

Either way the result says so as data (:class:`~assistant.news.items.PeriodCovered` on the
``Answer``), which each entry point renders (:func:`~assistant.news.items.period_note`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from assistant.dates import parse_iso
from assistant.news.context import NewsContext, Period, Scope
from assistant.news.items import PeriodCovered, period_words
from assistant.news.requests import BRIEFING_DAYS, NewsRequest
from index.stories.groups import Story

TOPIC_DAYS = 30  # a topic's latest stories lie within a month of its newest article
Ranked = list[tuple[Story, tuple[str, ...]]]
Rank = Callable[[str, Scope], Ranked]  # a topic's (or all) stories in a scope, most important first


@dataclass(frozen=True, slots=True)
class Covered:
    """A briefing's scope (its period replaced by the one covered), that period as data, its ranked
    stories (at most the briefing's number) and, when it has none, what to say instead."""

    scope: Scope
    period: PeriodCovered
    ranked: Ranked
    newest: str = ""  # with no story: the newest indexed article's day (ISO), "" when none is dated
    topic_found: bool = True  # False: a topic asked for without a period that no article is about

    def news(self, about: str) -> str:
        """The opening of the heading: "The news on Libya, 1 March 2024 to 7 March 2024", "The news of
        that week", "The latest news on Home Depot"."""
        if self.period.basis == "latest":
            return f"The news{about} of {period_words(self.period)}"
        if self.period.basis == "topic":
            return f"The latest news{about}"
        return f"The news{about}, {Period(self.period.start, self.period.end).label()}"

    def nothing(self, about: str) -> str:
        """What a briefing without a story says: what was looked for, and the newest article's day."""
        hint = f" The newest indexed article is from {self.newest}." if self.newest else " No article is indexed yet."
        if not self.topic_found:
            return f"No indexed article{about} was found.{hint}"
        period = Period(self.period.start, self.period.end)
        return f"No indexed article{about} is dated {period.label()}.{hint}"


def cover(context: NewsContext, request: NewsRequest, reference: date, most: int, rank: Rank) -> Covered:
    """The days the briefing ``request`` covers as of ``reference`` and its ``most`` best stories there
    (ranked by ``rank``), as the module docstring says."""
    scope = context.scope(request, reference, days=BRIEFING_DAYS)
    asked = scope.period
    assert asked is not None  # a briefing always has a period (bounds is given days)
    as_asked = PeriodCovered(asked.start, asked.end)
    named = request.window.since is not None or request.window.until is not None
    if request.topic and not named:
        latest = _topic_latest(context, request.topic, scope, asked.end, most)
        if latest is None:
            return Covered(scope, as_asked, [], context.newest_day(), topic_found=False)
        scope = dataclasses.replace(scope, period=latest)
        return Covered(scope, PeriodCovered(latest.start, latest.end, "topic"), rank(request.topic, scope)[:most])
    ranked = rank(request.topic, scope)[:most]
    if ranked:
        return Covered(scope, as_asked, ranked)
    # A period named on purpose ("3 March 2023", or one to come) is not the current one: kept, and said to be empty.
    current = asked.start <= reference <= asked.end
    moved = _latest_instead(context, request.topic, scope, rank, most) if current else None
    return moved or Covered(scope, as_asked, [], context.newest_day())


def _latest_instead(context: NewsContext, topic: str, scope: Scope, rank: Rank, most: int) -> Covered | None:
    """The latest period as long as the scope's (empty) one that has stories, ending on its newest
    article's day; None when no article is dated before the scope's period."""
    asked = scope.period
    assert asked is not None
    newest = _newest_day(context, topic, scope, asked.end)
    if newest is None or newest >= asked.start:
        return None
    latest = Period(newest - timedelta(days=(asked.end - asked.start).days), newest)
    moved = dataclasses.replace(scope, period=latest)
    ranked = rank(topic, moved)[:most]
    if not ranked:
        return None
    return Covered(moved, PeriodCovered(latest.start, latest.end, "latest", asked.start, asked.end), ranked)


def _newest_day(context: NewsContext, topic: str, scope: Scope, until: date) -> date | None:
    """The newest day, on or before ``until``, with an article from the scope's sources (on ``topic``)."""
    if not topic:
        return parse_iso(context.newest_day(until, scope.sources))
    days = [day for day, _ in _topic_days(context, topic, scope, until)]
    return max(days, default=None)


def _topic_latest(context: NewsContext, topic: str, scope: Scope, until: date, most: int) -> Period | None:
    """From the newest day of the oldest of ``topic``'s ``most`` latest stories (within
    :data:`TOPIC_DAYS` of the newest) to the newest day of all, each story dated by its newest article
    on the topic on or before ``until``; None: no article is about ``topic``."""
    found = _topic_days(context, topic, scope, until)
    story_of = context.store.story_groups.stories_of([article_id for _, article_id in found])
    newest: dict[str, date] = {}
    for day, article_id in found:
        story = story_of.get(article_id, article_id)  # an article not yet in a story stands alone
        newest[story] = max(day, newest.get(story, day))
    days = sorted(newest.values(), reverse=True)[:most]
    days = [day for day in days if (days[0] - day).days < TOPIC_DAYS]
    return Period(days[-1], days[0]) if days else None


def _topic_days(context: NewsContext, topic: str, scope: Scope, until: date) -> list[tuple[date, str]]:
    """The dated articles about ``topic`` on or before ``until``, from the scope's sources: (day, id)."""
    anytime = Scope(None, until, scope.sources)
    found = []
    for passage in context.topic_passages(topic, anytime, until):
        day = parse_iso(str(passage.metadata.get("date", "")))
        if day is not None:
            found.append((day, str(passage.metadata.get("article_id", ""))))
    return found

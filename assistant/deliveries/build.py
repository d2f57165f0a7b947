"""Building a digest, and the latest briefing a feed shows.

**The period.** News is dated by publication day, and an offline index may hold last year's news, so a
digest's period ends on the newest indexed article's day (never after today) and begins on the last
day of the subscription's previous digest: that day again, because articles of it may have been
indexed after the digest was built. A first digest covers ``ASSISTANT_DIGEST_DAYS`` days (one by
default); ``--since`` sets the start instead.

**What is new.** The briefing of the period (:func:`assistant.news.briefing.brief`) without the
stories that have nothing new since an earlier digest of this subscription: each digest records every
article of its period, told or not, and a story is left out when every article it cites was among
them. So a story that gained an article is told again, as an update; a story that was not important
enough to tell yesterday and has gained nothing is not told today (asking twice on one day gives one
digest, not the next ten stories). Because the period overlaps the last digest's day, twice the
briefing's usual stories are ranked and the first :data:`MAX_STORIES` with something new are kept:
yesterday's stories must not crowd out today's. Then the
followed questions of the owner, asked again first (:meth:`FollowedQuestions.refresh`): a question
is in the digest when its latest answer cites an article the person has not seen in the chat and no
earlier digest sent. Nothing new, no digest.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, timedelta

from assistant.dates import DateWindow
from assistant.deliveries.digest import Digest, FollowedNews, Subscription, digest_id
from assistant.deliveries.outbox import COVERED, Outbox
from assistant.following.questions import FollowedQuestions
from assistant.news.briefing import MAX_ITEMS, brief
from assistant.news.items import NewsItem, news_text
from assistant.news.requests import NewsRequest
from assistant.service import Assistant
from assistant.stories_shown import with_stories
from assistant.types import Answer, Citation, Filters
from index.store.sql import utc_now

MAX_STORIES = MAX_ITEMS  # stories a digest tells, as many as a briefing (twice as many are ranked)


def newest_day(assistant: Assistant, today: date | None = None) -> date | None:
    """The newest indexed article's day, or today when that is later (a wrong date in the future);
    None when nothing dated is indexed."""
    newest = assistant.store.story_groups.newest_day()
    if not newest:
        return None
    return min(date.fromisoformat(newest), today or date.today())


def latest_briefing(assistant: Assistant, topic: str = "", days: int = 1, today: date | None = None) -> Answer:
    """The briefing of the ``days`` days up to the newest indexed article's day (``topic``'s stories only,
    when given): what ``/feeds/briefing.atom`` shows."""
    until = newest_day(assistant, today) or today or date.today()
    since = until - timedelta(days=days - 1)
    return assistant.shaped("briefing", topic, Filters(since=since, until=until))


def build_digest(
    assistant: Assistant,
    outbox: Outbox,
    followed: FollowedQuestions | None,
    subscription: Subscription,
    *,
    since: date | None = None,
    days: int = 1,
    refresh: bool = True,
    today: date | None = None,
    stories: int = MAX_STORIES,
) -> Digest | None:
    """The subscription's next digest, not yet recorded, or None when nothing is new (module docstring).

    ``followed``: the followed questions to look at (None: none); ``refresh``: ask them again first;
    ``stories``: at most this many told.
    """
    until = newest_day(assistant, today)
    if until is None and since is None:
        return None  # nothing indexed, no followed question can have an answer either
    until = until or since
    assert until is not None
    start = since or outbox.last_until(subscription) or until - timedelta(days=days - 1)
    until = max(until, start)
    known = outbox.sent_articles(subscription, "story") | outbox.sent_articles(subscription, COVERED)
    known_articles = {article for _, article in known}
    briefing, left_out = _briefing(assistant, subscription.topic, start, until, known_articles, most=stories)
    news: tuple[FollowedNews, ...] = ()
    if followed is not None:
        sent = outbox.sent_articles(subscription, "followed")
        news = _followed_news(followed, assistant, subscription.owner, sent, refresh)
    if briefing is None and not news:
        return None
    covered = period_articles(assistant, start, until)
    draft = Digest("", subscription, start, until, utc_now(), briefing, news, left_out, covered)
    return dataclasses.replace(draft, id=digest_id(subscription, start, until, draft.items()))


def period_articles(assistant: Assistant, since: date, until: date) -> tuple[str, ...]:
    """Every indexed article dated in the period (of any story): what a digest of it has covered."""
    groups = assistant.store.story_groups
    stories = groups.stories_between(since.isoformat(), until.isoformat())
    members = groups.members_of_stories([story.story_id for story in stories])
    first, last = since.isoformat(), until.isoformat()
    found = (m.article_id for listed in members.values() for m in listed if first <= m.date <= last)
    return tuple(sorted(set(found)))


def _briefing(
    assistant: Assistant, topic: str, since: date, until: date, sent: set[str], *, most: int
) -> tuple[Answer | None, int]:
    """The period's briefing without the stories with nothing new (``sent``: the articles known to earlier
    digests), and how many were left out."""
    request = NewsRequest("briefing", " ".join(topic.split()), DateWindow(since, until))
    answer = brief(assistant.news.context, request, until, max_items=2 * most)
    if not answer.answered or not answer.items:
        return None, 0
    return unsent(with_stories(assistant.store, answer), sent, most)


def unsent(answer: Answer, sent: set[str], most: int) -> tuple[Answer | None, int]:
    """``answer``'s first ``most`` items with an article not in ``sent``, their citations numbered
    again from 1 in reading order (so ``[1]`` is the first marker read); and how many were left out."""
    by_n = {citation.n: citation for citation in answer.citations}
    kept: list[NewsItem] = []
    left_out = 0
    for item in answer.items:
        cited = {by_n[n].article_id for sentence in item.sentences for n in sentence.cites if n in by_n}
        if cited and cited <= sent:
            left_out += 1
        elif len(kept) < most:
            kept.append(item)
    if not kept:
        return None, left_out
    numbers: dict[int, int] = {}
    for item in kept:
        for sentence in item.sentences:
            for n in sentence.cites:
                numbers.setdefault(n, len(numbers) + 1)
    items = tuple(_renumbered(item, numbers) for item in kept)
    citations = [dataclasses.replace(by_n[old], n=new) for old, new in numbers.items() if old in by_n]
    text = news_text(answer.heading, items, answer.kind)
    return dataclasses.replace(answer, items=items, citations=citations, text=text), left_out


def _renumbered(item: NewsItem, numbers: dict[int, int]) -> NewsItem:
    sentences = tuple(
        dataclasses.replace(sentence, cites=tuple(numbers[n] for n in sentence.cites)) for sentence in item.sentences
    )
    return dataclasses.replace(item, sentences=sentences)


def _followed_news(
    followed: FollowedQuestions, assistant: Assistant, owner: str, sent: set[tuple[str, str]], refresh: bool
) -> tuple[FollowedNews, ...]:
    questions = followed.questions(owner)
    if refresh and questions:
        followed.refresh(assistant, owner)
        questions = followed.questions(owner)
    news = []
    for question in questions:
        new = _new_articles(question.new, str(question.id), sent)
        if new:
            news.append(FollowedNews(question.id, question.question, question.latest, new, question.checked_at))
    return tuple(news)


def _new_articles(citations: Sequence[Citation], ref: str, sent: set[tuple[str, str]]) -> tuple[str, ...]:
    """The cited articles not sent before for question ``ref``, each once, in the answer's order."""
    return tuple(dict.fromkeys(c.article_id for c in citations if (ref, c.article_id) not in sent))

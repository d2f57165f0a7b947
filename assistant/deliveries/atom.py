"""Atom feeds of the latest briefing and of the followed questions with new sources (``feedgen``).

Any feed reader can read them: each entry has a stable id, its dates, a link to the article it
begins with, and as its content the cited sentences, every ``[n]`` linked to its article, and the
sources with the cited passages (:mod:`assistant.deliveries.render`, article text escaped).

- The briefing feed has one entry per story. Its id is the story's (:mod:`index.stories.groups`), so a
  reader shows a story once and again only as updated (``updated`` is its newest article's day) when
  it grows; a story without an id is named by its title and first day.
- The followed feed has one entry per followed question whose latest answer cites articles the
  person has not seen, those marked "new". Its id names the question and those articles, so a
  question that gains another source is a new entry, which is what a reader should notice; it is
  dated by the newest of those articles, so asking the question again changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from feedgen.feed import FeedGenerator

from assistant.deliveries.render import answer_html, first_url, safe_url, sources_html, story_html
from assistant.deliveries.render import marker_links as cite_links
from assistant.following.questions import FollowedQuestion
from assistant.news.items import NewsItem
from assistant.types import Answer

URN = "urn:news-assistant"
AUTHOR = {"name": "News assistant"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold


def clean(text: str) -> str:
    """``text`` without the control characters XML cannot carry (an article may hold them)."""
    return _NOT_XML.sub("", text)


def briefing_feed(answer: Answer, feed_url: str, *, topic: str = "", days: int = 1) -> bytes:
    """The briefing ``answer`` as an Atom feed, one entry per story, the most important first."""
    about = f" on {topic}" if topic else ""
    feed = _feed(f"{URN}:briefing:{_hash(f'{topic}|{days}')}", f"News briefing{about}", feed_url)
    feed.subtitle(clean(answer.heading or answer.text or "No story in this period."))
    cite = cite_links(answer.citations)
    by_n = {citation.n: citation for citation in answer.citations}
    newest = None
    for item in answer.items:
        cited = list({n: by_n[n] for s in item.sentences for n in s.cites if n in by_n}.values())
        updated = _day(item.last_date) or _day(item.first_date)
        newest = max(filter(None, (newest, updated)), default=None)
        entry = feed.add_entry(order="append")
        entry.id(f"{URN}:story:{_story_key(item, [c.story_id for c in cited])}")
        entry.title(clean(item.title or "Untitled story"))
        entry.updated(updated or _now())
        if (published := _day(item.first_date)) is not None:
            entry.published(published)
        if url := safe_url(first_url(item, answer)):
            entry.link(href=url)
        entry.content(clean(story_html(item, cite, heading=False) + sources_html(cited)), type="html")
    feed.updated(newest or _now())
    return bytes(feed.atom_str(pretty=True))


def followed_feed(questions: Sequence[FollowedQuestion], feed_url: str, *, owner: str = "") -> bytes:
    """The followed questions whose latest answer cites articles not seen, one entry each."""
    whose = f" ({owner})" if owner else ""
    feed = _feed(f"{URN}:followed:{_hash(owner)}", f"Followed questions with new sources{whose}", feed_url)
    newest = None
    for question in questions:
        new = sorted({citation.article_id for citation in question.new})
        if not new:
            continue
        # Dated by its newest new article, not by the last check: asking again without news changes nothing.
        days = [_day(c.date) for c in question.latest.citations if c.article_id in new]
        checked = max(filter(None, days), default=None) or _stamp(question.checked_at)
        newest = max(filter(None, (newest, checked)), default=None)
        entry = feed.add_entry(order="append")
        entry.id(f"{URN}:followed:{question.id}:{_hash('|'.join(new))}")
        count = f"{len(new)} new source" + ("" if len(new) == 1 else "s")
        entry.title(clean(f"{question.question} ({count})"))
        entry.updated(checked or _now())
        first_new = next((c for c in question.latest.citations if c.article_id in new), None)
        if first_new is not None and (url := safe_url(first_new.url)):
            entry.link(href=url)
        entry.content(clean(answer_html(question.latest, new)), type="html")
    feed.updated(newest or _now())
    return bytes(feed.atom_str(pretty=True))


def _feed(feed_id: str, title: str, feed_url: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(clean(title))
    feed.author(AUTHOR)
    feed.link(href=feed_url, rel="self")
    feed.generator("news-assistant")
    return feed


def _story_key(item: NewsItem, story_ids: Sequence[str]) -> str:
    """The story's id, from its first cited article that has one; else its title and first day."""
    return next((story for story in story_ids if story), "") or _hash(f"{item.title}|{item.first_date}")


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _day(day: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(day), time(), tzinfo=UTC)
    except ValueError:
        return None


def _stamp(stamp: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)

"""What a citation shows of its story: the wire copies of its text and the story's other articles.

A story may hold many articles (a fortnight of a big event, from every outlet), and every citation
of it used to carry them all: in a soak where one story held 130 articles, each citation listed 115
and an answer's JSON grew to 26 KB. A citation now lists at most :data:`STORY_LISTED` of them and
says how many there are (``story_articles``) and which story it is (``story_id``), so the chat can
say "and N more" and a program can ask for the rest.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from assistant.types import Answer
from index.store import ArticleStore
from index.stories.groups import Member

STORY_LISTED = 5  # other articles of its story a citation lists


def with_stories(store: ArticleStore, answer: Answer) -> Answer:
    """``answer`` with each citation's copies (``also_published_by``), the first few other articles
    of its story (:func:`listed`), their count and how many outlets reported it; three queries,
    whatever the count."""
    article_ids = sorted({c.article_id for c in answer.citations})
    if not article_ids:
        return answer
    copies = store.stories.copies_of(article_ids)
    groups = store.story_groups
    story_of = groups.stories_of(article_ids)
    members = groups.members_of_stories(sorted(set(story_of.values())))
    citations = []
    for citation in answer.citations:
        own_copies = tuple(copies.get(citation.article_id, ()))
        story_id = story_of.get(citation.article_id, "")
        story = members.get(story_id, [])
        others = [m for m in story if m.article_id != citation.article_id]
        outlets = {m.source for m in story} | {c.source for c in own_copies} | {citation.source}
        citations.append(
            dataclasses.replace(
                citation,
                also_published_by=own_copies,
                story=listed(others, citation.source, citation.date),
                story_outlets=len(outlets - {""}) or 1,
                story_articles=len(others),
                story_id=story_id,
            )
        )
    return dataclasses.replace(answer, citations=citations)


def listed(others: list[Member], source: str, day: str, most: int = STORY_LISTED) -> tuple[Member, ...]:
    """The ``most`` other articles a citation (from ``source``, dated ``day``) lists: one per other
    outlet first (what the reader has not seen), then the nearest in date; in date order."""
    nearest = sorted(others, key=lambda m: (m.source == source, _days_apart(m.date, day), m.article_id))
    outlets: set[str] = {source}
    first: list[Member] = []
    rest: list[Member] = []
    for member in nearest:
        (rest if member.source in outlets else first).append(member)
        outlets.add(member.source)
    return tuple(sorted((first + rest)[:most], key=lambda m: (m.date, m.article_id)))


def _days_apart(one: str, other: str) -> int:
    try:
        return abs((date.fromisoformat(one) - date.fromisoformat(other)).days)
    except ValueError:
        return 1 << 20  # undated: last

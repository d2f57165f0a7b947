"""What a citation shows of its story: the wire copies of its text and the story's other articles."""

from __future__ import annotations

import dataclasses

from assistant.types import Answer
from index.store import ArticleStore


def with_stories(store: ArticleStore, answer: Answer) -> Answer:
    """``answer`` with each citation's copies (``also_published_by``), the other articles of its
    story (other outlets first) and how many outlets reported it; three queries, whatever the count."""
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
        story = members.get(story_of.get(citation.article_id, ""), [])
        others = [m for m in story if m.article_id != citation.article_id]
        others.sort(key=lambda m: (m.source == citation.source, m.date, m.article_id))
        outlets = {m.source for m in story} | {c.source for c in own_copies} | {citation.source}
        citations.append(
            dataclasses.replace(
                citation,
                also_published_by=own_copies,
                story=tuple(others),
                story_outlets=len(outlets - {""}) or 1,
            )
        )
    return dataclasses.replace(answer, citations=citations)

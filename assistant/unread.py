"""The articles of an answer's stories that could not be read, and the line that says so.

A followed feed keeps what it could not index (:mod:`index.sources.problems`), each with the story
its title and teaser would have joined, worked out when it was noted. An answer, briefing or
comparison telling one of those stories carries them (``Answer.unread``) so that every door (the
chat, the CLI, the API, the Markdown export) can say "1 article of this story could not be read:
behind a paywall": without it, "only Fox Business reported it" reads as the whole truth when a
second outlet's article was there, behind a paywall.

A copy of an indexed story is not unread (its text is the kept article's), and an article the
follow list no longer holds as a problem (read fine since) is not listed.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from assistant.types import Answer, UnreadArticle
from index.errors import UserError
from index.settings import IndexSettings
from index.sources.follow_store import FollowStore, open_follow_list
from index.sources.problems import ProblemKind
from index.words import counted

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UnreadNote:
    """One story's unread articles and the sentence that tells them, for a renderer to link each address."""

    sentence: str  # "1 article of this story could not be read: behind a paywall"
    articles: tuple[UnreadArticle, ...]


class FollowedList:
    """The deployment's followed list as answers read it (:func:`index.sources.follow_store.open_follow_list`:
    the JSON file, or the shared PostgreSQL list in server mode), opened by the first answer that needs
    it and kept: the shared list makes its tables under a lock when opened, not a thing to do per answer.
    The list itself is read afresh at every answer (a follower elsewhere writes it)."""

    def __init__(self, settings: IndexSettings) -> None:
        self.settings = settings
        self._store: FollowStore | None = None
        self._lock = threading.Lock()

    def store(self) -> FollowStore | None:
        """The list; None in embedded mode while no feed was ever followed (no file is made for it)."""
        if not self.settings.follow_database and not self.settings.follow_file.exists():
            return None
        with self._lock:
            if self._store is None:  # a database that cannot be reached is tried again at the next answer
                self._store = open_follow_list(self.settings)
            return self._store


def with_unread(answer: Answer, followed: FollowedList) -> Answer:
    """``answer`` with the unread articles of the stories its citations belong to (from ``followed``;
    none when there is no list yet or it cannot be read)."""
    stories = {citation.story_id for citation in answer.citations if citation.story_id}
    if not stories:
        return answer
    try:
        follow_list = followed.store()
        entries = follow_list.entries() if follow_list is not None else []
    except (UserError, SQLAlchemyError) as error:  # the answer stands without the note; the feeds tab says why
        logger.warning("could not read the followed list for unread articles: %s", error)
        return answer
    unread: dict[str, UnreadArticle] = {}
    for entry in entries:
        for problem in entry.problems:
            if problem.story in stories and problem.kind is not ProblemKind.COPY and problem.url not in unread:
                kind = str(problem.kind.value)
                unread[problem.url] = UnreadArticle(problem.url, kind, problem.title, problem.story, problem.reason)
    return dataclasses.replace(answer, unread=tuple(unread.values())) if unread else answer


def unread_notes(answer: Answer) -> list[UnreadNote]:
    """One note per story with unread articles, in the order the answer cites its stories: "this story"
    when the answer tells one, else the story named by its first cited article's title."""
    order = list(dict.fromkeys(citation.story_id for citation in answer.citations if citation.story_id))
    titles: dict[str, str] = {}
    for citation in answer.citations:
        titles.setdefault(citation.story_id, citation.title)
    by_story: dict[str, list[UnreadArticle]] = {}
    for article in answer.unread:
        by_story.setdefault(article.story_id, []).append(article)
    notes = []
    for story in sorted(by_story, key=lambda story: order.index(story) if story in order else len(order)):
        articles = by_story[story]
        which = "this story" if len(order) <= 1 or not titles.get(story) else f"the story “{titles[story]}”"
        labels = ", ".join(dict.fromkeys(article.label for article in articles))
        sentence = f"{counted(len(articles), 'article')} of {which} could not be read: {labels}"
        notes.append(UnreadNote(sentence, tuple(articles)))
    return notes

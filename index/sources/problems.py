"""What a fetch could not index, kept with the followed feed: typed, so nothing parses its text back.

Every entry of a feed or sitemap that is not indexed becomes a :class:`SkippedEntry` (a
:class:`~index.articles.LoadError`, so the command line prints it as before) with its
:class:`ProblemKind`; a copy of an indexed story is noted as one too. The follower keeps each
followed address's recent ones as :class:`FeedProblem` records in the follow list
(:func:`kept_problems`): the newest first, at most :data:`MAX_PROBLEMS`, each until the same
address is read fine or noted again. A fetch that looked at nothing new therefore keeps them: a
paywalled article is skipped once (its link is then known), and a person looking at the feed an
hour later must still see that it was. The record is flat and typed (address, kind, reason, entry
title, time, and the story it would have joined), ready to be a table's row when the follow list
moves into a database. The story is worked out once, when the problem is noted, from what was served
(a paywall's title and teaser) without touching the stories (:meth:`~index.stories.groups.StoryGroups.
story_for`): an answer telling that story can then say that one of its articles could not be read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from index.articles import LoadError
from index.build import NotedCopy

MAX_PROBLEMS = 20  # per followed address: enough for a bad day of one feed, small in the follow list


class ProblemKind(StrEnum):
    """Why an entry was not indexed, as a reader groups it."""

    PAYWALL = "paywall"
    NO_TEXT = "no text"
    HTTP = "not fetched"  # an HTTP error status, a timeout, a refused connection
    ROBOTS = "robots"
    REFUSED = "refused"  # an address the fetcher refuses on purpose (private, not http)
    UNREADABLE = "unreadable"
    FEED = "feed"  # the feed or sitemap itself (malformed)
    COPY = "copy"  # not indexed because it repeats an indexed story: noted as that story's copy

    @property
    def label(self) -> str:
        """A few words a reader understands, to put after "could not be read:"."""
        return _LABELS[self]


_LABELS = {
    ProblemKind.PAYWALL: "behind a paywall",
    ProblemKind.NO_TEXT: "no article text on the page",
    ProblemKind.HTTP: "the page could not be fetched",
    ProblemKind.ROBOTS: "the site's robots.txt disallows it",
    ProblemKind.REFUSED: "the address was refused",
    ProblemKind.UNREADABLE: "the page could not be read",
    ProblemKind.FEED: "the feed itself is faulty",
    ProblemKind.COPY: "a copy of a story already indexed",
}


@dataclass(frozen=True, slots=True)
class SkippedEntry(LoadError):  # noqa: N818 - a LoadError is a record of one, never raised
    """An entry of a feed, sitemap or page not indexed, with why (``message``) and its kind."""

    kind: ProblemKind = ProblemKind.UNREADABLE
    title: str = ""  # the feed entry's title, when it had one
    lead: str = ""  # what was served of it (a paywall's teaser): with the title, the story it would join
    date: str | None = None  # its date, when the page or the entry gave one (an undated one joins no story)
    source: str = ""


@dataclass(frozen=True, slots=True)
class FeedProblem:
    """One problem of a followed address, as the follow list keeps it."""

    url: str  # the article's address (the feed's own for a faulty feed)
    kind: ProblemKind
    reason: str  # in the fetcher's words: "HTTP 404", "behind a paywall: only a teaser was served"
    title: str = ""
    noted: str = ""  # when the fetch that met it ran (UTC, ISO 8601)
    story: str = ""  # the indexed story its title and teaser would join (index.stories.groups); "" when none

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> FeedProblem:
        """A record as the follow list's JSON holds it (an unknown kind reads as unreadable)."""
        try:
            kind = ProblemKind(str(raw.get("kind")))
        except ValueError:
            kind = ProblemKind.UNREADABLE
        return cls(
            url=str(raw["url"]),
            kind=kind,
            reason=str(raw.get("reason", "")),
            title=str(raw.get("title", "")),
            noted=str(raw.get("noted", "")),
            story=str(raw.get("story") or ""),  # records noted before stories were linked have none
        )

    @classmethod
    def of(cls, error: LoadError, noted: str, story: str = "") -> FeedProblem:
        """``error`` as a record; one that is not a :class:`SkippedEntry` (a build's) is unreadable."""
        if isinstance(error, SkippedEntry):
            return cls(error.path, error.kind, error.message, error.title, noted, story)
        return cls(error.path, ProblemKind.UNREADABLE, error.message, "", noted, story)

    @classmethod
    def of_copy(cls, copy: NotedCopy, noted: str) -> FeedProblem:
        return cls(copy.article_id, ProblemKind.COPY, f"the same story as {copy.kept_id} ({copy.reason})", "", noted)

    def line(self) -> str:
        title = f" ({self.title})" if self.title else ""
        return f"{self.url}{title}: {self.reason}"


def kept_problems(
    fresh: Iterable[FeedProblem], earlier: Iterable[FeedProblem], read_fine: Iterable[str] = ()
) -> list[FeedProblem]:
    """The problems to keep after a fetch: its own (``fresh``) first, then the earlier ones that still
    stand (their address neither noted again nor ``read_fine`` since), at most :data:`MAX_PROBLEMS`."""
    fresh = list(dict.fromkeys(fresh))
    settled = {problem.url for problem in fresh} | set(read_fine)
    return [*fresh, *(problem for problem in earlier if problem.url not in settled)][:MAX_PROBLEMS]

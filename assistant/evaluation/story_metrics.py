"""Does an answer stay in one story? The story metrics of the evaluation harness.

A reader trusts an answer that tells one event. Using the stories the index keeps
(:mod:`index.stories.groups`), each answer is judged on:

- ``first_sentence_in_story``: its first sentence's article is in the story of an evidence
  article (a refusal is not);
- ``one_story``: every sentence's own article (the first citation of a sentence, its *primary*;
  the corroborating ones beside it say the same words) is in one story (a refusal is not counted);
- ``older_story``: it cites an article of a story no evidence article is in, published more than
  :data:`OLDER_DAYS` days before the question date (any citation: the reader sees them all).

An article that is in no story (undated, or indexed before stories were grouped) is a story of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from assistant.dates import parse_iso
from assistant.types import Answer

OLDER_DAYS = 60  # "far older than the question": a different story from another season
_MARKER_GROUP = re.compile(r"((?:\[\d+\])+)")
_NUMBER = re.compile(r"\d+")

StoriesOf = Callable[[Sequence[str]], dict[str, str]]  # article ids → story ids (StoryGroups.stories_of)


@dataclass(frozen=True, slots=True)
class StoryOutcome:
    """How one answer sits in the index's stories (see the module docstring)."""

    first_sentence_in_story: bool = False
    one_story: bool | None = None  # None: refused, nothing to judge
    older_story: bool = False


def primary_numbers(text: str) -> list[int]:
    """The citation number each sentence leans on, in reading order: ``a [1][3]. b [2]`` → ``[1, 2]``."""
    return [int(_NUMBER.findall(group)[0]) for group in _MARKER_GROUP.findall(text)]


def story_outcome(answer: Answer, evidence: Iterable[str], asked: date | None, stories_of: StoriesOf) -> StoryOutcome:
    """Judge ``answer`` against the stories of its ``evidence`` articles, as of ``asked``."""
    if not answer.answered or not answer.citations:
        return StoryOutcome()
    by_number = {c.n: c for c in answer.citations}
    primary = [by_number[n].article_id for n in primary_numbers(answer.text) if n in by_number]
    if not primary:  # an answer with citations but no marker (a model's): its citations in order
        primary = [c.article_id for c in answer.citations]
    evidence = list(evidence)
    cited = [c.article_id for c in answer.citations]
    found = stories_of(sorted({*evidence, *cited}))

    def story(article_id: str) -> str:
        return found.get(article_id, f"article:{article_id}")

    evidence_stories = {story(a) for a in evidence}
    older = False
    if asked is not None:
        for citation in answer.citations:
            published = parse_iso(citation.date)
            if (
                story(citation.article_id) not in evidence_stories
                and published is not None
                and (asked - published).days > OLDER_DAYS
            ):
                older = True
    return StoryOutcome(
        first_sentence_in_story=story(primary[0]) in evidence_stories,
        one_story=len({story(a) for a in primary}) == 1,
        older_story=older,
    )

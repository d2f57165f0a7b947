"""The story metrics on hand-made answers: which story the first sentence tells, one story or
several, and an older story slipped in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from assistant.evaluation.metrics import QuestionResult, summarise
from assistant.evaluation.story_metrics import primary_numbers, story_outcome
from assistant.types import Answer, Citation, not_in_articles

STORIES = {"fire-a": "story-fire", "fire-b": "story-fire", "old-fire": "story-old", "flood": "story-flood"}
DATES = {"fire-a": "2024-05-02", "fire-b": "2024-05-03", "old-fire": "2023-05-01", "flood": "2024-04-28"}


def stories_of(article_ids: Sequence[str]) -> dict[str, str]:
    return {a: STORIES[a] for a in article_ids if a in STORIES}


def answer(*sentences: tuple[str, ...]) -> Answer:
    """An answer whose every sentence cites the given articles (first: its own), numbered by first use."""
    numbers: dict[str, int] = {}
    parts = []
    for articles in sentences:
        for article in articles:
            numbers.setdefault(article, len(numbers) + 1)
        parts.append("A sentence. " + "".join(f"[{numbers[a]}]" for a in articles))
    citations = [Citation(n, a, "t", DATES.get(a, ""), "s", "", "p", 0.5) for a, n in numbers.items()]
    return Answer(question="q", text=" ".join(parts), answered=True, citations=citations)


ASKED = date(2024, 5, 4)


def test_the_primary_citation_is_the_first_of_each_sentence() -> None:
    assert primary_numbers("One [1][3]. Two [2]. Three [1].") == [1, 2, 1]


def test_an_answer_told_from_the_evidence_story_alone() -> None:
    outcome = story_outcome(answer(("fire-b",), ("fire-a",)), ["fire-a"], ASKED, stories_of)
    assert outcome.first_sentence_in_story and outcome.one_story and not outcome.older_story


def test_a_neighbouring_story_breaks_one_story_and_an_old_one_is_flagged() -> None:
    mixed = story_outcome(answer(("fire-a",), ("flood",)), ["fire-a"], ASKED, stories_of)
    assert mixed.first_sentence_in_story and mixed.one_story is False and not mixed.older_story, "the flood is recent"
    old_first = story_outcome(answer(("old-fire",), ("fire-a",)), ["fire-a"], ASKED, stories_of)
    assert not old_first.first_sentence_in_story and old_first.older_story


def test_a_corroborating_citation_does_not_count_as_another_story_but_an_old_one_is_still_seen() -> None:
    outcome = story_outcome(answer(("fire-a", "old-fire")), ["fire-a"], ASKED, stories_of)
    assert outcome.one_story and outcome.older_story


def test_an_old_evidence_story_is_not_an_older_story_and_an_unknown_article_is_its_own_story() -> None:
    assert not story_outcome(answer(("old-fire",)), ["old-fire"], ASKED, stories_of).older_story
    outcome = story_outcome(answer(("loose",), ("fire-a",)), ["fire-a"], ASKED, stories_of)
    assert not outcome.first_sentence_in_story and outcome.one_story is False


def test_a_refusal_is_in_no_story_and_not_judged_for_one_story() -> None:
    outcome = story_outcome(not_in_articles("q"), ["fire-a"], ASKED, stories_of)
    assert (outcome.first_sentence_in_story, outcome.one_story, outcome.older_story) == (False, None, False)
    results = [
        QuestionResult("gold", 1, True, True, 0.1, 0.1, answered=True, first_sentence_in_story=True, one_story=True),
        QuestionResult("gold", 1, False, False, 0.1, 0.1, answered=False, one_story=None),
    ]
    summary = summarise(results)
    assert summary["answered"] == 0.5 and summary["first_sentence_in_story"] == 0.5
    assert summary["one_story"] == 1.0, "judged on the one answer only"

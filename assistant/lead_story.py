"""One story per answer: the passages an answer may quote, those of its lead story.

Picking sentences from every retrieved passage mixed events: "What did AT&T shut down this week?"
got "BB&T to shut down online banking…", a Covid question this week opened with a tweet of
October 2020. The stories the index keeps (:mod:`index.stories.groups`, an id on each passage's
``story_id`` set by the retriever) are the unit of an answer instead:

- the *lead story* is the best-supported one among the relevant passages: the retriever's ranking
  already holds the question's period (nothing after ``as_of``, a prior for its days, a boost for
  the window the question names), so the story's support is its passages' fused scores;
- a follow-up stays in the story it was about: a story the previous answer told wins when the
  follow-up's relevant passages include it;
- other stories enter only when the question asks about several events or for a comparison
  (:func:`asks_about_several_events`), or joins names with "and" one of which the lead story
  never mentions (:func:`joined_names`); never one far older than the lead story, and the answer
  says it tells several stories.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from langchain_core.documents import Document

from assistant.dates import parse_iso
from index.store import ArticleStore

STORY_KEY = "story_id"  # a passage's story, in its metadata (set by assistant.retrieval)
IN_ASKED_PERIOD = "in_asked_period"  # published in the period the question names (set by assistant.retrieval)
ASKED_AS_OF = "asked_as_of"  # the day the question was asked as of, when given (set by assistant.retrieval)
OLDER_DAYS = 60  # a story published this much before the lead story's is another season's
MAX_STORIES = 3  # told together when several events are asked about
# How much a story's best sentence counts beside its passages' support when choosing the lead.
# Without a date the retriever's support says little about which year's story is meant, and the
# sentence that answers says more: 2.0 over 0.25 lifted the undated odd (held-out) dev questions'
# first sentence in the evidence story 0.559 -> 0.606 and answer in citations 0.564 -> 0.612, dated
# unchanged (0.927 -> 0.925); the story of the best sentence alone (10) cost dated 0.05
# (docs/lab-notes.md, "The lead story without a date").
SENTENCE_WEIGHT = 2.0
_QUOTE_LOOKUP = 3  # passages a quoted sentence is looked for in (its own ranks first by its words)

# The question's form, not its topic: explicit comparisons and plural "events"-like nouns. "And"
# alone is not enough ("What did X and Y agree?" asks about one meeting): names joined by "and"
# bring in another story only for a name the lead story never mentions (_JOINED_NAMES).
_SEVERAL_EVENTS = re.compile(
    r"\b(?:compare[sd]?|comparing|comparison|versus|vs\.?|differ(?:s|ed|ence|ences)?|both|"
    r"events|stories|incidents|other\s+(?:countries|cities|places|states|cases))\b",
    re.IGNORECASE,
)

_NAME = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*"
_JOINED_NAMES = re.compile(rf"\b({_NAME})\s+(?:and|or|&)\s+({_NAME})")

StoriesOf = Callable[[Sequence[str]], dict[str, str]]  # article ids → story ids (StoryGroups.stories_of)


def asks_about_several_events(question: str) -> bool:
    """Whether the question's form asks for more than one event: a comparison, several "events"."""
    return bool(_SEVERAL_EVENTS.search(question))


def joined_names(question: str) -> list[str]:
    """Names the question joins with "and"/"or" ("the fires in Dunmore and Kelby"), a leading "The" dropped."""
    return [name.removeprefix("The ") for pair in _JOINED_NAMES.findall(question) for name in pair]


def with_story_ids(passages: list[Document], stories_of: StoriesOf) -> list[Document]:
    """``passages`` with their article's story under :data:`STORY_KEY` (one query for all)."""
    found = stories_of(sorted({str(p.metadata.get("article_id")) for p in passages}))
    for passage in passages:
        story = found.get(str(passage.metadata.get("article_id")))
        if story:
            passage.metadata[STORY_KEY] = story
    return passages


def stories_quoted(store: ArticleStore, sentences: Sequence[str]) -> tuple[str, ...]:
    """The stories of the articles that hold ``sentences`` word for word (a previous answer's
    quotes): each looked up by keywords, kept only when a found passage really contains it."""
    article_ids: list[str] = []
    for sentence in sentences:
        hits = [chunk_id for chunk_id, _ in store.keyword_index.search(sentence, _QUOTE_LOOKUP)]
        for chunk in store.chunks(hits):
            if sentence in " ".join(chunk.document.page_content.split()):
                article_ids.append(str(chunk.document.metadata.get("article_id")))
    found = store.story_groups.stories_of(sorted(set(article_ids)))
    return tuple(dict.fromkeys(found[a] for a in article_ids if a in found))


def story_of(passage: Document) -> str:
    """The passage's story; an article in none (undated, grouped before stories) is a story of its own."""
    return str(passage.metadata.get(STORY_KEY) or f"article:{passage.metadata.get('article_id')}")


@dataclass(frozen=True, slots=True)
class ToldStories:
    """The passages an answer may quote, and the stories they come from, the lead one first."""

    passages: list[Document]
    stories: tuple[str, ...]
    several: bool  # the question asked about several events: other stories were allowed in


def support(passages: Sequence[Document]) -> dict[str, float]:
    """Each story's support: its passages' rank scores (``score``, else ``similarity``) summed, an
    article's k-th best passage counting 1/k (a long article's many weak passages do not outweigh
    a short one that matches better; several outlets telling the story all count)."""
    per_article: dict[tuple[str, str], list[float]] = {}
    for passage in passages:
        weight = float(passage.metadata.get("score", passage.metadata.get("similarity", 0.0)))
        per_article.setdefault((story_of(passage), str(passage.metadata.get("article_id"))), []).append(weight)
    totals: dict[str, float] = {}
    for (story, _), weights in per_article.items():
        ordered = sorted(weights, reverse=True)
        totals[story] = totals.get(story, 0.0) + sum(w / k for k, w in enumerate(ordered, start=1))
    return totals


def lead_stories(
    question: str,
    passages: list[Document],
    preferred: Sequence[str] = (),
    best_sentences: Mapping[str, float] | None = None,
    period_factor: float = 1.0,
) -> ToldStories:
    """The passages of the lead story (and of the next ones when the question asks about several
    events), none far older than the lead story's newest.

    A story's weight is its :func:`support` (relative to the best-supported story's) plus
    :data:`SENTENCE_WEIGHT` × its best sentence's answer score (``best_sentences``; a story with none
    scored counts -1), times ``period_factor`` for a story with an article in the period the question
    names (:data:`IN_ASKED_PERIOD`, "word of the year for 2022"): the retriever boosts those articles
    by the same factor, but the best sentence can still come from next year's story, whose sentence
    repeats more of the question's words. ``preferred``: the stories of the previous answer, which
    lead when present.
    Passages that carry no story at all (a caller's own, not the retriever's) are told as they
    are: there is nothing to tell their stories apart by.
    """
    if not any(STORY_KEY in p.metadata for p in passages):
        return ToldStories(list(passages), (), False)
    totals = support(passages)
    if any(p.metadata.get(ASKED_AS_OF) for p in passages):
        # Asked as of a day, the best-supported story holds that day's news (the retriever's date prior
        # is in its support): a story far older cannot lead, however well its sentence matches ("Who did
        # Macron appoint as prime minister?" asked in January 2024 was answered with Edouard Philippe, 2017).
        newest = _newest(passages, max(totals, key=lambda story: totals[story]))
        passages = [p for p in passages if not _far_older_story(passages, story_of(p), newest)]
        totals = {story: total for story, total in totals.items() if any(story_of(p) == story for p in passages)}
    most = max(totals.values()) or 1.0
    sentences = best_sentences or {}
    weight = {s: total / most + SENTENCE_WEIGHT * sentences.get(s, -1.0) for s, total in totals.items()}
    for story in {story_of(p) for p in passages if p.metadata.get(IN_ASKED_PERIOD)}:
        weight[story] *= period_factor if weight[story] > 0 else 1.0
    ranked = sorted(weight, key=lambda story: -weight[story])
    present = [story for story in ranked if story in set(preferred)]
    lead = present[0] if present else ranked[0]
    several = asks_about_several_events(question)
    told = [lead, *(s for s in ranked if s != lead)][: MAX_STORIES if several else 1]
    if not several:  # a name asked about that the lead story never mentions: its story is asked about too
        for name in joined_names(question):
            if len(told) < MAX_STORIES and not any(_mentions(passages, s, name) for s in told):
                told += [s for s in ranked if s not in told and _mentions(passages, s, name)][:1]
    newest = _newest(passages, lead)
    kept = [p for p in passages if story_of(p) in told and not _far_older(p, newest)]
    stories = tuple(s for s in told if any(story_of(p) == s for p in kept))
    return ToldStories(kept, stories, several or len(stories) > 1)


def same_stories(passages: list[Document], article_ids: set[str]) -> list[Document]:
    """The passages of the stories of ``article_ids`` (an answer's cited articles): what a model
    answering beside the extractive answer reads, so both tell the same story. Unchanged when the
    passages carry no story."""
    if not any(STORY_KEY in p.metadata for p in passages):
        return passages
    told = {story_of(p) for p in passages if str(p.metadata.get("article_id")) in article_ids}
    return [p for p in passages if story_of(p) in told]


def several_stories_notice(stories: int) -> str:
    """What an answer telling several stories says about it."""
    return f"The question asks about several events: this answer tells {stories} different stories."


def _mentions(passages: Sequence[Document], story: str, name: str) -> bool:
    return any(story_of(p) == story and name.lower() in p.page_content.lower() for p in passages)


def _newest(passages: Sequence[Document], story: str) -> date | None:
    days = [d for p in passages if story_of(p) == story and (d := parse_iso(p.metadata.get("date")))]
    return max(days) if days else None


def _far_older_story(passages: Sequence[Document], story: str, newest: date | None) -> bool:
    """Whether ``story``'s newest passage was published more than :data:`OLDER_DAYS` days before ``newest``."""
    own = _newest(passages, story)
    return newest is not None and own is not None and (newest - own).days > OLDER_DAYS


def _far_older(passage: Document, lead_newest: date | None) -> bool:
    """Whether ``passage`` was published more than :data:`OLDER_DAYS` days before the lead story's newest."""
    published = parse_iso(passage.metadata.get("date"))
    return lead_newest is not None and published is not None and (lead_newest - published).days > OLDER_DAYS

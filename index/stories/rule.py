"""When an article joins a story: the grouping rule of :mod:`index.stories.groups`, as plain arithmetic.

Chosen by measurement (``bench/story_grouping.py`` on RealTimeQA's dev pairs, ``bench/story_stream.py``
on a made-up season of one topic; figures in docs/benchmarks.md):

- features: the vector of title + lead (the first chunk's, already embedded by the store's
  encoder) and the *names* of title + lead (capitalised words and numbers, lower-cased; sentence
  openers, weekdays, months and the outlet's own name left out);
- candidates: the stories with an article dated within :data:`WINDOW_DAYS` days of the new one;
- pair score: cosine + 0.25 × Jaccard of the name sets; a story scores the *mean* over **all** its
  members (average link to the whole story, i.e. to its centroid), and the article joins the best
  story scoring at least 0.40 whose span (first to last article) stays within
  :data:`MAX_SPAN_DAYS` days with it; else it starts a story of its own. Undated articles are
  stories of their own.
- a story that matched but was full (the article would stretch it past two weeks) is the one the
  new story *follows*: a topic reported for months is a chain of stories, each linked to the one
  before it.

Why the whole story and not only its members of the last days (the rule until issue 27): a story
grown by average link over a sliding window only ever grows, one drifting day at a time (on
RealTimeQA's 8,097 articles the largest held 26 articles over 19 days, from Donbas to Nord Stream;
another mixed midterm fact checks, an op-ed on domestic terrorism and Trump's 2024 plans). Scored
against all its members, a new article must still resemble what the story was about, not only its
newest article; on the dev pairs this grouped as many (recall 0.803 against 0.799) and wrongly
fewer (precision 0.845 against 0.843), on each half of the weeks. Why a bound in days: even a
coherent topic (a war, an election) is many events; two weeks holds the follow-ups of one event
(the dev pairs of one question's evidence lie at most 4 days apart for nine in ten). Average link
beat single link (a story scoring its best member) at equal recall: single link let daily digests
("5 things to know") chain unrelated stories together. Names lifted the static wordllama encoder's
precision, so one rule serves it and MiniLM.

What the rule does not do: tell apart events whose articles are written from one template and
differ only in their place names (a season of storms in invented towns): their vectors are nearly
one, and on real news the names an event's articles share are often common that week (a
hurricane's name in half the week's articles), so names cannot veto a pair without losing real
stories. Such a stream still splits into stories of two weeks at most.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

WINDOW_DAYS = 4  # a candidate story has a member dated within this many days of the new article
MAX_SPAN_DAYS = 14  # a story's first and last articles are at most this many days apart
LEAD_CHARS = 1000  # title + this much text: what the first chunk (the vector) covers by default
_NAME = re.compile(r"\b[A-Z][\w'’.&-]*\w|\b[A-Z]\b|\b\d[\d,.]*\d\b")
_NOT_NAMES = frozenset(
    """a an the in on at of for to and but or nor so yet he she it they we i you his her its their our my this that
    these those as by with from after before when while if what who whom how why where there here was is are be been
    has have had will would can could may might must shall should said says new not no yes all some one more most
    just also about over under into than then now only even still many much after monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september october november december
    today yesterday tomorrow week mr mrs ms dr photo video image images getty read watch updated""".split()
)


@dataclass(frozen=True, slots=True)
class GroupingRule:
    """When an article joins a story (thresholds measured in ``bench/story_grouping.py``)."""

    min_score: float = 0.40
    name_weight: float = 0.25
    window_days: int = WINDOW_DAYS
    max_span_days: int = MAX_SPAN_DAYS
    linkage: str = "average"  # "average": a story scores its members' mean; "single": its best member
    scope: str = "story"  # which members score: "story", all; "window", those in the window (before issue 27)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A story the new article may join: every member's day, unit vector and stored names."""

    story_id: str
    days: Sequence[int]
    vectors: np.ndarray  # one row per member
    names: Sequence[str | None]  # as stored: one name per line


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an article goes: the story it joins, or (``story_id`` None) a new one, which
    ``follows`` the story it matched but could not join without running past the span."""

    story_id: str | None
    follows: str | None = None


def names_of(title: str, lead: str, source: str = "") -> set[str]:
    """Capitalised words and numbers of ``title`` + ``lead``: who and what an article is about."""
    outlet = set(re.split(r"[^a-z0-9]+", source.lower()))
    found = set()
    for match in _NAME.findall(f"{title}\n{lead}"):
        name = re.sub(r"['’]s$", "", match.lower()).strip(".,")
        if len(name) > 1 and name not in _NOT_NAMES and name not in outlet:
            found.add(name)
    return found


def place(
    rule: GroupingRule, vector: np.ndarray, names: set[str], day: int, candidates: Sequence[Candidate]
) -> Placement:
    """The story a dated article (unit ``vector``, ``names``, ``day`` as an ordinal) joins among
    ``candidates``, by the rule of the module docstring."""
    link = max if rule.linkage == "single" else (lambda values: sum(values) / len(values))
    scored = []
    for candidate in candidates:
        days = np.asarray(candidate.days)
        counted = np.abs(days - day) <= rule.window_days if rule.scope == "window" else np.ones(len(days), bool)
        if not counted.any():
            continue
        scores = (candidate.vectors[counted] @ vector).astype(np.float64)
        if rule.name_weight:
            stored = [names_of_member for names_of_member, kept in zip(candidate.names, counted, strict=True) if kept]
            scores += rule.name_weight * np.array([jaccard(names, member) for member in stored])
        scored.append((float(link(scores.tolist())), candidate))
    full = None
    for score, candidate in sorted(scored, key=lambda pair: (-pair[0], pair[1].story_id)):
        if score < rule.min_score:
            break
        if max(*candidate.days, day) - min(*candidate.days, day) <= rule.max_span_days:
            return Placement(candidate.story_id)
        full = full or candidate.story_id
    return Placement(None, follows=full)


def jaccard(names: set[str], stored: str | None) -> float:
    """Jaccard similarity of ``names`` and a member's stored names (one per line)."""
    other = set((stored or "").split("\n")) - {""}
    union = len(names | other)
    return len(names & other) / union if union else 0.0

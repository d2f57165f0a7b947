"""Comparison across outlets: "How did outlets report the dam collapse?" → what they say in
common and what only some say, each cited.

The story is the one the topic's passages point at most (ties: the more outlets). A sentence is
*shared* by another outlet when most of it (its names and numbers counting double, then its other
content words) appears in that outlet's articles; a claim in common is a central sentence shared by at least one other
outlet, cited with the passages of the outlets that share it; what only one outlet says is its
most central sentence that no other outlet shares.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from langchain_core.documents import Document

from assistant.news import NewsContext, nothing_found
from assistant.news_requests import NewsRequest
from assistant.story_text import Citer, StorySentence, centrality, lead_sentences, rarity, same_claim
from assistant.types import Answer
from index.story_groups import names_of

SHARED = 0.5  # share of a sentence's weight found in another outlet's articles: it says it too
OWN = 0.45  # below this share in every other outlet, a sentence is that outlet's alone
COMMON_CLAIMS = 2
OUTLETS_SHOWN = 5
SENTENCES_PER_ARTICLE = 8


def compare(context: NewsContext, request: NewsRequest, reference: date) -> Answer:
    """How the outlets of the topic's main story reported it."""
    period = context.bounds(request.window, reference)
    if not request.topic:
        return nothing_found("", "comparison", "Name the story to compare, e.g. “how did outlets report the strike”.")
    found = context.topic_passages(request.topic, period, reference)
    groups = context.store.story_groups
    story_of = groups.stories_of([str(p.metadata.get("article_id", "")) for p in found])
    if not story_of:
        return nothing_found("", "comparison", f"No indexed article is about {request.topic}.")
    votes = Counter(story_of[a] for a in story_of)
    story_id = max(votes, key=lambda s: (votes[s], -list(story_of.values()).index(s)))
    members = groups.members(story_id)
    sentences = lead_sentences(
        context.store.article_passages([m.article_id for m in members], first_chunks=3), SENTENCES_PER_ARTICLE
    )
    outlets = list(dict.fromkeys(s.source for s in sentences))
    title = members[0].title if members else request.topic
    if len(outlets) < 2:
        return _single_outlet(title, outlets[0] if outlets else "", sentences, rarity(sentences))
    idf = rarity(sentences)
    said = {outlet: _Said.of([s for s in sentences if s.source == outlet]) for outlet in outlets}
    scores = dict(zip(map(id, sentences), centrality(sentences, idf), strict=True))
    ranked = sorted(sentences, key=lambda s: -scores[id(s)])
    citer, lines = Citer(), [f"How {len(outlets)} outlets reported “{title}”:", "", "**What they say in common**"]
    common: list[StorySentence] = []
    for sentence in ranked:
        sharing = [o for o in outlets if o != sentence.source and _share(sentence, said[o]) >= SHARED]
        if not sharing or any(same_claim(sentence.words, c.words) for c in common):
            continue
        common.append(sentence)
        support = [_closest(sentence, [s for s in sentences if s.source == o]) for o in sharing[:2]]
        names = ", ".join([sentence.source, *sharing])
        lines.append(f"- {sentence.text} {citer.mark([sentence.passage, *support])} ({names})")
        if len(common) >= COMMON_CLAIMS:
            break
    if not common:
        lines.append("- Little: each outlet tells it in its own terms (below).")
    for outlet in outlets[:OUTLETS_SHOWN]:
        own = next(
            (
                s
                for s in ranked
                if s.source == outlet
                and all(_share(s, said[o]) < OWN for o in outlets if o != outlet)
                and not any(same_claim(s.words, c.words) for c in common)
            ),
            None,
        )
        if own is not None:
            lines += ["", f"**Only {outlet}**", f"- {own.text} {citer.mark([own.passage])}"]
    return Answer(question="", text="\n".join(lines), answered=True, citations=citer.citations, kind="comparison")


def _share(sentence: StorySentence, said: _Said) -> float:
    """How much of ``sentence`` another outlet says too: its names and numbers count double
    (outlets word an event differently but name the same people, places and figures)."""
    names = names_of(sentence.text, "")
    words = sentence.words - names
    total = 2 * len(names) + len(words)
    return (2 * len(names & said.names) + len(words & said.words)) / total if total else 0.0


@dataclass(frozen=True, slots=True)
class _Said:
    """Everything one outlet's articles of the story say: names and numbers, and content words."""

    names: frozenset[str]
    words: frozenset[str]

    @classmethod
    def of(cls, sentences: list[StorySentence]) -> _Said:
        names = frozenset(name for s in sentences for name in names_of(s.text, ""))
        return cls(names, frozenset(word for s in sentences for word in s.words))


def _closest(sentence: StorySentence, others: list[StorySentence]) -> Document:
    best = max(others, key=lambda other: len(sentence.words & other.words))
    return best.passage


def _single_outlet(title: str, outlet: str, sentences: list[StorySentence], idf: dict[str, float]) -> Answer:
    if not sentences:
        return nothing_found("", "comparison", f"The story “{title}” has no passage that could be quoted.")
    scores = centrality(sentences, idf)
    best = sentences[max(range(len(sentences)), key=scores.__getitem__)]
    citer = Citer()
    text = f"Only {outlet} reported “{title}” in the indexed articles: {best.text} {citer.mark([best.passage])}"
    return Answer(question="", text=text, answered=True, citations=citer.citations, kind="comparison")

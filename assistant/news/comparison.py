"""Comparison across outlets: "How did outlets report the dam collapse?" → what they say in
common and what only some say, each cited.

The story is the one the topic's passages point at most (ties: the more outlets), read up to the
reference day (``as_of``) when the request names no period, and only from the sources asked for
(:class:`assistant.news.context.Scope`). A claim in common is a central
sentence another outlet *says too*: one of that outlet's sentences holds at least :data:`SHARED`
of its words, each weighted by how rare it is across the story's articles (the names every article
repeats count little, the words that make the claim count most). It is cited with that very
sentence's passage, so each citation says the claim. Measuring against everything an outlet wrote
over the days of a story instead let a mediator's appointment "share" the deal struck two days
later (the same names, the bonus, "talks", "Thursday" all occur somewhere in the outlet's
articles) and cited the appointment for the deal. What only one outlet says is its most central
sentence that no other outlet's articles, taken together, come close to (names and numbers
counting double: outlets word an event differently but name the same people and figures); an
article's lead is never that when another outlet has an article of the story on the same day, as
two leads of one day report the same event, in words too different to compare. Claims in common
do not repeat each other (:func:`assistant.news.story_text.adds_to`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from assistant.news.context import NewsContext, Scope, nothing_found
from assistant.news.items import ItemKind, NewsItem, NewsSentence, news_text
from assistant.news.requests import NewsRequest
from assistant.news.story_text import Citer, StorySentence, adds_to, centrality, lead_sentences, rarity
from assistant.types import Answer
from index.stories.groups import names_of

SHARED = 0.5  # share of a sentence's rarity-weighted words one sentence of another outlet holds: it says it too
OWN = 0.45  # below this share of its words in every other outlet's articles, a sentence is that outlet's alone
COMMON_CLAIMS = 2
OUTLETS_SHOWN = 5
SENTENCES_PER_ARTICLE = 8


def compare(context: NewsContext, request: NewsRequest, reference: date) -> Answer:
    """How the outlets of the topic's main story reported it."""
    scope = context.scope(request, reference)
    if not request.topic:
        return nothing_found("", "comparison", "Name the story to compare, e.g. “how did outlets report the strike”.")
    found = context.topic_passages(request.topic, scope, reference)
    groups = context.store.story_groups
    story_of = groups.stories_of([str(p.metadata.get("article_id", "")) for p in found])
    if not story_of:
        return nothing_found("", "comparison", f"No indexed article{scope.outlets()} is about {request.topic}.")
    votes = Counter(story_of[a] for a in story_of)
    story_id = max(votes, key=lambda s: (votes[s], -list(story_of.values()).index(s)))
    members = [m for m in groups.members(story_id) if scope.admits(m.date, m.source)]
    sentences = lead_sentences(
        context.store.article_passages([m.article_id for m in members], first_chunks=3), SENTENCES_PER_ARTICLE
    )
    outlets = list(dict.fromkeys(s.source for s in sentences))
    title = members[0].title if members else request.topic
    idf = rarity(sentences)
    if len(outlets) < 2:
        return _single_outlet(title, outlets[0] if outlets else "", sentences, idf, scope)
    by_outlet = {outlet: [s for s in sentences if s.source == outlet] for outlet in outlets}
    said = {outlet: _Said.of(by_outlet[outlet]) for outlet in outlets}
    scores = dict(zip(map(id, sentences), centrality(sentences, idf), strict=True))
    ranked = sorted(sentences, key=lambda s: -scores[id(s)])
    citer, items = Citer(), []
    common: list[StorySentence] = []
    for sentence in ranked:
        support = {o: t for o in outlets if o != sentence.source and (t := _saying(sentence, by_outlet[o], idf))}
        if not support or not adds_to(sentence.words, (c.words for c in common)):
            continue
        common.append(sentence)
        cited = [sentence, *list(support.values())[:2]]
        items.append(_item("shared", title, sentence, outlets=(sentence.source, *support), cited=cited, citer=citer))
        if len(common) >= COMMON_CLAIMS:
            break
    days_covered = {(m.date, m.source) for m in members}
    for outlet in outlets[:OUTLETS_SHOWN]:
        own = next(
            (
                s
                for s in ranked
                if s.source == outlet
                and all(_share(s, said[o]) < OWN for o in outlets if o != outlet)
                and not (s.position == 0 and any(d == s.date and o != outlet for d, o in days_covered))
                and adds_to(s.words, (c.words for c in common))
            ),
            None,
        )
        if own is not None:
            items.append(_item("only", title, own, outlets=(outlet,), cited=[own], citer=citer))
    heading = f"How {len(outlets)} outlets reported “{title}”:"
    text = news_text(heading, items, "comparison")
    return Answer("", text, True, citer.citations, kind="comparison", items=tuple(items), heading=heading)


def _item(
    kind: ItemKind,
    title: str,
    sentence: StorySentence,
    *,
    outlets: tuple[str, ...],
    cited: list[StorySentence],
    citer: Citer,
) -> NewsItem:
    """A claim as data: ``sentence`` citing the passages of ``cited`` (its own first), the outlets saying
    it, and the days of those sentences."""
    days = sorted(s.date for s in cited if s.date)
    told = NewsSentence(sentence.text, citer.numbers([s.passage for s in cited]))
    first, last = (days[0], days[-1]) if days else ("", "")
    return NewsItem(kind, (told,), title, outlets, len(outlets), first, last)


def _saying(sentence: StorySentence, theirs: list[StorySentence], idf: dict[str, float]) -> StorySentence | None:
    """The sentence of ``theirs`` (another outlet's) that says ``sentence`` too, if one does (see the
    module docstring)."""
    weight = sum(idf.get(word, 1.0) for word in sentence.words)
    if not theirs or not weight:
        return None
    best = max(theirs, key=lambda other: sum(idf.get(word, 1.0) for word in sentence.words & other.words))
    held = sum(idf.get(word, 1.0) for word in sentence.words & best.words)
    return best if held / weight >= SHARED else None


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


def _single_outlet(
    title: str, outlet: str, sentences: list[StorySentence], idf: dict[str, float], scope: Scope
) -> Answer:
    """One outlet's account; "only" it said among the sources asked for, when some were (others may
    have reported the story too)."""
    if not sentences:
        return nothing_found("", "comparison", f"The story “{title}” has no passage that could be quoted.")
    scores = centrality(sentences, idf)
    best = sentences[max(range(len(sentences)), key=scores.__getitem__)]
    citer = Citer()
    among = f"of the sources asked for ({', '.join(scope.sources)})" if scope.sources else "in the indexed articles"
    heading = f"Only {outlet} reported “{title}” {among}:"
    items = (_item("account", title, best, outlets=(outlet,), cited=[best], citer=citer),)
    text = news_text(heading, items, "comparison")
    return Answer("", text, True, citer.citations, kind="comparison", items=items, heading=heading)

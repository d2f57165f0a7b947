"""Briefings: the period's most important stories, each told in one or two cited sentences.

"What happened this week?", "Brief me on Libya since Monday", "the news of 3 March 2023". The
stories are those of :mod:`index.stories.groups` with an article in the period (on the topic, when
one is named), ranked by how widely and how recently they were reported:

    importance = outlets + 0.5 × min(articles, 8) + recency (0 at the period's start, 1 at its end)

counted up to the period's end (what came after it is not known to a briefing of it)

so a story five outlets carried outranks one article, and of two equally covered stories the one
still developing at the period's end comes first. Each story is told by its most central lead
sentence (:func:`assistant.news.story_text.centrality`) and, when it adds something, the next most
central sentence *of the same article*: extractive, so every sentence is an article's own, cited;
no sentence repeats one told for an earlier story. The second sentence comes from the first's
article because an article does not say its own lead twice, while two outlets' leads do, in words
too different to tell apart ("the council voted to build a tram line" / "councillors backed plans
for a tram"): the two most central sentences of a story were, more often than not, one event told
twice. Other outlets saying the same are cited beside the sentence instead. The item's title is
the title of the article its first sentence is quoted from: the title and the sentence under it are
one article's, whatever the story's size.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from langchain_core.documents import Document

from assistant.news.context import NewsContext, Scope, nothing_found
from assistant.news.items import NewsItem, NewsSentence, news_text, span_label
from assistant.news.period import cover
from assistant.news.requests import NewsRequest
from assistant.news.story_text import (
    Citer,
    StorySentence,
    adds_to,
    centrality,
    lead_sentences,
    rarity,
    same_claim,
)
from assistant.types import Answer
from index.stories.groups import Member, Story

MAX_ITEMS = 10
# Weight of each article of a story (up to 8) against an outlet: measured in bench/briefing.py (0.25 → 0.5
# lifted cited coverage from 0.407 to 0.415 on every second quiz date, counting articles in the period only).
ARTICLE_WEIGHT = 0.5
WRITER_PASSAGES = 4  # lead passages a model reads to tell one story (as many as it reads for an answer)
SENTENCES_PER_ITEM = 2
ARTICLES_PER_STORY = 6  # the story's articles a briefing reads (newest, one per outlet first)
_SECOND_SENTENCE_SHARE = 0.5  # a second sentence must be at least this central, relative to the first


def brief(context: NewsContext, request: NewsRequest, reference: date, max_items: int = MAX_ITEMS) -> Answer:
    """The briefing ``request`` asks for (its topic and period), at most ``max_items`` stories, and
    the days it covers (:mod:`assistant.news.period`: the latest with news when those asked for
    have none; a topic's latest stories when no period is named)."""
    covered = cover(context, request, reference, max_items, lambda topic, scope: _ranked_stories(context, topic, scope))
    scope, period = covered.scope, covered.period
    ranked = covered.ranked
    stories = [story for story, _ in ranked]
    outlets_of = {story.story_id: names for story, names in ranked}
    about = (f" on {request.topic}" if request.topic else "") + scope.outlets()
    if not stories:
        return nothing_found("", "briefing", covered.nothing(about))
    members = context.store.story_groups.members_of_stories([story.story_id for story in stories])
    chosen = {story.story_id: _read_first(members[story.story_id], scope) for story in stories}
    passages = context.leads([m.article_id for story in stories for m in chosen[story.story_id]])
    sentences = lead_sentences(passages)
    idf = rarity(sentences)
    by_article: dict[str, list[StorySentence]] = {}
    for sentence in sentences:
        by_article.setdefault(sentence.article_id, []).append(sentence)
    citer = Citer()
    told: list[frozenset[str]] = []
    items: list[NewsItem] = []
    by_model = 0
    for story in stories:
        story_sentences = [s for m in chosen[story.story_id] for s in by_article.get(m.article_id, [])]
        if context.writer is not None and (written := _written(context, story, story_sentences)):
            title, tell = written
            items.append(_item(story, outlets_of[story.story_id], tell(citer), title))
            by_model += 1
            continue
        picked = _tell(story_sentences, idf, avoid=told)
        if not picked:
            continue
        told.extend(sentence.words for sentence in picked)
        marks = [citer.numbers([s.passage, *_corroborating(s, story_sentences)]) for s in picked]
        # Two sentences of one passage: one marker after both.
        body = tuple(
            NewsSentence(s.text, () if n + 1 < len(picked) and marks[n] == marks[n + 1] else marks[n])
            for n, s in enumerate(picked)
        )
        items.append(_item(story, outlets_of[story.story_id], body, _title(picked[0].passage, story)))
    if not items:
        days = span_label(period.start, period.end)
        return nothing_found("", "briefing", f"No indexed article{about} dated {days} could be quoted.")
    heading = f"{covered.news(about)}, most widely reported first:"
    backend, notice = "extractive", ""
    if context.writer is not None and by_model:
        backend = context.writer.backend
        if by_model < len(items):
            notice = f"{len(items) - by_model} of {len(items)} stories are told in article sentences: {backend}'s "
            notice += "text for them was not supported by their passages."
    elif context.writer is not None:
        notice = f"{context.writer.backend}'s briefing was not supported by the passages; showing article sentences."
    return Answer(
        question="",
        text=news_text(heading, items, "briefing", period),
        answered=True,
        citations=citer.citations,
        backend=backend,
        fallback=context.writer is not None and not by_model,
        notice=notice,
        kind="briefing",
        items=tuple(items),
        heading=heading,
        period=period,
    )


def _item(story: Story, outlets: tuple[str, ...], sentences: tuple[NewsSentence, ...], title: str) -> NewsItem:
    return NewsItem("story", sentences, title, outlets, story.outlets, story.first_date, story.last_date)


def _title(passage: Document, story: Story) -> str:
    """An item's title: that of the article its first sentence is quoted from (or cited to), so the
    title and the sentence under it are one article's. The story's first article's title was shown
    before, and in a story of many articles it was often one the item did not quote at all."""
    return str(passage.metadata.get("title") or "") or story.title


def _written(
    context: NewsContext, story: Story, sentences: list[StorySentence]
) -> tuple[str, Callable[[Citer], tuple[NewsSentence, ...]]] | None:
    """The story told by the configured model (checked): the title of the article its first sentence
    cites, and a function numbering its citations."""
    assert context.writer is not None
    leads = list({id(s.passage): s.passage for s in sentences if s.position == 0}.values())[:WRITER_PASSAGES]
    if not leads:
        return None
    told = context.writer.tell(_title(leads[0], story), leads)
    if not told:
        return None
    first = next((passages[0] for _, passages in told if passages), leads[0])
    return _title(first, story), lambda citer: tuple(
        NewsSentence(sentence, citer.numbers(passages)) for sentence, passages in told
    )


def _ranked_stories(context: NewsContext, topic: str, scope: Scope) -> list[tuple[Story, tuple[str, ...]]]:
    """The period's stories (on ``topic``), most important first, each counted *up to the period's
    end*: its articles, outlets (wire copies' outlets too) and dates until then, so a story that went
    on after the period neither outranks others for it nor shows later dates (a briefing of a past
    week must not know what came next), while one that began before it keeps its weight. With
    sources asked for, a story counts only with an article of theirs in the period, and only their
    articles and copies count: a briefing of one outlet ranks that outlet's stories by its coverage.
    Each story comes with the names of the outlets counted."""
    period = scope.period
    assert period is not None
    groups = context.store.story_groups
    stories = groups.stories_between(period.start.isoformat(), period.end.isoformat())
    if topic:
        on_topic = context.topic_passages(topic, scope, period.end)
        relevant = set(groups.stories_of([str(p.metadata.get("article_id", "")) for p in on_topic]).values())
        stories = [story for story in stories if story.story_id in relevant]
    members = groups.members_of_stories([story.story_id for story in stories])
    until_end = scope.until_end()
    inside = {s.story_id: [m for m in members[s.story_id] if until_end.admits(m.date, m.source)] for s in stories}
    copies = context.store.stories.copies_of([m.article_id for found in inside.values() for m in found])
    span = max((period.end - period.start).days, 1)
    counted = []
    for story in stories:
        found = inside[story.story_id]
        if not any(scope.admits(m.date, m.source) for m in found):
            continue
        copied = {c.source for m in found for c in copies.get(m.article_id, ()) if scope.from_source(c.source)}
        outlets = {m.source for m in found} | copied
        first, last = found[0].date, found[-1].date
        names = tuple(sorted(outlets - {""}))
        counted.append((Story(story.story_id, found[0].title, len(found), len(names) or 1, first, last), names))

    def importance(story: Story) -> float:
        recency = max((date.fromisoformat(story.last_date) - period.start).days, 0) / span  # 0 before it
        return story.outlets + ARTICLE_WEIGHT * min(story.articles, 8) + recency

    return sorted(counted, key=lambda pair: (-importance(pair[0]), pair[0].story_id))


def _read_first(members: list[Member], scope: Scope) -> list[Member]:
    """The story's articles a briefing quotes: those in scope, one per outlet first, newest first."""
    inside = [m for m in members if scope.admits(m.date, m.source)]
    inside = inside or [m for m in members if scope.from_source(m.source)]
    newest_first = sorted(inside, key=lambda m: (m.date, m.article_id), reverse=True)
    outlets: set[str] = set()
    first: list[Member] = []
    rest: list[Member] = []
    for member in newest_first:
        (rest if member.source in outlets else first).append(member)
        outlets.add(member.source)
    return (first + rest)[:ARTICLES_PER_STORY]


def _tell(sentences: list[StorySentence], idf: dict[str, float], avoid: list[frozenset[str]]) -> list[StorySentence]:
    """The most central sentence not told before, and a second of its article that adds to it (see
    the module docstring), in reading order."""
    scores = centrality(sentences, idf)
    ranked = sorted(zip(scores, sentences, strict=True), key=lambda pair: -pair[0])
    fresh = [(score, s) for score, s in ranked if not any(same_claim(s.words, words) for words in avoid)]
    if not fresh:
        return []
    best, first = fresh[0]
    second = next(
        (
            s
            for score, s in fresh[1:]
            if s.article_id == first.article_id
            and score >= _SECOND_SENTENCE_SHARE * best
            and adds_to(s.words, [first.words])
        ),
        None,
    )
    return [first] if second is None else sorted([first, second], key=lambda s: s.position)


def _corroborating(sentence: StorySentence, story: list[StorySentence], most: int = 2) -> list[Document]:
    """Passages of the story's other articles saying the same thing: cited beside the sentence."""
    found, articles = [], {sentence.article_id}
    for other in story:
        if other.article_id not in articles and same_claim(sentence.words, other.words):
            found.append(other.passage)
            articles.add(other.article_id)
        if len(found) >= most:
            break
    return found

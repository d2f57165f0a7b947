"""Timelines: "How did the Sirte talks develop?", "timeline of the strike" → dated, cited entries.

The articles are those about the topic (:meth:`assistant.news.context.NewsContext.topic_passages`) and the
other articles of their stories, so a follow-up that names the event differently still counts. A
story counts only when one of its passages uses as many of the topic's words as the best match
does: "the Valdmar dock strike" finds a cruise terminal opened at the Valdmar port months later
(same place, same operator, close enough in meaning), which is another event, not a development;
a later story naming the strike again still joins. Without an end to the request's period, the
timeline ends on the reference day (``as_of``, with its grace): as of a day, later days are not
known yet. Only the sources asked for are read (:class:`assistant.news.context.Scope`). Each article is
told by its most central lead sentence; then, in date order, a development reported twice is one
entry: the same story on the same day, or a sentence saying what an earlier entry
said (:func:`assistant.news.story_text.same_claim`), adds its passage to that entry's citations
instead of a new line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from langchain_core.documents import Document

from assistant.news.context import NewsContext, covers, nothing_found
from assistant.news.items import NewsItem, NewsSentence, news_text
from assistant.news.requests import NewsRequest
from assistant.news.story_text import Citer, StorySentence, lead_sentences, most_central, rarity, same_claim
from assistant.types import Answer
from index.words import counted

MAX_ENTRIES = 15
STORIES_FOLLOWED = 3  # the top topic stories whose other articles join the timeline


@dataclass(slots=True)
class _Entry:
    day: str
    story: str
    sentence: StorySentence
    passages: list[Document] = field(default_factory=list)


def timeline(context: NewsContext, request: NewsRequest, reference: date) -> Answer:
    """The timeline ``request`` asks for: one dated, cited entry per development, oldest first."""
    scope = context.scope(request, reference)
    topic = request.topic
    if not topic:
        return nothing_found("", "timeline", "Name what the timeline is about, e.g. “timeline of the Sirte talks”.")
    found = context.topic_passages(topic, scope, reference)
    if not found:
        return nothing_found("", "timeline", f"No indexed article{scope.outlets()} is about {topic}.")
    groups = context.store.story_groups
    story_of = groups.stories_of([str(p.metadata.get("article_id", "")) for p in found])
    coverage: dict[str, int] = {}
    for passage in found:  # best first: stories in the order the topic finds them
        article = str(passage.metadata.get("article_id", ""))
        story = story_of.get(article, article)
        coverage[story] = max(coverage.get(story, 0), covers(topic, passage))
    best = max(coverage.values())
    stories = [story for story, covered in coverage.items() if covered == best]
    articles = [
        article
        for article in dict.fromkeys(str(p.metadata.get("article_id", "")) for p in found)
        if story_of.get(article, article) in stories
    ]
    for members in groups.members_of_stories(stories[:STORIES_FOLLOWED]).values():
        followed = (m for m in members if m.article_id not in articles and scope.admits(m.date, m.source))
        articles.extend(m.article_id for m in followed)
    story_of = groups.stories_of(articles)
    sentences = lead_sentences(context.leads(articles))
    idf = rarity(sentences)
    by_article: dict[str, list[StorySentence]] = {}
    for sentence in sentences:
        by_article.setdefault(sentence.article_id, []).append(sentence)
    told = [(picked[0], by_article[a]) for a in articles if (picked := most_central(by_article.get(a, []), idf, 1))]
    entries: list[_Entry] = []
    for sentence, _ in sorted(told, key=lambda pair: (pair[0].date, pair[0].article_id)):
        story = story_of.get(sentence.article_id, sentence.article_id)
        same = next((e for e in entries if _same_development(e, sentence, story)), None)
        if same is not None:
            same.passages.append(sentence.passage)
        else:
            entries.append(_Entry(sentence.date, story, sentence, [sentence.passage]))
    entries = [e for e in entries if e.day][:MAX_ENTRIES]
    if not entries:
        return nothing_found("", "timeline", f"No dated article{scope.outlets()} about {topic} could be quoted.")
    citer = Citer()
    items = tuple(_item(entry, citer) for entry in entries)
    heading = f"How {topic} developed, in {counted(len(entries), 'dated entry', 'dated entries')}:"
    text = news_text(heading, items, "timeline")
    return Answer("", text, True, citer.citations, kind="timeline", items=items, heading=heading)


def _item(entry: _Entry, citer: Citer) -> NewsItem:
    """An entry as data: its day, its sentence citing up to three passages, and their outlets."""
    cited = entry.passages[:3]
    outlets = tuple(dict.fromkeys(str(p.metadata.get("source", "")) for p in cited if p.metadata.get("source")))
    sentence = NewsSentence(entry.sentence.text, citer.numbers(cited))
    return NewsItem("entry", (sentence,), outlets=outlets, first_date=entry.day, last_date=entry.day)


def _same_development(entry: _Entry, sentence: StorySentence, story: str) -> bool:
    return (entry.story == story and entry.day == sentence.date) or same_claim(entry.sentence.words, sentence.words)

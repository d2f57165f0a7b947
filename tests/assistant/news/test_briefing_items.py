"""A briefing's item is told by its own articles: the title over an item is the title of the article
its sentence is quoted from, even for a story of fourteen articles of which a briefing reads six.
Real store, real encoder, articles written as files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assistant import Assistant, Filters
from assistant.settings import AssistantSettings
from index.build import build_index
from index.store import ArticleStore
from tests.index.stories.test_groups import OTHERS, write
from tests.story_stream import big_story


def test_a_briefing_item_s_title_and_sentence_are_one_article_s(embeddings, tmp_path: Path) -> None:
    articles = {**big_story(14), **OTHERS}
    settings = AssistantSettings(db_path=tmp_path / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    report = build_index(store, [write(tmp_path / "articles", articles)], show_progress=False)
    assert report.added == len(articles) and not report.errors

    answer = Assistant(settings, store=store).ask("What happened this week?", filters=Filters(as_of=date(2024, 3, 7)))

    assert answer.kind == "briefing" and len(answer.items) == 1 + len(OTHERS), answer.text
    by_n = {c.n: c for c in answer.citations}
    dam = answer.items[0]
    assert dam.outlet_count == 14, "the dam story, fourteen outlets, comes first"
    for item in answer.items:
        first = by_n[next(n for sentence in item.sentences for n in sentence.cites)]
        assert item.title == first.title, f"{item.title!r} over a sentence of {first.title!r}"
        assert " ".join(item.sentences[0].text.split()) in " ".join(first.passage.split())
    titles = {title for _, _, title, _ in articles.values()}
    assert all(item.title in titles for item in answer.items)
    assert dam.title != articles["dam-00"][2], "not the story's first article, which the briefing did not read"

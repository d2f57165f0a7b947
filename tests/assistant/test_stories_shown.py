"""A citation of a big story lists a few of its other articles and says how many there are: an
answer about one event fourteen outlets reported stays short. Real store, real encoder."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from assistant import Assistant, Filters
from assistant.settings import AssistantSettings
from index.build import build_index
from index.store import ArticleStore
from tests.index.stories.test_groups import write
from tests.story_stream import big_story

LISTED = 5  # what a reader is shown of a story beside each citation (assistant.stories_shown.STORY_LISTED)


def test_a_citation_of_a_big_story_lists_a_few_of_its_articles_and_counts_them_all(embeddings, tmp_path: Path) -> None:
    articles = big_story(14)
    settings = AssistantSettings(db_path=tmp_path / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    report = build_index(store, [write(tmp_path / "articles", articles)], show_progress=False)
    assert report.added == len(articles) and not report.errors
    [story] = set(store.story_groups.stories_of(list(articles)).values())

    answer = Assistant(settings, store=store).ask(
        "Why did the Kessel dam burst?", filters=Filters(as_of=date(2024, 3, 7))
    )

    assert answer.answered and answer.citations
    for citation in answer.citations:
        assert (citation.story_id, citation.story_articles, citation.story_outlets) == (story, 13, 14)
        listed = [m.article_id for m in citation.story]
        assert len(listed) == LISTED and len(set(listed)) == LISTED and citation.article_id not in listed
        assert set(listed) <= set(articles)
        assert [m.date for m in citation.story] == sorted(m.date for m in citation.story), "in date order"
        assert len({m.source for m in citation.story} | {citation.source}) == LISTED + 1, "other outlets first"
    as_json = json.loads(json.dumps(answer.to_dict()))
    assert all(len(c["story"]) == LISTED and c["story_articles"] == 13 for c in as_json["citations"])

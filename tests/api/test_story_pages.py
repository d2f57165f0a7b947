"""A story's articles through the API's service, a page at a time: a citation of a story fourteen
outlets reported lists five of them, and the rest are read by the story's id. Real store, real encoder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import anyio
import pytest

from api.service import AnsweringService, ApiError
from assistant import Assistant, Filters
from assistant.settings import AssistantSettings
from index.build import build_index
from index.store import ArticleStore
from tests.index.stories.test_groups import write
from tests.story_stream import big_story


def test_the_rest_of_a_big_story_is_read_page_by_page_oldest_first(embeddings, tmp_path: Path) -> None:
    articles = big_story(14)
    settings = AssistantSettings(db_path=tmp_path / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    build_index(store, [write(tmp_path / "articles", articles)], show_progress=False)
    service = AnsweringService(Assistant(settings, store=store))
    answer = service.assistant.ask("Why did the Kessel dam burst?", filters=Filters(as_of=date(2024, 3, 7)))
    citation = answer.citations[0]
    assert len(citation.story) == 5 and citation.story_articles == 13

    pages = [anyio.run(service.story, citation.story_id, offset, 5) for offset in (0, 5, 10)]

    assert [page["articles"] for page in pages] == [14, 14, 14]
    read = [member for page in pages for member in page["members"]]
    assert sorted(m["article_id"] for m in read) == sorted(articles), "every article once"
    assert [m["date"] for m in read] == sorted(m["date"] for m in read), "oldest first"
    assert {m.article_id for m in citation.story} < {m["article_id"] for m in read}
    with pytest.raises(ApiError, match="no story 'story-unknown'"):
        anyio.run(service.story, "story-unknown", 0, 5)

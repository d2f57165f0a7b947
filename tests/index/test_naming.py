"""Every indexed article has a title and a readable source: its own, else its first sentence and the
host of its address or "your files", never a file's name or an address as a title. Real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import AssistantSettings
from index.articles import Article
from index.build import build_index, index_articles
from index.naming import YOUR_FILES, named
from index.sources.files import file_article_id
from index.store import ArticleStore

LONG = (
    "Turkey on Saturday announced that forces loyal to Libya's eastern-based putschist Gen. Khalifa Haftar must "
    "withdraw from the strategic city of Sirte in order to ensure a lasting cease-fire. Officials said more."
)


def test_an_article_without_a_title_or_source_gets_its_first_sentence_and_a_readable_source() -> None:
    note = named(Article("notes/a.txt", "", "Cranes stopped at dawn. Talks resume."))
    assert (note.title, note.source) == ("Cranes stopped at dawn.", YOUR_FILES)
    linked = named(
        Article("p7", "https://www.harbour.example/n/7", "Cranes stopped.", url="https://www.harbour.example/n/7")
    )
    assert (linked.title, linked.source) == ("Cranes stopped.", "harbour.example"), "an address is no title"
    long = named(Article("seeds/a.txt", " ", LONG))
    assert long.title.endswith("…") and len(long.title) <= 121 and LONG.startswith(long.title[:-1])
    assert LONG[len(long.title) - 1] == " ", "cut at a word boundary"
    dateline = named(Article("rtqa-1", "", "Washington CNN —\n\nThe Senate passed the budget on Friday. It goes on."))
    assert dateline.title == "The Senate passed the budget on Friday.", "a dateline is no title"
    own = Article("x", "Bridge reopens", "The bridge reopened.", source="Example News")
    assert named(own) is own, "an article's own title and source are kept as they are"


@pytest.fixture
def store(tmp_path: Path, embeddings) -> ArticleStore:
    return ArticleStore.open(AssistantSettings(db_path=tmp_path / "db"), embeddings=embeddings)


def test_files_are_indexed_with_sentence_titles_and_readable_sources(store: ArticleStore, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "000_ddd716a611ed0d33.txt").write_text("date 2019-06-03\nStorms hit the coast. Thousands lost power.\n")
    (folder / "story.md").write_text(
        "---\nurl: https://www.gazette.example/bridge\n---\nThe bridge reopened on Friday.\n"
    )

    build_index(store, [folder], show_progress=False)

    shown = {(article.title, article.source) for article in store.articles()}
    assert shown == {("Storms hit the coast.", YOUR_FILES), ("The bridge reopened on Friday.", "gazette.example")}


def test_an_index_built_before_keeps_working_and_its_next_build_renames_the_article(
    store: ArticleStore, tmp_path: Path
) -> None:
    path = tmp_path / "articles" / "000_ddd716a611ed0d33.txt"
    path.parent.mkdir()
    path.write_text("date 2019-06-03\nStorms hit the coast. Thousands lost power.\n")
    # As the loaders indexed it before: the file's name as its source.
    before = Article(
        file_article_id(path), "Storms hit the coast.", path.read_text()[16:].strip(), "2019-06-03", path.name
    )
    index_articles(store, [before])
    assert [(a.title, a.source) for a in store.articles()] == [("Storms hit the coast.", path.name)]

    report = build_index(store, [path.parent], show_progress=False)

    assert (report.added, report.updated) == (0, 1)
    assert [(a.title, a.source) for a in store.articles()] == [("Storms hit the coast.", YOUR_FILES)]
    again = build_index(store, [path.parent], show_progress=False)
    assert again.unchanged == 1 and again.chunks_embedded == 0, "named once: the next build has nothing to do"

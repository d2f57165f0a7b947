"""Retrieval with two speeds: the better encoder's list fused in where the fill has reached, and
nothing changed before it has.

The articles are written so that a question says it in other words than its article: "physician",
"treated", "injured", "footballer" appear only in the distractors, while the article speaks of a
club's medic caring for a striker. Keyword search and static word vectors follow the words; MiniLM
follows the meaning.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assistant.retrieval import PassageRetriever
from assistant.settings import AssistantSettings
from assistant.types import Filters
from index.build import build_index
from index.improve import improve
from index.store import ArticleStore

QUESTION = "Which physician treated the injured footballer?"
TODAY = date(2024, 6, 1)
ARTICLES = [
    (
        "medic",
        "Club doctor looks after striker",
        "Maria Lopez, the club's medic, cared for the striker after his knee gave way in the second half. She "
        "said he would need rest for a month before he could run again.",
    ),
    (
        "budget",
        "Physician association sets its budget",
        "The physician association treated its annual budget as a priority at Monday's meeting. Members voted "
        "on fees, the rent of the office and the salaries of staff.",
    ),
    (
        "contracts",
        "Footballers sign new contracts",
        "Three footballers signed new contracts with the club on Tuesday. Which of them will play on Saturday "
        "is not yet known, the manager said.",
    ),
    (
        "horse",
        "Vet treated injured horse",
        "A vet treated an injured horse at the county show on Sunday. The physician of the show, called to "
        "help, said the animal would recover.",
    ),
    (
        "library",
        "Footballer opens school library",
        "A former footballer opened the new school library. Which books pupils borrow most will be counted "
        "each term by the teachers.",
    ),
    (
        "court",
        "Court hears injured worker claim",
        "The court heard the claim of a worker injured at a warehouse. His employer said the physician who "
        "examined him found no lasting harm.",
    ),
    (
        "pundit",
        "Footballer turns TV pundit",
        "The retired footballer has become a television pundit, treating viewers to his opinions on every "
        "match of the season.",
    ),
    (
        "fans",
        "Injured fans treated at stadium",
        "Several fans were treated for minor injuries at the stadium after a barrier collapsed before "
        "kick-off. Which gate failed is under investigation.",
    ),
    (
        "harbour",
        "Harbour reopens after storm",
        "The harbour reopened after the storm. Fishing boats returned to the quay and the ferry resumed its "
        "crossings to the island.",
    ),
    (
        "rates",
        "Central bank raises rates",
        "The central bank raised its interest rate by half a point, citing inflation in food and energy prices.",
    ),
]


def write_articles(corpus: Path) -> Path:
    """:data:`ARTICLES` as a JSONL corpus, dated May 2024 in order, the medic's from its own outlet."""
    with corpus.open("w", encoding="utf-8") as out:
        for n, (doc_id, title, text) in enumerate(ARTICLES, start=1):
            source = "clinic.example" if doc_id == "medic" else "daily.example"
            record = {"doc_id": doc_id, "title": title, "text": text, "date": f"2024-05-{n:02d}", "source": source}
            out.write(json.dumps(record) + "\n")
    return corpus


@pytest.fixture
def settings(tmp_path: Path) -> AssistantSettings:
    corpus = write_articles(tmp_path / "news.jsonl")
    settings = AssistantSettings(db_path=tmp_path / "db", retrieval_mode="hybrid")
    build_index(ArticleStore.open(settings), [corpus], show_progress=False)
    return settings


def _ranking(store: ArticleStore, settings: AssistantSettings, filters: Filters | None = None) -> list[str]:
    retriever = PassageRetriever.from_settings(store, settings, k=len(ARTICLES))
    return [str(d.metadata["article_id"]) for d in retriever.search(QUESTION, filters, today=TODAY)]


def _scored(store: ArticleStore, settings: AssistantSettings) -> list[tuple[str, float, float]]:
    retriever = PassageRetriever.from_settings(store, settings, k=len(ARTICLES))
    found = retriever.search(QUESTION, today=TODAY)
    return [(str(d.id), d.metadata["score"], d.metadata["similarity"]) for d in found]


def test_before_any_fill_retrieval_is_the_one_speed_retrieval(settings: AssistantSettings) -> None:
    store = ArticleStore.open(settings)
    one_speed = settings.model_copy(update={"full_embedding_model": None})
    assert store.full_vectors.count() == 0
    assert _scored(store, settings) == _scored(ArticleStore.open(one_speed), one_speed)


def test_after_the_fill_the_article_said_in_other_words_ranks_higher(settings: AssistantSettings) -> None:
    store = ArticleStore.open(settings)
    before = _ranking(store, settings).index("medic")
    improve(store)
    assert store.full_vectors.count() == store.count()
    after = _ranking(store, settings).index("medic")
    assert after < before, (before, after)

    one_speed = settings.model_copy(update={"full_embedding_model": None})  # the switch off: the fill unused
    assert _ranking(ArticleStore.open(one_speed), one_speed).index("medic") == before


def test_the_full_list_keeps_to_the_filters(settings: AssistantSettings) -> None:
    store = ArticleStore.open(settings)
    improve(store)
    # The better encoder ranks the medic's article first; a source or a date range that excludes it keeps it out.
    assert store.full_vectors.search(QUESTION, 3)[0] in store.chunk_keys_of("medic")
    assert "medic" not in _ranking(store, settings, Filters.of(sources=["daily.example"]))
    assert "medic" not in _ranking(store, settings, Filters.of(since=date(2024, 5, 2)))
    assert _ranking(store, settings, Filters.of(sources=["clinic.example"])) == ["medic"]


def test_a_fill_just_begun_lifts_no_article_for_being_filled_first(settings: AssistantSettings) -> None:
    """The fill goes newest first: here it has reached only the two newest articles, about a harbour and
    interest rates. Ranked among the filled chunks alone they are first and second for any question; read
    against the share filled, they stand where they stood before any fill."""
    store = ArticleStore.open(settings)
    before = _ranking(store, settings)
    improve(store, limit=len(store.chunk_keys_of("rates")) + len(store.chunk_keys_of("harbour")))
    assert 0 < store.full_vectors.count() < store.count()
    after = _ranking(store, settings)
    assert after.index("medic") <= before.index("medic"), (before, after)
    for article in ("rates", "harbour"):
        assert after.index(article) >= before.index(article), (article, before, after)

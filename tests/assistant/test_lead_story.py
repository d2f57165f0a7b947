"""One story per answer, on articles written for it (tests/stories_corpus.py) in a real index with
the default encoder: a dated question gets this year's story only, a story's follow-up article
is told with it, a similar event elsewhere stays out unless both are asked about, and a follow-up
question stays in the story it was about."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant import Answer, Assistant, Filters
from assistant.history import history_turns, previous_answer_sentences
from assistant.lead_story import stories_quoted
from assistant.settings import AssistantSettings
from index.build import build_index
from index.store import ArticleStore
from tests.conftest import assistant_over
from tests.stories_corpus import ARTICLES, write_stories_corpus

FIRE_WEEK = Filters(as_of=date(2024, 6, 6))
WALKOUT_WEEK = Filters(as_of=date(2024, 5, 4))
BUS_QUESTION = "Why did the bus drivers in Velna walk out?"


@pytest.fixture(scope="module")
def stories_index(tmp_path_factory: pytest.TempPathFactory, embeddings) -> tuple[AssistantSettings, ArticleStore]:
    root = tmp_path_factory.mktemp("stories")
    settings = AssistantSettings(db_path=root / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    report = build_index(store, [write_stories_corpus(root)], show_progress=False)
    assert report.added == len(ARTICLES) and not report.errors
    return settings, store


@pytest.fixture(scope="module")
def bot(stories_index) -> Assistant:
    settings, store = stories_index
    return Assistant(settings, store=store)


def cited(answer: Answer) -> set[str]:
    return {citation.article_id for citation in answer.citations}


def stories(bot: Assistant, answer: Answer) -> set[str]:
    return set(bot.store.story_groups.stories_of(sorted(cited(answer))).values())


def test_the_written_events_are_stories_of_their_own(bot: Assistant) -> None:
    story = bot.store.story_groups.stories_of
    floods = story(["flood-2023-a", "flood-2023-b", "flood-2024-a", "flood-2024-b"])
    assert floods["flood-2023-a"] == floods["flood-2023-b"] != floods["flood-2024-a"] == floods["flood-2024-b"]
    fires = story(["fire-dunmore", "fire-dunmore-cause", "fire-kelby"])
    assert fires["fire-dunmore"] == fires["fire-dunmore-cause"] != fires["fire-kelby"]
    walkouts = story(["buses-velna", "strike-velna"])
    assert walkouts["buses-velna"] != walkouts["strike-velna"]


@pytest.mark.parametrize(
    ("as_of", "articles", "homes", "not_homes"),
    [
        (date(2024, 3, 15), {"flood-2024-a", "flood-2024-b"}, "120", "300"),
        (date(2023, 3, 14), {"flood-2023-a", "flood-2023-b"}, "300", "120"),
    ],
)
def test_a_dated_question_is_answered_from_that_years_flood_only(
    bot: Assistant, as_of: date, articles: set[str], homes: str, not_homes: str
) -> None:
    for question in ("How many homes were flooded in Marlowe?", "What did Mayor Ada Quint say about the flood?"):
        answer = bot.ask(question, filters=Filters(as_of=as_of))
        assert answer.answered and cited(answer) <= articles, f"{question!r} as of {as_of}: {answer.text}"
        assert not_homes not in answer.text
    assert homes in bot.ask("How many homes were flooded in Marlowe?", filters=Filters(as_of=as_of)).text


def test_a_fire_and_its_follow_up_article_are_one_story_and_the_other_towns_fire_stays_out(bot: Assistant) -> None:
    answer = bot.ask("What started the warehouse fire in Dunmore?", filters=FIRE_WEEK)
    assert answer.answered and "forklift" in answer.text
    assert cited(answer) <= {"fire-dunmore", "fire-dunmore-cause"} and "Kelby" not in answer.text
    assert not answer.notice

    unnamed = bot.ask("What caused the warehouse fire?", filters=FIRE_WEEK)
    assert unnamed.answered and len(stories(bot, unnamed)) == 1, unnamed.text


@pytest.mark.parametrize(
    "question", ["Compare the two warehouse fires.", "What caused the warehouse fires in Dunmore and Kelby?"]
)
def test_both_fires_are_told_when_both_are_asked_about_and_the_answer_says_so(bot: Assistant, question: str) -> None:
    answer = bot.ask(question, filters=FIRE_WEEK)
    assert "Dunmore" in answer.text and "Kelby" in answer.text
    assert len(stories(bot, answer)) == 2
    assert "several events" in answer.notice and "2 different stories" in answer.notice


def test_a_follow_up_stays_in_the_walkout_it_was_about(stories_index) -> None:
    settings, store = stories_index
    first = Assistant(settings, store=store).ask(BUS_QUESTION, filters=WALKOUT_WEEK)
    assert cited(first) == {"buses-velna"}
    history = [(BUS_QUESTION, first.text)]
    told = stories_quoted(store, previous_answer_sentences(history_turns(history)))
    assert told == tuple(store.story_groups.stories_of(["buses-velna"]).values())

    # A model rewrites the follow-up without the bus drivers; alone, that rewrite finds the newer
    # dock strike first (it is a "strike", and nearer the day asked).
    rewrite = "How long will the Velna strikers stay out?"
    alone = Assistant(settings, store=store).ask(rewrite, filters=WALKOUT_WEEK)
    assert cited(alone) == {"strike-velna"}
    model = FakeListChatModel(
        responses=[rewrite, "The union said the drivers would stay out for two weeks unless they got a rise [1]."]
    )
    follow = Assistant(settings, store=store, chat_model=model).ask(
        "How long will they stay out?", history, WALKOUT_WEEK
    )
    assert follow.answered and cited(follow) == {"buses-velna"}, follow.text
    assert "two weeks" in follow.text


def test_previous_answer_sentences_are_its_quotes_without_markers(tmp_path: Path) -> None:
    turns = history_turns([("q", "Bus drivers in Velna walked out on Friday in a dispute over pay. [1][2] Short. [3]")])
    assert previous_answer_sentences(turns) == ["Bus drivers in Velna walked out on Friday in a dispute over pay."]
    assert previous_answer_sentences([]) == []


# The same office filled twice, seven years apart: the old article says it in the question's words.
APPOINTMENTS = [
    {
        "doc_id": "port-director-2017",
        "title": "Marlowe names a port director",
        "publish_date": "2017/05/15",
        "source": "Test wire",
        "text": (
            "Mayor Ada Quint has appointed Piet Larsen, a little-known harbour engineer, as Marlowe's next port "
            "director, making good on her promise of new faces. Larsen takes office next month."
        ),
    },
    {
        "doc_id": "port-director-2024",
        "title": "Sofie Brandt runs the port",
        "publish_date": "2024/01/09",
        "source": "Test wire",
        "text": (
            "Sofie Brandt became the youngest ever head of Marlowe's port on Tuesday. Brandt, 34, replaced "
            "Jonas Ek after his resignation on Monday. Ada Quint said the choice showed the city's boldness."
        ),
    },
]


def test_a_story_far_older_than_the_weeks_news_does_not_lead_a_dated_answer(
    tmp_path_factory: pytest.TempPathFactory, embeddings
) -> None:
    # Asked as of January 2024, the 2017 sentence matched the question's words best and led the answer.
    bot = assistant_over(tmp_path_factory.mktemp("appointments"), APPOINTMENTS, embeddings)
    question = "Who did Mayor Ada Quint appoint as Marlowe's next port director?"
    answer = bot.ask(question, filters=Filters(as_of=date(2024, 1, 12)))
    assert answer.answered and cited(answer) == {"port-director-2024"}, answer.text
    assert "Sofie Brandt" in answer.text and "Piet Larsen" not in answer.text
    # Asked as of 2017, the 2017 story is the week's news.
    assert "Piet Larsen" in bot.ask(question, filters=Filters(as_of=date(2017, 5, 20))).text

"""Answers over the real seed index: cited, grounded, and refused when the articles don't say."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from assistant import NOT_IN_ARTICLES, Assistant, Filters, answer
from assistant.citations import citations_are_consistent, markers_in
from assistant.settings import AssistantSettings
from index.build import build_index
from index.store import ArticleStore
from tests.conftest import SEEDS

SEED_TEXT = next(SEEDS.glob("*.txt")).read_text()


def test_seed_question_is_answered_with_sirte_and_a_citation_of_the_seed(seed_assistant: Assistant) -> None:
    result = seed_assistant.ask("What does Turkey demand in Libya?")
    assert result.answered
    assert "Sirte" in result.text
    assert "[1]" in result.text
    first = result.citations[0]
    assert first.n == 1
    assert first.article_id.endswith("000_ddd716a611ed0d33.txt")
    assert first.date == "2020-06-20"
    assert first.title.startswith("Turkey on Saturday announced")
    assert first.passage in SEED_TEXT
    assert 0 < first.score <= 1


def test_every_marker_has_one_citation_and_every_citation_is_used(seed_assistant: Assistant) -> None:
    for question in ("What does Turkey demand in Libya?", "What did Turkey say about France?", "Who heads the GNA?"):
        result = seed_assistant.ask(question)
        assert result.answered, question
        assert citations_are_consistent(result.text, result.citations), result.text
        assert [c.n for c in result.citations] == list(range(1, len(result.citations) + 1))


def test_answer_sentences_come_from_the_passage_they_cite(seed_assistant: Assistant) -> None:
    result = seed_assistant.ask("What did Turkey say about France?")
    passages = {c.n: " ".join(c.passage.split()) for c in result.citations}
    pieces = re.split(r"\s*\[(\d+)\]\s*", result.text)
    sentences = list(zip(pieces[0::2], pieces[1::2], strict=False))
    assert 1 <= len(sentences) <= 3
    for sentence, number in sentences:
        assert sentence in passages[int(number)], "a quoted sentence is in the passage it cites"
    assert len({s for s, _ in sentences}) == len(sentences), "no sentence is repeated"
    assert "France" in result.text and "jeopardizing" in result.text


def test_off_topic_question_is_refused_without_citations(seed_assistant: Assistant) -> None:
    result = seed_assistant.ask("What is the boiling point of tungsten?")
    assert not result.answered
    assert result.text == NOT_IN_ARTICLES and "not in the articles" in result.text
    assert result.citations == []
    assert markers_in(result.text) == []


def test_a_name_asked_without_its_accents_is_answered_from_the_article_that_writes_them(
    seed_assistant: Assistant,
) -> None:
    for question in (
        "Who is Ibrahim Kalin?",
        "Who is Ibrahim Kalın?",
        "Who is IBRAHIM KALIN?",
        "What did Kalin say about France?",
        "What did Kalın’s delegation do in Tripoli?",
    ):
        result = seed_assistant.ask(question)
        assert result.answered, question
        assert result.citations[0].article_id.endswith("000_ddd716a611ed0d33.txt")
        assert "Kalın" in result.text, "the article's own spelling is quoted"
        assert citations_are_consistent(result.text, result.citations)
    for question in ("Who is Ibrahim Rugova?", "Who is Kalin Andreev?"):  # a name the article lacks
        assert not seed_assistant.ask(question).answered, question


_KALIN = "Ibrahim Kalın, the presidential spokesman"
_SARRAJ = "Turkey has forged strong ties with GNA head Fayez al-Sarraj"


@pytest.mark.parametrize(
    ("question", "opening", "short"),
    [
        # Refused before: static vectors put these 0.09 from the article, under the relevance floor,
        # though it holds the asking words ("president" opening its "presidential"); and the lede,
        # naming Haftar, opened the answer where the article names its spokesman.
        ("Who is the president's spokesman?", _KALIN, "Ibrahim Kalın"),
        ("Who is the spokesman?", _KALIN, "Ibrahim Kalın"),
        # "GNA head Fayez al-Sarraj": the spokesman's sentence (Kalın) opened these before, and
        # "al-Sarraj", in lower case, was not read as part of a name.
        ("Who heads the GNA?", _SARRAJ, "Fayez al-Sarraj"),
        ("Who is the head of the GNA?", _SARRAJ, "Fayez al-Sarraj"),
        ("Who is the GNA's leader?", _SARRAJ, "Fayez al-Sarraj"),
    ],
)
def test_an_office_asked_about_is_answered_with_the_name_the_article_gives_its_holder(
    seed_assistant: Assistant, question: str, opening: str, short: str
) -> None:
    result = seed_assistant.ask(question)
    assert result.answered, question
    assert result.text.startswith(opening), result.text
    assert result.short_answer == short


@pytest.mark.parametrize(
    ("question", "short"),
    [
        # The lede names Haftar and "accusing France": Haftar was highlighted for all three.
        ("Whom did Turkey accuse?", "France"),
        ("Which country did Turkey accuse?", "France"),
        ("Who did Kalin accuse of jeopardizing NATO security?", "France"),
        # "Libya's … Haftar" is whose general he is; the lede's France backs him, as the article says later.
        ("Which country backs Haftar?", "France"),
        # The best sentence ("Kalın also said France was…") well ahead opens the answer, not the
        # article's earlier one naming Turkey.
        ("Which country did Kalin say was jeopardizing NATO security?", "France"),
        # The sentence opens with Kalın, who said it; the government asked for is named later in it.
        ("Which government does Turkey support?", "Government of National Accord"),
        # Who does it: the name before the lede's "of 'jeopardizing'", not its first name, Haftar.
        ("Who is jeopardizing NATO security according to Turkey?", "France"),
        # The article names no president of France: nothing highlighted rather than Haftar.
        ("Who is the president of France?", None),
    ],
)
def test_the_short_answer_on_the_seed_is_the_one_the_question_asks_for(
    seed_assistant: Assistant, question: str, short: str | None
) -> None:
    assert seed_assistant.ask(question).short_answer == short, question


def test_a_question_in_the_plural_is_answered_from_the_article_writing_the_singular(seed_assistant: Assistant) -> None:
    # "cities" is the article's "city of Sirte": refused before, under the relevance floor (no name asked).
    result = seed_assistant.ask("Which cities must be evacuated?")
    assert result.answered, result.text
    assert "Sirte" in result.text.split(" [1]")[0] and result.short_answer == "Sirte"


def test_as_of_hides_articles_published_after_it_beyond_a_few_days(seed_assistant: Assistant) -> None:
    question = "What does Turkey demand in Libya?"
    assert seed_assistant.ask(question, filters=Filters(as_of=date(2020, 6, 16))).answered is False
    assert (
        seed_assistant.ask(question, filters=Filters(as_of=date(2020, 6, 18))).answered is True
    )  # 2 days before: grace
    assert seed_assistant.ask(question, filters=Filters(as_of=date(2021, 1, 1))).answered is True


def test_public_answer_function_reads_the_given_database(seed_db: Path) -> None:
    result = answer("What does Turkey demand in Libya?", db=seed_db)
    assert result.answered and "Sirte" in result.text
    assert result.to_dict()["citations"][0]["n"] == 1


def test_empty_index_answers_not_in_the_articles(make_store) -> None:
    empty = Assistant(store=make_store("empty"))
    result = empty.ask("What does Turkey demand in Libya?")
    assert not result.answered and result.citations == []


def test_a_newly_added_article_is_answered_after_a_build(make_store, tmp_path: Path) -> None:
    store = make_store("grow")
    bot = Assistant(store.settings, store=store)
    question = "Which city did the volcano threaten?"
    assert not bot.ask(question).answered
    (tmp_path / "volcano.txt").write_text(
        "date 2023-11-11\nA volcano erupted in Iceland on Tuesday, and lava reached the outskirts of Grindavik, "
        "a fishing town of 3,700 people that had been evacuated."
    )
    build_index(store, [tmp_path / "volcano.txt"], show_progress=False)
    result = bot.ask(question)
    assert result.answered and "Grindavik" in result.text
    assert result.citations[0].date == "2023-11-11"


def test_a_statement_two_articles_make_is_cited_to_both(make_store, tmp_path: Path) -> None:
    wire = "The central bank raised its main interest rate by half a percentage point on Thursday to fight inflation."
    articles = tmp_path / "wire"
    articles.mkdir()
    (articles / "daily.txt").write_text(
        f"date 2023-03-02\n{wire}\n\nShops in the capital reported fewer customers over the weekend.\n"
    )
    (articles / "herald.txt").write_text(
        f"date 2023-03-02\nMarkets were calm in early trading.\n\n{wire}\n\nThe currency rose against the dollar.\n"
    )
    (articles / "other.txt").write_text("date 2023-03-01\nThe football club signed a new goalkeeper for the season.\n")
    store = make_store()
    build_index(store, [articles], show_progress=False)
    result = Assistant(store.settings, store=store).ask("By how much did the central bank raise its interest rate?")
    assert result.answered
    assert "[1][2]" in result.text, result.text  # one claim, two sources
    assert result.text.count("half a percentage point") == 1  # not repeated
    cited = {c.article_id.rsplit("/", 1)[-1] for c in result.citations}
    assert {"daily.txt", "herald.txt"} <= cited and "other.txt" not in cited
    assert citations_are_consistent(result.text, result.citations)


def test_the_answerer_can_score_sentences_with_another_encoder_than_retrieval(seed_db: Path, embeddings) -> None:
    settings = AssistantSettings(db_path=seed_db, answer_embedding_model="minilm")
    bot = Assistant(settings, store=ArticleStore.open(settings, embeddings=embeddings))
    assert bot.extractive.embeddings is not bot.store.embeddings
    assert len(bot.extractive.sentence_vectors(["Turkey asked Haftar to leave Sirte."])[0]) == 384, "MiniLM's"
    answer = bot.ask("What does Turkey demand in Libya?")
    assert answer.answered and "Sirte" in answer.text

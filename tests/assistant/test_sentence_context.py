"""A quoted sentence pointing back ("The company announced…") is quoted after the sentence naming
what it points at, cited to the same passage, and read with it when the answer's opening is chosen;
one that names its subject itself is quoted alone. A teaser lede is quoted with the sentence after it
that gives the number asked for.

Written articles whose answering sentence opens with "The company" or "The band" and whose name is in
the sentence before, put in words the question does not use. Real index, real default encoder.
"""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from assistant import Assistant
from assistant.candidates import candidates_of
from assistant.sentence_context import antecedent, points_back
from tests.conftest import assistant_over

ARTICLES = [
    {
        "doc_id": "split",
        "title": "Cheaper shares ahead",
        "publish_date": "2024/06/05",
        "source": "Test wire",
        "text": (
            "Quillon Grocers is about to look a lot cheaper to small investors. "
            "The company announced on Wednesday that its board approved a 20-for-1 stock split, its first split "
            "since 1999. Brannock Mills, for example, announced a 7-for-1 stock split in 2014. "
            "Trading on the new basis starts next month, after shareholders vote."
        ),
    },
    {
        "doc_id": "reunion",
        "title": "Back on the road",
        "publish_date": "2024/06/06",
        "source": "Test wire",
        "text": (
            "The Marrow Lanterns are coming to a city near you. "
            "The band announced a reunion tour and a new single in a video on Tuesday, ten years after it split up. "
            "Tickets go on sale in October."
        ),
    },
]
TEASER = {
    "doc_id": "births",
    "title": "A first for Harbourshire",
    "publish_date": "2024/06/07",
    "source": "Test wire",
    "text": (
        "The majority of babies in Harbourshire were born out of wedlock last year, for the first time since "
        "records began. Of 62,400 registrations, 32,115 were to women who were not married – 51.3% of the total. "
        "Registrars expect the trend to continue as marriage rates decline."
    ),
}
ARTICLES.append(TEASER)
CASES = [
    ("Which company announced a 20-for-1 stock split?", "Quillon Grocers", "The company announced"),
    ("Which band announced a reunion tour and a new single?", "Marrow Lanterns", "The band announced"),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Assistant:
    return assistant_over(tmp_path_factory.mktemp("sentence-context"), ARTICLES, embeddings)


@pytest.mark.parametrize(("question", "name", "pointing_back"), CASES)
def test_a_sentence_pointing_back_is_quoted_after_the_one_naming_its_subject(
    assistant: Assistant, question: str, name: str, pointing_back: str
) -> None:
    result = assistant.ask(question)
    assert result.answered, result.text
    assert pointing_back in result.text, result.text
    named_at = result.text.index(name)
    assert named_at < result.text.index(pointing_back), result.text
    # Both sentences are cited to the same passage: one marker after each, the same number.
    between = result.text[named_at : result.text.index(pointing_back)]
    assert between.rstrip().endswith("[1]"), result.text
    # Read with its antecedent, the sentence names what was asked: it opens the answer, ahead of a
    # sentence naming another company, and the name is the short answer.
    assert name in result.text.split("[1]")[0], result.text
    assert result.short_answer == name


def test_a_teaser_lede_is_quoted_with_the_sentence_after_it_that_gives_what_was_asked(assistant: Assistant) -> None:
    result = assistant.ask("What percentage of babies in Harbourshire were born out of wedlock last year?")
    assert result.answered, result.text
    assert result.text.startswith("The majority of babies in Harbourshire"), result.text
    assert "51.3% of the total" in result.text, result.text


def _passage(text: str) -> Document:
    return Document(page_content=text, metadata={"article_id": "a", "start": 0})


def test_only_a_sentence_pointing_back_at_a_name_it_does_not_hold_gets_its_antecedent() -> None:
    lede, pointing, named, resolved = candidates_of(
        [
            _passage(
                "Quillon Grocers is about to look a lot cheaper. The company announced a split on Wednesday. "
                "Quillon Grocers cut prices in May. They said Quillon Grocers would split its shares."
            )
        ]
    )
    assert antecedent(pointing, [lede, pointing, named, resolved]) == lede
    assert antecedent(named, [lede, pointing, named, resolved]) is None  # names its subject itself
    assert antecedent(resolved, [lede, pointing, named, resolved]) is None  # the name before is its own
    assert antecedent(pointing, [pointing, named, resolved]) is None  # the sentence before was not retrieved
    pointing_twice = candidates_of([_passage("It was the first split at Quillon Grocers. The company announced it.")])
    assert antecedent(pointing_twice[1], pointing_twice) is None  # the sentence before points back too
    assert points_back("They are dropping a new single.") and points_back("The late-night host said so.")
    assert not points_back("The Marrow Lanterns are coming.")

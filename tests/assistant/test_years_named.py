"""A year the question names ("word of the year for 2022") favours that year's articles without a
date filter: asked in the chat, which sends no date, the answer was told from next year's story,
whose sentence repeats more of the question's words ("Oxford University Press has chosen 'rizz,' a
slang term…" for 2022's word). Written articles, the real index and default encoder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant
from tests.conftest import assistant_over

ARTICLES = [
    {
        "doc_id": "word-2022",
        "title": "Harbourshire Dictionary names its word of 2022",
        "publish_date": "2022/12/05",
        "source": "Test wire",
        "text": (
            "Asked to sum up the year, the public picked a phrase. The Harbourshire Dictionary said on Monday "
            'that "lantern mode" won its online vote as the word of the year. The phrase describes staying '
            "home with the lights low and ignoring every invitation. More than 300,000 people voted."
        ),
    },
    {
        "doc_id": "word-2023",
        "title": "The word of the year is not what you have been told",
        "publish_date": "2023/12/31",
        "source": "Test wire",
        "text": (
            "Two dictionary publishers recently announced their picks for the 2023 word of the year. "
            'The Harbourshire Dictionary selected "quillish", a slang term for charisma. '
            "I respectfully disagree with the selection."
        ),
    },
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Assistant:
    return assistant_over(Path(tmp_path_factory.mktemp("years")), ARTICLES, embeddings)


def test_a_year_named_with_for_answers_from_that_years_story(assistant: Assistant) -> None:
    result = assistant.ask("Which slang term was selected as the Harbourshire Dictionary's word of the year for 2022?")
    assert result.answered, result.text
    assert "lantern mode" in result.text, result.text
    assert "quillish" not in result.text, result.text


def test_the_other_year_asked_answers_from_its_own_story(assistant: Assistant) -> None:
    result = assistant.ask("Which slang term was selected as the Harbourshire Dictionary's word of the year for 2023?")
    assert "quillish" in result.text, result.text

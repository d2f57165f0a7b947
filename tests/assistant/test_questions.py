"""Questions as users send them: empty, huge, full of control characters or other scripts."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.questions import EMPTY_QUESTION, clean_question

TURKEY = "What does Turkey demand in Libya?"


@pytest.mark.parametrize("blank", ["", "   ", "\n\t \r\n", "\x00\x1b\x07"])
def test_an_empty_question_asks_for_a_question_and_cites_nothing(seed_assistant: Assistant, blank: str) -> None:
    result = seed_assistant.ask(blank)
    assert not result.answered and result.citations == []
    assert result.text == EMPTY_QUESTION
    streamed = list(seed_assistant.stream(blank))
    assert streamed[-1].text == EMPTY_QUESTION


def test_a_100000_character_question_is_cut_said_so_and_still_answered(seed_assistant: Assistant) -> None:
    question = TURKEY + " Please answer carefully." * 4000
    assert len(question) > 100_000
    result = seed_assistant.ask(question)
    assert result.answered and "Sirte" in result.text
    limit = seed_assistant.settings.max_question_chars
    assert f"{len(question):,} characters" in result.notice and len(result.question) <= limit
    assert result.question.startswith(TURKEY) and not result.question.endswith("carefu")


def test_control_characters_are_dropped_and_other_scripts_kept(seed_assistant: Assistant) -> None:
    result = seed_assistant.ask("What does Turkey\x00 demand\x1b in Libya?\x07 (Türkiye, Турция, تركيا, 土耳其)")
    assert result.answered and "Sirte" in result.text
    assert result.question == "What does Turkey demand in Libya? (Türkiye, Турция, تركيا, 土耳其)"
    assert result.notice == ""


def test_a_long_word_is_cut_at_the_limit_when_there_is_no_space_to_cut_at() -> None:
    cleaned = clean_question("x" * 500, max_chars=100)
    assert cleaned.text == "x" * 100 and "500 characters" in cleaned.notice

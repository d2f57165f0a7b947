"""The United States, the UN, the EU as other languages abbreviate them, found in English articles
(assistant/abbreviations.py); the answers are asked in tests/assistant/test_languages.py."""

from __future__ import annotations

from assistant.abbreviations import abbreviation_met, abbreviations_named
from assistant.shared_words import names_met

ARTICLE = "Drones were spotted across the U.S. Northeast, and the FBI opened an investigation on Friday."


def test_a_questions_abbreviation_is_found_as_english_news_writes_it() -> None:
    assert abbreviations_named("¿Qué retiraron las cadenas de EE. UU. esta semana?") == ("eeuu",)
    assert abbreviation_met("Какие объекты заметили в небе США?", ARTICLE)  # США is the article's "U.S."
    assert abbreviation_met("Bu hafta ABD'de ne görüldü?", ARTICLE)  # with its Turkish case ending


def test_an_abbreviation_the_article_does_not_write_is_not_met() -> None:
    assert not abbreviation_met("¿A qué países invitó la OTAN?", ARTICLE)  # NATO is not in it
    assert not abbreviation_met("Was sagte die Türkei?", ARTICLE)  # no abbreviation at all
    # Lower case is a word, not an abbreviation: Turkish "ab" is no EU.
    assert abbreviations_named("ab ve bm") == ()


def test_an_article_naming_the_us_meets_a_russian_question_naming_it_so() -> None:
    # Before: США shares no letter with "U.S.", so the article named nothing the question names.
    assert names_met("Какие объекты были замечены в небе по всему северо-востоку США?", ARTICLE)

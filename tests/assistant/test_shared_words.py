"""What a question shares with a sentence, in one language and across two (assistant/shared_words.py).

The answers are asked in tests/assistant/test_languages.py (a real e5 index); these check the share
on words alone.
"""

from __future__ import annotations

from assistant.shared_words import names_met, overlap, sentence_overlap
from assistant.text import content_words

SENTENCE = content_words(
    "Turkey said forces loyal to Khalifa Haftar must withdraw from Sirte and al-Jufra, Ibrahim Kalın told AFP."
)


def test_an_english_question_shares_its_content_words() -> None:
    question = "What does Turkey demand from Haftar's forces in Libya?"
    # turkey, haftar, forces of {demand, turkey, haftar, force, libya}: the same across or not.
    assert overlap(question, question, SENTENCE) == 3 / 5


def test_across_languages_a_question_shares_only_its_names_and_numbers() -> None:
    question = "¿Qué exige Turquía a las fuerzas de Haftar en Libia?"
    # "exige" and "fuerzas" can never meet an English sentence; of its names Turquía, Haftar, Libia,
    # Haftar is there and Turquía is Turkey (the CLDR's Spanish name): two thirds, not two fifths.
    assert overlap(question, question, SENTENCE) == 2 / 5
    assert overlap(question, question, SENTENCE, across_languages=True) == 2 / 3


def test_a_name_in_another_script_is_shared_where_the_sentence_spells_it_alike() -> None:
    question = "Кто такой Ибрагим Калын?"
    assert overlap(question, question, SENTENCE, across_languages=True) == 1.0
    assert overlap(question, question, content_words("The volcano erupted on Tuesday."), across_languages=True) == 0


def test_a_question_without_names_is_shared_as_before() -> None:
    # Nothing but ordinary words: across languages the share is still of all of them, so a word the
    # two languages spell alike ("covid") is not the whole question.
    question = "¿Cuántas vacunas contra el covid se aplicaron?"
    sentence = content_words("Covid vaccines were given to 2 million people.")
    assert overlap(question, question, sentence, across_languages=True) == overlap(question, question, sentence)
    assert 0 < overlap(question, question, sentence) < 1


def test_a_sentence_is_read_across_languages_only_when_its_passage_is_in_another_one() -> None:
    question = "¿Qué exige Turquía a las fuerzas de Haftar en Libia?"
    english = "Turkey said forces loyal to Khalifa Haftar must withdraw from Sirte, the spokesman told reporters."
    spanish = (
        "Turquía exige que las fuerzas de Haftar se retiren de Sirte, dijo el portavoz a los periodistas. "
        "El gobierno de Trípoli pidió un alto el fuego."
    )
    sentence = spanish.split(". ", maxsplit=1)[0] + "."
    assert sentence_overlap(question, question, english, english) == 2 / 3  # Turquía, Haftar of three names
    # In Spanish all its words can be shared: exige, turquia, fuerzas, haftar of five.
    assert sentence_overlap(question, question, sentence, spanish) == 4 / 5


def test_a_name_no_passage_holds_is_not_met_however_close_the_meaning() -> None:
    passage = "Ibrahim Kalın, the presidential spokesman, told AFP that Turkey supports the GNA."
    assert names_met("Что сказал Калын?", passage)  # Калын is Kalın spelt in Cyrillic
    assert not names_met("Кто такой Владимир Путин?", passage)
    assert not names_met("¿Cuál es el punto de ebullición del wolframio?", passage)  # names nothing

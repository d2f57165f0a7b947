"""Names in another script meet their Latin spelling in English sentences (assistant/spellings.py).

The answers themselves are asked in tests/assistant/test_languages.py (real e5 index); these check
the rule on words alone.
"""

from __future__ import annotations

from assistant.place_names import countries_named
from assistant.spellings import names_in_other_scripts, spelt_alike
from assistant.text import content_words


def test_a_name_spelt_by_another_languages_sounds_meets_the_articles_spelling() -> None:
    sentence = content_words("Ibrahim Kalın, the presidential spokesman, said Gen. Khalifa Haftar must withdraw.")
    assert spelt_alike("Кто такой Ибрагим Калын?", sentence) == {"ибрагим", "калын"}
    assert spelt_alike("Чего Турция требует от сил Хафтара в Ливии?", sentence) == {"хафтара"}  # genitive
    # Greek writes b as μπ: "Imprahm" is too far from Ibrahim, and the surname alone is found.
    assert spelt_alike("Ποιος είναι ο Ιμπραήμ Καλίν;", sentence) == {"καλίν"}


def test_only_names_in_another_script_are_spelt_out() -> None:
    # The question word opens the sentence; "такой" is not a name; a Latin name is compared as typed.
    assert [key for key, _latin in names_in_other_scripts("Кто такой Ибрагим Калын?")] == ["ибрагим", "калын"]
    assert names_in_other_scripts("Wer ist Ibrahim Kalin?") == ()
    assert names_in_other_scripts("Что сказал Путин?") == (("путин", "putin"),)


def test_a_different_name_or_a_common_word_is_not_taken_for_it() -> None:
    sentence = content_words("Turkey supports the Government of National Accord in Tripoli, Kalın said.")
    assert spelt_alike("Что сказал Путин о Турции?", sentence) == set()  # Turtsii is not Turkey
    assert spelt_alike("Кто такой Ибрагим Калын?", set()) == set()


def test_a_country_named_the_questions_way_meets_its_english_name() -> None:
    # CLDR's names in the question's language, through babel; case endings within the edit similarity.
    sentence = content_words("Kalın also said France was jeopardizing NATO security; Turkey backs the government.")
    assert spelt_alike("Kalın Fransa hakkında ne dedi?", sentence) == {"fransa"}
    assert spelt_alike("Was hat Kalın über Frankreich gesagt?", sentence) == {"kalin", "frankreich"}
    assert spelt_alike("Что Калын сказал о Франции?", sentence) == {"калын", "франции"}  # genitive
    assert "turquia" in spelt_alike("¿Qué exige Turquía en Libia?", sentence)  # CLDR's Türkiye, the news's Turkey
    words = frozenset(content_words("Rusya'nın Almanya'ya tepkisi ne oldu?"))  # Turkish endings dropped
    assert countries_named(words, "Turkish") == (("almanya", "germany"), ("rusya", "russia"))


def test_a_country_is_only_the_one_the_sentence_names_and_english_is_read_as_typed() -> None:
    sentence = content_words("Kalın also said France was jeopardizing NATO security.")
    assert spelt_alike("Was hat Kalın über Deutschland gesagt?", sentence) == {"kalin"}  # not Deutschland
    assert countries_named(frozenset({"hakkinda", "dedi"}), "Turkish") == ()  # no country, no pair
    assert spelt_alike("What did Kalin say about Francia?", sentence) == set()  # an English question: as typed


def test_a_declined_russian_name_is_spelt_alike_without_its_ending() -> None:
    # "Трампа" (Trump's) is "Trampa", 73 to "trump"; its stem "Tramp" is 80.
    assert spelt_alike("Какой судья упрекнул президента Трампа?", {"trump", "judge"}) == {"трампа"}


def test_a_russian_y_after_a_vowel_is_read_as_english_news_writes_it() -> None:
    # "Байден" is "Bayden" letter by letter (73 to "biden"), "Baiden" as the news spells such names (91).
    assert spelt_alike("В каком шоу впервые появился Джо Байден?", {"biden", "kimmel"}) == {"байден"}
    assert spelt_alike("Кто такой Владимир Путин?", {"biden", "trump", "kalin"}) == set()


def test_a_country_in_a_russian_case_is_found_by_its_stem() -> None:
    # "Россией" (with Russia) is 83 to the CLDR's "Россия", under 85; its stem "Росси" is 91.
    assert ("россией", "russia") in countries_named(frozenset({"россией", "войны"}), "Russian")
    assert countries_named(frozenset({"войны"}), "Russian") == ()  # "war" is no country

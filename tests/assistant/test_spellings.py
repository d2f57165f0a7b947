"""Names in another script meet their Latin spelling in English sentences (assistant/spellings.py).

The answers themselves are asked in tests/assistant/test_languages.py (real e5 index); these check
the rule on words alone.
"""

from __future__ import annotations

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

"""A name written in another script, found in an English sentence: "Калын" is the article's "Kalın".

A question in Russian, Greek or Ukrainian names its subject in its own letters ("Кто такой Ибрагим
Калын?"), and an English article writes it in Latin ones: the two share no word, so the answerer's
shared-words term, which lifts a sentence naming what the question names, was zero, and the seed
question asked so was refused (issue 27). Spelling the name in Latin letters
(`anyascii <https://pypi.org/project/anyascii/>`_) is not enough: a language spells a foreign name
by its own sounds (Ибрагим → "Ibragim", Калын → "Kalyn", Хафтара → "Khaftara", the genitive). So a
spelt name counts as shared with a sentence's word when the two are close: an edit similarity
(`rapidfuzz <https://pypi.org/project/rapidfuzz/>`_'s ``fuzz.ratio``, insertions and deletions) of
at least :data:`MIN_SIMILARITY`, which takes Ibragim for Ibrahim (86), Kalyn for Kalin (80),
Khaftara for Haftar (86) and Putina for Putin (91), and not Turtsiya for Turkey (57).

Only names (capitalised words inside a sentence) of four letters or more, in a script other than
Latin, or in Latin letters in a question not in English ("Hafter" ~ Haftar 83, Turkish; "Türkei" ~
Turkey 83, German): a common word spelt out ("такой" → "takoy") would meet English words by chance,
and an English question's name is compared as it is (folded, :mod:`index.folding`). Arabic and Chinese
spelt letter by letter lose their vowels or tones (نتنياهو → "ntnyhw") and meet nothing: no harm, no help.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz import fuzz, process

from assistant.languages import starts_sentence, text_language
from assistant.place_names import countries_named, without_case_ending
from assistant.text import content_words, name_words
from index.folding import fold_key

MIN_SIMILARITY = 80.0  # fuzz.ratio, 0-100
_MIN_LETTERS = 4
_LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1024)
def names_in_other_scripts(question: str) -> tuple[tuple[str, str], ...]:
    """The question's names written in another script than Latin: each as the content word the
    question's words hold (:func:`assistant.text.content_words`) and its Latin spelling, folded.

    >>> names_in_other_scripts("Кто такой Ибрагим Калын?")
    (('ибрагим', 'ibragim'), ('калын', 'kalyn'))
    """
    names: list[tuple[str, str]] = []
    for match in _LETTERS.finditer(question):
        word = match.group()
        if not word[0].isupper() or starts_sentence(question, match.start()) or len(word) < _MIN_LETTERS:
            continue
        if any("LATIN" in unicodedata.name(char, "") for char in word):
            continue
        for spelt in dict.fromkeys(
            variant for stem in (word, *without_case_ending(word)) for variant in (stem, _i(stem))
        ):
            latin = "".join(_LETTERS.findall(fold_key(anyascii(spelt))))
            names.extend((key, latin) for key in sorted(content_words(word)) if len(latin) >= _MIN_LETTERS)
    return tuple(dict.fromkeys(names))


# A declined Russian name is one more spelling to compare without its ending
# (:func:`assistant.place_names.without_case_ending`), never the only one; so is the name with "й"
# read as "i" (:func:`_i`).
def _i(word: str) -> str:
    """ "й" as English news writes it after a vowel: "Байден" is Biden ("Bayden", 73; "Baiden", 91)."""
    return word.replace("й", "и").replace("Й", "И")


@lru_cache(maxsize=1024)
def names_spelt_otherwise(question: str) -> tuple[tuple[str, str], ...]:
    """:func:`names_in_other_scripts`, and for a question not in English its Latin-script names too:
    a language spells a foreign name its own way in Latin letters as well (Turkish "Hafter", "Fransa";
    German "Türkei"), each as its content word, which is its Latin spelling; and a country named the
    question's language's way ("Frankreich", "Франции") as its English names (:mod:`assistant.place_names`)."""
    latin: tuple[tuple[str, str], ...] = ()
    countries: tuple[tuple[str, str], ...] = ()
    language = text_language(question)
    if language is not None:
        names = sorted(name_words(question))
        latin = tuple((w, w) for w in names if len(w) >= _MIN_LETTERS and w.isascii() and w.isalpha())
        countries = countries_named(frozenset(content_words(question)), language)
    return names_in_other_scripts(question) + latin + countries


def spelt_alike(question: str, words: Collection[str]) -> set[str]:
    """The question's content words that are names in another script spelt like one of ``words``
    (a sentence's content words): what the question and the sentence share beyond the same letters.

    >>> sorted(spelt_alike("Кто такой Ибрагим Калын?", {"ibrahim", "kalin", "spokesman"}))
    ['ибрагим', 'калын']
    """
    names = names_spelt_otherwise(question)
    if not names or not words:
        return set()
    return {
        key
        for key, latin in names
        if process.extractOne(latin, words, scorer=fuzz.ratio, score_cutoff=MIN_SIMILARITY) is not None
    }

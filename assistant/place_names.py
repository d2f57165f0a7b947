"""A country named in the question's language, found in an English sentence: "Fransa" is France.

A question in Turkish, German, Spanish or Russian names a country its own way ("Fransa",
"Frankreich", "Francia", "Франции"), and an English article writes "France": the two share no
word, and edit similarity does not bridge them (Fransa ~ France 67, :mod:`assistant.spellings`),
so the answerer's shared-words term lost the country, often half of what such a question can
share with an English sentence (issue 27). The Unicode CLDR names every country in every
language, and babel ships those names: a question's word close to a country's name in the
question's language (an edit similarity of :data:`MIN_SIMILARITY`, which takes the Russian
genitive "Франции" for "Франция" and the German "Frankreichs" for "Frankreich"; a Turkish ending
after the apostrophe is gone from the question's words already) stands for the country's English
names.

English news writes some countries otherwise than the CLDR does (Turkey, not Türkiye; Britain,
America): those few forms are added (:data:`_NEWS_FORMS`). Only single-word names are looked
for in the question ("Vereinigte Staaten" is left alone): a word of a longer name ("Staaten",
"Unidos") stands for no country by itself.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from babel import Locale, UnknownLocaleError
from rapidfuzz import fuzz, process

from index.folding import fold_key

MIN_SIMILARITY = 85.0  # fuzz.ratio, 0-100: a case ending on a name of six letters or more
_MIN_LETTERS = 4
_WORD = re.compile(r"[^\W\d_]+")

# Russian and Ukrainian decline a name: "Трампа" (Trump's, "Trampa", 73 to "Trump") is spelt alike
# once its ending is off ("Tramp", 80), "Россией" (with Russia, 83 to "Россия") too ("Росси", 91).
_CYRILLIC_CASE_ENDINGS = ("ом", "ем", "ой", "ым", "ей", "а", "я", "у", "ю", "е")


def without_case_ending(word: str) -> tuple[str, ...]:
    """A Cyrillic word's stem without its case ending, if it has one and four letters are left."""
    if not word or "CYRILLIC" not in unicodedata.name(word[0], ""):
        return ()
    ending = next((end for end in _CYRILLIC_CASE_ENDINGS if word.lower().endswith(end)), "")
    return (word[: -len(ending)],) if ending and len(word) - len(ending) >= _MIN_LETTERS else ()


# How English news writes countries the CLDR names otherwise (CLDR codes, folded single words).
_NEWS_FORMS: dict[str, tuple[str, ...]] = {
    "TR": ("turkey",),
    "US": ("america", "american"),
    "GB": ("britain", "british", "uk"),
}


@cache
def _language_codes() -> dict[str, str]:
    """jusText's language names (English names: "Turkish", "Asturian") to babel's locale codes."""
    return {name: code for code, name in Locale("en").languages.items() if "_" not in code}


@cache
def _english_forms() -> dict[str, tuple[str, ...]]:
    """Each country's single-word English forms, folded: the CLDR's name and the news's own."""
    forms: dict[str, tuple[str, ...]] = {}
    for code, name in Locale("en").territories.items():
        own = (fold_key(name),) if _WORD.fullmatch(name) else ()
        forms[code] = tuple(dict.fromkeys(own + _NEWS_FORMS.get(code, ())))
    return forms


@cache
def _local_names(language: str) -> dict[str, tuple[str, ...]]:
    """The single-word country names of ``language`` (jusText's name), folded, each with its country's
    English forms; empty for a language the CLDR does not hold."""
    code = _language_codes().get(language.replace("_", " "))
    if code is None:
        return {}
    try:
        territories = Locale.parse(code).territories
    except (UnknownLocaleError, ValueError):
        return {}
    english = _english_forms()
    names: dict[str, tuple[str, ...]] = {}
    for country, name in territories.items():
        folded = fold_key(name)
        if country.isalpha() and _WORD.fullmatch(folded) and len(folded) >= _MIN_LETTERS and english.get(country):
            names[folded] = english[country]
    return names


@lru_cache(maxsize=1024)
def countries_named(words: frozenset[str], language: str) -> tuple[tuple[str, str], ...]:
    """Which of a question's content ``words`` (in ``language``, jusText's name) name a country, each
    with one of the country's English forms, folded.

    >>> countries_named(frozenset({"fransa", "dedi"}), "Turkish")
    (('fransa', 'france'),)
    """
    names = _local_names(language)
    if not names:
        return ()
    pairs: list[tuple[str, str]] = []
    for word in sorted(words):
        if len(word) < _MIN_LETTERS:
            continue
        for form in (word, *without_case_ending(word)):
            found = process.extractOne(form, list(names), scorer=fuzz.ratio, score_cutoff=MIN_SIMILARITY)
            if found is not None:
                pairs.extend((word, english) for english in names[found[0]])
                break
    return tuple(pairs)

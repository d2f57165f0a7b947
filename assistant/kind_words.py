"""The kind of thing a question in German, Spanish, Russian or Turkish asks for, from its question word.

The answerer lifts a sentence that names a thing of the kind asked for (:mod:`assistant.answer_kind`),
and its answer floor was calibrated with that lift in English. A question in another language got no
kind, so its best sentence scored lower than the same question's in English and it was refused more
often (issue 27, docs/lab-notes.md "The kind asked, in four more languages"). Here are the question
words of the four languages the multilingual dev questions are written in, for the unambiguous kinds
only: who, where (and which country or city), how many or how much, when. "Which X" in general is not
read: its noun would need each language's grammar.

The short answer reads the same words (:mod:`assistant.short_answer`), with the forms that change
what it may be: "Wer ist Ibrahim Kalın?" asks for a description, not a name
(:func:`asks_for_description`); "¿En qué ciudad…?" is not answered by a country
(:func:`asks_for_city`).
"""

from __future__ import annotations

import re
from typing import Literal

from index.folding import fold_key

KindAsked = Literal["person", "place", "number", "date"]

# Folded as index.folding.fold_key folds (accents gone, lower case); Cyrillic keeps its letters.
_WORDS: tuple[tuple[str, KindAsked], ...] = (
    ("wie viele|wie viel|wieviel|cuantos|cuantas|cuanto|cuanta|сколько|kac|ne kadar", "number"),
    ("wann|cuando|когда|ne zaman", "date"),
    (
        "wo|wohin|woher|welches land|welchem land|welche stadt|donde|adonde|que pais|que ciudad|где|куда|откуда"
        "|какая страна|какой стране|какой город|каком городе|nerede|nereye|nereden|hangi ulke|hangi sehir",
        "place",
    ),
    ("wer|wem|wen|wessen|quien|quienes|кто|кого|кому|kim|kimin|kime|kimi|kimdir|kimdi", "person"),
)
_FORMS = tuple((re.compile(rf"(?<!\w)(?:{words})(?!\w)"), kind) for words, kind in _WORDS)


def kind_in_other_language(asking: str) -> KindAsked | None:
    """The kind the asking sentence of a question not in English asks for, read from its question word.

    >>> kind_in_other_language("¿Quién es Ibrahim Kalın?"), kind_in_other_language("Сколько людей погибло?")
    ('person', 'number')
    >>> kind_in_other_language("¿Qué exige Turquía en Libia?") is None
    True
    """
    folded = fold_key(" ".join(asking.split()))
    return next((kind for pattern, kind in _FORMS if pattern.search(folded)), None)


# "Wer ist X?", "¿Quién fue X?", "Кто такой X?", "X kimdir?": the question word (and its copula) and
# nothing but a name. Folded as above.
_WHO = frozenset({"wer", "quien", "кто", "хто"})
_COPULAS = frozenset({"ist", "war", "es", "era", "fue", "такой", "такая", "такие", "это", "такий", "така"})
_WHO_LAST = frozenset({"kimdir", "kim", "kimdi"})  # Turkish asks after the name
_TOKENS = re.compile(r"[^\W\d_][\w'’.-]*")
_CITY = re.compile(r"(?<!\w)(?:stadt|ciudad|город\w*|sehir\w*)(?!\w)")
_WHERE = re.compile(r"(?<!\w)(?:wo|wohin|donde|adonde|где|куда|nerede|nereye)(?!\w)")


def asks_for_description(asking: str) -> bool:
    """Whether the asking sentence only asks who someone it names is: no name answers it.

    >>> asks_for_description("Кто такой Ибрагим Калын?"), asks_for_description("Hafter kimdir?")
    (True, True)
    >>> asks_for_description("¿Quién es el portavoz presidencial?")
    False
    """
    words = _TOKENS.findall(asking)
    folded = [fold_key(word) for word in words]
    if folded and folded[0] in _WHO:
        rest = words[2:] if len(folded) > 1 and folded[1] in _COPULAS else words[1:]
    elif folded and folded[-1] in _WHO_LAST:
        rest = words[:-1]
    else:
        return False
    return bool(rest) and all(word[0].isupper() for word in rest)


def asks_for_city(asking: str) -> bool:
    """Whether the asking sentence asks for a city ("welche Stadt", "qué ciudad", "какой город", "hangi şehir")."""
    return _CITY.search(fold_key(asking)) is not None


def asks_where(asking: str) -> bool:
    """Whether the asking sentence asks where ("wo", "dónde", "где", "nerede"): the most precise place answers."""
    return _WHERE.search(fold_key(asking)) is not None

"""The kind of thing a question in German, Spanish, Russian or Turkish asks for, from its question word.

The answerer lifts a sentence that names a thing of the kind asked for (:mod:`assistant.answer_kind`),
and its answer floor was calibrated with that lift in English. A question in another language got no
kind, so its best sentence scored lower than the same question's in English and it was refused more
often (issue 27, docs/lab-notes.md "The kind asked, in four more languages"). Here are the question
words of the four languages the multilingual dev questions are written in, for the unambiguous kinds
only: who, where (and which country or city), how many or how much, when. "Which X" in general is not
read: its noun would need each language's grammar.

The short answer still stays None for such a question (:mod:`assistant.short_answer` reads English
forms only): the question names its subject in its own spelling, which an English sentence need not
share, so the subject itself may be the "new" person the kind finds.
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

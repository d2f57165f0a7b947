"""The United States, the EU, the UN as other languages abbreviate them: "США" is the article's "U.S.".

A question in another language names the country and the bodies the news names most by its own
abbreviation (Russian США, ООН, ЕС; Turkish ABD, BM, AB; Spanish EE. UU., ONU, UE, OTAN), which no
spelling (:mod:`assistant.spellings`) or CLDR country name (:mod:`assistant.place_names`) brings to
the English article's "U.S.", "UN" or "EU": "U.S." is even two one-letter words to the word readers.
So the few are written down here, each with the forms an English article writes, looked for in the
article's text as written. Used to tell whether an article names what a question names
(:func:`assistant.shared_words.names_met`); a question's other words are read as before.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import pairwise

from index.folding import fold_key

_UNITED_STATES = ("U.S.", "US", "USA", "United States", "America", "American", "Americans")
_UNITED_NATIONS = ("U.N.", "UN", "United Nations")
_EUROPEAN_UNION = ("EU", "E.U.", "European Union")
_NATO = ("NATO",)
_FBI = ("FBI",)

# A question's abbreviation, folded and without its dots and spaces, to the forms English news writes.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "сша": _UNITED_STATES,  # Russian, Ukrainian
    "abd": _UNITED_STATES,  # Turkish
    "eeuu": _UNITED_STATES,  # Spanish "EE. UU."
    "usa": _UNITED_STATES,  # German, and others
    "оон": _UNITED_NATIONS,
    "onu": _UNITED_NATIONS,  # Spanish, French, Portuguese, Italian
    "bm": _UNITED_NATIONS,  # Turkish
    "ес": _EUROPEAN_UNION,
    "ue": _EUROPEAN_UNION,  # Spanish, French, Italian, Portuguese
    "ab": _EUROPEAN_UNION,  # Turkish
    "otan": _NATO,  # Spanish, French, Portuguese
    "нато": _NATO,
    "фбр": _FBI,
}

_TOKEN = re.compile(r"[^\W\d_]+")


def abbreviations_named(question: str) -> tuple[str, ...]:
    """The keys of :data:`ABBREVIATIONS` the question writes in capitals ("США", "ABD'nin", and "EE. UU."
    as two words)."""
    capitals = [fold_key(word) for word in _TOKEN.findall(question) if word.isupper() and len(word) <= 4]
    candidates = capitals + [first + second for first, second in pairwise(capitals)]
    return tuple(dict.fromkeys(key for key in candidates if key in ABBREVIATIONS))


def abbreviation_met(question: str, passage: str) -> bool:
    """Whether ``passage`` writes one of the things ``question`` names by an abbreviation."""
    return any(_forms(key).search(passage) for key in abbreviations_named(question))


@cache
def _forms(key: str) -> re.Pattern[str]:
    forms = sorted(ABBREVIATIONS[key], key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(form) for form in forms) + r")(?!\w)")

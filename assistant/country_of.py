"""The country a name in a sentence stands for: "Saudi Arabian" and "Riyadh" are Saudi Arabia.

"Which country announced a crackdown on rainbow-colored toys?" is answered by a sentence that says
"Saudi Arabian government officials have cracked down … in the country's capital, Riyadh": news
names a country by its people ("Russians", "North Korean", "Chinese") or by its capital as often
as by its name. The short answer to a question asking for a country is the country, never one of
those words, nor a state or a stadium the sentence also names (:mod:`assistant.short_answer`).

Both come from data that ships with installed libraries, not from a list of ours: the country names
are babel's (the Unicode CLDR), a people's word is a country's name, or that name less a final vowel
or "y", followed by one of the usual English endings ("Chin-ese", "Russi-ans", "Iraq-i",
"Ukrain-ian", "German-s"); a city is one of the time-zone database's (tzdata's ``zone.tab`` gives each zone's
country: ``Europe/Kyiv`` is UA). Irregular ones ("French", "Dutch", "Turkish") stand for no
country here: the short answer is then none rather than a guess.
"""

from __future__ import annotations

import importlib.resources
from functools import cache, lru_cache

from babel import Locale

# The endings English gives a people's word, longest first: "Ukrain-ian", "Chin-ese", "Iraq-i".
_ENDINGS = ("ians", "eans", "ans", "ese", "ish", "ian", "ean", "an", "ns", "n", "i", "s")
_MIN_LETTERS = 4  # a stem of "Iran", "Iraq", "Oman"; "Cub-s" (Cuba) would be the Chicago Cubs
# CLDR writes "Türkiye"; news still writes Turkey (as assistant.answer_kind.countries).
_NEWS_NAMES = {"TR": "Turkey"}
# The short forms news writes for two countries (assistant.answer_kind.countries keeps them as written).
_SHORT_FORMS = {
    **dict.fromkeys(("us", "u.s.", "u.s", "usa", "america", "american", "americans"), "United States"),
    **dict.fromkeys(("uk", "u.k.", "britain", "british"), "United Kingdom"),
}


@cache
def _names() -> dict[str, str]:
    """Lower-cased English country name → the name as news writes it, countries only (no regions)."""
    territories = Locale("en").territories
    return {
        (_NEWS_NAMES.get(code) or name).lower().replace(" & ", " and "): _NEWS_NAMES.get(code) or name
        for code, name in territories.items()
        if code.isalpha() and len(code) == 2 and code not in {"EU", "EZ", "UN", "QO", "ZZ"}
    }


@cache
def _cities() -> dict[str, str]:
    """Lower-cased city of the time-zone database → its country's name ("kyiv" → "Ukraine")."""
    territories = Locale("en").territories
    found: dict[str, str] = {}
    text = importlib.resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _, zone = line.split("\t")[:3]
        city = zone.rsplit("/", 1)[-1].replace("_", " ").lower()
        found.setdefault(city, _NEWS_NAMES.get(code) or territories.get(code, code))
    return found


def names_a_country(span: str) -> bool:
    """Whether ``span`` is a country's name itself (as CLDR or news writes it), not its people or a city."""
    low = " ".join(span.lower().removeprefix("the ").replace(" & ", " and ").split())
    return low in _names() or low in _SHORT_FORMS


@lru_cache(maxsize=4096)
def country_of(span: str) -> str | None:
    """The country ``span`` names: itself, its people ("Saudi Arabian"), or a city of it ("Riyadh"),
    as news writes the country's name; None for anything else."""
    low = " ".join(span.lower().removeprefix("the ").replace(" & ", " and ").split())
    names = _names()
    if low in names or low in _SHORT_FORMS:
        return names.get(low) or _SHORT_FORMS[low]
    # The longest stem wins: "Nigerian" is Nigeria's ("Nigeri-an"), not Niger's ("Niger-ian").
    found: tuple[int, str] | None = None
    for name, written in names.items():
        if len(name) < _MIN_LETTERS or not low.startswith(name[: len(name) - 1]):
            continue
        for stem in (name, name[:-1]) if name[-1] in "aeiouy" else (name,):
            ending = low[len(stem) :]
            ends = ending in _ENDINGS or (ending == "" and stem != name and name.endswith("y"))  # German-y
            if len(stem) >= _MIN_LETTERS and low.startswith(stem) and ends and (found is None or len(stem) > found[0]):
                found = (len(stem), written)
    if found is not None:
        return found[1]
    return _cities().get(low)

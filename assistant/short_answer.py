"""The answer's ``short_answer``: the name, place, number or date its first sentence gives.

Shown highlighted in the chat and given as a field of the JSON, so a wrong one is worse than none:
the rules here drop a span whenever the question's form says it cannot be the answer (a name the
question gives, a country where a city is asked for, any name for "Who is X?").
"""

from __future__ import annotations

import re

from assistant.abbreviations import abbreviation_met
from assistant.answer_kind import (
    US_STATES,
    WORD,
    asked_kind,
    bare,
    countries,
    is_capitalised,
    new_spans,
    quoted,
    spans,
)
from assistant.apposition import asked_role, named_in_role
from assistant.country_of import country_of, names_a_country
from assistant.kind_words import asks_for_city, asks_for_country, asks_for_description, asks_where
from assistant.languages import text_language
from assistant.spellings import spelt_alike
from assistant.text import question_focus
from index.folding import fold, fold_key

_MARKER = re.compile(r"\s*\[\d+\](?:\s*\[\d+\])*")


def short_answer(question: str, answer_text: str, passage: str = "") -> str | None:
    """The name, place, number or date that the answer's first sentence gives for ``question``
    (the first such span it names that the question doesn't), or None when the question's form asks
    for no such thing or the sentence names none. ``passage``, the sentence's passage, tells a name
    opening the sentence from a plain word there.

    A question in another language (:mod:`assistant.kind_words`) names its subject its own way
    ("Калын", "Turquía"): a span spelt like one of its names is its subject, not the answer.
    """
    focus = question_focus(question)
    language = text_language(focus)
    kind = asked_kind(question, other_languages=True)
    if kind is None or not answer_text.strip():
        return None
    if _DEFINITION.match(focus.strip()) if language is None else asks_for_description(focus):
        return None  # "Who is Ibrahim Kalın?" asks for a description, not another person's name
    first = _without_dateline(_MARKER.split(answer_text.strip(), maxsplit=1)[0])
    found = new_spans(first, question, kind)
    # A single capitalised word opening the sentence is as often a plain word ("Legal experts say…",
    # "Sales rose…") as a name: it is one only when its passage writes it capitalised inside a
    # sentence too ("…shares of Amazon…") or it is a country; without the passage, any other span is
    # preferred to it.
    opening = bare(first.split(maxsplit=1)[0]) if first.split() else ""
    if passage and opening and not _capitalised_inside(opening, passage) and opening.lower() not in countries():
        found = [span for span in found if span != opening]
    found.sort(key=lambda span: span == opening)
    # "Which government does Turkey support?": a name holding the noun asked ("the Government of
    # National Accord") before any other the sentence opens with ("Ibrahim Kalın … told AFP"). Not for
    # a person: "Which billionaire…?" is not the "Billionaires List".
    if (which := _WHICH_NOUN.match(focus.strip())) and language is None and kind != "person":
        stem = which.group(1).lower()[: max(4, len(which.group(1)) - 3)]
        found.sort(key=lambda span: stem not in span.lower())
    # An office asked about: the one named in it ("Ibrahim Kalın, the presidential spokesman",
    # assistant/apposition.py), or none: "Who is the president of France?" is not the lede's Haftar.
    # (In another language an office word may name a prize, "Президентской медалью": first, not only.)
    role = asked_role(question)
    in_role = named_in_role(question, first) if role is not None else None
    if in_role is not None or (role is not None and language is None):
        found = [in_role] if in_role else []  # "Emmanuel Macron" of "French President Emmanuel Macron"
    # "Whom did Turkey accuse?": the one the sentence's accusing names ("…accusing France of…").
    # "Whom" may be a country or a body as well as a person.
    done_to = _object_of_verb(focus, first)
    if done_to is not None and done_to not in found and focus.lower().startswith("who"):
        found.append(done_to)
    found.sort(key=lambda span: span != done_to)
    # "Who is jeopardizing NATO security?": the one just before the sentence's verb ("France of jeopardizing").
    doer = None if done_to else _subject_of_verb(focus, first)
    found = [doer, *(span for span in found if span != doer)] if doer else found
    if kind == "title":  # a quoted phrase before a name: "Oxford Dictionaries said that “goblin mode”…"
        found.sort(key=lambda span: not quoted(span, first))
    # "Who toppled Gadhafi?" is not answered by "Moammar Gadhafi": a span sharing a name the question
    # gives is the question's own subject.
    # (Its opening word only in another language: Turkish opens with its subject, "Kalın kimi eleştirdi?".)
    asked_names = {fold(w).lower() for w in WORD.findall(question)[language is None :] if is_capitalised(w)}
    found = [span for span in found if _unasked(span, question, asked_names, language)]
    # "Which country…?" is answered by a country: the one a people's word or a city stands for
    # ("Saudi Arabian", "Riyadh"), never a state or a stadium the sentence also names (assistant/country_of.py).
    if _COUNTRY_ASKED.search(focus) if language is None else asks_for_country(focus):
        named = [*found, *(s.text for s in spans(first) if _unasked(s.text, question, asked_names, language))]
        if not _WHOSE_COUNTRY.search(focus):
            named = [span for span in named if not _describes_asked(span, first, asked_names)]
        found = _as_countries(named, asked_names, {country_of(w) for w in WORD.findall(question) if is_capitalised(w)})
    elif language is None and _STATE_ASKED.search(focus):  # a US state, or none ("Sturgis", "OPIS", a stadium)
        found = list(dict.fromkeys(state for span in found if (state := _state_in(span))))
    if _SMALLER_PLACE.search(focus) if language is None else asks_for_city(focus):
        found = [span for span in found if span.lower().removeprefix("the ") not in countries()]  # a city asked
    elif focus.lower().startswith("where") if language is None else asks_where(focus):
        found.sort(key=lambda span: span.lower().removeprefix("the ") in countries())  # a city before its country
    return found[0] if found else None


# "Whom did Turkey accuse?", "Which country did Kalın criticise?": what the verb is done to.
_OBJECT_QUESTION = re.compile(
    r"^(?:whom|who|which\s+\w+|what\s+(?:country|company|team|city|group|person)\w*)\s+"
    r"(?:did|does|do|has|have|had|will|would)\s+(?P<rest>[^?]+)",
    re.IGNORECASE,
)
_LOWER_WORDS = re.compile(r"(?:[a-z][\w-]*\s+){1,3}")
_TITLES = re.compile(r"^(?:[A-Z][a-z]{0,3}\.\s+)+")


def _object_of_verb(focus: str, sentence: str) -> str | None:
    """The name just after ``sentence``'s form of the question's verb ("accusing France", "toppled
    longtime dictator Moammar Gadhafi"), when ``focus`` asks what the verb is done to. The verb is
    the first lower-case word after "did" the sentence holds (the subject may be one: "the uprising")."""
    match = _OBJECT_QUESTION.match(focus.strip())
    if match is None:
        return None
    for word in WORD.findall(match.group("rest")):
        if not word.islower() or len(word) < 4:
            continue
        said = re.search(rf"\b{re.escape(word[: max(4, len(word) - 2)])}\w*\s+", sentence, re.IGNORECASE)
        if said is None:
            continue
        lead_in = _LOWER_WORDS.match(sentence, said.end())  # "longtime dictator", "the"
        after = _TITLES.sub("", sentence[lead_in.end() if lead_in else said.end() :])  # "Rep. Elise Stefanik"
        return next(
            (s.text for s in spans(sentence) if after.startswith(s.text) and not s.kinds & {"date", "number"}), None
        )  # not "appointed on Tuesday"
    return None


_SUBJECT_QUESTION = re.compile(r"^who\s+(?:is\s+|are\s+|was\s+|were\s+|has\s+|have\s+|had\s+)?(?P<verb>[a-z]{4,})\b")
# Between a doer and its verb: a quotation mark, "was", "is", "of" ("accusing France of jeopardizing").
_BEFORE_VERB = re.compile(r"[\s\"'“‘]*(?:(?:was|is|were|are|has|have|had|of)[\s\"'“‘]+)?$")


def _subject_of_verb(focus: str, sentence: str) -> str | None:
    """The name just before ``sentence``'s form of the question's verb, when ``focus`` asks who does it:
    "Who is jeopardizing NATO security?" of "…accusing France of "jeopardizing" NATO security"."""
    match = _SUBJECT_QUESTION.match(focus.strip().lower())
    if match is None:
        return None
    verb = match.group("verb")
    said = re.search(rf"\b{re.escape(verb[: max(4, len(verb) - 3)])}\w*", sentence, re.IGNORECASE)
    if said is None:
        return None
    before = sentence[: said.start()]
    named = spans(before)
    if not named or not named[-1].kinds & {"name", "person", "organisation", "place"}:
        return None
    last = named[-1].text
    return last if _BEFORE_VERB.fullmatch(before[before.rfind(last) + len(last) :]) else None


def _named_otherwise(question: str, span: str) -> bool:
    """Whether a question not in English names ``span`` in its own spelling or script: "Калын" is
    "Ibrahim Kalın", "Turquía" is "Turkey", "США" is "the U.S."."""
    words = {fold_key(word) for word in WORD.findall(span)}
    return bool(spelt_alike(question, words)) or abbreviation_met(question, span)


# A dateline or a credit before the sentence proper: "LONDON —", "MELBOURNE, Fla. -",
# "DUBAI, United Arab Emirates (AP) —", "New York CNN Business —", "(CNN)": where it was written
# and by whom, never what was asked.
_DATELINE = re.compile(
    r"^(?:\([A-Z][\w .]*\)\s*|(?:[A-Z][\w.'’&-]*,?\s+){0,5}[A-Z][\w.'’&-]*(?:\s*\([A-Z][\w .]*\))?"
    r"\s*(?:[—–]|-(?=\s))\s*)"
)


def _without_dateline(sentence: str) -> str:
    """``sentence`` without its dateline, one written at least partly in capitals ("Saudi Arabia — the
    kingdom…" opens with a name, not a dateline)."""
    dateline = _DATELINE.match(sentence)
    if dateline is None or not re.search(r"\b[A-Z]{2,}\b", dateline.group()):
        return sentence
    return sentence[dateline.end() :]


def _capitalised_inside(word: str, passage: str) -> bool:
    """Whether ``passage`` writes ``word`` capitalised after another word of its sentence (a name), not
    only where every word is capitalised (a sentence's or a heading's start)."""
    return re.search(rf"[a-z,;]\s+[\"'“‘(]?{re.escape(word)}\b", passage) is not None


def _unasked(span: str, question: str, asked_names: set[str], language: str | None) -> bool:
    """Whether the question does not name ``span`` (any of its words, or in its own language's way).
    For a country asked, any name counts, not only a place: "Chinese" stands for China."""
    if {fold(w).lower() for w in span.split()} & asked_names:
        return False
    return language is None or not _named_otherwise(question, span)


def _describes_asked(span: str, sentence: str, asked_names: set[str]) -> bool:
    """Whether ``span`` only says whose the question's own subject is, a possessive or a people's word
    just before its name: "Libya's eastern-based putschist Gen. Khalifa Haftar" answers no "Which
    country backs Haftar?" ("Which country's…?" asks for just that: not called for it)."""
    if not asked_names:
        return False
    names = "|".join(re.escape(name) for name in sorted(asked_names))
    whose = "(?:'s|’s)" if names_a_country(span) else "(?:'s|’s)?"
    pattern = rf"\b{re.escape(fold(span).lower())}{whose}\s+(?:[^\s,;:]+\s+){{0,5}}?(?:{names})\b"
    return re.search(pattern, fold(sentence).lower()) is not None


def _as_countries(found: list[str], asked_names: set[str], asked_countries: set[str | None]) -> list[str]:
    """The countries ``found`` names, in order, none the question names itself ("A US zoo apologised to
    which country?" is not answered by the zoo's Phoenix)."""
    kept: list[str] = []
    for span in found:
        # "Sweden and Finland" for "which two countries": each a country, shown as written.
        parts = [span] if names_a_country(span) else _LISTED.split(span)
        countries_named = [country_of(part) for part in parts]
        shown = span if names_a_country(span) or len(parts) > 1 else countries_named[0]  # "the U.S." as written
        named = any(
            country in asked_countries or {fold(w).lower() for w in (country or "").split()} & asked_names
            for country in countries_named
        )
        if shown and all(countries_named) and shown not in kept and not named:
            kept.append(shown)
    return kept


def _state_in(span: str) -> str | None:
    """The US state ``span`` names ("Southern California" is California, "Baja California" none), or the
    states it lists, as written ("California and Utah")."""
    parts = _LISTED.split(span)
    states = [region.group(1) if (region := _REGION_OF.fullmatch(part)) else "" for part in parts]
    if not all(state in US_STATES for state in states):
        return None
    return span if len(parts) > 1 else states[0]


_REGION_OF = re.compile(r"(?:(?:Northern|Southern|Eastern|Western|Central|Upstate|Downstate)\s+)?(.+)")
_STATE_ASKED = re.compile(r"\b(?:which|what) (?:US |U\.S\. |battleground )?state\b(?!-)", re.IGNORECASE)
_LISTED = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
_WHICH_NOUN = re.compile(
    r"(?:which|what)\s+(?!(?:does|did|were|have|will|would|could|should|happened)\b)([a-z]{4,})\b(?!\s+of\b)",
    re.IGNORECASE,
)
_WHOSE_COUNTRY = re.compile(r"\b(?:country|nation)(?:'s|’s|s')", re.IGNORECASE)
_COUNTRY_ASKED = re.compile(r"\b(?:which|what) (?:\w+ ){0,2}(?:country|nation)\b", re.IGNORECASE)
_SMALLER_PLACE = re.compile(r"\b(?:which|what) (?:\w+ )?(?:city|cities|town|village|neighbou?rhood)\b", re.IGNORECASE)


_DEFINITION = re.compile(
    r"^(?:[Ww]ho|[Ww]hat)\s+(?:is|was|are|were)\s+(?:(?:[A-Z]|(?:al|bin|de|da|van|von|le|la)\b)[\w.'’-]*\s*)+\?*$"
)

"""The answer's ``short_answer``: the name, place, number or date its first sentence gives.

Shown highlighted in the chat and given as a field of the JSON, so a wrong one is worse than none:
the rules here drop a span whenever the question's form says it cannot be the answer (a name the
question gives, a country where a city is asked for, any name for "Who is X?").
"""

from __future__ import annotations

import re

from assistant.answer_kind import WORD, asked_kind, bare, countries, is_capitalised, new_spans
from assistant.text import question_focus
from index.folding import fold

_MARKER = re.compile(r"\s*\[\d+\](?:\s*\[\d+\])*")


def short_answer(question: str, answer_text: str) -> str | None:
    """The name, place, number or date that the answer's first sentence gives for ``question``
    (the first such span it names that the question doesn't), or None when the question's form asks
    for no such thing or the sentence names none."""
    kind = asked_kind(question)
    if kind is None or not answer_text.strip():
        return None
    if _DEFINITION.match(question_focus(question).strip()):
        return None  # "Who is Ibrahim Kalın?" asks for a description, not another person's name
    first = _MARKER.split(answer_text.strip(), maxsplit=1)[0]
    found = new_spans(first, question, kind)
    # A single capitalised word opening the sentence is as often a plain word ("There", "Former") as
    # a name: any other span is preferred to it.
    opening = bare(first.split(maxsplit=1)[0]) if first.split() else ""
    found.sort(key=lambda span: span == opening)
    # "Who toppled Gadhafi?" is not answered by "Moammar Gadhafi": a span sharing a name the question
    # gives is the question's own subject.
    asked_names = {fold(w).lower() for w in WORD.findall(question)[1:] if is_capitalised(w)}
    found = [span for span in found if not {fold(w).lower() for w in span.split()} & asked_names]
    focus = question_focus(question)
    if _SMALLER_PLACE.search(focus):  # "Which city…?" is not answered by a country
        found = [span for span in found if span.lower().removeprefix("the ") not in countries()]
    elif focus.lower().startswith("where"):  # the most precise place first: a city before its country
        found.sort(key=lambda span: span.lower().removeprefix("the ") in countries())
    return found[0] if found else None


_SMALLER_PLACE = re.compile(r"\b(?:which|what) (?:\w+ )?(?:city|cities|town|village|neighbou?rhood)\b", re.IGNORECASE)


_DEFINITION = re.compile(
    r"^(?:[Ww]ho|[Ww]hat)\s+(?:is|was|are|were)\s+(?:(?:[A-Z]|(?:al|bin|de|da|van|von|le|la)\b)[\w.'’-]*\s*)+\?*$"
)

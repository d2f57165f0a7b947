"""The bonus of a sentence naming what a question asks for: the answerer's third term after meaning and shared words.

A question whose form says what it asks for ("who", "how many") lifts a sentence naming such a
thing (:mod:`assistant.answer_kind`); any other quiz-like question lifts a sentence naming a person,
place or number it does not name itself (:mod:`assistant.extractive` adds the bonus).
"""

from __future__ import annotations

import re

from assistant.answer_kind import Kind, answer_bonus
from index.folding import fold

# Quiz-like questions ask for something they do not name ("Which country...?", "How much...?"): a
# sentence naming a person, place or number the question doesn't is likelier to be the answer.
# Kept because it helped on the RealTimeQA dev questions (same retrieved passages); figures in
# docs/lab-notes.md, "assistant/extractive.py: _NEW_NAME_BONUS".
_NEW_NAME_BONUS = 0.1
_NAME_OR_NUMBER = re.compile(r"\b(?:[A-Z][a-zA-Z]+|\d[\d,.]*)\b")


def sentence_bonus(sentence: str, question: str, kind: Kind | None, question_names: set[str]) -> float:
    """For a question whose form says what it asks for, the bonus of a sentence naming such a thing
    (:mod:`assistant.answer_kind`); else the bonus of naming anything new."""
    if kind is not None:
        return answer_bonus(sentence, question, kind)
    return _NEW_NAME_BONUS if _names_something_new(sentence, question_names) else 0.0


def names_and_numbers(text: str) -> set[str]:
    """Names and numbers, folded: the question's "Kalin" is the sentence's "Kalın", not a new name."""
    return {word.lower() for word in _NAME_OR_NUMBER.findall(fold(text))}


def _names_something_new(sentence: str, question_names: set[str]) -> bool:
    """Whether the sentence names a person or place the question doesn't, or a number while keeping
    every number the question names (its first word, capitalised anyway, does not count).

    A question about "shipment QR-1107" is not answered by a look-alike sentence about QR-1177:
    a different number where the question gave one is a mismatch, not news.
    """
    new = names_and_numbers(sentence[1:].split(" ", 1)[-1]) - question_names
    if any(not word[0].isdigit() for word in new):
        return True
    question_numbers = {word for word in question_names if word[0].isdigit()}
    return bool(new) and question_numbers <= names_and_numbers(sentence)

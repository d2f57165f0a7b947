"""What a question goes through before retrieval: made printable, bounded, and checked for emptiness.

A question arrives from a browser box, a script or a pasted document: it may hold control
characters (from a terminal or a PDF), whole pages of text, or nothing. Control characters are
dropped (they match nothing and can break logs), whitespace runs become one space, letters of
every script are kept as they are, and a question past ``max_chars`` is cut at a word boundary with
a notice that says so, so the user knows what was answered.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

EMPTY_QUESTION = "Please type a question about the news articles: this one was empty."


@dataclass(frozen=True, slots=True)
class CleanQuestion:
    """The question to answer, and a notice for the user when it is not exactly what they sent."""

    text: str
    notice: str = ""


def clean_question(raw: str, max_chars: int) -> CleanQuestion:
    """``raw`` without control characters or repeated whitespace, at most ``max_chars`` long."""
    printable = "".join(
        " " if char.isspace() else char for char in raw if char.isspace() or unicodedata.category(char)[0] != "C"
    )
    text = " ".join(printable.split())
    if len(text) <= max_chars:
        return CleanQuestion(text)
    cut = text[:max_chars]
    if text[max_chars] != " " and " " in cut:  # not in the middle of a word
        cut = cut.rsplit(" ", 1)[0]
    return CleanQuestion(
        cut, f"Your question was {len(text):,} characters long; only its first {len(cut):,} were used."
    )

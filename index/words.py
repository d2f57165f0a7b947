"""Counts in the words people write: "1 article", "2 articles", "0 problems".

Shared by the command line and the chat, so a count reads the same wherever it is shown.
"""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` with ``noun``, singular for exactly one (``plural`` for nouns not made with an "s")."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"

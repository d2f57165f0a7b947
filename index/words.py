"""Counts in the words people write: "1 article", "2 articles", "0 problems".

One helper for every count a reader sees (the chat, the exports, the command line), so that no
message says "1 articles" or hedges with "article(s)". English only, like the rest of the messages.
"""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` with ``noun``, singular for exactly one, thousands grouped; ``plural`` when adding "s"
    is wrong: ``counted(3, "dated entry", "dated entries")``."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"

"""Counts as people write them: "1 article", "2 articles", "1 dated entry", "3 dated entries".

One helper for every count a reader sees (the chat, the exports, the command line), so that no
message says "1 articles" or hedges with "article(s)". English only, like the rest of the messages.
"""

from __future__ import annotations


def counted(count: int, one: str, many: str | None = None) -> str:
    """``count`` with its noun, singular for exactly one, thousands grouped.

    ``many`` is the plural when adding "s" is wrong: ``counted(3, "dated entry", "dated entries")``.
    """
    return f"{count:,} {one if count == 1 else many or f'{one}s'}"

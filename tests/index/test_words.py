"""Counts read as people write them: one article, two articles, never "1 articles" or "article(s)"."""

from __future__ import annotations

from index.words import counted


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert counted(1, "article") == "1 article"
    assert [counted(n, "article") for n in (0, 2)] == ["0 articles", "2 articles"]


def test_an_irregular_plural_is_given_and_thousands_are_grouped() -> None:
    assert counted(1, "dated entry", "dated entries") == "1 dated entry"
    assert counted(1_234, "dated entry", "dated entries") == "1,234 dated entries"

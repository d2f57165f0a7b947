"""Numbers ↔ passages: ``[n]`` markers that always point at exactly one shown passage."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote, urlsplit

from langchain_core.documents import Document

from assistant.types import Citation

MARKER = re.compile(r"\[(\d+)\]")


def citation_for(n: int, passage: Document) -> Citation:
    metadata = passage.metadata
    return Citation(
        n=n,
        article_id=str(metadata.get("article_id", "")),
        title=str(metadata.get("title", "")),
        date=str(metadata.get("date", "")),
        source=str(metadata.get("source", "")),
        url=str(metadata.get("url", "")),
        passage=passage.page_content,
        score=round(float(metadata.get("similarity", 0.0)), 4),
        language=str(metadata.get("language", "")),
    )


def cite_sentences(
    chosen: Sequence[tuple[str, Document | Sequence[Document]]],
) -> tuple[str, list[Citation]]:
    """Join ``(sentence, passage or passages)`` pairs into ``sentence [n]`` (or ``[n][m]``) text.

    Passages are numbered in order of first use, so ``[1]`` is the first source the reader meets
    and no number is left without a sentence pointing at it.
    """
    numbers: dict[int, int] = {}
    citations: list[Citation] = []
    parts: list[str] = []
    for sentence, sources in chosen:
        markers = ""
        for passage in [sources] if isinstance(sources, Document) else sources:
            key = id(passage)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(citation_for(numbers[key], passage))
            markers += f"[{numbers[key]}]"
        parts.append(f"{sentence.strip()} {markers}")
    return " ".join(parts), citations


def markers_in(text: str) -> list[int]:
    """Citation numbers used in ``text``, in order, repeated as they appear."""
    return [int(number) for number in MARKER.findall(text)]


def citations_are_consistent(text: str, citations: Sequence[Citation]) -> bool:
    """Every ``[n]`` has exactly one citation and every citation is referred to."""
    used = set(markers_in(text))
    numbers = [citation.n for citation in citations]
    return len(numbers) == len(set(numbers)) and used == set(numbers)


def safe_link(url: str) -> str | None:
    """``url`` as a link target when it is http(s), else None: an article's ``javascript:`` or
    ``data:`` URL must never become a link, and brackets or spaces must not end the link early."""
    url = url.strip()
    if urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).netloc:
        return None
    return quote(url, safe=":/?#@!$&'*+,;=%-._~")

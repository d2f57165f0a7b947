"""Sentence-aware chunks with exact character offsets into the article.

Why not a LangChain splitter: ``RecursiveCharacterTextSplitter`` cuts at any ``". "`` (so inside
"Gen. Khalifa Haftar" or "U.S. forces") and recovers offsets by searching the text, and the
NLTK/spaCy splitters need data downloaded from the internet. This module splits sentences with
a small abbreviation-aware rule, packs whole sentences up to ``chunk_size`` characters, and
repeats trailing sentences (up to ``chunk_overlap`` characters) at the start of the next chunk.
A sentence is only ever cut when it alone is longer than a chunk.

>>> spans = split_sentences("Gen. Haftar must leave Sirte. Turkey said so.")
>>> [("Gen. Haftar must leave Sirte. Turkey said so."[s:e]) for s, e in spans]
['Gen. Haftar must leave Sirte.', 'Turkey said so.']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from langchain_core.documents import Document

from index.articles import Article, date_as_int

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen sen rep gov lt col sgt capt cmdr adm maj st jr sr inc co corp ltd no nos vs
    etc fig al approx dept est jan feb mar apr jun jul aug sep sept oct nov dec mt ft pres rev hon u.s
    u.n u.k e.g i.e a.m p.m d.c""".split()
)
# A candidate boundary: end punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
_NEXT_STARTS_SENTENCE = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9]")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*[-*•])")


@dataclass(frozen=True, slots=True)
class Chunk:
    """A passage of an article: ``text == article.text[start:end]``."""

    number: int
    start: int
    end: int
    text: str


# A shorter "sentence" is a dateline, a byline or a caption's credit: never quoted as an answer.
MIN_QUOTABLE_CHARS = 25


def quotable_sentences(text: str) -> list[tuple[int, str]]:
    """The sentences of ``text`` an answer may quote, each with where it starts: its whitespace made
    single spaces, none shorter than :data:`MIN_QUOTABLE_CHARS`. The answerer reads a passage's
    sentences, and the fill embeds a chunk's, by this one rule (index.store.sentence_vectors)."""
    found = []
    for start, end in split_sentences(text):
        sentence = " ".join(text[start:end].split())
        if len(sentence) >= MIN_QUOTABLE_CHARS:
            found.append((start, sentence))
    return found


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of ``text``, whitespace excluded."""
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _blocks(text):
        start = block_start
        for match in _BOUNDARY.finditer(text, block_start, block_end):
            end = match.end()
            if not _NEXT_STARTS_SENTENCE.match(text, end, block_end):
                continue
            if match.group().startswith(".") and _ends_with_abbreviation(text, start, match.start()):
                continue
            spans.append(_strip(text, start, end))
            start = end
        if text[start:block_end].strip():
            spans.append(_strip(text, start, block_end))
    return spans


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Paragraphs (and list items): a sentence never runs across a blank line."""
    position = 0
    for match in _PARAGRAPH.finditer(text):
        yield position, match.start()
        position = match.end()
    yield position, len(text)


def _ends_with_abbreviation(text: str, start: int, dot: int) -> bool:
    word = text[start:dot].rsplit(None, 1)[-1] if text[start:dot].strip() else ""
    word = word.lstrip("\"'“‘([").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cut_long_sentence(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """The only place a sentence is cut: at word boundaries, into pieces of at most ``size``."""
    pieces: list[tuple[int, int]] = []
    while end - start > size:
        cut = text.rfind(" ", start + size // 2, start + size)
        cut = cut if cut > start else start + size
        pieces.append(_strip(text, start, cut))
        start = cut
    pieces.append(_strip(text, start, end))
    return [piece for piece in pieces if piece[1] > piece[0]]


def chunk_text(text: str, chunk_size: int = 1000, chunk_overlap: int = 200) -> list[Chunk]:
    """Pack whole sentences into chunks of at most ``chunk_size`` characters, with overlap."""
    units: list[tuple[int, int]] = []
    for start, end in split_sentences(text):
        units.extend(_cut_long_sentence(text, start, end, chunk_size))
    chunks: list[Chunk] = []
    first = 0
    while first < len(units):
        last = first
        while last + 1 < len(units) and units[last + 1][1] - units[first][0] <= chunk_size:
            last += 1
        start, end = units[first][0], units[last][1]
        chunks.append(Chunk(len(chunks), start, end, text[start:end]))
        if last + 1 >= len(units):
            break
        first = _overlap_start(units, first, last, chunk_size, chunk_overlap)
    return chunks


def _overlap_start(units: list[tuple[int, int]], first: int, last: int, chunk_size: int, overlap: int) -> int:
    """Index of the sentence the next chunk starts with.

    The trailing sentences of the chunk that fit in ``overlap`` characters are repeated; if none
    fits, the last sentence still is (when it is at most half a chunk), so a passage never starts
    without the context of the sentence before it. The next chunk always gets a new sentence.
    """
    end = units[last][1]
    next_first = last + 1
    while next_first - 1 > first and end - units[next_first - 1][0] <= overlap:
        next_first -= 1
    if overlap and next_first == last + 1 and last > first and end - units[last][0] <= chunk_size // 2:
        next_first = last
    return next_first


def article_documents(article: Article, chunk_size: int = 1000, chunk_overlap: int = 200) -> list[Document]:
    """The article's chunks as LangChain documents carrying everything a citation shows.

    Authors and language are stored only when known, so an article without them keeps exactly
    the chunks (and content-hash ids) it had before they existed: nothing is embedded again.
    """
    known: dict[str, str] = {}
    if article.authors:
        known["authors"] = "; ".join(article.authors)
    if article.language:
        known["language"] = article.language
    return [
        Document(
            page_content=chunk.text,
            metadata={
                "article_id": article.id,
                "title": article.title,
                "date": article.date or "",
                "date_int": date_as_int(article.date),
                "source": article.source,
                "url": article.url,
                **known,
                "chunk": chunk.number,
                "start": chunk.start,
                "end": chunk.end,
            },
        )
        for chunk in chunk_text(article.text, chunk_size, chunk_overlap)
    ]

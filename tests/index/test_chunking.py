"""Chunk boundaries: whole sentences, bounded size, overlap, exact offsets."""

from __future__ import annotations

import itertools
import random

from index.articles import Article
from index.chunking import article_documents, chunk_text, split_sentences


def sentences_of(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def test_abbreviations_initials_and_quotes_do_not_end_sentences() -> None:
    text = (
        'Gen. Khalifa Haftar met U.S. envoys in Washington, D.C. on Monday. "We agree," said J. Smith. '
        "Dr. Jones left at 5 p.m. Talks resume today!"
    )
    assert sentences_of(text) == [
        "Gen. Khalifa Haftar met U.S. envoys in Washington, D.C. on Monday.",
        '"We agree," said J. Smith.',
        "Dr. Jones left at 5 p.m. Talks resume today!",
    ]


def test_paragraph_breaks_end_sentences() -> None:
    assert sentences_of("A headline without a stop\n\nThe body starts here.") == [
        "A headline without a stop",
        "The body starts here.",
    ]


def _article_text(sentence_count: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    words = "government forces city talks minister council report economy storm election court".split()
    sentences = []
    for number in range(sentence_count):
        body = " ".join(rng.choice(words) for _ in range(rng.randint(5, 30)))
        sentences.append(f"Sentence {number} says {body}.")
    return " ".join(sentences)


def test_chunks_hold_whole_sentences_within_size_with_overlap_and_exact_offsets() -> None:
    text = _article_text(120)
    sentence_set = set(sentences_of(text))
    chunks = chunk_text(text, chunk_size=1000, chunk_overlap=200)
    assert len(chunks) > 5
    for previous, chunk in itertools.pairwise(chunks):
        assert chunk.start < previous.end, "consecutive chunks overlap"
        repeated = text[chunk.start : previous.end]
        assert len(repeated) <= 200 or len(sentences_of(repeated)) == 1, "overlap: within 200 chars, or one sentence"
        assert chunk.start > previous.start, "every chunk moves forward"
    for chunk in chunks:
        assert chunk.text == text[chunk.start : chunk.end]
        assert len(chunk.text) <= 1000
        assert all(s in sentence_set for s in sentences_of(chunk.text)), "no sentence is cut"
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    assert sum(len(c.text) for c in chunks) / len(chunks) > 700, "chunks are filled, not tiny"


def test_a_sentence_longer_than_a_chunk_is_cut_at_word_boundaries() -> None:
    long_sentence = " ".join(["word"] * 400) + "."
    chunks = chunk_text(f"Short opener. {long_sentence} Short closer.", chunk_size=300, chunk_overlap=50)
    assert all(len(c.text) <= 300 for c in chunks)
    assert all(not c.text.startswith("ord") for c in chunks), "cuts fall between words"
    assert "Short closer." in chunks[-1].text


def test_article_documents_carry_citation_metadata() -> None:
    article = Article(
        id="rtqa-x", title="T", text=_article_text(40), date="2022-05-01", source="CNN", url="https://e.org"
    )
    documents = article_documents(article, chunk_size=800, chunk_overlap=100)
    assert [d.metadata["chunk"] for d in documents] == list(range(len(documents)))
    for document in documents:
        metadata = document.metadata
        assert (metadata["article_id"], metadata["title"], metadata["source"]) == ("rtqa-x", "T", "CNN")
        assert (metadata["date"], metadata["date_int"], metadata["url"]) == ("2022-05-01", 20220501, "https://e.org")
        assert article.text[metadata["start"] : metadata["end"]] == document.page_content

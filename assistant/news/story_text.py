"""Sentences of several articles about one event: which ones tell it, which repeat each other.

Briefings, timelines and comparisons all quote whole article sentences (extractive: nothing is
invented) and cite the passage each comes from. What they share lives here:

- :func:`lead_sentences`: the first sentences of each article (news is written lead first, so an
  article's first few sentences say what happened; later ones add background and quotes);
- :func:`centrality`: how much a sentence says what the *other* articles of the story say. A word
  counts for each other article using it, weighted by how rare it is across the period's news
  (``said`` or ``Tuesday`` count for little), so the sentence at the story's core wins, and for a
  single article its most informative early sentence does (a lexical measure: no model to load,
  a week's briefing in well under a second);
- :func:`same_claim`: two sentences sharing most of their content words say the same thing, so
  one of them is left out (or cited beside the other);
- :func:`adds_to`: a sentence told beside others of the same story must say something new: two
  outlets' wordings of one development share the story's names and figures but few other words
  (under half of them, so :func:`same_claim` misses them), yet most of the second's words were
  already said by the first;
- :class:`Citer`: numbers passages in order of first use, one ``[n]`` per passage.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from langchain_core.documents import Document

from assistant.citations import citation_for
from assistant.text import content_words
from assistant.types import Citation
from index.chunking import split_sentences

LEAD_SENTENCES = 5  # an article's first sentences: what a story's item is told from
MIN_SENTENCE_CHARS = 40  # shorter ones are captions, datelines, bylines
MAX_SENTENCE_CHARS = 400  # longer ones are lists or run-ons the splitter could not cut
SAME_CLAIM = 0.5  # content-word overlap (Jaccard) from which two sentences say the same thing
# Share of its content words a sentence must bring that the sentences told beside it did not: two
# outlets' wordings of one deal ("reached a tentative agreement ... restoring most of the night-shift
# bonus" / "agreed on a compromise bringing back most of the night-shift bonus") share 40% (Jaccard),
# yet the second brings only 40% new words; a sentence adding a fact brings well over half.
NEW_WORDS = 0.5
# A sentence opening with a pronoun or a connective means little out of its article.
_DANGLING = re.compile(
    r"^[\"'“‘]?(he|she|they|it|this|that|these|those|his|her|their|its|but|and|also|however|meanwhile)\b",
    re.IGNORECASE,
)
_NOISE = re.compile(r"(?i)\b(click here|sign up|subscribe|newsletter|all rights reserved|read more|getty images)\b")


@dataclass(frozen=True, slots=True)
class StorySentence:
    """A sentence of an article, with the passage that holds it (what its citation quotes)."""

    text: str
    passage: Document
    position: int  # the sentence's rank in its article: 0 is the lead
    words: frozenset[str] = field(default_factory=frozenset)

    @property
    def article_id(self) -> str:
        return str(self.passage.metadata.get("article_id", ""))

    @property
    def source(self) -> str:
        return str(self.passage.metadata.get("source", ""))

    @property
    def date(self) -> str:
        return str(self.passage.metadata.get("date", ""))


def lead_sentences(passages: Sequence[Document], per_article: int = LEAD_SENTENCES) -> list[StorySentence]:
    """The first ``per_article`` quotable sentences of each article, from its passages in reading order.

    A sentence repeated by the next passage (chunks overlap) is taken once; captions, bylines,
    sign-up prompts and sentences that open with a pronoun are skipped.
    """
    taken: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    found: list[StorySentence] = []
    for passage in passages:
        article = str(passage.metadata.get("article_id", ""))
        text = passage.page_content
        for start, end in split_sentences(text):
            if taken[article] >= per_article:
                break
            sentence = " ".join(text[start:end].split())
            if (article, sentence) in seen or not _quotable(sentence):
                continue
            seen.add((article, sentence))
            found.append(StorySentence(sentence, passage, taken[article], frozenset(content_words(sentence))))
            taken[article] += 1
    return found


def _quotable(sentence: str) -> bool:
    return (
        MIN_SENTENCE_CHARS <= len(sentence) <= MAX_SENTENCE_CHARS
        and not _DANGLING.match(sentence)
        and not _NOISE.search(sentence)
        and sentence[-1] in ".!?\"'”’)"
    )


def rarity(sentences: Iterable[StorySentence]) -> dict[str, float]:
    """Inverse document frequency of each word over the articles ``sentences`` come from."""
    by_article: dict[str, set[str]] = {}
    for sentence in sentences:
        by_article.setdefault(sentence.article_id, set()).update(sentence.words)
    articles = len(by_article) or 1
    counts = Counter(word for words in by_article.values() for word in words)
    return {word: math.log(1 + articles / count) for word, count in counts.items()}


def centrality(sentences: Sequence[StorySentence], idf: dict[str, float]) -> list[float]:
    """How much each sentence says what its story's articles say (see the module docstring)."""
    used_by: dict[str, set[str]] = {}
    for sentence in sentences:
        for word in sentence.words:
            used_by.setdefault(word, set()).add(sentence.article_id)
    scores = []
    for sentence in sentences:
        weight = sum(idf.get(word, 1.0) * len(used_by[word]) for word in sentence.words)
        lead = 0.15 * (LEAD_SENTENCES - min(sentence.position, LEAD_SENTENCES)) / LEAD_SENTENCES
        scores.append(weight / math.sqrt(len(sentence.words) + 4) * (1 + lead))
    return scores


def same_claim(one: frozenset[str], other: frozenset[str], threshold: float = SAME_CLAIM) -> bool:
    """Whether two sentences (as content words) say the same thing."""
    union = len(one | other)
    return bool(union) and len(one & other) / union >= threshold


def adds_to(words: frozenset[str], told: Iterable[frozenset[str]], share: float = NEW_WORDS) -> bool:
    """Whether a sentence (as content words) says something the ``told`` sentences did not: at least
    ``share`` of its words are new (see :data:`NEW_WORDS`)."""
    said = frozenset().union(*told)
    return bool(words) and len(words - said) / len(words) >= share


def most_central(
    sentences: Sequence[StorySentence],
    idf: dict[str, float],
    count: int,
    *,
    avoid: Sequence[frozenset[str]] = (),
) -> list[StorySentence]:
    """Up to ``count`` of the most central sentences, each adding to those picked before it
    (:func:`adds_to`) and none repeating one in ``avoid`` (:func:`same_claim`)."""
    ranked = sorted(zip(centrality(sentences, idf), sentences, strict=True), key=lambda pair: -pair[0])
    chosen: list[StorySentence] = []
    for _score, sentence in ranked:
        if len(chosen) >= count:
            break
        if chosen and not adds_to(sentence.words, (earlier.words for earlier in chosen)):
            continue
        if any(same_claim(sentence.words, words) for words in avoid):
            continue
        chosen.append(sentence)
    return chosen


class Citer:
    """Numbers passages in order of first use: ``[1]`` is the first source a reader meets."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self._numbers: dict[str, int] = {}

    def numbers(self, passages: Iterable[Document]) -> tuple[int, ...]:
        """The citation numbers of ``passages``, numbering the new ones: what a news item's sentence cites."""
        numbers = []
        for passage in passages:
            key = str(passage.id or id(passage))
            if key not in self._numbers:
                self._numbers[key] = len(self._numbers) + 1
                self.citations.append(citation_for(self._numbers[key], passage))
            numbers.append(self._numbers[key])
        return tuple(numbers)

"""Checking a model's answer against the passages it cites, before anyone sees it as final.

A model, small or large, may cite a passage that does not exist (``[7]`` with four sources), cite
the wrong one, or write a sentence no passage supports. Each answer sentence is scored against the
sentences of the passages it cites with the same embedding model as retrieval (best cosine) and by
the share of its content words found in the passage; the two count half each. Then:

- a claim naming a person, place or number its passage never mentions is not supported by it;
- a marker naming no shown passage is dropped;
- a sentence its cited passages don't support, but another shown passage does, cites that one;
- a sentence no shown passage supports is removed (and listed in ``Answer.removed``);
- markers are renumbered in order of first use, so the citations read ``[1]``, ``[2]``, …
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from langchain_core.documents import Document

from assistant.citations import MARKER, cite_sentences
from assistant.text import content_words
from assistant.types import Citation
from index.chunking import split_sentences
from index.folding import fold, fold_key

SentenceVectors = Callable[[list[str]], np.ndarray]

# "Turkey wants X. [1]" → "Turkey wants X [1]." so the marker stays with its sentence when split.
_MARKERS_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d+\])+)")
# Framing that is not a claim: "The answer is:", "According to the passages,", "The passage mentions that".
_ANSWER_PREFIX = re.compile(
    r"^\s*((the )?(short )?answer( is)?\s*:\s*|according to (the )?(passages?|articles?)( \[\d+\])?,\s*"
    r"|(the )?(passages?|articles?|text)( \[\d+\])? (mentions?|says?|states?|reports?|indicates?) that\s+)",
    re.IGNORECASE,
)
_REFUSAL = re.compile(
    r"not in the (provided )?(articles|passages)|(passages|articles) do(es)? not (say|mention|contain|answer)",
    re.IGNORECASE,
)
_SEMANTIC_WEIGHT = 0.5
# Names and numbers: a claim naming one its passage never mentions is not supported by it, however
# similar it reads ("Turkey sent drones to Egypt" against a passage about Libya).
_NAME_OR_NUMBER = re.compile(r"(?<!^)(?<![.!?]\s)\b([A-Z][\w'-]+|\d[\d,.]*\d|\d)")


@dataclass(slots=True)
class CheckedAnswer:
    """The answer that survived the check, and what the check did to it."""

    text: str
    citations: list[Citation]
    removed: list[str] = field(default_factory=list)
    dropped_markers: int = 0
    recited: int = 0
    supported_share: float = 0.0
    refused: bool = False


def is_refusal(text: str) -> bool:
    """Did the model say the passages don't answer the question?"""
    return bool(_REFUSAL.search(text))


def claim_sentences(text: str) -> list[tuple[str, list[int]]]:
    """``(sentence without markers, cited numbers)`` for each sentence that says something."""
    text = _ANSWER_PREFIX.sub("", " ".join(text.split()))
    text = _MARKERS_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", text)
    claims = []
    for start, end in split_sentences(text):
        sentence = _ANSWER_PREFIX.sub("", text[start:end])
        sentence = sentence[:1].upper() + sentence[1:]
        numbers = [int(n) for n in MARKER.findall(sentence)]
        bare = " ".join(MARKER.sub("", sentence).split())
        bare = re.sub(r"\s+([.,;:!?])", r"\1", bare)
        if content_words(bare):
            claims.append((bare, numbers))
    return claims


def check_answer(
    text: str,
    passages: Sequence[Document],
    sentence_vectors: SentenceVectors,
    *,
    min_support: float,
) -> CheckedAnswer:
    """Keep what the shown ``passages`` support, cited by the passages that support it."""
    if is_refusal(text):
        return CheckedAnswer(text="", citations=[], refused=True)
    claims = claim_sentences(text)
    if not claims or not passages:
        return CheckedAnswer(text="", citations=[], removed=[c for c, _ in claims])
    passage_sentences = [_sentences(p.page_content) for p in passages]
    support = _support_matrix([c for c, _ in claims], passages, passage_sentences, sentence_vectors)
    kept: list[tuple[str, list[Document]]] = []
    removed: list[str] = []
    dropped = recited = 0
    kept_chars = total_chars = 0
    for row, (claim, numbers) in enumerate(claims):
        total_chars += len(claim)
        valid = list(dict.fromkeys(n for n in numbers if 1 <= n <= len(passages)))
        dropped += len(numbers) - len([n for n in numbers if 1 <= n <= len(passages)])
        supporting = [n for n in valid if support[row, n - 1] >= min_support]
        if not supporting:
            best = int(np.argmax(support[row]))
            if support[row, best] < min_support:
                removed.append(claim)
                continue
            supporting = [best + 1]
            recited += 1
        kept.append((claim, [passages[n - 1] for n in supporting]))
        kept_chars += len(claim)
    final_text, citations = cite_sentences(kept)
    return CheckedAnswer(
        text=final_text,
        citations=citations,
        removed=removed,
        dropped_markers=dropped,
        recited=recited,
        supported_share=kept_chars / max(1, total_chars),
    )


def _sentences(text: str) -> list[str]:
    return [" ".join(text[start:end].split()) for start, end in split_sentences(text)] or [text]


def _support_matrix(
    claims: list[str],
    passages: Sequence[Document],
    passage_sentences: list[list[str]],
    sentence_vectors: SentenceVectors,
) -> np.ndarray:
    """``support[i, j]``: how well passage ``j`` backs claim ``i`` (0..1, higher is better)."""
    flat = [s for sentences in passage_sentences for s in sentences]
    vectors = sentence_vectors(claims + flat)
    claim_vectors, sentence_matrix = vectors[: len(claims)], vectors[len(claims) :]
    similarity = claim_vectors @ sentence_matrix.T
    support = np.zeros((len(claims), len(passages)))
    offset = 0
    for j, (passage, sentences) in enumerate(zip(passages, passage_sentences, strict=True)):
        best = similarity[:, offset : offset + len(sentences)].max(axis=1)
        offset += len(sentences)
        passage_text = f"{passage.metadata.get('title', '')} {passage.page_content}"
        passage_words = content_words(passage_text)
        passage_lower = fold_key(passage_text)  # "Kalin" in a claim is the passage's "Kalın"
        for i, claim in enumerate(claims):
            names = (name.lower().removesuffix("'s").rstrip(",.") for name in _NAME_OR_NUMBER.findall(fold(claim)))
            if any(name not in passage_lower for name in names):
                continue  # support stays 0: it names what the passage does not
            words = content_words(claim)
            overlap = len(words & passage_words) / max(1, len(words))
            support[i, j] = _SEMANTIC_WEIGHT * float(best[i]) + (1 - _SEMANTIC_WEIGHT) * overlap
    return support

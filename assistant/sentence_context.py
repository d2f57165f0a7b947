"""What a quoted sentence needs around it to be read alone.

An extractive answer lifts sentences out of their articles, and a sentence pointing back is then
unreadable (issue 27, "the answer first"): "The company announced Wednesday its board approved a
20-for-1 stock split" answers "Which company…?" only with the sentence before it ("Amazon shares
are about to get 20 times less expensive."). A sentence opening with a pronoun or a bare definite
description ("The band…", "The late-night TV host…") is quoted with its previous sentence when that
one names someone or something it does not: the antecedent, cited to the same passage.
"""

from __future__ import annotations

import re

from assistant.answer_kind import spans
from assistant.candidates import Candidate, article_of

# A pronoun, or "The" and a common noun: the sentence refers to something named before it.
_POINTS_BACK = re.compile(
    r"^[\"'“‘]?(?:(?i:he|she|they|it|its|his|her|their|this|these|those|that)\b|[Tt]he\s+[a-z])",
)
# Sentences are adjacent in their article when only this much (whitespace, a closing quote) lies between.
_ADJACENT_GAP = 4


def points_back(sentence: str) -> bool:
    """Whether ``sentence`` opens by referring to something named earlier in its article."""
    return bool(_POINTS_BACK.match(sentence))


def _names(sentence: str) -> set[str]:
    return {span.text.lower() for span in spans(sentence) if "name" in span.kinds}


def antecedent(sentence: Candidate, candidates: list[Candidate]) -> Candidate | None:
    """The sentence right before ``sentence`` in its article, when ``sentence`` points back and that
    one does not, and names something it does not (else None: nothing to resolve, or the article's
    text there is not among the retrieved passages)."""
    if not points_back(sentence.sentence):
        return None
    article = article_of(sentence)
    before = [
        c
        for c in candidates
        if article_of(c) == article and 0 <= sentence.offset - (c.offset + len(c.sentence)) <= _ADJACENT_GAP
    ]
    if not before:
        return None
    previous = max(before, key=lambda c: c.offset)
    # One pointing back itself ("It's the first time the trio…") names nothing to resolve with.
    resolves = not points_back(previous.sentence) and _names(previous.sentence) - _names(sentence.sentence)
    return previous if resolves else None


def read_with_antecedent(sentence: Candidate, candidates: list[Candidate]) -> str:
    """``sentence`` as a reader reads it in an answer: after its antecedent, when it has one."""
    previous = antecedent(sentence, candidates)
    return sentence.sentence if previous is None else f"{previous.sentence} {sentence.sentence}"


def with_antecedents(chosen: list[Candidate], candidates: list[Candidate]) -> list[Candidate]:
    """``chosen`` with the antecedent of each sentence pointing back just before it, once."""
    quoted = {c.sentence for c in chosen}
    result: list[Candidate] = []
    for candidate in chosen:
        previous = antecedent(candidate, candidates)
        if previous is not None and previous.sentence not in quoted:
            quoted.add(previous.sentence)
            result.append(previous)
        result.append(candidate)
    return result

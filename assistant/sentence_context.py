"""What a quoted sentence needs around it to be read alone.

An extractive answer lifts sentences out of their articles, and a sentence pointing back is then
unreadable (issue 27, "the answer first"): "The company announced Wednesday its board approved a
20-for-1 stock split" answers "Which company…?" only with the sentence before it ("Amazon shares
are about to get 20 times less expensive."). A sentence opening with a pronoun or a bare definite
description ("The band…", "The late-night TV host…") is quoted with its previous sentence when that
one names someone or something it does not: the antecedent, cited to the same passage.

A teaser lede works the other way round: "The majority of babies were born out of wedlock last year"
answers "What percentage…?" only with the sentence after it ("…51.3% of the total"). When the
answer's opening sentence names nothing of the kind the question asks for and the next sentence of
its article does, that one is quoted right after it: the payoff.
"""

from __future__ import annotations

import re

from assistant.answer_kind import asked_kind, new_spans, spans
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


def _adjacent(first: Candidate, second: Candidate) -> bool:
    """Whether ``second`` follows ``first`` in their article with only a space or so between."""
    gap = second.offset - (first.offset + len(first.sentence))
    return article_of(first) == article_of(second) and 0 <= gap <= _ADJACENT_GAP


def antecedent(sentence: Candidate, candidates: list[Candidate]) -> Candidate | None:
    """The sentence right before ``sentence`` in its article, when ``sentence`` points back and that
    one does not, and names something it does not (else None: nothing to resolve, or the article's
    text there is not among the retrieved passages)."""
    if not points_back(sentence.sentence):
        return None
    before = [c for c in candidates if _adjacent(c, sentence)]
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


def payoff(question: str, lead: Candidate, candidates: list[Candidate]) -> Candidate | None:
    """The sentence right after the answer's opening ``lead``, when the lead (read with its antecedent)
    names nothing of the kind ``question`` asks for and that sentence does (else None)."""
    kind = asked_kind(question, other_languages=True)
    if kind is None or new_spans(read_with_antecedent(lead, candidates), question, kind):
        return None
    after = [c for c in candidates if _adjacent(lead, c)]
    if not after:
        return None
    following = min(after, key=lambda c: c.offset)
    asks = following.sentence.rstrip("\"'”’ ").endswith("?")
    return following if not asks and new_spans(following.sentence, question, kind) else None


def quoted_sentences(question: str, chosen: list[Candidate], candidates: list[Candidate]) -> list[Candidate]:
    """What an answer quotes of its ``chosen`` sentences (the opening one first): each with its
    antecedent, and the opening one with its payoff."""
    quoted = with_antecedents(chosen, candidates)
    extra = payoff(question, chosen[0], candidates)
    if extra is not None and extra.sentence not in {c.sentence for c in quoted}:
        at = quoted.index(chosen[0]) + 1
        quoted[at:at] = [extra]
    return quoted

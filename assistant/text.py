"""Word-level helpers shared by the answerer and the reranker."""

from __future__ import annotations

import re

from index.chunking import split_sentences

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOPWORDS = frozenset(
    """a an the and or but of to in on at for from by with about as is are was were be been being do does
    did what which who whom whose when where why how that this these those it its their there here than
    then so not no yes can could would should will shall may might must have has had i you he she we
    they them his her our your my me us into over under after before during up down out off again very
    just also any some all according said says tell told""".split()
)


def content_words(text: str) -> set[str]:
    """Lower-cased words minus stop words, with a crude plural strip (Turkey's → turkey)."""
    words = set()
    for raw_word in _WORD.findall(text.lower()):
        word = raw_word.removesuffix("'s")
        if word in _STOPWORDS:
            continue
        words.add(word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word)
    return words


def question_focus(question: str) -> str:
    """The sentence that asks, in a question with context before it.

    Quiz-style questions set the scene first ("Oreo is celebrating its 110th birthday on March 6.
    What brand new flavor will it release?"): retrieval wants all of it, but the answer is the
    sentence that matches the asking part.
    """
    spans = split_sentences(question)
    if len(spans) < 2:
        return question
    asking = [question[start:end] for start, end in spans if question[start:end].rstrip().endswith("?")]
    return asking[-1] if asking else question[spans[-1][0] : spans[-1][1]]

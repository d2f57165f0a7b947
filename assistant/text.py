"""Word-level helpers shared by the answerer and the reranker."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from langchain_core.documents import Document

from assistant.languages import SUFFIX_AFTER_APOSTROPHE, function_words, starts_sentence, text_language
from index.chunking import split_sentences
from index.folding import fold_key

_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*")
# Letters of any script: "Ливия" is one word, not dropped, and a Latin word keeps its letters once folded
# ("şirket" → "sirket", not the fragment "irket" that happens to be English letters).
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_STOPWORDS = frozenset(
    """a an the and or but of to in on at for from by with about as is are was were be been being do does
    did what which who whom whose when where why how that this these those it its their there here than
    then so not no yes can could would should will shall may might must have has had i you he she we
    they them his her our your my me us into over under after before during up down out off again very
    just also any some all according said says tell told""".split()
)


def content_word_sequence(text: str) -> list[str]:
    """Lower-cased words minus stop words, in order, with a crude plural strip (Turkey's → turkey).

    Folded as keyword search folds them (:func:`index.folding.fold_key`): "Kalin" in a question is
    the article's "Kalın", "Zelenskyy’s" its "Zelensky's".
    """
    return list(_content_words_of(text, text_language(text)))


@lru_cache(maxsize=8192)
def _content_words_of(text: str, language: str | None, all_names: bool = False) -> tuple[str, ...]:
    # Cached: one answer reads each candidate passage's words several times (the reranker's word and
    # phrase boosts, the answerer's sentences, the kind of answer); reading them was 40 % of its time.
    raw_words = _WORD.findall(fold_key(text))
    # A question in Spanish shares "de" and "la" with English sentences by chance: its own function words
    # are left out too (assistant.languages).
    # A name is no function word though its language's frequent-word list holds it (Turkish "Fransa").
    foreign = frozenset() if all_names else function_words(language, raw_words)
    if foreign:
        foreign -= _names_of(text)
    suffixed = language in SUFFIX_AFTER_APOSTROPHE
    words = []
    for raw_word in raw_words:
        word = raw_word.split("'", 1)[0] if suffixed else raw_word.removesuffix("'s")
        if word in _STOPWORDS or raw_word in foreign:
            continue
        words.append(word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word)
    return tuple(words)


def _names_of(text: str) -> set[str]:
    """The folded words of ``text`` capitalised inside a sentence: names."""
    return {
        fold_key(match.group())
        for match in _WORD.finditer(text)
        if match.group()[0].isupper() and not starts_sentence(text, match.start())
    }


def content_words(text: str) -> set[str]:
    """The distinct words of :func:`content_word_sequence`."""
    return set(_content_words_of(text, text_language(text)))


def sentence_words(passage: str) -> list[set[str]]:
    """:func:`content_words` of each of the passage's sentences, read in the passage's language.

    A sentence is in the language of the text it stands in: guessing each one's language again was a
    third of the reranker's time (20 passages of ~8 sentences a question), and a short sentence, with
    too few frequent words to tell, would lose its language's function words.
    """
    language = text_language(passage)
    return [set(_content_words_of(passage[start:end], language)) for start, end in split_sentences(passage)]


def words_in_passage(sentence: str, passage: str) -> set[str]:
    """:func:`content_words` of one of ``passage``'s sentences, read in the passage's language (as
    :func:`sentence_words` reads them all)."""
    return set(_content_words_of(sentence, text_language(passage)))


def name_words(text: str) -> set[str]:
    """The content words of ``text``'s names (capitalised inside a sentence, in any script) and numbers,
    read in ``text``'s language: what it can share with a text in another language ("¿Qué exige
    Turquía a Haftar en 2020?" → turquia, haftar, 2020)."""
    language = text_language(text)
    # Turkish writes an apostrophe only between a proper name and its ending ("Hafter'in"): a name
    # even where it opens the sentence.
    suffixed = language in SUFFIX_AFTER_APOSTROPHE
    tokens = [
        match.group()
        for match in _WORD.finditer(text.replace("’", "'"))
        if match.group()[0].isdigit()
        or (
            match.group()[0].isupper()
            and (not starts_sentence(text, match.start()) or (suffixed and "'" in match.group()))
        )
    ]
    return set(_content_words_of(" ".join(tokens), language, all_names=True)) if tokens else set()


def question_names(question: str) -> set[str]:
    """The content words of the question's capitalised words ("Who is Ibrahim Kalin?" → ibrahim, kalin)."""
    return content_words(" ".join(_CAPITALISED.findall(question)))


def names_all(names: set[str], passage: Document) -> bool:
    """Whether the passage (title and text) holds every one of ``names``, folded: "Kalin" is its "Kalın"."""
    text = f"{passage.metadata.get('title', '')} {passage.page_content}"
    return bool(names) and names <= content_words(text)


_PREFIX_LETTERS = 5  # "president" counts in "presidential"; "port" does not in "portugal"


def words_all(question: str, passage: Document) -> bool:
    """Whether the passage (title and text) holds every content word of the question's asking sentence,
    each as written, as its singular, or opening a longer word: "Who is the president's spokesman?" asked of "Ibrahim
    Kalın, the presidential spokesman", which static vectors score 0.09, under the relevance floor."""
    wanted = content_words(question_focus(question))
    if not wanted:
        return False
    have = content_words(f"{passage.metadata.get('title', '')} {passage.page_content}")
    return all(
        _singular(word) in have or (len(word) >= _PREFIX_LETTERS and any(other.startswith(word) for other in have))
        for word in wanted - have
    )


def _singular(word: str) -> str:
    """An English plural's singular, roughly: "cities" (or its content word "citie") → "city", "boxes" → "box"."""
    if word.endswith(("ies", "ie")) and len(word) > 4:
        return word[: -3 if word.endswith("ies") else -2] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


_RESTATING_SHARE = 0.75  # of the asking sentence's content words, as answer_kind's CIRCULAR_COVERAGE


def asks_the_question(sentence: str, question: str) -> bool:
    """Whether ``sentence`` is the question asked again: a quiz page's "Which product remains difficult
    to find…?" above its options A to D answers nothing, whatever its cosine to the question (~1)."""
    if not sentence.rstrip("\"'”’ ").endswith("?"):
        return False
    asked = _asking_words(question)
    return bool(asked) and len(asked & content_words(sentence)) >= _RESTATING_SHARE * len(asked)


@lru_cache(maxsize=256)
def _asking_words(question: str) -> frozenset[str]:
    """The asking sentence's content words, read once per question (asked of every candidate sentence)."""
    return frozenset(content_words(question_focus(question)))


def content_phrases(text: str) -> set[tuple[str, str]]:
    """Pairs of neighbouring content words ("toxic masculinity", "atmospheric river"): a phrase of the
    question found in a passage is stronger evidence than its two words found apart."""
    return set(itertools.pairwise(_content_words_of(text, text_language(text))))


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

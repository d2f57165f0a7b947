"""What a question shares with a sentence: the answerer's shared-words term.

The answerer scores a sentence by its meaning first and adds a share of the question's content
words the sentence holds (:mod:`assistant.extractive`); its answer floor was calibrated with that
term in. A question in another language than its article can share only names and numbers with
it (a Spanish "exige" never meets an English "demands"), so its share was structurally small and
its answerable questions fell under the floor with off-topic ones (issue 27; docs/lab-notes.md,
"Every language answered"). Across languages (a question not in English, an English article) the
share is therefore taken of what can be shared, the question's names and numbers
(:func:`assistant.text.name_words`), when it has any; and a name in another script counts where the
sentence spells it alike (:mod:`assistant.spellings`). A question in the article's language is read
as before.
"""

from __future__ import annotations

import re

from assistant.abbreviations import abbreviation_met
from assistant.languages import text_language
from assistant.spellings import spelt_alike
from assistant.text import content_words, name_words, words_in_passage
from index.folding import fold_key

FOCUS_WEIGHT = 0.6  # the asking part's share of a question that sets a scene first
_LETTERS = re.compile(r"[^\W\d_]+")
_OPENING_MARKS = "¿¡\"'“‘«„ "


def sentence_overlap(question: str, focus: str, sentence: str, passage: str) -> float:
    """:func:`overlap` of one of ``passage``'s sentences, read in the passage's language; across
    languages (:func:`read_across_languages`): kin languages share more than names."""
    across = read_across_languages(question, passage)
    return overlap(question, focus, words_in_passage(sentence, passage), across_languages=across)


def read_across_languages(question: str, passage: str) -> bool:
    """Whether ``question`` is not in English and ``passage`` is: the case shared words and the answer
    floor make room for. Only that case: a Spanish passage is read as Asturian now and then, and kin
    languages share more than names."""
    return text_language(question) is not None and text_language(passage) is None


def names_met(question: str, passage: str) -> bool:
    """Whether ``passage`` names one of the names and numbers ``question`` names, however spelt: across
    languages, what tells "Кто такой Ибрагим Калын?" asked of the article naming Kalın from "Кто такой
    Владимир Путин?" or the boiling point of tungsten asked of it, where meaning alone scores them alike."""
    # The opening word too, as written: a Turkish question opens with its subject ("Kalın ateşkes
    # hakkında ne dedi?", "kalın" being also a Turkish word), and an ordinary word there meets none
    # of an English article's content words ("Was sagte…": "was" is not one).
    opening = set(_LETTERS.findall(fold_key(question.lstrip(_OPENING_MARKS).split(" ", 1)[0])))
    names = (name_words(question) & content_words(question)) | opening
    words = words_in_passage(passage, passage)
    return bool(names & (words | spelt_alike(question, words))) or abbreviation_met(question, passage)


def overlap(question: str, focus: str, sentence_words: set[str], *, across_languages: bool = False) -> float:
    """Share of the question's words in a sentence (its content words), the asking part's (``focus``)
    counting most; ``across_languages``: of the question's words that can be shared at all."""
    sentence_words = sentence_words | spelt_alike(question, sentence_words)
    whole = _share(question, sentence_words, across_languages)
    if focus == question:
        return whole
    return (1 - FOCUS_WEIGHT) * whole + FOCUS_WEIGHT * _share(focus, sentence_words, across_languages)


def _share(text: str, sentence_words: set[str], across_languages: bool) -> float:
    words = content_words(text)
    shareable = (name_words(text) & words if across_languages else set()) or words
    return min(1.0, len(words & sentence_words) / max(1, len(shareable)))

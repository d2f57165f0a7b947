"""Which words of a text are its language's function words, for texts not in English.

The answerer ranks sentences partly by the words they share with the question. With a multilingual
encoder a question may be Spanish and its article English, and then the words a Spanish question
shares with an English sentence are names and numbers ("Emmy", "Trump", "30"), or by chance its
own function words: "de", "la", "el" (de Blasio, LA, El Paso), German "die", "von", "der", Turkish
"ne", "kim". On the dev questions asked off-topic those chance matches gave Spanish questions a
higher share of shared words (0.20 at the median) than the answerable ones (0.06), which is
backwards (docs/lab-notes.md, "Every language answered").

So a text's language is guessed from the frequent-word lists jusText ships for 100 languages
(jusText comes with trafilatura): among the languages written in the text's script, the one whose
list holds more of its words than English's lists do. For a text not in English, the words of its
language's list are its function words, and :mod:`assistant.text` leaves them out like English
stop words. English text is left as it was: none of the 50 English dev questions nor the 20
off-topic ones was read as another language.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import justext

from index.folding import fold_key

# jusText's own names for English; everything else is another language.
_ENGLISH = ("English", "Simple_English")
_WORD = re.compile(r"[^\W_]+")


def _script(word: str) -> str:
    """The script of a word's first letter ("LATIN", "CYRILLIC", ...); "" without a letter."""
    letter = next((ch for ch in word if ch.isalpha()), "")
    return _letter_script(letter) if letter else ""


@lru_cache(maxsize=4096)
def _letter_script(letter: str) -> str:
    # Asked for every word of every passage a question reads: a name lookup per word was 7 % of an answer.
    return unicodedata.name(letter, "").split(" ", 1)[0]


# A text is read as another language on two of its words at least: one word ("la", "Trump") says nothing.
# In another script than Latin one word is enough: English is not a candidate, and a short question
# ("Кого обвинила Турция?") holds only one frequent word ("кого"). Not in a text of one word: a name
# read alone ("Путин", "Kalın") is no sentence of any language.
_MIN_VOTES = 2
_MIN_VOTES_OTHER_SCRIPT = 1


@dataclass(frozen=True, slots=True)
class _Lists:
    english: frozenset[str]  # English's frequent words
    words: dict[str, frozenset[str]]  # each other language's frequent words
    voters: dict[tuple[str, str], tuple[str, ...]]  # (script, word) -> the languages a word votes for


def _folded(name: str) -> frozenset[str]:
    """A jusText list folded as the words it is compared with are (:func:`index.folding.fold_key`):
    Spanish "qué" and "más" are a question's "que" and "mas", Turkish "için" its "icin"."""
    return frozenset(fold_key(w) for w in justext.get_stoplist(name) if _WORD.fullmatch(w))


# Some lists were made from pages quoting English (citations on Wikipedia): over half of Marathi's and
# Nepali's, a fifth to two fifths of Telugu's, Tamil's, Igbo's, Sundanese's words are English's frequent
# words, where a language's own list shares 1-6 % with English's. Of such a list only the words of
# another script than Latin are its own (Marathi's Devanagari); a Latin-script one is left out whole.
_ENGLISH_SHARE = 0.15


def _own_words(listed: frozenset[str], english: frozenset[str]) -> frozenset[str]:
    if len(listed & english) < _ENGLISH_SHARE * len(listed):
        return listed
    return frozenset(w for w in listed if _script(w) != "LATIN")


@lru_cache(maxsize=1)
def _lists() -> _Lists:
    """jusText's lists, read once (100 small files), with each word's languages for counting votes fast."""
    english = frozenset().union(*map(_folded, _ENGLISH))
    names = sorted(set(justext.get_stoplists()) - set(_ENGLISH))
    words = {name: listed for name in names if (listed := _own_words(_folded(name), english))}
    voters: dict[tuple[str, str], list[str]] = {}
    for name, listed in words.items():
        script = Counter(_script(w) for w in listed).most_common(1)[0][0]
        for word in listed - english:
            voters.setdefault((script, word), []).append(name)
    return _Lists(english, words, {key: tuple(names) for key, names in voters.items()})


def language_of(words: list[str]) -> str | None:
    """The language (jusText's name) these folded words (:func:`index.folding.fold_key`) are in;
    ``None`` for English, for a tie with English, or when fewer than two of them are frequent words
    of one language.

    A word votes for a language, or for English, when only one of the two lists it ("de" is on both:
    de Blasio). Only languages written in the words' script vote: the lists were made from
    Wikipedia and some (Marathi, Nepali) hold English words from citations, which outvoted English
    on 6 of 50 English dev questions until they were left out.
    """
    lists = _lists()
    script = _main_script(words)
    if not script:
        return None
    votes: Counter[str] = Counter()
    for word in words:
        for language in lists.voters.get((script, word), ()):
            votes[language] += 1
    # On a tie, the language whose list is shorter: its words say more (Spanish's 260 words over
    # Asturian's 529, Turkish's over Turkmen's). And by name last, so the answer never depends on the
    # order jusText's set of names came in.
    ranked = sorted(votes.items(), key=lambda vote: (-vote[1], len(lists.words[vote[0]]), vote[0]))
    for language, count in ranked[:3]:
        # Words both lists hold ("capital", "de" in Spanish and English) vote for neither.
        english = sum(word in lists.english and word not in lists.words[language] for word in words)
        if (
            count >= (_MIN_VOTES if script == "LATIN" or len(words) < 2 else _MIN_VOTES_OTHER_SCRIPT)
            and count > english
        ):
            return language
    return None


def _main_script(words: list[str]) -> str:
    """The script most of these words are written in; "" when none has a letter."""
    joined = "".join(words)
    if joined.isascii():  # most passages, at once: reading each word's script was 5 % of an answer
        return "LATIN" if any(ch.isalpha() for ch in joined) else ""
    scripts = Counter(script for script in map(_script, words) if script)
    return scripts.most_common(1)[0][0] if scripts else ""


# A word with its apostrophe ending ("Arizona's"), and what may stand before a sentence's first word.
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SENTENCE_END = frozenset('.!?¿¡:;"«»“”„()-–—')


def starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens the text or follows a sentence's end (spaces between).

    Looks back over the spaces only: matching a pattern against the whole text before each word was
    quadratic, a third of an answer's time on long passages.
    """
    if start == 0:
        return True
    before = start
    while before > 0 and text[before - 1].isspace():
        before -= 1
    return before > 0 and text[before - 1] in _SENTENCE_END


def _folded_tokens(unnamed: list[str]) -> list[str]:
    words: list[str] = []
    for word in unnamed:
        words.extend(_folded_words(word))
    return words


# Invisible marks inside a word (a soft hyphen: "Kal\u00adın") would split it in two.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")


def _unnamed(text: str) -> list[str]:
    """The words of ``text`` as written, but its names: a capitalised word inside a sentence ("Taylor
    Swift", "Grand Canyon", "MTV Video") is a name, in any language, and says nothing of the text's
    (Finnish's list of 5,900 words holds "taylor", "swift" and "video"). A sentence's first word is
    kept: it is the question word ("Which", "¿Qué", "Wer", "Кто")."""
    text = _INVISIBLE.sub("", text)
    return [
        match.group()
        for match in _TOKEN.finditer(text)
        if not (match.group()[0].isupper() and not starts_sentence(text, match.start()))
    ]


# An English possessive ("the port authority's spokeswoman") is no word of its own: its bare "s" is on
# eleven languages' lists and, with "port" on Finnish's, read the question as Finnish.
_POSSESSIVE = re.compile(r"['’]s$")


@lru_cache(maxsize=65536)
def _folded_words(token: str) -> tuple[str, ...]:
    # A word's folded form, once per word: passages repeat their words ("the", "said", names).
    return tuple(_WORD.findall(fold_key(_POSSESSIVE.sub("", token))))


@lru_cache(maxsize=4096)
def text_language(text: str) -> str | None:
    """The language ``text`` is in (jusText's name), read from its words that are not names;
    ``None`` for English or when it cannot tell (:func:`language_of`).

    Cached: an answer reads the same passages' words in the reranker, the phrase boost and the
    sentence choice."""
    unnamed = _unnamed(text)  # once: a passage's words are read for its language and for its marks
    words = _folded_tokens(unnamed)
    language = language_of(words)
    if language is None and len(words) >= 2 and (marked := _marked_language(text, unnamed)):
        lists = _lists()
        english = sum(word in lists.english and word not in lists.words[marked] for word in words)
        return marked if english < _MIN_VOTES else None
    return language


# A short question has too few frequent words to tell its language ("¿De qué acusó Turquía a
# Francia?": one Spanish word, "que"), but some marks and letters belong to one language of those
# people ask a multilingual index in: "¿" and "¡" open only Spanish sentences; "ı", "ğ", "ş" are
# Turkish; "ы", "э", "ъ" Russian (Ukrainian has none); "і", "ї", "є", "ґ" Ukrainian. Read only where
# the words did not tell and fewer than two are English's (as language_of counts), in a text of two
# words or more, and only in words that are not names:
# "Erdoğan" in an English question is a name.
_MARKED = (("ığş", "Turkish"), ("ыэъ", "Russian"), ("іїєґ", "Ukrainian"))


def _marked_language(text: str, unnamed: list[str]) -> str | None:
    if "¿" in text or "¡" in text:
        return "Spanish"
    letters = set("".join(unnamed).lower())
    return next((language for marks, language in _MARKED if letters.intersection(marks)), None)


def function_words(language: str | None, words: list[str]) -> frozenset[str]:
    """Of these folded words, those on ``language``'s frequent-word list (none for English, ``None``)."""
    return _lists().words[language].intersection(words) if language else frozenset()


# Languages that write a name's case ending after an apostrophe: Turkish "Libya'da" is "in Libya",
# "Hafter'in" "Haftar's"; the name alone is the word an English sentence may share.
SUFFIX_AFTER_APOSTROPHE = frozenset({"Turkish", "Azerbaijani"})

"""Example questions for the chat, drawn from what is indexed: the first screen starts from the
reader's own news.

Questions about the names the newest indexed stories talk about most come first ("What is the
latest on Fagradalsfjall?"), one per story, newest first. The configured questions
(``ASSISTANT_EXAMPLE_QUESTIONS``) are offered before them when an operator set them, and only when
the index answers them. Left at their default they are the bundled sample's (Libya, June 2020):
those are offered only while the sample is all the index holds (every indexed article is one they
are answered from), so a reader with 33 articles of their own no longer sees questions about
Libya. Every question offered is first put to the extractive answerer (retrieval and sentence
selection only, never a language model), so clicking an example never leads to "not in the
articles".
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from assistant.answerer import AnswerInput

if TYPE_CHECKING:
    from assistant.service import Assistant
    from index.store import IndexedArticle

logger = logging.getLogger(__name__)

# A run of capitalised words ("Khalifa Haftar", "NATO", "New York"): a name, unless it opens a sentence.
_NAME = re.compile(r"[A-Z][\w'’.-]*[A-Za-z](?:\s+[A-Z][\w'’.-]*[A-Za-z])*")
_SENTENCE_OPENER = re.compile(r"(?:^|[.!?:;\"“”‘’(\[\n]\s*)$")
_NOT_NAMES = frozenset(
    """the a an and but or so in on at of for to from by with as if he she it they we you i his her its their
    our this that these those there here when while after before what who why how monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august september october
    november december mr mrs ms dr""".split()
)
_CONTRACTION = re.compile(r"['’](?:ve|re|ll|d|m|t)$", re.IGNORECASE)
_ARTICLES_LOOKED_AT = 12


def main_name(text: str, title: str = "") -> str | None:
    """The name ``text`` mentions most, preferring names its ``title`` carries (ties: the first), or None.

    >>> text = "In Libya, Turkey said Haftar must leave Sirte. Officials said Turkey wants a truce."
    >>> main_name(text), main_name(text, title="Haftar told to leave Sirte")
    ('Turkey', 'Haftar')
    """
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    # Full forms a shorter name may stand for: the title's names, and runs opening a sentence whole
    # ("Taylor Swift and…" counts as "Swift", but says whose surname the later "Swift" is).
    # A run's opening word counts only when the text never writes it in lower case: "Rebuilt Kessel
    # dam refilled" (a title) names Kessel, since the text says "the rebuilt Kessel dam".
    lower_words = set(re.findall(r"\b[a-z][\w'’-]*", f"{title} {text}"))
    forms = {
        name
        for match in _NAME.finditer(title)
        if (name := _name_of(_as_name(match.group().split(), match.start() == 0, lower_words)))
    }
    for match in _NAME.finditer(text):
        words = match.group().split()
        if _SENTENCE_OPENER.search(text[max(0, match.start() - 3) : match.start()]):
            forms.add(_name_of(_as_name(words, True, lower_words)))
            words = words[1:]  # "The", "Officials" … open a sentence: capitalised, but not names
        name = _name_of(words)
        if sum(character.isalpha() for character in name) < 3:  # "U.S", "EU": too short to ask about alone
            continue
        counts[name] += 1
        first_seen.setdefault(name, match.start())
    _merge_short_forms(counts, first_seen, forms)
    in_title = [name for name in counts if name in title]
    candidates = in_title or list(counts)
    if not candidates:
        return None
    return min(candidates, key=lambda name: (-counts[name], first_seen[name]))


def with_article(name: str, text: str) -> str:
    """``name`` as ``text`` writes it standing alone: with "the" when it does so more often than not
    ("the Iberian Cup", "the Kremlin"; "Kessel" and "NATO" stay bare).

    Only a mention not followed by a lower-case word, a hyphen or a possessive counts: "the Kessel
    dam", "the NATO summit" and "the Taylor Swift-Travis Kelce wedding" put "the" before what follows.

    >>> with_article("Iberian Cup", "Porto beat Sevilla to lift the Iberian Cup. Porto won the Iberian Cup final.")
    'the Iberian Cup'
    >>> with_article("NATO", "The NATO summit opened. NATO said so. Leaders met the NATO chief.")
    'NATO'
    >>> with_article("Taylor Swift", "The Taylor Swift-Travis Kelce wedding: the Taylor Swift's fans came.")
    'Taylor Swift'
    """
    with_the = without = 0
    for mention in re.finditer(rf"(\b[Tt]he\s+)?{re.escape(name)}\b(?!\s+[a-z]|[-‐–'’])", text):
        if mention.group(1):
            with_the += 1
        else:
            without += 1
    return f"the {name}" if with_the > without else name


def _merge_short_forms(counts: Counter[str], first_seen: dict[str, int], forms: Iterable[str] = ()) -> None:
    """Count a surname with the full name it shortens ("Swift" with "Taylor Swift": news names a person
    in full once, then by surname) and a plural with its singular ("World Cups" with "World Cup"), the
    full forms taken from the names counted or ``forms`` seen elsewhere, so the example asks about the
    name as a reader would write it.

    >>> counts = Counter({"Taylor Swift": 2, "Swift": 5, "World Cups": 2, "World Cup": 1, "Cuba": 1})
    >>> _merge_short_forms(counts, dict.fromkeys(counts, 0))
    >>> sorted(counts.items())
    [('Cuba', 1), ('Taylor Swift', 7), ('World Cup', 3)]
    >>> counts = Counter({"Swift": 5, "World Cups": 1})
    >>> _merge_short_forms(counts, dict.fromkeys(counts, 0), ["Taylor Swift", "USMNT World Cup"])
    >>> sorted(counts.items())
    [('Taylor Swift', 5), ('World Cup', 1)]
    """
    elsewhere = set(forms)
    for name in sorted(counts, key=len):
        known = set(counts) | elsewhere
        full = [other for other in known if " " not in name and other != name and _ends_with(other, name)]
        singular = name[:-1] if name.endswith("s") and any(_ends_with(other, name[:-1]) for other in known) else None
        into = max(full, key=lambda other: counts.get(other, 0)) if full else singular
        if into is not None:
            counts[into] += counts.pop(name)
            first_seen[into] = min(first_seen.get(into, first_seen[name]), first_seen.pop(name))


def _as_name(words: list[str], opens: bool, lower_words: set[str]) -> list[str]:
    """The words of a capitalised run that may be a name: an opening word (of a sentence or a title)
    that the text also writes in lower case ("Rebuilt", "Officials") is left out."""
    return words[1:] if opens and words and words[0].lower() in lower_words else words


def _ends_with(name: str, last: str) -> bool:
    """Whether ``name`` is ``last`` or ends with it as whole words ("USMNT World Cup", "World Cup")."""
    return name == last or name.endswith(f" {last}")


def _name_of(words: list[str]) -> str:
    """The name these capitalised words make, without what is no name ("The", "We've", a final dot)."""
    return " ".join(_name_word(word) for word in words if _name_word(word)).rstrip(".")


def _name_word(word: str) -> str:
    """``word`` as part of a name ("Haftar's" → "Haftar"), or "" for what is no name ("We've", "The")."""
    word = word.removesuffix("'s").removesuffix("’s")
    if word.lower().strip(".") in _NOT_NAMES or _CONTRACTION.search(word):
        return ""
    return word


def answers(assistant: Assistant, question: str) -> bool:
    """Whether the index answers ``question`` (checked without any language model)."""
    return _answered_from(assistant, question) is not None


def _answered_from(assistant: Assistant, question: str) -> set[str] | None:
    """The articles the index answers ``question`` from (checked without any language model); None
    when it does not answer it."""
    passages = assistant.retriever.invoke(question)
    answer = assistant.extractive.invoke(AnswerInput(question=question, passages=passages))
    return {citation.article_id for citation in answer.citations} if answer.answered else None


def example_questions(
    assistant: Assistant,
    configured: Iterable[str],
    count: int,
    articles: list[IndexedArticle] | None = None,
    *,
    sample: bool = False,
) -> list[str]:
    """Up to ``count`` questions the index answers: the configured ones first, then about the newest
    stories; with ``sample`` (the configured questions are the bundled sample's), the configured ones
    only while every indexed article is one they are answered from.

    ``articles`` (``store.articles()``, newest first) saves a pass over the index when the caller has it.
    """
    if count <= 0 or assistant.store.count() == 0:
        return []
    articles = assistant.store.articles() if articles is None else articles
    answered = {question: _answered_from(assistant, question) for question in configured}
    chosen = [question for question, found in answered.items() if found is not None]
    if sample:
        cited = set().union(*(found for found in answered.values() if found is not None))
        only_the_sample = bool(chosen) and {article.id for article in articles} <= cited
        chosen = chosen if only_the_sample else []
    chosen = chosen[:count]
    chosen += _about_the_newest(assistant, articles, count - len(chosen), avoid=chosen)
    logger.info("example questions: %s", chosen)
    return chosen


def _about_the_newest(assistant: Assistant, articles: list[IndexedArticle], count: int, avoid: list[str]) -> list[str]:
    """Up to ``count`` answerable questions about the names the newest articles talk about most, one
    per story (:mod:`index.stories.groups`) and per name, newest first."""
    newest = articles[:_ARTICLES_LOOKED_AT]
    story_of = assistant.store.story_groups.stories_of([article.id for article in newest])
    found: list[str] = []
    names_used: set[str] = set()
    stories_used: set[str] = set()
    for article in newest:
        if len(found) >= count:
            break
        story = story_of.get(article.id, article.id)
        if story in stories_used:
            continue
        text = assistant.store.article_text(article.id) or ""
        name = main_name(text, article.title)
        if name is None or name.lower() in names_used:
            continue
        names_used.add(name.lower())
        question = f"What is the latest on {with_article(name, f'{article.title}. {text}')}?"
        if question not in avoid and question not in found and answers(assistant, question):
            found.append(question)
            stories_used.add(story)
    return found

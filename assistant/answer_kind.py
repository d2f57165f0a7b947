"""What kind of thing a question asks for, and where a sentence names one.

"Who won…?" asks for a person, "Where…?" or "Which country…?" for a place, "How many…?" for a
number, "When…?" for a date, "Which company…?" for an organisation, "Which film…?" or "Which
word…?" for a title (a name, or a short quoted phrase: "goblin mode"), "Which product…?" for a name. A
sentence answers such a question when it names a thing of that kind *that the question does not
already name*: "Emmanuel Macron won France's presidential election" answers "Who won France's
presidential election?", while "France held its presidential election this week" only repeats it.
The extractive answerer ranks the first above the second (:mod:`assistant.extractive`) and the
span itself is the answer's ``short_answer`` (:mod:`assistant.short_answer`).

No tagger is installed, so kinds are read from the text's form: runs of capitalised words are
names, a run that is a country (babel's territory names), a US state, a city of the time-zone
database or follows "in"/"at"/"from" is a place, one ending in Inc, Party, Ministry… or written
in capitals (NATO) an organisation, two or more words not a place nor an organisation a person;
numbers and amounts by their digits, currency signs and scale words; dates by month and day names.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from functools import cache
from typing import Literal

from babel import Locale

from assistant.kind_words import kind_in_other_language
from assistant.languages import text_language
from assistant.text import content_words, question_focus

Kind = Literal["person", "place", "number", "date", "organisation", "title", "name"]
_COMPASS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central"}

# The question's form → the kind asked for; the first rule that matches the asking sentence wins.
_PERSON_NOUNS = (
    r"person|people|man|woman|men|women|leader|president|official|politician|candidate|actor|actress|singer|"
    r"musician|rapper|artist|athlete|player|star|celebrity|senator|governor|lawmaker|judge|ceo|executive|"
    r"billionaire|author|writer|director|comedian|host|lawyer|minister|king|queen|prince|princess|pope|"
    r"member|figure|coach|quarterback|golfer|tennis player|driver|justice|mayor|rival|spokesperson|founder|"
    r"chancellor|premier|ambassador|secretary|general|commander|astronaut|scientist|chef|model|band member"
)
_PLACE_NOUNS = (
    r"country|countries|nation|state|states|city|cities|town|village|island|region|province|county|continent|"
    r"capital|place|location|area|territory|neighborhood|neighbourhood|airport|port|river|sea|ocean|lake|"
    r"mountain|volcano|park|border|district|venue|stadium"
)
_ORGANISATION_NOUNS = (
    r"company|companies|firm|airline|automaker|carmaker|brand|team|club|organization|organisation|agency|party|"
    r"network|broadcaster|retailer|bank|chain|university|college|school|band|group|business|corporation|"
    r"manufacturer|outlet|newspaper|publisher|platform|app|startup|tech company|tech giant|giant|studio|league|"
    r"union|court|department|ministry|government|streaming service|service|store|restaurant|maker"
)
# A work's title or a coined term ("Which film…?", "Which word…?"): a name, or a short quoted phrase
# ("gaslighting", "goblin mode"), which words in lower case are only as a quotation.
_TITLE_NOUNS = (
    r"word|words|term|phrase|slogan|nickname|song|film|movie|album|show|series|book|novel|title|hashtag|motto|"
    r"catchphrase|expression|slang"
)
_QUOTED = re.compile(r"[\"“]([^\"“”]{2,60}?)[,.!?]?[\"”]")
_QUOTED_WORDS = 6
_FORMS: tuple[tuple[re.Pattern[str], Kind], ...] = (
    (re.compile(r"\bhow (?:many|much|old|long|far|tall|big|high|large|fast|often)\b"), "number"),
    (re.compile(r"\bwhat (?:percentage|percent|share|proportion|number|amount|age|price|cost|sum|fine)\b"), "number"),
    (
        re.compile(r"\bwhat (?:is|was|were|are) the (?:\w+ )?(?:number|amount|price|cost|age|total|rate|percentage)\b"),
        "number",
    ),
    (
        re.compile(r"^(?:when|on what (?:day|date))\b|\bwhat (?:day|date|year|month)\b|\bwhich (?:day|year|month)\b"),
        "date",
    ),
    (re.compile(r"^(?:where)\b|\b(?:where|in what place)\b"), "place"),
    (re.compile(rf"\b(?:which|what)(?: \w+)?(?: \w+)? (?:{_PLACE_NOUNS})\b"), "place"),
    (re.compile(r"\b(?:who|whom|whose)\b"), "person"),
    (re.compile(rf"\b(?:which|what)(?: \w+)?(?: \w+)? (?:{_PERSON_NOUNS})\b"), "person"),
    (re.compile(rf"\b(?:which|what)(?: \w+)?(?: \w+)? (?:{_ORGANISATION_NOUNS})\b"), "organisation"),
    (re.compile(rf"\b(?:which|what)(?: \w+)?(?: \w+)? (?:{_TITLE_NOUNS})\b"), "title"),
    (
        re.compile(r"\b(?:which|what) (?!(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could)\b)\w+"),
        "name",
    ),
)

# A name's words: capitalised words, joined by the small words names keep inside ("Bank of America").
_CONNECTORS = frozenset({"of", "de", "del", "da", "la", "le", "van", "von", "bin", "al", "and", "&", "the", "for"})
_TITLES = frozenset(
    """president vice prime minister secretary sen senator rep representative gov governor mayor dr mr mrs ms
    judge justice king queen prince princess pope chancellor general gen ceo chairman chair director speaker
    former late sir dame lord lady state house leader premier attorney ambassador first""".split()
)
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_NOT_NAMES = frozenset(
    [
        *_MONTHS,
        *_DAYS,
        *"""a an the in on at for from by with about as is are was were but and or if when while after before
    during since until this that these those it its he she they we i you his her their our my there here
    what which who how why where according however meanwhile also still now then so yet last next earlier
    later today mr mrs ms dr st covid-19 covid""".split(),
    ]
)
_ORGANISATION_WORDS = frozenset(
    """inc inc. corp corp. corporation co co. company companies ltd llc plc group party ministry department agency
    bank airlines airline airways motors university college institute association council committee commission
    foundation fund federation union league club network news times post journal press studios pictures
    records entertainment technologies systems holdings partners capital industries laboratories labs
    organization organisation administration bureau authority service services court parliament senate congress
    assembly army navy force forces police fc nfl nba mlb nhl fifa nasa""".split()
)
_PLACE_BEFORE = frozenset({"in", "at", "from", "near", "to", "into", "across", "outside", "inside", "throughout"})
# Fifty states and the capital: no installed library lists them (babel stops at countries).
US_STATES = [
    *"""Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii
Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi
Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia
Washington Wisconsin Wyoming""".split(),
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Rhode Island",
    "South Carolina", "South Dakota", "West Virginia", "Washington, D.C.", "District of Columbia",
]  # fmt: skip

WORD = re.compile(r"[$€£]?[\w'’.\-&]+|[^\w\s]")
_NUMBER = re.compile(
    r"(?:[$€£]\s?\d(?:[\d,]*\d)?(?:\.\d+)?|\b\d(?:[\d,]*\d)?(?:\.\d+)?)"
    r"(?:\s?(?:%|percent\b|million\b|billion\b|trillion\b|thousand\b|hundred\b))?"
)
_NUMBER_WORDS = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen)"
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine|hundred|thousand|million|billion))?\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_DATE = re.compile(
    rf"\b(?:(?:{'|'.join(_MONTHS)})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+(?:{'|'.join(_MONTHS)})(?:\s+\d{{4}})?"
    rf"|(?:{'|'.join(_MONTHS[:12])})(?:\s+\d{{4}})?|(?:{'|'.join(_DAYS)})|(?:1[89]|20)\d\d)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Span:
    """A thing a sentence names: its text and the kinds it may be."""

    text: str
    kinds: frozenset[Kind]


@cache
def countries() -> frozenset[str]:
    """Countries and regions, lower-cased: babel's English territory names and common short forms."""
    names = {name.lower() for name in Locale("en").territories.values()}
    # CLDR now writes "Türkiye"; news still writes Turkey.
    short = {"us", "u.s.", "usa", "uk", "u.k.", "america", "britain", "england", "scotland", "wales", "turkey"}
    return frozenset(names | short)


@cache
def _places() -> frozenset[str]:
    """Countries and regions (babel's English territory names), US states, and the cities of the
    time-zone database (``America/New_York`` → New York), lower-cased."""
    names = {name.lower() for name in Locale("en").territories.values()}
    names |= countries() | {"europe"}
    names |= {state.lower() for state in US_STATES}
    for zone in zoneinfo.available_timezones():
        names.add(zone.rsplit("/", 1)[-1].replace("_", " ").lower())
    return frozenset(names)


def asked_kind(question: str, *, other_languages: bool = False) -> Kind | None:
    """The kind of thing ``question`` asks for, read from its asking sentence; None when its form
    does not say (a "why", "what is…", a yes/no question) or it is not in English.

    The forms are English. A question in another language (asked of a multilingual index) has no
    kind for its short answer: "¿Quién es Ibrahim Kalın?" or "Кто такой Ибрагим Калын?" names its
    subject in a spelling an English sentence need not share, so the subject itself would be the
    "new" person and the short answer wrong. For ranking sentences (``other_languages``) its question
    word is read (:mod:`assistant.kind_words`), as the answer floor counts on the kind's lift.
    """
    asking = question_focus(question)
    if text_language(asking) is not None:
        return kind_in_other_language(asking) if other_languages else None
    focus = " ".join(asking.lower().split())
    for pattern, kind in _FORMS:
        if pattern.search(focus):
            return kind
    return None


def bare(word: str) -> str:
    return word.strip("\"'“”‘’()[]")


def is_capitalised(word: str) -> bool:
    """A word that may be part of a name: capitalised, not a common capitalised word, and not a
    compound adjective ("Chinese-owned", "Instagram-friendly": a name does not go on in lower case)."""
    text = bare(word)
    return bool(_PREFIXED_NAME.match(text)) or (
        bool(text) and text[0].isupper() and text.lower().rstrip(".") not in _NOT_NAMES and not _ADJECTIVE.search(text)
    )


_ADJECTIVE = re.compile(r"-[a-z]")
_PREFIXED_NAME = re.compile(r"^(?:al|el|ad|as|ash|at|az|ibn|bin|abu)-[A-Z]")  # "Fayez al-Sarraj", "el-Sisi"


def _names(sentence: str) -> list[tuple[str, str]]:
    """Runs of capitalised words (with the connectors names keep inside) and the word before each."""
    words = WORD.findall(sentence)
    runs: list[tuple[str, str]] = []
    current: list[str] = []
    before = ""
    for index, word in enumerate(words):
        if is_capitalised(word) and not (index == 0 and bare(word).lower() in _NOT_NAMES):
            if not current:
                before = words[index - 1].lower() if index else ""
            current.append(bare(word).removesuffix("'s").removesuffix("’s"))
            if word.endswith(("'s", "’s")) or (word.endswith(".") and len(bare(word)) > 3):
                runs.append((" ".join(current), before))
                current = []
            continue
        if current and word.lower() in _CONNECTORS and index + 1 < len(words) and is_capitalised(words[index + 1]):
            current.append(word)
            continue
        if current:
            runs.append((" ".join(current), before))
            current = []
    if current:
        runs.append((" ".join(current), before))
    return [(_untitled(run), before) for run, before in runs if _untitled(run)]


def _untitled(name: str) -> str:
    """The name without the titles before it ("Secretary of State Antony Blinken" → "Antony Blinken")."""
    words = name.rstrip(".").split()
    while len(words) > 1 and (words[0].lower().rstrip(".") in _TITLES or words[0].lower() in _CONNECTORS):
        words.pop(0)
    return " ".join(words).strip(" ,")


# "the strategic city of Sirte": what follows names a place whatever the gazetteer knows.
_PLACE_OF = re.compile(r"\b(?:city|town|village|province|region|state|island|port) of\s*$", re.IGNORECASE)


def spans(sentence: str) -> list[Span]:
    """Every name, number and date ``sentence`` holds, in order of appearance, with its possible kinds."""
    found: list[tuple[int, Span]] = []
    places = _places()
    for match in _DATE.finditer(sentence):
        found.append((match.start(), Span(match.group(0), frozenset({"date"}))))
    # A number inside a date ("Aug. 8", "May 2") is the date's day, not a count.
    in_dates = [m.span() for m in _DATE.finditer(sentence)]
    for match in _NUMBER.finditer(sentence):
        text = match.group(0).strip()
        if any(start <= match.start() < end for start, end in in_dates) or _YEAR.match(text):
            continue
        found.append((match.start(), Span(text, frozenset({"number"}))))
    for match in _NUMBER_WORDS.finditer(sentence):
        found.append((match.start(), Span(match.group(0), frozenset({"number"}))))
    cursor = 0
    for name, before in _names(sentence):
        position = sentence.find(name.split()[0], cursor)
        cursor = max(cursor, position)
        words = name.lower().split()
        kinds: set[Kind] = {"name"}
        if name.lower() in places or name.lower().removeprefix("the ") in places:
            kinds.add("place")
        elif (before in _PLACE_BEFORE and len(words) <= 3) or _PLACE_OF.search(sentence[: max(position, 0)]):
            kinds |= {"place", "organisation"}
        if (
            words[-1].rstrip(".") in _ORGANISATION_WORDS
            or words[0] in _ORGANISATION_WORDS
            or (name.isupper() and 2 <= len(name) <= 6)
        ):
            kinds.add("organisation")
        elif "place" not in kinds:
            kinds.add("organisation")  # a single capitalised word is as likely a company (Google) as anything
            # "North African security": a region's word, not a first name.
            if (len(words) >= 2 and words[0] not in _COMPASS) or before in {"by", "said", "says", "told"}:
                kinds.add("person")
        found.append((max(position, 0), Span(name, frozenset({*kinds, "title"}))))
    for match in _QUOTED.finditer(sentence):
        if len(match.group(1).split()) <= _QUOTED_WORDS:
            found.append((match.start(), Span(match.group(1).strip(), frozenset({"title"}))))
    return [span for _, span in sorted(found, key=lambda pair: pair[0])]


def quoted(text: str, sentence: str) -> bool:
    """Whether ``sentence`` holds ``text`` in quotation marks."""
    return any(match.group(1).strip() == text for match in _QUOTED.finditer(sentence))


def _named_in(span: Span, question: str, question_words: set[str]) -> bool:
    """Whether the question already names ``span``: all its content words are the question's."""
    words = content_words(span.text)
    if not words:
        return span.text.lower() in question.lower()
    return words <= question_words


def new_spans(sentence: str, question: str, kind: Kind) -> list[str]:
    """The things of ``kind`` that ``sentence`` names and ``question`` doesn't, in order."""
    question_words = content_words(question)
    return [
        span.text for span in spans(sentence) if kind in span.kinds and not _named_in(span, question, question_words)
    ]


def is_circular(sentence: str, question: str, kind: Kind) -> bool:
    """Whether ``sentence`` only restates the question: it names no thing of the kind asked for, and
    nearly all its words are the question's or it holds most of the question's words."""
    words, asked = content_words(sentence), content_words(question)
    if not words or new_spans(sentence, question, kind):
        return False
    restated = len(words & asked) >= CIRCULAR_COVERAGE * len(asked)
    return restated or len(words - asked) <= max(1, len(words) // 4)


def lead_sentence(question: str, sentences: list[str], first: int) -> int | None:
    """Which of an answer's ``sentences`` (best first) opens it: the best naming what ``question``
    asks for, unless the one reading order puts ``first`` names such a thing already (None)."""
    kind = asked_kind(question, other_languages=True)
    if kind is None:
        return None
    named = [bool(new_spans(sentence, question, kind)) for sentence in sentences]
    return None if named[first] else next((i for i, has in enumerate(named) if has), None)


# How much a sentence naming a thing of the kind asked for gains in the answerer's sentence score
# (meaning ~0.3-0.8, shared words ≤ 0.25), and how much one that only restates the question loses.
KIND_BONUS = 0.15
CIRCULAR_PENALTY = 0.1
CIRCULAR_COVERAGE = 0.75  # the share of the question's words a restating sentence holds


def answer_bonus(sentence: str, question: str, kind: Kind) -> float:
    """The score a sentence gains for naming something of ``kind`` the question doesn't (or loses
    for restating the question)."""
    if new_spans(sentence, question, kind):
        return KIND_BONUS
    return -CIRCULAR_PENALTY if is_circular(sentence, question, kind) else 0.0

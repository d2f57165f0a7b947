"""Questions that ask for a shape of news, not a fact: briefings, timelines, comparisons of outlets.

"What happened this week?", "Brief me on Libya since Monday", "the news of 3 March 2023" ask for
a *briefing*; "How did the Sirte talks develop?", "timeline of the strike" for a *timeline*; "How
did outlets report the cease-fire?" for a *comparison*. Top-k passages answer none of them well, so
they are recognised here (by their wording: a misread fact question would get a briefing instead of
an answer, so the patterns are explicit phrases, not guesses) and handed to their own answerers.

Each request carries its topic (the words left once the asking phrase and the period are taken
out; empty: all the news) and its period, as the words name it: none when they name none. A
briefing without one covers the :data:`BRIEFING_DAYS` days up to the reference date, or, on a
topic, the topic's latest stories (:mod:`assistant.news.briefing`); a timeline or comparison
without one covers all time.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from assistant.dates import DateWindow, window_from_question

RequestKind = Literal["briefing", "timeline", "comparison"]
BRIEFING_DAYS = 7

_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAYS = {name.lower(): n for n, name in enumerate(calendar.day_name)}
_WEEKDAY = "|".join(_WEEKDAYS)

_BRIEFING = re.compile(
    r"^(?:(?:please\s+)?(?:give\s+me\s+)?(?:a\s+)?(?:brief(?:ing)?|summary|round-?up|digest|catch\s+(?:me\s+)?up)"
    r"(?:\s+me)?\b|what(?:'s|\s+is|\s+has)?\s+(?:happened|happening|new|the\s+news)\b"
    r"|what\s+(?:happened|went\s+on)\b|(?:summari[sz]e|brief\s+me\s+on)\s+the\s+news\b"
    r"|(?:the\s+)?(?:top\s+)?(?:news|headlines|stories)\s+(?:of|from|for|on|since|this|today|yesterday|last)\b)",
    re.IGNORECASE,
)
# "timeline" only as the thing asked for ("timeline of X", "give me a timeline for X"): a question
# *about* a timeline ("NASA revealed a timeline for which project?", a real dev question) is a fact.
_TIMELINE = re.compile(
    r"^(?:(?:please\s+)?(?:give|show|make|build|draw)\s+(?:me\s+)?)?(?:(?:what\s+is|what's)\s+)?(?:a\s+|the\s+)?"
    r"(?:timeline|chronology)\s+(?:of|for|on)\b|\bin\s+chronological\s+order\b"
    r"|\bhow\s+(?:did|has|have|do)\s+(?P<subject>.+?)\s+"
    r"(?:develop(?:ed)?|evolve[d]?|unfold(?:ed)?|progress(?:ed)?|play(?:ed)?\s+out)\b",
    re.IGNORECASE,
)
_COMPARISON = re.compile(
    r"\bhow\s+(?:did|do|have)\s+(?:the\s+|different\s+|various\s+)?(?:outlets|media|newspapers|sources|papers|"
    r"news\s+outlets|publications)\s+(?:report|cover|describe|see)\b|\bcompare\s+(?:the\s+)?(?:coverage|reports?|"
    r"reporting)\b|\bdo\s+(?:the\s+)?(?:outlets|media|sources|reports)\s+agree\b|\bwho\s+reported\b",
    re.IGNORECASE,
)
# Periods a briefing names beyond what assistant.dates knows (which covers "this week", "in 2023"…).
_SINCE_WEEKDAY = re.compile(rf"\bsince\s+(?:last\s+)?({_WEEKDAY})\b", re.IGNORECASE)
_LAST_DAYS = re.compile(r"\b(?:last|past)\s+(\d{1,3})\s+days?\b", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_ISO_DAY = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_ORDINAL_WEEK = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "last": -1}
_WEEK_OF_MONTH = re.compile(
    rf"\b(?:the\s+)?({'|'.join(_ORDINAL_WEEK)})\s+week\s+of\s+({_MONTH})\.?,?\s+((?:19|20)\d\d)\b", re.IGNORECASE
)
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?,?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
# Relative periods, read as a person asking for a briefing means them (assistant.dates' windows for
# the same words are loose on purpose: they only boost). (days back to the start, to the end).
_RELATIVE = {
    "today": (0, 0),
    "yesterday": (1, 1),
    "this week": (6, 0),
    "past week": (6, 0),
    "last week": (13, 7),
    "this month": (29, 0),
    "past month": (29, 0),
}
_SINCE = re.compile(r"\b(since|from|after)\s+$", re.IGNORECASE)
_PERIOD_WORDS = re.compile(
    rf"\b(?:(?:since|from|after|on|of|for|in|during|before|until)\s+)?(?:the\s+)?(?:(?:last|this|past)\s+)?"
    rf"(?:today|yesterday|week|month|year|{_WEEKDAY}|\d{{1,3}}\s+days?)\b",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"^(?:(?:on|about|of|for|in|regarding|around|concerning|the|me|news|latest|story|stories|coverage)\b\s*)+"
    r"|(?:\s*\b(?:so\s+far|lately|recently|news|please|the|in|on|of|about|for|and|since|do\s+they\s+agree))+$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class NewsRequest:
    """A request for a briefing, a timeline or a comparison: its kind, topic, period and the sources
    asked for (none: all; from the caller's :class:`~assistant.types.Filters`, never from the words)."""

    kind: RequestKind
    topic: str
    window: DateWindow
    sources: tuple[str, ...] = ()


def recognise(question: str, reference: date) -> NewsRequest | None:
    """The news request ``question`` makes, or ``None`` for an ordinary question (answered from passages)."""
    text = " ".join(question.split()).strip(" ?!.")
    if not text:
        return None
    if match := _COMPARISON.search(text):
        return NewsRequest("comparison", _topic(text, match), _period(text, reference) or DateWindow())
    if match := _TIMELINE.search(text):
        subject = match.groupdict().get("subject")
        topic = _clean(subject) if subject else _topic(text, match)
        return NewsRequest("timeline", topic, _period(text, reference) or DateWindow())
    if match := _BRIEFING.search(text):
        return NewsRequest("briefing", _topic(text, match), _period(text, reference) or DateWindow())
    return None


def _period(text: str, reference: date) -> DateWindow | None:
    """The period ``text`` names: one day, "since" a day, the last N days, or what assistant.dates reads."""
    if match := _SINCE_WEEKDAY.search(text):
        back = (reference.weekday() - _WEEKDAYS[match.group(1).lower()]) % 7 or 7
        return DateWindow(reference - timedelta(days=back), reference)
    if match := _LAST_DAYS.search(text):
        return DateWindow(reference - timedelta(days=int(match.group(1)) - 1), reference)
    if (named := _named_period(text, reference)) is not None:
        return named
    lowered = text.lower()
    for phrase, (start, end) in _RELATIVE.items():
        if re.search(rf"\b{phrase}\b", lowered):
            return DateWindow(reference - timedelta(days=start), reference - timedelta(days=end))
    return window_from_question(text, reference)


def _named_period(text: str, reference: date) -> DateWindow | None:
    """A calendar day (or "since" one), else a month or a week of one, written out in ``text``."""
    day = _named_day(text)
    if day is None:
        return _month_period(text)
    named, start = day
    if _SINCE.search(text[:start]):
        return DateWindow(named, reference if reference >= named else None)
    return DateWindow(named, named)


def _month_period(text: str) -> DateWindow | None:
    """A month ("March 2024") or a week of one ("the first week of March 2024") named in ``text``."""
    if match := _WEEK_OF_MONTH.search(text):
        year, month = int(match.group(3)), _MONTHS[match.group(2).lower()]
        last = calendar.monthrange(year, month)[1]
        week = _ORDINAL_WEEK[match.group(1).lower()]
        start = date(year, month, last - 6) if week < 0 else date(year, month, 1 + 7 * week)
        return DateWindow(start, min(start + timedelta(days=6), date(year, month, last)))
    if match := _MONTH_YEAR.search(text):
        year, month = int(match.group(2)), _MONTHS[match.group(1).lower()]
        return DateWindow(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    return None


def _named_day(text: str) -> tuple[date, int] | None:
    """A calendar day written out ("3 March 2023", "March 3, 2023", "2023-03-03") and where it starts."""
    try:
        if match := _DAY_MONTH_YEAR.search(text):
            day, month, year = int(match.group(1)), _MONTHS[match.group(2).lower()], int(match.group(3))
        elif match := _MONTH_DAY_YEAR.search(text):
            month, day, year = _MONTHS[match.group(1).lower()], int(match.group(2)), int(match.group(3))
        elif match := _ISO_DAY.search(text):
            year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
        else:
            return None
        return date(year, month, day), match.start()
    except ValueError:  # "31 February": not a day, so no period
        return None


_DATE_WORDS = re.compile(
    rf"\b(?:(?:in|on|of|for|during)\s+)?(?:the\s+)?(?:{'|'.join(_ORDINAL_WEEK)})\s+week\s+of\s+(?:{_MONTH})\.?,?\s+"
    r"(?:19|20)\d\d\b"
    rf"|\b(?:(?:since|from|after|on|of|for|in|during|before|until)\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?"
    rf"(?:{_MONTH})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?,?\s+(?:19|20)\d\d\b"
    r"|\b(?:(?:since|from|after|on|of|for|in|during|before|until)\s+)?(?:19|20)\d\d(?:-\d\d-\d\d)?\b",
    re.IGNORECASE,
)


def _topic(text: str, match: re.Match[str]) -> str:
    """What the request is about: the text without its asking phrase and its period."""
    return _clean(text[: match.start()] + " " + text[match.end() :])


def _clean(text: str) -> str:
    text = _DATE_WORDS.sub(" ", text)
    text = _PERIOD_WORDS.sub(" ", text)
    text = re.sub(r"[,;:]+", " ", text)
    text = " ".join(text.split())
    previous = None
    while previous != text:
        previous, text = text, _FILLER.sub("", text).strip()
    return text

"""Dates in questions and the recency prior.

News questions are about time: "this week", "in 2023". A question's own expressions ("in
2023", "word of the year for 2022", "the first debate of 2024", "in March 2023", "since 2022", "this
week", "last month", relative ones counted from the
reference date: ``as_of``, else today) become a window that the retriever favours: articles in
it get a boost. They are not hard filters, because the measured evaluation showed that questions
name the year of the *event* ("monuments removed in 2021") while the article reporting it is often
published later. Hard filters are the caller's ``since``/``until``/``sources``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from index.errors import BadDateError

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH_PATTERN = "|".join(sorted(_MONTHS, key=len, reverse=True))

_IN_MONTH_YEAR = re.compile(rf"\b(?:in|during)\s+({_MONTH_PATTERN})\.?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_IN_YEAR = re.compile(r"\b(?:in|during|for|of)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_SINCE_YEAR = re.compile(r"\b(?:since|after)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_BEFORE_YEAR = re.compile(r"\bbefore\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_RELATIVE = {
    "today": (3, -1),
    "yesterday": (4, 0),
    "this week": (10, -3),
    "past week": (10, -3),
    "last week": (17, 3),
    "this month": (35, -3),
    "past month": (35, -3),
    "last month": (65, 25),
}


@dataclass(frozen=True, slots=True)
class DateWindow:
    """Inclusive publication-date bounds."""

    since: date | None = None
    until: date | None = None

    def contains(self, day: date | None) -> bool:
        if day is None:
            return False
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


def window_from_question(question: str, reference: date) -> DateWindow | None:
    """The date window a question names, if any (absolute expressions win over relative ones)."""
    return _absolute_window(question) or _relative_window(question.lower(), reference)


def _absolute_window(question: str) -> DateWindow | None:
    if match := _IN_MONTH_YEAR.search(question):
        month, year = _MONTHS[match.group(1).lower().rstrip(".")], int(match.group(2))
        return DateWindow(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    if match := _IN_YEAR.search(question):
        year = int(match.group(1))
        return DateWindow(date(year, 1, 1), date(year, 12, 31))
    since = _SINCE_YEAR.search(question)
    before = _BEFORE_YEAR.search(question)
    if since or before:
        return DateWindow(
            date(int(since.group(1)), 1, 1) if since else None,
            date(int(before.group(1)) - 1, 12, 31) if before else None,
        )
    return None


def _relative_window(lowered: str, reference: date) -> DateWindow | None:
    if "this year" in lowered:
        return DateWindow(date(reference.year, 1, 1), reference + timedelta(days=3))
    if "last year" in lowered:
        return DateWindow(date(reference.year - 1, 1, 1), date(reference.year - 1, 12, 31))
    for phrase, (days_back, days_to_end) in _RELATIVE.items():
        if re.search(rf"\b{phrase}\b", lowered):
            return DateWindow(reference - timedelta(days=days_back), reference - timedelta(days=days_to_end))
    return None


def last_day_as_of(day: date, grace_days: int) -> date:
    """The last publication day an answer "as of" ``day`` may show: ``grace_days`` after it.

    The one place the grace is applied (the retriever's cut after ``as_of``, the end of a timeline
    or comparison with no period, the recency prior's "future"), so they cannot drift apart. Why a
    grace at all: articles are dated by publication, often a day or more after the event, and in
    other time zones; what was known on ``day`` is still being reported a few days later.
    """
    return day + timedelta(days=grace_days)


def recency_prior(published: date | None, reference: date, *, half_life_days: float, grace_days: int) -> float:
    """1 for an article of the reference day, halving every ``half_life_days`` before it;
    -1 for one published after :func:`last_day_as_of` (the future, as of that day); 0 if undated.
    """
    if published is None:
        return 0.0
    if published > last_day_as_of(reference, grace_days):
        return -1.0
    return 0.5 ** (max((reference - published).days, 0) / half_life_days)


def parse_iso(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


# The days a user may name. The calendar arithmetic counts days either side of a date (a week's
# window, a few days' grace after ``as_of``), which overflows Python's dates near years 1 and 9999; a
# news question about a day outside these bounds is a typo, so it is refused rather than answered.
FIRST_USER_DAY = date(1800, 1, 1)
LAST_USER_DAY = date(2200, 12, 31)


def user_date(text: str | None, what: str = "date") -> date | None:
    """A date the user typed (``YYYY-MM-DD``; empty: none), or :class:`BadDateError` saying how to write it."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadDateError(f"{what}: “{text}” is not a date; write it as YYYY-MM-DD, e.g. 2020-06-20") from None
    return in_user_range(day, what)


def in_user_range(day: date, what: str = "date") -> date:
    """``day`` if it lies between :data:`FIRST_USER_DAY` and :data:`LAST_USER_DAY`, else :class:`BadDateError`."""
    if not FIRST_USER_DAY <= day <= LAST_USER_DAY:
        raise BadDateError(
            f"{what}: {day.isoformat()} is out of range; give a day from {FIRST_USER_DAY.isoformat()} "
            f"to {LAST_USER_DAY.isoformat()}"
        )
    return day

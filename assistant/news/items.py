"""A briefing's, timeline's or comparison's content as data: each story, dated entry or claim one
:class:`NewsItem`, each sentence with the numbers of the citations it rests on.

The answerers used to write Markdown (``1. **title** (3 outlets, …): … [1]``) and every consumer
recovered the structure with patterns, so an article title holding ``**`` or ``<b>`` could change
what the chat showed, and the API handed out the Markdown with titles unescaped. Now the answerer
fills ``Answer.items`` and each consumer (the chat's HTML, the Markdown export, the CLI, the API's
JSON) renders them its own way, escaping what it must. :func:`news_text` is the plain rendering kept
in ``Answer.text`` for clients that only read text; no module parses it back.

Shapes (``NewsItem.kind``):

- ``story`` (briefing): ``title``, ``outlets`` (names), ``outlet_count`` (how many outlets reported it,
  wire copies' outlets too), ``first_date``/``last_date``, one or two ``sentences``;
- ``entry`` (timeline): ``first_date`` = ``last_date`` = the day, ``outlets`` cited, one sentence;
- ``shared`` (comparison): a claim in common; ``outlets`` are those saying it;
- ``only`` (comparison): what only ``outlets[0]`` says;
- ``account`` (comparison of a story one outlet reported): its one sentence, told after the heading.

A briefing also says which days it covers, as dates (:class:`PeriodCovered`, ``Answer.period``):
when the period asked for had no news, the latest one that has is covered instead, and each entry
point says so in its own markup from those dates (:func:`period_note` gives the words).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any, Literal

ItemKind = Literal["story", "entry", "shared", "only", "account"]
PeriodBasis = Literal["asked", "latest", "topic"]
COMMON_HEAD = "What they say in common"
NOTHING_COMMON = "Little: each outlet tells it in its own terms (below)."


@dataclass(frozen=True, slots=True)
class NewsSentence:
    """One sentence as told, and the citations (``Answer.citations``' ``n``) written after it; none
    when the next sentence cites the same passage (two sentences of one passage share one marker)."""

    text: str
    cites: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class NewsItem:
    """One story, entry or claim of a briefing, timeline or comparison (see the module docstring)."""

    kind: ItemKind
    sentences: tuple[NewsSentence, ...] = ()
    title: str = ""
    outlets: tuple[str, ...] = ()
    outlet_count: int = 0
    first_date: str = ""
    last_date: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NewsItem:
        """An item back from :meth:`to_dict`; fields added since are defaulted, dropped ones ignored."""
        known = {item.name for item in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["sentences"] = tuple(
            NewsSentence(str(raw.get("text", "")), tuple(int(n) for n in raw.get("cites", ())))
            for raw in data.get("sentences", ())
        )
        values["outlets"] = tuple(data.get("outlets", ()))
        return cls(**values)


@dataclass(frozen=True, slots=True)
class PeriodCovered:
    """The days a briefing covers, ``start`` to ``end`` inclusive, and why those (``basis``):

    - ``asked``: the period asked for (or the default week up to the reference day);
    - ``latest``: the period asked for (``asked_start``..``asked_end``, ending on the reference day)
      had no news, so the latest period of the same length that has news is covered instead (an
      archive of 2019 asked "What happened this week?" gets its last week, not an empty answer);
    - ``topic``: a topic asked for without a period: its latest stories (not the last 7 days only:
      :mod:`assistant.news.period`).
    """

    start: date
    end: date
    basis: PeriodBasis = "asked"
    asked_start: date | None = None
    asked_end: date | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def to_dict(self) -> dict[str, Any]:
        def iso(day: date | None) -> str | None:
            return day.isoformat() if day else None

        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "basis": self.basis,
            "asked_start": iso(self.asked_start),
            "asked_end": iso(self.asked_end),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> PeriodCovered | None:
        """A period back from :meth:`to_dict` (None for an answer stored without one)."""
        if not data:
            return None

        def day(key: str) -> date | None:
            return date.fromisoformat(data[key]) if data.get(key) else None

        start, end = day("start"), day("end")
        if start is None or end is None:
            return None
        basis = data.get("basis", "asked")
        return cls(start, end, basis if basis in ("latest", "topic") else "asked", day("asked_start"), day("asked_end"))


def span_label(start: date, end: date) -> str:
    """A range of days as people write it: ``9 June 2019``, ``3–9 June 2019``, ``28 May – 3 June 2019``."""
    if start == end:
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"


def _length(days: int) -> str:
    return {1: "day", 7: "week"}.get(days, f"{days} days")


def period_note(period: PeriodCovered | None) -> str:
    """What a reader is told about a period other than the one asked for ("" when it is that one):
    ``No news in the last 7 days (4–10 December 2026); the latest week with news: 3–9 June 2019.``"""
    if period is None or period.basis == "asked":
        return ""
    covered = span_label(period.start, period.end)
    if period.basis == "topic":
        return f"No period asked: the latest stories, {covered}."
    asked_start, asked_end = period.asked_start or period.start, period.asked_end or period.end
    asked_days = (asked_end - asked_start).days + 1
    asked = f"on {span_label(asked_start, asked_end)}"
    if asked_days > 1:
        asked = f"in the last {asked_days} days ({span_label(asked_start, asked_end)})"
    return f"No news {asked}; the latest {_length(period.days)} with news: {covered}."


def period_words(period: PeriodCovered) -> str:
    """How a heading names a period covered instead of the one asked for: "that week", "those 30 days"."""
    days = period.days
    return "that day" if days == 1 else "that week" if days == 7 else f"those {days} days"


def markers(cites: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in cites)


def told(sentences: Sequence[NewsSentence]) -> str:
    """The sentences as plain text, each followed by its ``[n]`` markers."""
    return " ".join(f"{s.text} {markers(s.cites)}" if s.cites else s.text for s in sentences)


def coverage(item: NewsItem) -> str:
    """A story's reach: ``3 outlets, 2024-03-04 to 2024-03-06``."""
    count = item.outlet_count or len(item.outlets) or 1
    outlets = "1 outlet" if count == 1 else f"{count} outlets"
    days = item.first_date if item.first_date == item.last_date else f"{item.first_date} to {item.last_date}"
    return f"{outlets}, {days}" if days else outlets


def day_label(day: str) -> str:
    """A timeline's day as a reader says it: ``2024-03-04`` → ``4 Mar 2024`` (else as it is)."""
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return day
    return f"{parsed.day} {parsed:%b %Y}"


def only_head(item: NewsItem) -> str:
    return f"Only {item.outlets[0] if item.outlets else ''}"


def news_text(heading: str, items: Sequence[NewsItem], kind: str, period: PeriodCovered | None = None) -> str:
    """The plain text of a briefing, timeline or comparison (``kind``, as ``Answer.kind``): what
    :func:`period_note` says of its ``period``, the heading, then one line per item, no markup."""
    if items and items[0].kind == "account":
        return f"{heading} {told(items[0].sentences)}"
    note = period_note(period)
    lines = [*([note] if note else []), heading, ""]
    stories = 0
    if kind == "comparison":
        shared = [item for item in items if item.kind == "shared"]
        lines.append(COMMON_HEAD)
        lines += [f"- {told(item.sentences)} ({', '.join(item.outlets)})" for item in shared] or [f"- {NOTHING_COMMON}"]
    for item in items:
        if item.kind == "story":
            stories += 1
            lines.append(f"{stories}. {item.title} ({coverage(item)}): {told(item.sentences)}")
        elif item.kind == "entry":
            lines.append(f"- {day_label(item.first_date)}: {told(item.sentences)}")
        elif item.kind == "only":
            lines += ["", only_head(item), f"- {told(item.sentences)}"]
    return "\n".join(lines)

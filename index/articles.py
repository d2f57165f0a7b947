"""What the loaders produce: one article, or one clear error about one item."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

_DATE_PATTERNS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d %B %Y", "%B %d, %Y", "%b %d, %Y")


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, whatever file or feed it came from.

    ``id`` is stable across builds (the feed's ``doc_id``/``id``, else the file path), which is
    what lets the index recognise an unchanged or changed article.
    """

    id: str
    title: str
    text: str
    date: str | None = None  # ISO ``YYYY-MM-DD``
    source: str = ""
    url: str = ""
    authors: tuple[str, ...] = ()
    language: str = ""  # ISO 639-1 ("en") when known


@dataclass(frozen=True, slots=True)
class LoadError:
    """A broken item: reported by file and line, and skipped, so the rest still gets indexed.

    ``skipped`` is False for an item that was indexed after all but not as written (text that was
    not UTF-8, read as Windows-1252): a warning the user should still see.
    """

    path: str
    line: int | None
    message: str
    skipped: bool = True

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


class ArticleFormatError(ValueError):
    """Raised inside a loader for one bad item; turned into a :class:`LoadError`."""


def parse_date(value: object) -> str | None:
    """Normalise the date formats seen in feeds to ``YYYY-MM-DD``; ``None`` when absent.

    Raises :class:`ArticleFormatError` for a value that is present but not a date, because a
    wrong date silently breaks date-aware retrieval.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    iso_prefix = re.match(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})", text)
    if iso_prefix:
        try:
            return date(*(int(part) for part in iso_prefix.groups())).isoformat()
        except ValueError as error:
            raise ArticleFormatError(f"invalid date {text!r}: {error}") from None
    for pattern in _DATE_PATTERNS:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ArticleFormatError(f"unrecognised date {text!r} (expected YYYY-MM-DD)")


def date_as_int(iso_date: str | None) -> int:
    """``2020-06-20`` → ``20200620`` (0 when unknown): Chroma filters compare numbers only."""
    return int(iso_date.replace("-", "")) if iso_date else 0

"""Read articles from files and folders, one at a time.

Supported: the seed ``.txt`` format (``date YYYY-MM-DD`` then the text), ``.md``, ``.html``/``.htm``
(the article in the page, without its menus and banners: :mod:`index.sources.extract`),
``.json`` (an object or a list of objects), ``.jsonl`` and ``.jsonl.gz`` (one object per line,
the RealTimeQA format: ``doc_id``/``id``, ``title``, ``text``, ``publish_date``/``date``,
``url``, ``source``). Everything is streamed, so a 200 MB feed never sits in memory whole, and
a broken item becomes a :class:`LoadError` naming its file and line while the rest goes on.
A title or a source the file does not give is left empty: :mod:`index.naming` makes them as the
article is indexed (its first sentence; "your files"), never from the file's name.

>>> errors: list[LoadError] = []
>>> articles = list(iter_articles([Path("seeds")], errors))  # doctest: +SKIP
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from index.articles import Article, ArticleFormatError, LoadError, parse_date
from index.sources.extract import extract_article

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".jsonl.gz")

# A NUL byte in the first kilobytes: an image, a PDF or an archive given a text name, not text.
_BINARY_MARK = b"\x00"
_BINARY_PROBE = 8192
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SEED_HEADER = re.compile(r"\A\s*date\s+(\S+)[ \t]*\n?", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_MD_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def iter_articles(paths: Iterable[Path | str], errors: list[LoadError]) -> Iterator[Article]:
    """Yield every article under ``paths`` (files or folders, read recursively, in name order).

    Problems are appended to ``errors`` rather than raised: one bad file must not cost the
    user the rest of their corpus.
    """
    for raw_path in paths:
        path = Path(raw_path)
        if not path.exists():
            errors.append(LoadError(str(path), None, "no such file or folder"))
            continue
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if path.is_dir() and (article_suffix(file) not in SUPPORTED_SUFFIXES or _is_hidden(file, path)):
                continue
            yield from _load_file(file, errors)


def _load_file(path: Path, errors: list[LoadError]) -> Iterator[Article]:
    suffix = article_suffix(path)
    try:
        if path.stat().st_size == 0:
            raise ArticleFormatError("an empty file")
        if suffix in (".jsonl", ".jsonl.gz"):
            yield from _load_jsonl(path, errors)
        elif suffix == ".json":
            yield from _load_json(path, errors)
        elif suffix in (".html", ".htm"):
            yield _load_html(path)
        elif suffix in (".md", ".markdown"):
            yield _load_markdown(path, errors)
        elif suffix == ".txt":
            yield _load_seed_text(path, errors)
        else:
            errors.append(LoadError(str(path), None, f"unsupported file type {suffix or '(none)'}"))
    except ArticleFormatError as error:
        errors.append(LoadError(str(path), getattr(error, "line", None), str(error)))
    except (OSError, UnicodeDecodeError, EOFError) as error:
        errors.append(LoadError(str(path), None, f"cannot read: {error}"))


def article_suffix(path: Path) -> str:
    name = path.name.lower()
    return ".jsonl.gz" if name.endswith(".jsonl.gz") else path.suffix.lower()


def _is_hidden(file: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in file.relative_to(root).parts)


def file_article_id(path: Path) -> str:
    """A file's article id: its path relative to the working directory when under it.

    Relative ids keep the index valid when the project folder moves. A file elsewhere gets its
    folder's name, a short hash of the folder's whole path (two folders of one name stay apart)
    and its file name (``news-1f3a9c2e/story.txt``): ids are shown in the chat and handed out by
    the API, and must not tell a visitor how the server's disk is laid out.
    """
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        folder = resolved.parent
        digest = hashlib.sha1(folder.as_posix().encode(), usedforsecurity=False).hexdigest()[:8]
        return f"{folder.name or 'root'}-{digest}/{resolved.name}"


def server_path_ids_prefix(path: Path) -> str | None:
    """The prefix of the ids that files under ``path`` had before ids hid server paths (their
    absolute path), when ``path`` lies outside the working directory; ``None`` inside it."""
    resolved = path.resolve()
    return None if resolved.is_relative_to(Path.cwd().resolve()) else resolved.as_posix()


def _read_text(path: Path, errors: list[LoadError]) -> str:
    """A file's text: UTF-8, or else read as Windows-1252 (with a warning), never a binary file."""
    data = path.read_bytes()
    if data.startswith(_UTF16_BOMS):  # Windows' "Unicode" text: NUL bytes, but text
        return _decode(data, str(path), 1, errors, "utf-16")
    if _BINARY_MARK in data[:_BINARY_PROBE]:
        raise ArticleFormatError("a binary file, not text")
    return _decode(data, str(path), 1, errors, "utf-8-sig")


def _decode(data: bytes, path: str, first_line: int, errors: list[LoadError], encoding: str = "utf-8") -> str:
    """``data`` as UTF-8; text saved in another encoding (Latin-1, Windows-1252) is read best-effort as
    Windows-1252 rather than lost, and reported by file and line as a warning."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = first_line + data[: error.start].count(b"\n")
        errors.append(LoadError(path, line, "not UTF-8 text: read as Windows-1252", skipped=False))
        return data.decode("cp1252", errors="replace")


def _require_text(text: str, path: Path) -> str:
    text = text.strip()
    if not text:
        raise ArticleFormatError("the article has no text")
    return text


def _load_seed_text(path: Path, errors: list[LoadError]) -> Article:
    """The seed format: optional whitespace, ``date YYYY-MM-DD``, the article (same or next line)."""
    content = _read_text(path, errors)
    header = _SEED_HEADER.match(content)
    article_date = None
    if header:
        article_date = _with_line(lambda: parse_date(header.group(1)), 1 + content[: header.start(1)].count("\n"))
        content = content[header.end() :]
    text = _require_text(content, path)
    return Article(
        id=file_article_id(path),
        title="",  # none in the file: its first sentence, at indexing (index.naming)
        text=text,
        date=article_date,
    )


def _load_markdown(path: Path, errors: list[LoadError]) -> Article:
    """Markdown: optional YAML-ish front matter (``title:``, ``date:``, ``source:``, ``url:``)."""
    content = _read_text(path, errors)
    fields: dict[str, str] = {}
    front = _FRONT_MATTER.match(content)
    if front:
        for line in front.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip().lower()] = value.strip().strip("\"'")
        content = content[front.end() :]
    heading = _MD_HEADING.search(content)
    text = _require_text(content, path)
    title = fields.get("title") or (heading.group(1) if heading else "")
    return Article(
        id=file_article_id(path),
        title=title,
        text=text,
        date=_with_line(lambda: parse_date(fields.get("date")), 1),
        source=fields.get("source", ""),
        url=fields.get("url", ""),
    )


def _load_html(path: Path) -> Article:
    """A web page saved to a file: the article in it (:mod:`index.sources.extract`), not the menus around it."""
    data = path.read_bytes()
    if not data.startswith(_UTF16_BOMS) and _BINARY_MARK in data[:_BINARY_PROBE]:
        raise ArticleFormatError("a binary file, not text")
    if not data.strip():
        raise ArticleFormatError("the article has no text")
    page = extract_article(data)
    if page is None:
        raise ArticleFormatError("no article text found")
    return Article(
        id=file_article_id(path),
        title=page.title,
        text=page.text,
        date=page.date,
        source=page.source,
        url=page.url,
        authors=page.authors,
        language=page.language,
    )


def article_from_record(record: Any, fallback_id: str) -> Article:
    """One feed object → :class:`Article`; raises :class:`ArticleFormatError` naming what is wrong."""
    if not isinstance(record, dict):
        raise ArticleFormatError(f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ArticleFormatError("missing or empty 'text'")
    article_id = record.get("doc_id") or record.get("id") or fallback_id
    title = record.get("title")
    return Article(
        id=str(article_id),
        title=str(title).strip() if title else "",
        text=text.strip(),
        date=parse_date(record.get("publish_date") or record.get("date")),
        source=str(record.get("source") or ""),
        url=str(record.get("url") or ""),
    )


def _open_lines(path: Path) -> BinaryIO:
    """The file's lines as bytes: each is decoded on its own, so one badly encoded line costs only itself."""
    if article_suffix(path) == ".jsonl.gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _load_jsonl(path: Path, errors: list[LoadError]) -> Iterator[Article]:
    base_id = file_article_id(path)
    with _open_lines(path) as lines:
        for number, raw in enumerate(lines, start=1):
            if _BINARY_MARK in raw:
                errors.append(LoadError(str(path), number, "binary data, not a JSON line"))
                continue
            line = _decode(raw.removeprefix(_UTF8_BOM) if number == 1 else raw, str(path), number, errors)
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                yield article_from_record(record, fallback_id=f"{base_id}#L{number}")
            except json.JSONDecodeError as error:
                errors.append(LoadError(str(path), number, f"invalid JSON: {error.msg} (column {error.colno})"))
            except ArticleFormatError as error:
                errors.append(LoadError(str(path), number, str(error)))


def _load_json(path: Path, errors: list[LoadError]) -> Iterator[Article]:
    try:
        data = json.loads(_read_text(path, errors))
    except json.JSONDecodeError as error:
        errors.append(LoadError(str(path), error.lineno, f"invalid JSON: {error.msg}"))
        return
    records = data if isinstance(data, list) else [data]
    base_id = file_article_id(path)
    for position, record in enumerate(records):
        fallback = base_id if len(records) == 1 else f"{base_id}#{position}"
        try:
            yield article_from_record(record, fallback_id=fallback)
        except ArticleFormatError as error:
            errors.append(LoadError(str(path), None, f"item {position}: {error}"))


def _with_line(compute: Any, line: int) -> Any:
    """Run ``compute``; attach ``line`` to an :class:`ArticleFormatError` it raises."""
    try:
        return compute()
    except ArticleFormatError as error:
        error.line = line  # type: ignore[attr-defined]
        raise

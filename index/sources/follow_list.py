"""The followed feeds and sites: a JSON file in the data folder, and what each last fetch did.

One file (``ASSISTANT_FOLLOW_FILE``, default ``data/followed.json``) that a person can read, back up
or edit, shared by ``python -m index follow`` and the chat's Articles tab. Every change is a
read-modify-write under a file lock, written to a temporary file and renamed into place, so two
processes (a follower and the chat) never lose each other's changes and a crash never leaves half a
file.

Besides what a person sees (last fetch, status, new articles, the recent problems: typed records of
:mod:`index.sources.problems`), each entry keeps what makes
the next fetch cheap and safe to resume: the feed's validators (``ETag``/``Last-Modified``, saved
only once every entry of that fetch is indexed), the links already indexed, and the articles
already counted in its total.

No URL here carries credentials: one typed with ``user:password@`` is refused (they would be
stored in this file and sent to every server the feed leads to), and a list written before that
rule loses them when read.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from index.errors import UserError
from index.sources.fetching.urls import has_credentials, without_credentials
from index.sources.problems import MAX_PROBLEMS, FeedProblem
from index.store.sql import utc_now

MAX_SEEN_LINKS = 5000  # per feed: far more than a feed lists at once, bounded so the file stays small


class FollowListError(UserError):
    """A URL that cannot be followed, or a followed-list file that cannot be read."""


class UrlCredentialsError(FollowListError):
    """A URL typed with a user name or password in it (``http://user:secret@host/feed``)."""


@dataclass
class Followed:
    """One followed feed, sitemap or page, and how its last fetch went."""

    url: str
    added: str
    last_fetch: str | None = None
    status: str = "not fetched yet"
    kind: str = ""  # "feed", "sitemap" or "page", as its content showed
    new_articles: int = 0  # added to the index by the last fetch
    total_articles: int = 0  # articles it led to that the index holds, each counted once
    problems: list[FeedProblem] = field(default_factory=list)  # the recent ones, newest first
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None  # of the last body read whole: the same body again is not parsed again
    seen: list[str] = field(default_factory=list)  # entry links already indexed, oldest first
    counted: list[str] = field(default_factory=list)  # ids of the articles counted in total_articles, oldest first


def checked_url(url: str) -> str:
    """``url`` stripped, or :class:`FollowListError` when it is not an http(s) address or names credentials."""
    url = refuse_credentials(url.strip())
    try:
        parts = urlsplit(url)
        usable = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # "http://[bad": urllib cannot read it either
        usable = False
    if not usable:
        raise FollowListError(f"“{url}” is not a web address: give a feed, sitemap or page as http(s)://…")
    return url


def refuse_credentials(url: str) -> str:
    """``url`` itself, or :class:`UrlCredentialsError` when it names a user or password (shown without them)."""
    if has_credentials(url):
        raise UrlCredentialsError(
            f"“{without_credentials(url)}” was given with a user name or password: credentials in URLs are "
            "not kept; give the address without them"
        )
    return url


class FollowList:
    """The followed list at ``path``; every method reads the file afresh (others may have written it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def entries(self) -> list[Followed]:
        with self._locked(exclusive=False):
            return self._read()

    def get(self, url: str) -> Followed | None:
        url = without_credentials(url)
        return next((entry for entry in self.entries() if entry.url == url), None)

    def add(self, url: str) -> Followed:
        """Follow ``url`` (already followed: unchanged)."""
        url = checked_url(url)
        with self._locked(exclusive=True):
            entries = self._read()
            existing = next((entry for entry in entries if entry.url == url), None)
            if existing is not None:
                return existing
            entry = Followed(url=url, added=utc_now())
            self._write([*entries, entry])
            return entry

    def remove(self, url: str) -> bool:
        """Stop following ``url``; its articles stay indexed. False when it was not followed."""
        url = without_credentials(url)
        with self._locked(exclusive=True):
            entries = self._read()
            kept = [entry for entry in entries if entry.url != url]
            if len(kept) == len(entries):
                return False
            self._write(kept)
            return True

    def update(self, url: str, change: Callable[[Followed], None]) -> Followed | None:
        """Apply ``change`` to the entry of ``url`` and save it (None when it is no longer followed)."""
        with self._locked(exclusive=True):
            entries = self._read()
            entry = next((e for e in entries if e.url == url), None)
            if entry is None:
                return None
            change(entry)
            entry.seen = entry.seen[-MAX_SEEN_LINKS:]
            entry.counted = entry.counted[-MAX_SEEN_LINKS:]
            entry.problems = entry.problems[:MAX_PROBLEMS]
            self._write(entries)
            return entry

    def marker(self) -> object:
        """The file's modification time and size: a stat, no read (None before the first feed)."""
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return None
        return [info.st_mtime_ns, info.st_size]

    def _read(self) -> list[Followed]:
        if not self.path.exists():
            return []
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8") or "[]")
            known = {f.name for f in fields(Followed)}
            entries = [Followed(**{k: v for k, v in item.items() if k in known}) for item in raw]
            for entry in entries:  # a list written before credentials were refused loses them now
                entry.url = without_credentials(entry.url)
                entry.seen = [without_credentials(link) for link in entry.seen]
                entry.problems = [FeedProblem.from_dict(problem) for problem in entry.problems]  # type: ignore[arg-type]
        except (ValueError, TypeError, AttributeError, KeyError) as error:
            raise FollowListError(
                f"{self.path} is not a followed list ({error}): fix or remove it, then add the feeds again"
            ) from error
        return entries

    def _write(self, entries: list[Followed]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".followed-", suffix=".json")
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump([asdict(entry) for entry in entries], out, indent=1, ensure_ascii=False)
        os.replace(temporary, self.path)

    @contextmanager
    def _locked(self, *, exclusive: bool) -> Iterator[None]:
        """This process's threads, then other processes, one writer at a time."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, (self.path.parent / f".{self.path.name}.lock").open("a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

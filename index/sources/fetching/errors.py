"""The errors of fetching: one per URL, reported, never fatal to a batch.

Following news means fetching many URLs, some of which will be down, moved, too big or refused.
None of these is a :class:`index.errors.UserError` (nothing the user typed is wrong, and a command
must not stop): the caller reports ``str(error)`` for that URL and goes on with the rest. Every
error carries the URL it is about and a short human ``reason`` ("HTTP 404", "timed out after 15 s").
"""

from __future__ import annotations


class FetchError(Exception):
    """A URL could not be fetched or read; ``reason`` says why in a few words.

    ``permanent`` tells a follower whether trying the same URL again later may help: False for a
    timeout, a refused connection or a 5xx (the site may be back), True for a 404 or a body that is
    too large (it will be the same next time).
    """

    permanent_by_default = False

    def __init__(self, url: str, reason: str, *, permanent: bool | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.permanent = self.permanent_by_default if permanent is None else permanent

    def at(self, url: str) -> FetchError:
        """The same error about another URL (the one the caller asked for, not a lower layer's)."""
        return type(self)(url, self.reason, permanent=self.permanent)


class FetchRefused(FetchError):  # noqa: N818 - the name the follower's API promises
    """Fetching a URL was refused on purpose: an unsafe address or scheme, or robots.txt."""

    permanent_by_default = True


class RobotsRefused(FetchRefused):
    """Fetching a URL was refused because the site's robots.txt disallows it."""


class DocumentError(FetchError):
    """A body was fetched but is neither a feed, a sitemap nor a web page (or is malformed XML)."""

    permanent_by_default = True

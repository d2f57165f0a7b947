"""URLs as they may be kept and shown: never with a user name or password in them.

``http://user:secret@host/feed`` carries credentials that would otherwise travel everywhere the URL
goes: sent as HTTP Basic auth by ``httpx``, stored as an article's id, written into the followed
list, printed in reports and logs. Credentials in URLs are not kept: a URL a feed, a sitemap, a page
or a redirect names loses them here, and one a person types is refused (:mod:`index.followed`).

Only the authority's userinfo is touched (everything up to the last ``@`` between ``//`` and the
next ``/``, ``?`` or ``#``, as ``urllib.parse`` and ``httpx`` both read it); the rest of the URL
stays exactly as written, so a link compares equal to itself from one fetch to the next. Tabs and
line breaks are removed first, as ``urllib.parse`` removes them before reading a URL (WHATWG).
"""

from __future__ import annotations

import re

_AUTHORITY = re.compile(r"^(?P<head>[A-Za-z][A-Za-z0-9+.-]*:)?//(?P<userinfo>[^/?#]*@)")
_REMOVED = str.maketrans("", "", "\t\r\n")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def without_credentials(url: str) -> str:
    """``url`` without its ``user:password@`` (``http://u:p@host/x`` → ``http://host/x``)."""
    url = url.translate(_REMOVED).strip(_C0_AND_SPACE)
    return _AUTHORITY.sub(r"\g<head>//", url, count=1)


def has_credentials(url: str) -> bool:
    """Whether ``url`` names a user or a password (even an empty one: ``http://@host/``)."""
    return _AUTHORITY.match(url.translate(_REMOVED).strip(_C0_AND_SPACE)) is not None


def shown(url: str, limit: int = 200) -> str:
    """``url`` fit for a message: no credentials, at most ``limit`` characters (a hostile header may be long)."""
    clean = without_credentials(url)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"

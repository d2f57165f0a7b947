"""URLs as they may be kept and shown: never with a user name or password in them.

``http://user:secret@host/feed`` carries credentials that would otherwise travel everywhere the URL
goes: sent as HTTP Basic auth by ``httpx``, stored as an article's id, written into the followed
list, printed in reports and logs. Credentials in URLs are not kept: a URL a feed, a sitemap, a page
or a redirect names loses them here, and one a person types is refused (:mod:`index.sources.follow_list`).

Only the authority's userinfo is touched (everything up to the last ``@`` between ``//`` and the
next ``/``, ``?`` or ``#``, as ``urllib.parse`` and ``httpx`` both read it); the rest of the URL
stays exactly as written, so a link compares equal to itself from one fetch to the next. Tabs and
line breaks are removed first, as ``urllib.parse`` removes them before reading a URL (WHATWG).
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urljoin, urlsplit

from courlan import extract_domain

_AUTHORITY = re.compile(r"^(?P<head>[A-Za-z][A-Za-z0-9+.-]*:)?//(?P<userinfo>[^/?#]*@)")
_REMOVED = str.maketrans("", "", "\t\r\n")
_DEFAULT_PORTS = {"http": 80, "https": 443}
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


def resolved_link(base: str, link: str) -> str:
    """``link`` resolved against ``base``, without credentials (never kept, as the fetcher's links);
    "" when it cannot be resolved (``http://[bad``)."""
    try:
        return without_credentials(urljoin(base, link.strip()))
    except ValueError:
        return ""


def http_parts(url: str) -> SplitResult | None:
    """``url`` split, when it is an http(s) URL with a host and a valid port; else None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number or out of range
    except ValueError:
        return None
    return parts if parts.scheme in _DEFAULT_PORTS and parts.hostname else None


def same_site(one: SplitResult, other: SplitResult) -> bool:
    """Whether two http(s) URLs are on one site: the same registrable domain (``www.example.org``
    and ``news.example.org``, by the public suffix list courlan reads, so ``a.blogspot.com`` is not
    ``b.blogspot.com``), or for a host that has none (an IP address, ``localhost``) the same host
    without a leading ``www.``; and the same port, a scheme's default port counting as none, since
    another port on one host may be another server (``http`` → ``https`` on default ports is one site).
    """
    return _site(one) == _site(other)


def _site(parts: SplitResult) -> tuple[str, int | None]:
    host = (parts.hostname or "").rstrip(".")
    try:
        domain = extract_domain(f"http://{host}/") if host and not host.startswith("[") else None
    except ValueError:
        domain = None
    port = parts.port if parts.port != _DEFAULT_PORTS.get(parts.scheme) else None
    return (domain or host.removeprefix("www.")), port

"""The HTTP client that fetches feeds, sitemaps and pages: safe, bounded and polite.

Every fetch is a GET through :class:`WebClient`, which adds what a bare ``httpx`` call lacks here:

* the SSRF guard (:mod:`index.sources.fetching.safety`) on the first URL and on every redirect hop, which
  is why redirects are followed by hand (``httpx`` would follow them unchecked): at most
  ``fetch_max_redirects``, a URL seen twice is a "redirect loop";
* bounds: ``fetch_timeout`` for connecting, each read and the whole request, and ``fetch_max_mb``
  for the decompressed body, which is streamed and abandoned as soon as it passes the cap, and
  decompressed a bounded piece at a time (:mod:`index.sources.fetching.decoding`), so a compression bomb
  stops at the cap without costing memory;
* no credentials: ``user:password@`` is removed from every URL fetched (:mod:`index.sources.fetching.urls`),
  so none is sent, kept in a result or shown in an error;
* politeness (:mod:`index.sources.fetching.polite`): robots.txt when ``fetch_respect_robots``, a pause of
  ``fetch_host_interval`` between requests to one host, an identifying User-Agent;
* conditional requests: the caller passes the ``etag``/``last_modified`` it kept from the last
  fetch, and a ``304`` comes back as a result with ``not_modified`` set and no body.

Any failure raises a :class:`FetchError` whose ``reason`` is a few words ("HTTP 404", "timed out
after 15 s", "larger than 10 MB"), so a follower can report one URL and go on with the next:
whatever a server sends, :meth:`WebClient.fetch` raises nothing else (an unforeseen exception
becomes that URL's error, its traceback logged at debug level).
"""

from __future__ import annotations

import logging
import re
import ssl
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Self

import httpx

from index.settings import FetchSettings, default_index_settings
from index.sources.fetching.decoding import PIECE, UndecodableBody, accept_encoding, decoded
from index.sources.fetching.errors import FetchError, RobotsRefused
from index.sources.fetching.polite import HostPacer, RobotsRules
from index.sources.fetching.safety import SafetyPolicy, guarded_transport
from index.sources.fetching.urls import shown, without_credentials

logger = logging.getLogger(__name__)

REDIRECTS = frozenset({301, 302, 303, 307, 308})
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
TRANSIENT_4XX = frozenset({408, 425, 429})  # timeout, too early, too many requests: later may work


class _Redirected(Exception):  # noqa: N818 - not an error: the signal that a response is a redirect
    """Raised by the client's response hook on a redirect, before ``httpx`` reads its Location.

    ``httpx`` builds the next request of a redirect even when it does not follow it, and a
    malformed Location (``http:\\\\x\\y``) raises ``InvalidURL`` from deep inside it; the client
    reads the Location itself instead, and a malformed one is that URL's error.
    """

    def __init__(self, status: int, location: str | None) -> None:
        super().__init__(status, location)
        self.status = status
        self.location = location


def _stop_at_redirect(response: httpx.Response) -> None:
    if response.status_code in REDIRECTS:
        raise _Redirected(response.status_code, response.headers.get("location"))


@dataclass(frozen=True)
class Fetched:
    """One successful fetch. ``url`` is the final URL, after redirects.

    ``content_type`` is the media type alone, lower case (``"text/html"``); the charset, if the
    server named one, is :attr:`charset`. ``body`` is the bytes as sent (decompressed), never
    decoded here: a page in Windows-1252 stays what it is for whoever reads it. ``etag`` and
    ``last_modified`` are what to pass to the next fetch of the same URL.
    """

    url: str
    status: int
    headers: Mapping[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    content_type: str
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header names, if any (``"windows-1252"``)."""
        found = re.search(r"charset\s*=\s*\"?([^\";\s]+)", self.headers.get("content-type", ""), re.IGNORECASE)
        return found.group(1).lower() if found else None


class WebClient:
    """Fetches URLs safely; one per process or per follow run, shared by threads; close it after.

    ``settings`` default to the process's settings; ``policy`` defaults to what
    ``fetch_allow_private`` says (tests pass one that allows exactly their own server).
    """

    def __init__(self, settings: FetchSettings | None = None, policy: SafetyPolicy | None = None) -> None:
        self.settings = settings if settings is not None else default_index_settings()
        self.policy = policy if policy is not None else SafetyPolicy.from_settings(self.settings)
        self._timeout = self.settings.fetch_timeout
        self._max_bytes = int(self.settings.fetch_max_mb * 1024 * 1024)
        self._http = httpx.Client(
            transport=guarded_transport(self.policy),
            # Only the codings decoded here in bounded memory are asked for (index.sources.fetching.decoding).
            headers={
                "User-Agent": self.settings.fetch_user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": accept_encoding(),
            },
            timeout=httpx.Timeout(self._timeout),
            follow_redirects=False,
            trust_env=False,
            event_hooks={"response": [_stop_at_redirect]},
        )
        self._pacer = HostPacer(self.settings.fetch_host_interval)
        self._robots = RobotsRules(self.settings.fetch_user_agent, self._read_robots)

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET ``url``, following redirects; a ``304`` to the validators gives ``not_modified``.

        Raises :class:`FetchRefused` when the guard or robots.txt forbids a hop, and
        :class:`FetchError` for every other failure, whatever it is. A ``user:password@`` in
        ``url`` is dropped, never sent.
        """
        url = without_credentials(url)
        validators = {"If-None-Match": etag, "If-Modified-Since": last_modified}
        headers = {name: value for name, value in validators.items() if value}
        try:
            fetched = self._follow(url, headers, obey_robots=self.settings.fetch_respect_robots)
        except FetchError:
            raise
        except Exception as error:  # one URL's failure, whatever it is, must not stop a batch
            logger.debug("fetching %s failed", url, exc_info=True)
            raise FetchError(url, f"{type(error).__name__}: {error}") from None
        if fetched.not_modified:  # a 304 may omit the validators; they are still the current ones
            fetched = replace(fetched, etag=fetched.etag or etag, last_modified=fetched.last_modified or last_modified)
        return fetched

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _follow(self, url: str, headers: dict[str, str], *, obey_robots: bool) -> Fetched:
        seen = {url}
        current = url
        for _ in range(self.settings.fetch_max_redirects + 1):
            self.policy.check_url(current)
            if obey_robots and not self._robots.allows(current):
                raise RobotsRefused(current, "disallowed by robots.txt")
            result = self._hop(current, headers)
            if isinstance(result, Fetched):
                return result
            if result in seen:
                raise FetchError(url, "redirect loop")
            seen.add(result)
            current = result
        raise FetchError(url, f"too many redirects (more than {self.settings.fetch_max_redirects})")

    def _hop(self, url: str, headers: dict[str, str]) -> Fetched | str:
        """One request: the response, or the URL a redirect points to."""
        try:
            with self._pacer.turn(httpx.URL(url).host):
                deadline = time.monotonic() + self._timeout
                with self._http.stream("GET", url, headers=headers) as response:
                    return self._response(url, response, deadline)
        except _Redirected as redirect:
            return _redirect_target(url, redirect)
        except FetchError as error:  # raised below, or by the guard at connect time with the origin as URL
            raise error.at(url) from None
        except UndecodableBody as error:
            raise FetchError(url, f"undecodable body: {error}") from None
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out after {self._timeout:g} s") from None
        except httpx.HTTPError as error:
            raise FetchError(url, _reason(error)) from None

    def _response(self, url: str, response: httpx.Response, deadline: float) -> Fetched:
        status = response.status_code  # never a redirect: the response hook raised _Redirected for those
        if status >= 300 and status != 304:
            raise FetchError(url, f"HTTP {status}", permanent=400 <= status < 500 and status not in TRANSIENT_4XX)
        body = b"" if status == 304 else self._read_body(url, response, deadline)
        return Fetched(
            url=url,
            status=status,
            headers=dict(response.headers.items()),
            body=body,
            content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            not_modified=status == 304,
        )

    def _read_body(self, url: str, response: httpx.Response, deadline: float) -> bytes:
        """The body, decoded a bounded piece at a time and counted piece by piece: never more than
        the cap (and one piece) in memory, whatever a few bytes on the wire expand to."""
        too_large = f"larger than {self.settings.fetch_max_mb:g} MB"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise FetchError(url, too_large, permanent=True)
        body = decoded(self._in_time(url, response.iter_raw(), deadline), response.headers.get("content-encoding", ""))
        chunks: list[bytes] = []
        size = 0
        while piece := body.read(PIECE):
            size += len(piece)
            if size > self._max_bytes:
                raise FetchError(url, too_large, permanent=True)
            chunks.append(piece)
        return b"".join(chunks)

    def _in_time(self, url: str, chunks: Iterator[bytes], deadline: float) -> Iterator[bytes]:
        """The raw chunks until the deadline: a server dripping bytes never trips the read timeout."""
        for chunk in chunks:
            if time.monotonic() > deadline:
                raise FetchError(url, f"timed out after {self._timeout:g} s")
            yield chunk

    def _read_robots(self, robots_url: str) -> str | None:
        """robots.txt's text, or ``None`` (allow all) when it is missing, refused or unreachable."""
        try:
            fetched = self._follow(robots_url, {}, obey_robots=False)
        except FetchError:
            return None
        return fetched.body.decode("utf-8", errors="replace")


def _redirect_target(url: str, redirect: _Redirected) -> str:
    """Where a redirect from ``url`` points, resolved against it, without credentials."""
    if not redirect.location:
        raise FetchError(url, f"HTTP {redirect.status} without a Location", permanent=True)
    try:
        reference = httpx.URL(redirect.location)
        if reference.scheme in ("http", "https") and not reference.host:  # http:\\x\y, http:/x
            raise httpx.InvalidURL("an http(s) URL without a host")
        target = httpx.URL(url).join(reference)
    except httpx.InvalidURL as error:
        raise FetchError(url, f"malformed redirect to “{shown(redirect.location)}”: {error}", permanent=True) from None
    return without_credentials(str(target))


def _reason(error: httpx.HTTPError) -> str:
    """A few words for an httpx error: the TLS or socket problem underneath when there is one."""
    cause: BaseException | None = error
    for _ in range(10):  # httpx wraps httpcore, which wraps the socket's error; a chain is never longer
        if cause is None:
            break
        if isinstance(cause, ssl.SSLError):
            return "TLS error: " + re.sub(r"\s*\(_ssl\.c:\d+\)", "", str(cause))
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        cause = cause.__cause__ or cause.__context__
    if isinstance(error, httpx.DecodingError):
        return f"undecodable body: {error}"
    if isinstance(error, httpx.ConnectError):
        return f"connection failed: {error}"
    if isinstance(error, httpx.RemoteProtocolError | httpx.LocalProtocolError):
        return f"protocol error: {error}"
    return f"{type(error).__name__}: {error}"

"""The guard against server-side request forgery: what the fetcher may connect to.

Feeds, sitemaps and their redirects name URLs that nobody here chose. Without a guard, one of them
could make this process read from the machine itself or its network (a database's admin page, a
cloud metadata service at 169.254.169.254) and put the answer into the index. So:

* only ``http`` and ``https`` are fetched;
* a host is resolved with ``getaddrinfo`` and *every* address it resolves to must be public: not
  loopback, private, link-local, multicast, unspecified, reserved or otherwise non-global, IPv4 or
  IPv6, including IPv4 addresses carried inside IPv6 (``::ffff:127.0.0.1``, 6to4, Teredo, NAT64).
  Numeric spellings such as ``http://2130706433/`` or ``http://0x7f.1/`` need no special case:
  they resolve to the address they spell, and the address is what is checked;
* the connection goes to an address from that same, checked resolution (:class:`GuardedBackend`
  is the network layer under ``httpx``), so a name that resolves to a public address for the check
  and to a private one a moment later (DNS rebinding) cannot slip through;
* the client checks every redirect hop before following it (:meth:`SafetyPolicy.check_url`).

Exceptions are explicit: ``allow_private`` allows every address (for a deployment that follows an
intranet), and ``allowed_origins`` allows exactly some origins, ``host:port`` as the URLs write
them (``127.0.0.1:8080``, ``[::1]:8080``, ``intranet.local:80``). Another spelling of the same
address (``2130706433:8080``) is not that origin and stays refused; tests allow their own server
this way and nothing else.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpcore
import httpx

from index.settings import FetchSettings
from index.sources.fetching.errors import FetchError, FetchRefused

Resolver = Callable[[str, int], list[str]]
"""``(host, port) -> IP addresses`` as text; raises ``OSError`` when the name does not resolve."""

SCHEMES = {"http": 80, "https": 443}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_HOST = re.compile(r"[A-Za-z0-9._:-]+")  # a DNS name (IDNA as ASCII) or an IP address (IPv6 without brackets)
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``getaddrinfo`` gives for ``host`` (once each, in its order)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def origin_key(host: str, port: int) -> str:
    """``host:port`` in one canonical form: lower case, IP addresses compressed, IPv6 bracketed."""
    host = host.strip().lower().rstrip(".")
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return f"{host}:{port}"
    return f"[{ip.compressed}]:{port}" if ip.version == 6 else f"{ip.compressed}:{port}"


def address_problem(address: str) -> str | None:
    """Why an IP address may not be fetched from (``"a loopback address"``), or ``None`` if public."""
    ip: IPAddress = ipaddress.ip_address(address.split("%", maxsplit=1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None and (problem := address_problem(str(embedded))):
            return f"{problem} (IPv4 {embedded} inside IPv6)"
    for test, problem in (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "not a public address"),
    ):
        if test:
            return problem
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class SafetyPolicy:
    """Which URLs may be fetched; the default refuses every non-public address.

    ``allow_private`` allows every address; ``allowed_origins`` (``"host:port"``) allows exactly
    those origins, whatever they resolve to. ``resolver`` is ``getaddrinfo`` unless a test injects
    another (to make a name resolve to ``10.0.0.1`` without a DNS server).
    """

    allow_private: bool = False
    allowed_origins: frozenset[str] = frozenset()
    resolver: Resolver = field(default=system_resolver, compare=False)

    def __post_init__(self) -> None:
        keys = frozenset(origin_key(*_split_origin(origin)) for origin in self.allowed_origins)
        object.__setattr__(self, "allowed_origins", keys)

    @classmethod
    def from_settings(cls, settings: FetchSettings) -> SafetyPolicy:
        """The policy ``fetch_allow_private`` describes: ``False``, ``True`` or a list of origins."""
        allowed = settings.fetch_allow_private
        if isinstance(allowed, bool):
            return cls(allow_private=allowed)
        return cls(allowed_origins=frozenset(allowed))

    def allows_origin(self, host: str, port: int) -> bool:
        """Whether ``host:port`` is exempt from the address check."""
        return self.allow_private or origin_key(host, port) in self.allowed_origins

    def check_url(self, url: str) -> list[str]:
        """Refuse ``url`` unless its scheme is http(s) and its host resolves only to allowed addresses.

        Returns the addresses it resolved to; raises :class:`FetchRefused` (or :class:`FetchError`
        when the host does not resolve).
        """
        try:  # parsed as httpx parses it, since httpx is what connects, and as urllib does (stricter)
            urlsplit(url).port  # noqa: B018 - reading the port is what validates it
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, ValueError) as error:
            raise FetchRefused(url, f"refused: not a valid URL ({error})") from None
        if parsed.scheme not in SCHEMES:
            raise FetchRefused(
                url, f"refused: only http and https are fetched, not {parsed.scheme or 'a relative URL'}"
            )
        host, port = parsed.raw_host.decode("ascii"), parsed.port or SCHEMES[parsed.scheme]  # IDNA, as connected
        if not host:
            raise FetchRefused(url, "refused: the URL names no host")
        if not _HOST.fullmatch(host):  # httpx percent-encodes what no host name holds ("bad host": "bad%20host")
            raise FetchRefused(url, f"refused: not a valid host name (“{urlsplit(url).hostname}”)")
        try:
            return self.checked_addresses(host, port)
        except FetchError as error:
            raise error.at(url) from None

    def checked_addresses(self, host: str, port: int) -> list[str]:
        """Resolve ``host`` once; every address must be allowed. What the connection then uses."""
        where = origin_key(host, port)
        try:
            addresses = self.resolver(host, port)
        except (OSError, UnicodeError) as error:
            raise FetchError(where, f"cannot resolve {host}: {getattr(error, 'strerror', None) or error}") from None
        if not addresses:
            raise FetchError(where, f"cannot resolve {host}")
        if not self.allows_origin(host, port):
            for address in addresses:
                if problem := address_problem(address):
                    raise FetchRefused(where, f"refused: {address} is {problem}")
        return addresses


def _split_origin(origin: str) -> tuple[str, int]:
    host, sep, port = origin.strip().rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"{origin!r} is not an origin 'host:port'")
    return host, int(port)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network layer with the guard in it: it connects only to addresses it checked.

    httpx asks its network backend to connect to ``(host, port)`` for every new connection; this
    one resolves the host through the policy (every address checked) and connects to one of those
    very addresses, so there is no second resolution to rebind. TLS still verifies the certificate
    against the host name: httpcore passes the URL's host as the server name, not the address.
    """

    def __init__(self, policy: SafetyPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        failure: httpcore.ConnectError | None = None
        for address in self._policy.checked_addresses(host, port):
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as error:  # try the host's next address
                failure = error
        assert failure is not None  # checked_addresses never returns an empty list
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise FetchRefused(path, "refused: unix sockets are not fetched from")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def guarded_transport(policy: SafetyPolicy) -> httpx.HTTPTransport:
    """An httpx transport whose every new connection goes through :class:`GuardedBackend`.

    httpx offers no public argument for httpcore's network backend, so the transport's connection
    pool is replaced by one built with it (no proxy: environment proxies would move the connection
    elsewhere than the checked address, so the client ignores them). The tests that send redirects
    to loopback addresses fail if this ever stops taking effect.
    """
    transport = httpx.HTTPTransport(trust_env=False)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False), network_backend=GuardedBackend(policy)
    )
    return transport

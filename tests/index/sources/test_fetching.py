"""The network layer for following news, against a real HTTP server on 127.0.0.1 (tests/web_server.py).

Every fetch goes through the real client, sockets and all; the only stand-in is an injected name
resolver in the tests that need a host name resolving to an address no test can own (10.x, a
rebinding name), and each of those says so.
"""

from __future__ import annotations

import gzip
import itertools
import json
import threading
import time
import zlib

import pytest
from pydantic import ValidationError

from index.errors import UserError
from index.settings import FetchSettings, IndexSettings
from index.sources.fetching import (
    FULL_TEXT_CHARS,
    DocumentError,
    Feed,
    FetchError,
    FetchRefused,
    Kind,
    Page,
    SafetyPolicy,
    Sitemap,
    WebClient,
    detect_kind,
    parse_document,
)
from index.sources.fetching.safety import address_problem
from index.sources.fetching.urls import has_credentials, without_credentials
from tests.conftest import free_port
from tests.web_server import Route, WebServer, encoded

ARTICLE = " ".join(f"Paragraph {n} of the council's budget story, with figures and quotes." for n in range(40))
assert len(ARTICLE) >= FULL_TEXT_CHARS

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>City Desk</title><link>http://news.test/</link>
<item><title>Council passes budget</title><link>/2024/05/budget</link>
  <description>The council passed the budget.</description>
  <content:encoded><![CDATA[<p>{ARTICLE}</p><p>Last paragraph.</p>]]></content:encoded>
  <pubDate>Mon, 06 May 2024 23:30:00 -0500</pubDate><dc:creator>Ann Lee</dc:creator></item>
<item><title>Bridge closes</title><link>http://news.test/2024/05/bridge</link>
  <description>&lt;p&gt;The bridge closes for repairs.&lt;/p&gt;</description>
  <content:encoded><![CDATA[<p>The bridge closes for repairs. More soon.</p>]]></content:encoded>
  <pubDate>Tue, 07 May 2024 08:00:00 GMT</pubDate><author>desk@news.test (Bo Chen)</author></item>
<item><title>No link, left out</title><description>x</description></item>
</channel></rss>""".encode()

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>tag:wire</id>
<updated>2024-05-08T10:00:00Z</updated>
<entry><title>Full story</title><link rel="alternate" href="http://wire.test/full"/><id>tag:1</id>
  <published>2024-05-07T22:00:00-07:00</published><updated>2024-05-08T09:00:00Z</updated>
  <author><name>Zoe Park</name></author><author><name>Yan Ito</name></author>
  <summary>Short summary.</summary><content type="html">&lt;p&gt;{ARTICLE}&lt;/p&gt;</content></entry>
<entry><title>Teaser only</title><link href="http://wire.test/teaser"/><id>tag:2</id>
  <updated>2024-05-08T09:30:00Z</updated><summary>Just a teaser.</summary></entry>
</feed>""".encode()

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
<url><loc>http://news.test/2024/05/08/flood</loc>
  <image:image><image:loc>http://news.test/flood.jpg</image:loc><image:title>Photo</image:title></image:image>
  <news:news><news:publication><news:name>City Desk</news:name><news:language>en</news:language></news:publication>
    <news:publication_date>2024-05-08T06:15:00+02:00</news:publication_date>
    <news:title>River floods the old town</news:title></news:news></url>
<url><loc>http://news.test/about</loc><lastmod>2023-01-02</lastmod></url>
<url><lastmod>2023-01-02</lastmod></url>
</urlset>"""

HTML_PAGE = b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Welcome<br></p></body></html>"


def client_for(server: WebServer, **overrides: object) -> WebClient:
    """A client that may reach exactly this test server (and nothing else on loopback), no pauses."""
    values: dict[str, object] = {"fetch_host_interval": 0.0, "fetch_respect_robots": False, "fetch_timeout": 5.0}
    settings = FetchSettings.model_validate(values | overrides)
    return WebClient(settings, policy=SafetyPolicy(allowed_origins=frozenset({server.origin})))


def fetch_error(client: WebClient, url: str, **validators: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        client.fetch(url, **validators)
    assert not isinstance(caught.value, UserError), "one bad URL must not stop a batch"
    return caught.value


# --- kinds: feeds, sitemaps, pages told apart by content -------------------------------------------------


def test_rss_feed_entries_dates_authors_and_full_text_versus_summary(web: WebServer) -> None:
    web.routes["/feed"] = Route(body=RSS, headers={"Content-Type": "application/rss+xml"})
    with client_for(web) as client:
        fetched = client.fetch(web.url("/feed"))
    feed = parse_document(fetched.body, fetched.url, fetched.content_type, fetched.charset)
    assert isinstance(feed, Feed) and feed.title == "City Desk"
    full, teaser = feed.entries  # the item without a link is left out
    assert full.link == web.url("/2024/05/budget"), "relative links resolve against the feed's URL"
    assert (full.title, full.published, full.authors, full.source) == (
        "Council passes budget",
        "2024-05-06",  # 23:30 in UTC-5 stays on the publisher's day (UTC would say the 7th)
        ("Ann Lee",),
        "City Desk",
    )
    assert full.content is not None and full.content.startswith("Paragraph 0") and "Last paragraph." in full.content
    assert "<p>" not in full.content and full.content.endswith("\n\nLast paragraph."), "text, in paragraphs"
    assert (teaser.published, teaser.authors, teaser.content) == ("2024-05-07", ("Bo Chen",), None)


def test_atom_feed_entries_with_several_authors_and_content_or_summary_only() -> None:
    feed = parse_document(ATOM, "http://wire.test/atom.xml", "application/atom+xml")
    assert isinstance(feed, Feed) and feed.title == "Wire"
    full, teaser = feed.entries
    assert (full.link, full.published, full.authors) == ("http://wire.test/full", "2024-05-07", ("Zoe Park", "Yan Ito"))
    assert full.content is not None and len(full.content) >= FULL_TEXT_CHARS
    assert (teaser.link, teaser.published, teaser.content) == ("http://wire.test/teaser", "2024-05-08", None)


def test_news_sitemap_gives_publication_dates_and_titles(web: WebServer) -> None:
    web.routes["/news-sitemap.xml"] = Route(body=NEWS_SITEMAP, headers={"Content-Type": "text/plain"})
    with client_for(web) as client:
        fetched = client.fetch(web.url("/news-sitemap.xml"))
    sitemap = parse_document(fetched.body, fetched.url, fetched.content_type)
    assert isinstance(sitemap, Sitemap) and sitemap.sitemaps == ()
    flood, about = sitemap.entries  # the <url> without <loc> is left out
    assert (flood.loc, flood.date, flood.title) == (
        "http://news.test/2024/05/08/flood",
        "2024-05-08",
        "River floods the old town",  # not the <image:title>
    )
    assert (about.loc, about.date, about.title) == ("http://news.test/about", "2023-01-02", None)


def test_sitemap_index_lists_child_sitemaps_and_a_gzipped_child_is_read(web: WebServer) -> None:
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>/news-sitemap.xml.gz</loc><lastmod>2024-05-08T07:00:00Z</lastmod></sitemap>
      <sitemap><loc>http://news.test/archive.xml</loc></sitemap></sitemapindex>"""
    web.routes["/sitemap.xml"] = Route(body=index, headers={"Content-Type": "application/xml"})
    web.routes["/news-sitemap.xml.gz"] = Route(
        body=gzip.compress(NEWS_SITEMAP), headers={"Content-Type": "application/gzip"}
    )
    with client_for(web) as client:
        top = parse_document(client.fetch(web.url("/sitemap.xml")).body, web.url("/sitemap.xml"))
        assert isinstance(top, Sitemap) and top.entries == ()
        assert [(child.loc, child.date) for child in top.sitemaps] == [
            (web.url("/news-sitemap.xml.gz"), "2024-05-08"),
            ("http://news.test/archive.xml", None),
        ]
        child = client.fetch(top.sitemaps[0].loc)
    news = parse_document(child.body, child.url, child.content_type)
    assert isinstance(news, Sitemap) and news.entries[0].title == "River floods the old town"


def test_a_feed_url_that_serves_html_is_a_page(web: WebServer) -> None:
    web.routes["/feed.xml"] = Route(body=HTML_PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
    web.routes["/rss"] = Route(body=HTML_PAGE, headers={"Content-Type": "application/rss+xml"})
    with client_for(web) as client:
        for path in ("/feed.xml", "/rss"):
            fetched = client.fetch(web.url(path))
            page = parse_document(fetched.body, fetched.url, fetched.content_type)
            assert isinstance(page, Page) and page.body == HTML_PAGE
    assert detect_kind(b"<div><p>not well-formed<br></div>", "text/html") is Kind.PAGE
    assert detect_kind(RSS, "text/html") is Kind.FEED, "the body decides, not the header"


def test_malformed_or_foreign_xml_is_a_clear_error() -> None:
    with pytest.raises(DocumentError, match=r"x\.test/bad: malformed XML: .*catalog"):
        parse_document(b'<?xml version="1.0"?><catalog><item>open</catalog>', "http://x.test/bad", "application/xml")
    with pytest.raises(DocumentError, match="malformed XML"):
        parse_document(b"<?xml version='1.0'?><urlset><url><loc>http://x.test/a</loc>", "http://x.test/sm")
    with pytest.raises(DocumentError, match=r"neither a feed nor a sitemap \(root element <note>\)"):
        parse_document(b"<note><to>you</to></note>", "http://x.test/note", "text/xml")
    with pytest.raises(DocumentError, match="neither a feed, a sitemap nor a web page"):
        parse_document(b'{"version": 1}', "http://x.test/json", "application/json")


# --- the client: errors, limits, compression, validators -------------------------------------------------


def test_http_errors_are_fetch_errors_naming_the_status(web: WebServer) -> None:
    web.routes["/broken"] = Route(status=500, body=b"oops")
    with client_for(web) as client:
        missing = fetch_error(client, web.url("/missing"))
        error = fetch_error(client, web.url("/broken"))
    assert (missing.reason, missing.permanent) == ("HTTP 404", True), "a 404 stays a 404: not worth retrying"
    assert (error.reason, error.url, str(error)) == ("HTTP 500", web.url("/broken"), f"{web.url('/broken')}: HTTP 500")
    assert not error.permanent, "a server error may be gone next time"


def test_a_slow_response_times_out(web: WebServer) -> None:
    web.routes["/slow"] = Route(body=b"late", delay=2.0)
    started = time.monotonic()
    with client_for(web, fetch_timeout=0.3) as client:
        timed_out = fetch_error(client, web.url("/slow"))
    assert (timed_out.reason, timed_out.permanent) == ("timed out after 0.3 s", False)
    assert time.monotonic() - started < 1.5


def test_a_body_over_the_cap_is_refused_and_a_streamed_one_is_abandoned_early(web: WebServer) -> None:
    web.routes["/big"] = Route(body=b"x" * (3 * 1024 * 1024))  # declared by its Content-Length
    web.routes["/endless"] = Route(body=lambda: (b"y" * 65536 for _ in range(800)))  # 50 MB, no length
    with client_for(web, fetch_max_mb=1) as client:
        assert fetch_error(client, web.url("/big")).reason == "larger than 1 MB"
        assert fetch_error(client, web.url("/endless")).reason == "larger than 1 MB"
    web.wait_answered("/endless")  # the server has noticed the closed connection: nothing more is sent
    assert web.sent["/endless"] < 20 * 1024 * 1024, "the client must stop reading past the cap"


def test_redirects_are_followed_and_loops_and_long_chains_reported(web: WebServer) -> None:
    web.routes["/old"] = Route(status=301, redirect="/new")
    web.routes["/new"] = Route(body=b"here")
    web.routes["/a"] = Route(redirect="/b")
    web.routes["/b"] = Route(status=307, redirect=web.url("/a"))
    for n in range(8):
        web.routes[f"/hop{n}"] = Route(redirect=f"/hop{n + 1}")
    with client_for(web, fetch_max_redirects=5) as client:
        fetched = client.fetch(web.url("/old"))
        assert (fetched.url, fetched.body) == (web.url("/new"), b"here")
        assert fetch_error(client, web.url("/a")).reason == "redirect loop"
        assert fetch_error(client, web.url("/hop0")).reason == "too many redirects (more than 5)"
        web.routes["/nowhere"] = Route(status=302, redirect="http://news.test:abc/")
        assert fetch_error(client, web.url("/nowhere")).reason == (
            "malformed redirect to “http://news.test:abc/”: Invalid port: 'abc'"
        )


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd", "gzip, br", "identity"])
def test_a_compressed_body_is_decoded_in_every_coding_asked_for(web: WebServer, encoding: str) -> None:
    web.routes["/feed"] = Route(
        body=b"".join(encoded(encoding, [RSS[:500], RSS[500:]])),
        headers={"Content-Encoding": encoding, "Content-Type": "text/xml"},
    )
    with client_for(web) as client:
        assert client.fetch(web.url("/feed")).body == RSS
    assert web.requests[0].headers["accept-encoding"] == "gzip, deflate, br, zstd", "all that is decoded, no more"


def test_raw_deflate_as_some_servers_send_it_is_decoded(web: WebServer) -> None:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)  # no zlib header: not the standard, but common
    web.routes["/feed"] = Route(body=packer.compress(RSS) + packer.flush(), headers={"Content-Encoding": "deflate"})
    with client_for(web) as client:
        assert client.fetch(web.url("/feed")).body == RSS


def test_a_coding_not_decoded_or_broken_data_is_named_and_an_unknown_token_ignored(web: WebServer) -> None:
    web.routes["/compress"] = Route(body=b"\x1f\x9d...", headers={"Content-Encoding": "compress"})
    web.routes["/stacked"] = Route(body=b"x", headers={"Content-Encoding": "gzip, gzip, br"})
    web.routes["/broken"] = Route(body=b"this is no gzip", headers={"Content-Encoding": "gzip"})
    web.routes["/label"] = Route(body=RSS, headers={"Content-Encoding": "UTF-8"})  # a misconfigured server
    with client_for(web) as client:
        assert fetch_error(client, web.url("/compress")).reason == (
            "undecodable body: Content-Encoding compress was not asked for and is not decoded here"
        )
        assert fetch_error(client, web.url("/stacked")).reason == (
            "undecodable body: 3 stacked Content-Encodings (gzip, gzip, br): at most 2"
        )
        assert fetch_error(client, web.url("/broken")).reason.startswith("undecodable body: broken gzip data: ")
        assert client.fetch(web.url("/label")).body == RSS


def test_a_non_utf8_page_comes_back_as_its_bytes(web: WebServer) -> None:
    body = "<html><body><p>Caf\u00e9 \u2013 na\u00efve \u201cquotes\u201d</p></body></html>".encode("cp1252")
    web.routes["/page"] = Route(body=body, headers={"Content-Type": "text/html; charset=Windows-1252"})
    with client_for(web) as client:
        fetched = client.fetch(web.url("/page"))
    assert (fetched.body, fetched.content_type, fetched.charset) == (body, "text/html", "windows-1252")


def test_etag_and_last_modified_round_trip_to_not_modified(web: WebServer) -> None:
    stamp = "Wed, 08 May 2024 07:00:00 GMT"

    def feed(request):  # type: ignore[no-untyped-def]
        if request.headers.get("if-none-match") == '"v1"' and request.headers.get("if-modified-since") == stamp:
            return Route(status=304, headers={"ETag": '"v1"'})
        return Route(body=RSS, headers={"ETag": '"v1"', "Last-Modified": stamp})

    web.routes["/feed"] = feed
    with client_for(web) as client:
        first = client.fetch(web.url("/feed"))
        assert (first.not_modified, first.etag, first.last_modified) == (False, '"v1"', stamp)
        again = client.fetch(web.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert (again.status, again.not_modified, again.body, again.etag, again.last_modified) == (
        304,
        True,
        b"",
        '"v1"',
        stamp,  # the 304 did not repeat it: the stored one is still current
    )
    assert "if-none-match" not in web.requests[0].headers


def test_robots_txt_refuses_what_it_disallows_and_is_read_once(web: WebServer) -> None:
    web.routes["/robots.txt"] = Route(
        body=b"User-agent: *\nDisallow: /private/\n\nUser-agent: news-assistant\nDisallow: /no-bots/\n"
    )
    for path in ("/private/a", "/public/a", "/no-bots/a"):
        web.routes[path] = Route(body=b"ok")
    with client_for(web, fetch_respect_robots=True) as client:
        assert client.fetch(web.url("/private/a")).body == b"ok", "the agent's own group replaces the * group"
        refused = fetch_error(client, web.url("/no-bots/a"))
        assert isinstance(refused, FetchRefused) and refused.reason == "disallowed by robots.txt"
        assert client.fetch(web.url("/public/a")).body == b"ok"
    assert web.paths() == ["/robots.txt", "/private/a", "/public/a"]
    assert {request.headers["user-agent"] for request in web.requests} == {FetchSettings().fetch_user_agent}


def test_a_missing_robots_txt_allows_everything(web: WebServer) -> None:
    web.routes["/page"] = Route(body=b"ok")
    with client_for(web, fetch_respect_robots=True) as client:
        assert client.fetch(web.url("/page")).body == b"ok"
    assert web.paths() == ["/robots.txt", "/page"]


def test_requests_to_one_host_are_spaced_even_from_several_threads(web: WebServer) -> None:
    web.routes["/page"] = Route(body=b"ok")
    interval = 0.3
    with client_for(web, fetch_host_interval=interval) as client:
        client.fetch(web.url("/page"))
        client.fetch(web.url("/page"))
        threads = [threading.Thread(target=client.fetch, args=(web.url("/page"),)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    times = sorted(request.time for request in web.requests)
    assert len(times) == 4
    assert all(later - earlier >= interval for earlier, later in itertools.pairwise(times))


def test_tls_and_connection_failures_are_named(web: WebServer) -> None:
    closed_port = free_port()
    policy = SafetyPolicy(allowed_origins=frozenset({web.origin, f"127.0.0.1:{closed_port}"}))
    with WebClient(FetchSettings(fetch_host_interval=0, fetch_respect_robots=False), policy=policy) as client:
        tls = fetch_error(client, f"https://{web.origin}/")  # TLS spoken to a plain-HTTP server
        assert tls.reason.startswith("TLS error: "), tls.reason
        assert fetch_error(client, f"http://127.0.0.1:{closed_port}/").reason == "connection refused"


# --- the SSRF guard ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "address"),
    [
        ("http://127.0.0.1:{other}/", "127.0.0.1"),
        ("http://[::1]:{port}/", "::1"),
        ("http://2130706433:{port}/", "127.0.0.1"),
        ("http://0x7f.0.0.1:{port}/", "127.0.0.1"),
        ("http://017700000001:{port}/", "127.0.0.1"),
    ],
)
def test_a_redirect_to_another_loopback_origin_is_refused(web: WebServer, target: str, address: str) -> None:
    """Only 127.0.0.1:PORT is allowed; other spellings of loopback, and other ports, are not."""
    with WebServer() as other:
        other.routes["/secret"] = Route(body=b"secret")
        location = target.format(other=other.port, port=web.port) + "secret"
        web.routes["/go"] = Route(redirect=location)
        with client_for(web) as client:
            refused = fetch_error(client, web.url("/go"))
        assert isinstance(refused, FetchRefused)
        assert (refused.url, refused.reason) == (location, f"refused: {address} is a loopback address")
        assert other.requests == [] and web.paths() == ["/go"]


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/pub/", "gopher://example.com/"])
def test_schemes_other_than_http_are_refused_directly_and_after_a_redirect(web: WebServer, target: str) -> None:
    web.routes["/go"] = Route(redirect=target)
    with client_for(web) as client:
        direct = fetch_error(client, target)
        hop = fetch_error(client, web.url("/go"))
    assert isinstance(direct, FetchRefused) and isinstance(hop, FetchRefused)
    assert direct.reason == hop.reason == f"refused: only http and https are fetched, not {target.partition(':')[0]}"


def test_the_default_policy_refuses_the_test_server_itself(web: WebServer) -> None:
    web.routes["/"] = Route(body=b"ok")
    with WebClient(FetchSettings(fetch_respect_robots=False), policy=SafetyPolicy()) as client:
        refused = fetch_error(client, web.url("/"))
    assert isinstance(refused, FetchRefused) and refused.reason == "refused: 127.0.0.1 is a loopback address"
    assert refused.permanent and web.requests == []


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    """Plumbing, with an injected resolver (no test can own a DNS name for 10.x): every address a
    name resolves to is checked, so one private address among public ones is enough to refuse."""
    names = {"intranet.test": ["10.1.2.3"], "mixed.test": ["93.184.216.34", "192.168.0.7"]}
    policy = SafetyPolicy(resolver=lambda host, port: names[host])
    with WebClient(FetchSettings(fetch_respect_robots=False), policy=policy) as client:
        assert fetch_error(client, "http://intranet.test/").reason == "refused: 10.1.2.3 is a private address"
        assert fetch_error(client, "https://mixed.test/").reason == "refused: 192.168.0.7 is a private address"


def test_the_connection_goes_to_the_checked_address_not_a_second_lookup(web: WebServer) -> None:
    """Plumbing, with an injected resolver: "news.test" resolves only through the policy, so reaching
    the server proves the connection used the checked address; a name that answers public at the
    check and loopback at connect time (DNS rebinding) is refused by the connect-time check."""
    web.routes["/"] = Route(body=b"ok")
    allowed = SafetyPolicy(allowed_origins=frozenset({f"news.test:{web.port}"}), resolver=lambda h, p: ["127.0.0.1"])
    with WebClient(FetchSettings(fetch_respect_robots=False), policy=allowed) as client:
        assert client.fetch(f"http://news.test:{web.port}/").body == b"ok"
    assert web.requests[0].headers["host"] == f"news.test:{web.port}"

    answers = iter([["93.184.216.34"], ["127.0.0.1"]])
    rebinding = SafetyPolicy(resolver=lambda host, port: next(answers))
    with WebClient(FetchSettings(fetch_respect_robots=False), policy=rebinding) as client:
        refused = fetch_error(client, f"http://rebind.test:{web.port}/")
    assert refused.reason == "refused: 127.0.0.1 is a loopback address" and len(web.requests) == 1


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("169.254.169.254", "a link-local address"),
        ("0.0.0.0", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("100.64.0.1", "not a public address"),
        ("::ffff:10.0.0.1", "a private address (IPv4 10.0.0.1 inside IPv6)"),
        ("64:ff9b::7f00:1", "a loopback address (IPv4 127.0.0.1 inside IPv6)"),
        ("fe80::1%eth0", "a link-local address"),
        ("fd00::1", "a private address"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_classification(address: str, problem: str | None) -> None:
    assert address_problem(address) == problem


def test_the_setting_allows_private_addresses_all_or_by_origin(web: WebServer, monkeypatch: pytest.MonkeyPatch) -> None:
    web.routes["/"] = Route(body=b"ok")
    monkeypatch.setenv("ASSISTANT_FETCH_ALLOW_PRIVATE", json.dumps([web.origin]))
    policy = SafetyPolicy.from_settings(IndexSettings())
    assert policy.allows_origin("127.0.0.1", web.port) and not policy.allows_origin("127.0.0.1", web.port + 1)
    with WebClient(IndexSettings(fetch_respect_robots=False, fetch_host_interval=0)) as client:
        assert client.fetch(web.url("/")).body == b"ok"
    monkeypatch.setenv("ASSISTANT_FETCH_ALLOW_PRIVATE", "true")
    assert SafetyPolicy.from_settings(IndexSettings()).allow_private
    monkeypatch.setenv("ASSISTANT_FETCH_ALLOW_PRIVATE", '["127.0.0.1"]')
    with pytest.raises(ValidationError, match="host:port"):
        IndexSettings()


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("http://user:secret@news.test/a", "http://news.test/a"),
        ("https://user@news.test:8443/a?b=1#c", "https://news.test:8443/a?b=1#c"),
        ("http://a@b:c@news.test/", "http://news.test/"),  # the last @ ends the userinfo, as httpx reads it
        ("http://:@news.test/", "http://news.test/"),
        ("//user:secret@news.test/a", "//news.test/a"),  # scheme-relative, as a feed may write it
        ("http://us\ter:secret@news.test/", "http://news.test/"),  # a tab inside, which urllib removes
        ("http://news.test/a@b", "http://news.test/a@b"),  # an @ in the path is no userinfo
        ("http://news.test/?to=x@y", "http://news.test/?to=x@y"),
        ("mailto:desk@news.test", "mailto:desk@news.test"),
    ],
)
def test_credentials_are_cut_from_urls_and_nothing_else(url: str, kept: str) -> None:
    assert without_credentials(url) == kept
    assert has_credentials(url) == (url != kept)

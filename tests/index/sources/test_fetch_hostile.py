"""What a hostile server can do to the fetcher, tried against a real one on loopback: compression
bombs in every Content-Encoding, malformed redirects, links that are no URLs, credentials in URLs.
Each bad thing is one address's or one item's error, with its URL and reason; the rest is indexed.

A bomb's cost is memory, which only a fresh process shows: :func:`fetch_peak` fetches in a child
process and reads how far its peak resident memory (``VmHWM``) rose during the fetch.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import zstandard

from assistant.settings import AssistantSettings
from index.sources.fetching import DocumentError, FetchError, parse_document
from index.sources.follower import Follower
from index.store import ArticleStore
from tests.conftest import run_python
from tests.index.sources.test_fetching import client_for
from tests.news_site import large_sitemap, page, rss, serve_feed
from tests.web_server import Route, WebServer, compression_bomb, encoded

MALFORMED = r"http:\\x\y"  # a Location that made httpx raise InvalidURL out of the fetcher
BAD_HOST = "http://bad host/story"  # a feed item's link that names no possible host
NO_URL = "http://[bad/story"  # a sitemap's <loc> that urllib cannot even split

BOMB_BYTES = 1 << 30  # 1 GiB of zeros once decoded
FETCH_MAX_MB = 10  # the default cap
PEAK_LIMIT_MB = 100  # what a single fetch may add to the process's memory, whatever it is sent
SITEMAP_URLS = 50_000  # the sitemap protocol's limit of URLs in one sitemap...
SITEMAP_BYTES = 45 * 1024 * 1024  # ...and nearly its 50 MB, once decompressed

_PEAK_CHILD = """
import json, sys
from index.sources.fetching import FetchError, SafetyPolicy, WebClient, parse_document
from index.settings import FetchSettings

def high_water_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

url, origin, max_mb, parse = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4] == "parse"
settings = FetchSettings(fetch_max_mb=max_mb, fetch_respect_robots=False, fetch_host_interval=0, fetch_timeout=120)
with WebClient(settings, policy=SafetyPolicy(allowed_origins=frozenset({origin}))) as client:
    try:  # the high-water mark restarts from the resident size now (Linux 4.0+), else from the peak of imports
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pass
    before = high_water_kb()
    try:
        fetched = client.fetch(url)
        outcome = f"fetched {len(fetched.body)} bytes"
        if parse:
            document = parse_document(fetched.body, fetched.url, fetched.content_type, fetched.charset)
            outcome = f"{type(document).__name__.lower()} of {len(getattr(document, 'entries', ()))} entries"
    except FetchError as error:
        outcome = error.reason
    print(json.dumps({"outcome": outcome, "rise_mb": (high_water_kb() - before) / 1024}))
"""


@dataclass(frozen=True)
class FetchPeak:
    """How one fetch in a fresh process ended (its error's reason, or "fetched N bytes"), and how many
    MB its peak memory rose above what the process held just before."""

    outcome: str
    rise_mb: float


def fetch_peak(url: str, origin: str, max_mb: float = FETCH_MAX_MB, *, parse: bool = False) -> FetchPeak:
    """Fetch ``url`` with a fresh :class:`index.sources.fetching.WebClient` in a child process (allowed to
    reach ``origin``), and measure it; with ``parse``, reading the body as a document too (the outcome
    is then e.g. "sitemap of 50000 entries"), since a small body may be a large document once unzipped."""
    child = run_python("-c", _PEAK_CHILD, url, origin, str(max_mb), "parse" if parse else "fetch")
    assert child.returncode == 0, child.stderr[-3000:]
    return FetchPeak(**json.loads(child.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="session")
def bomb_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Bombs are made once per session (brotli's takes a few seconds) and kept here."""
    return tmp_path_factory.mktemp("bombs")


def cli_env(tmp_path: Path, web: WebServer) -> dict[str, str]:
    return {
        "ASSISTANT_DB_PATH": str(tmp_path / "db"),
        "ASSISTANT_FOLLOW_FILE": str(tmp_path / "followed.json"),
        "ASSISTANT_FETCH_ALLOW_PRIVATE": json.dumps([web.origin]),
        "ASSISTANT_FETCH_HOST_INTERVAL": "0",
    }


def serve_hostile_site(web: WebServer) -> dict[str, list[str]]:
    """``/hostile.xml``, a feed whose good stories (/news/1, /news/2) come with an item whose page
    redirects to a malformed Location and an item whose link names no possible host, and
    ``/sitemap.xml``, whose good page (/news/3) comes with a ``<loc>`` that is no URL at all; the
    errors (URL: reason) each must report. ``/feed.xml`` is a good feed of /news/1 to /news/3."""
    serve_feed(web, count=3)
    web.routes["/moved"] = Route(status=302, redirect=MALFORMED)
    items = [("/news/1", "One"), ("/moved", "Moved"), (BAD_HOST, "Bad host"), ("/news/2", "Two")]
    web.routes["/hostile.xml"] = Route(body=rss(web, items), headers={"Content-Type": "application/rss+xml"})
    locs = "".join(f"<url><loc>{loc}</loc></url>" for loc in (web.url("/news/3"), NO_URL))
    sitemap = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    web.routes["/sitemap.xml"] = Route(body=sitemap.encode(), headers={"Content-Type": "application/xml"})
    return {
        "/hostile.xml": [
            f"{web.url('/moved')}: malformed redirect to “{MALFORMED}”: an http(s) URL without a host",
            f"{BAD_HOST}: refused: not a valid host name (“bad host”)",
        ],
        "/sitemap.xml": [f"{NO_URL}: refused: not a valid URL (Invalid IPv6 URL)"],
    }


# --- compression bombs ------------------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="peak memory is read from Linux's /proc")
@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip", "deflate", "gzip, br"])
def test_a_compression_bomb_stops_at_the_cap_without_filling_memory(
    web: WebServer, bomb_cache: Path, encoding: str
) -> None:
    bomb = compression_bomb(encoding, BOMB_BYTES, bomb_cache)
    assert len(bomb) < 2 * 1024 * 1024, "a bomb is small on the wire: the declared-length check cannot catch it"
    web.routes["/bomb"] = Route(body=bomb, headers={"Content-Encoding": encoding, "Content-Type": "text/html"})

    peak = fetch_peak(web.url("/bomb"), web.origin)

    assert peak.outcome == f"larger than {FETCH_MAX_MB} MB"
    assert peak.rise_mb < PEAK_LIMIT_MB, f"{encoding}: memory rose {peak.rise_mb:.0f} MB during one fetch"


def test_a_zstd_frame_asking_for_a_huge_window_is_refused(web: WebServer) -> None:
    """RFC 9659 limits the zstd coding's window to 8 MB; a frame asking for 128 MB would cost that much."""
    params = zstandard.ZstdCompressionParameters(window_log=27)
    packer = zstandard.ZstdCompressor(compression_params=params).compressobj()
    web.routes["/wide"] = Route(
        body=packer.compress(bytes(1 << 20)) + packer.flush(), headers={"Content-Encoding": "zstd"}
    )
    with client_for(web) as client, pytest.raises(FetchError) as caught:
        client.fetch(web.url("/wide"))
    assert caught.value.reason.startswith("undecodable body: broken or too demanding zstd data: ")
    assert "too much memory" in caught.value.reason


def big_gzipped_sitemap(cache: Path) -> bytes:
    """``sitemap.xml.gz`` as a big news site serves it: 50,000 URLs, 45 MB unzipped, ~1 MB on the wire."""
    cached = cache / "sitemap.xml.gz"
    if not cached.exists():
        cached.write_bytes(b"".join(encoded("gzip", large_sitemap(SITEMAP_URLS, SITEMAP_BYTES))))
    return cached.read_bytes()


def sitemap_bomb(cache: Path) -> bytes:
    """A gzip file that starts as a sitemap (so it passes the sniffing) and goes on with 1 GiB of blanks."""
    cached = cache / "sitemap-bomb.xml.gz"
    if not cached.exists():
        head = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        blanks = (b" " * (1 << 20) for _ in range(BOMB_BYTES >> 20))
        cached.write_bytes(b"".join(encoded("gzip", [head, *blanks])))
    return cached.read_bytes()


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="peak memory is read from Linux's /proc")
def test_a_big_gzipped_sitemap_is_read_entry_by_entry_within_the_memory_limit(web: WebServer, bomb_cache: Path) -> None:
    body = big_gzipped_sitemap(bomb_cache)
    assert len(body) < FETCH_MAX_MB * 1024 * 1024, "small on the wire: the fetch cap lets it through"
    web.routes["/sitemap.xml.gz"] = Route(body=body, headers={"Content-Type": "application/gzip"})

    peak = fetch_peak(web.url("/sitemap.xml.gz"), web.origin, parse=True)

    assert peak.outcome == f"sitemap of {SITEMAP_URLS} entries"
    assert peak.rise_mb < PEAK_LIMIT_MB, f"memory rose {peak.rise_mb:.0f} MB reading one sitemap"


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="peak memory is read from Linux's /proc")
@pytest.mark.parametrize("bomb", ["zeros", "sitemap"])
def test_a_gzip_file_bomb_named_sitemap_is_refused_without_filling_memory(
    web: WebServer, bomb_cache: Path, bomb: str
) -> None:
    body = compression_bomb("gzip", BOMB_BYTES, bomb_cache) if bomb == "zeros" else sitemap_bomb(bomb_cache)
    web.routes["/sitemap.xml.gz"] = Route(body=body, headers={"Content-Type": "application/octet-stream"})

    peak = fetch_peak(web.url("/sitemap.xml.gz"), web.origin, parse=True)

    assert peak.outcome == "larger than 50 MB once decompressed"
    assert peak.rise_mb < PEAK_LIMIT_MB, f"{bomb}: memory rose {peak.rise_mb:.0f} MB unzipping one sitemap"


def test_a_sitemap_of_more_urls_than_the_protocol_allows_says_so(web: WebServer) -> None:
    body = b"".join(encoded("gzip", large_sitemap(SITEMAP_URLS + 1, 6 * 1024 * 1024)))
    web.routes["/sitemap.xml.gz"] = Route(body=body, headers={"Content-Type": "application/gzip"})
    with client_for(web) as client:
        fetched = client.fetch(web.url("/sitemap.xml.gz"))
    with pytest.raises(DocumentError) as caught:
        parse_document(fetched.body, fetched.url, fetched.content_type)
    assert caught.value.reason == "more than 50,000 URLs, the sitemap protocol's limit"


# --- one bad item or address is its own error ---------------------------------------------------------------


def test_a_follow_cycle_reads_the_good_items_of_hostile_addresses_and_goes_on_with_the_others(
    settings: AssistantSettings, embeddings, web: WebServer
) -> None:
    expected = serve_hostile_site(web)
    follower = Follower(ArticleStore.open(settings, embeddings=embeddings), settings)
    for path in ("/hostile.xml", "/sitemap.xml", "/feed.xml"):
        follower.follow_list.add(web.url(path))

    hostile, sitemap, other = follower.cycle()

    for report, path, new in ((hostile, "/hostile.xml", 2), (sitemap, "/sitemap.xml", 1)):
        assert (report.failed, report.new_articles) == (None, new), report.line()
        assert [f"{error.path}: {error.message}" for error in report.errors] == expected[path]
    assert (other.failed, other.new_articles) == (None, 0), "the good feed is read too (its stories are indexed)"
    entries = follower.follow_list.entries()
    assert [entry.status for entry in entries] == ["ok", "ok", "ok"]
    assert [entry.total_articles for entry in entries] == [2, 1, 3]


def test_fetch_cli_reports_the_bad_items_and_indexes_every_address(tmp_path: Path, web: WebServer) -> None:
    expected = serve_hostile_site(web)
    urls = [web.url("/hostile.xml"), web.url("/sitemap.xml"), web.url("/news/4")]  # /news/4: a 404
    web.routes["/news/4"] = Route(status=404)

    fetched = run_python("-m", "index", "fetch", *urls, env=cli_env(tmp_path, web))

    assert fetched.returncode == 0 and "Traceback" not in fetched.stderr, fetched.stderr[-3000:]
    assert fetched.stdout.splitlines()[:3] == [
        f"{web.url('/hostile.xml')}: feed, 2 new articles, 2 not indexed",
        f"{web.url('/sitemap.xml')}: sitemap, 1 new article, 1 not indexed",
        f"{web.url('/news/4')}: failed: HTTP 404",
    ]
    for error in expected["/hostile.xml"] + expected["/sitemap.xml"]:
        assert f"skipped {error}" in fetched.stderr


# --- credentials in URLs ------------------------------------------------------------------------------------


def test_credentials_in_links_are_never_sent_kept_or_shown(
    settings: AssistantSettings, embeddings, web: WebServer
) -> None:
    serve_feed(web, count=2)
    secret = f"http://reader:s3cret@{web.origin}"
    web.routes["/old"] = Route(redirect=f"{secret}/news/2")
    items = [(f"{secret}/news/1", "One"), ("/old", "Two"), (f"{secret}/gone", "Gone")]
    web.routes["/private.xml"] = Route(body=rss(web, items), headers={"Content-Type": "application/rss+xml"})
    store = ArticleStore.open(settings, embeddings=embeddings)
    follower = Follower(store, settings)
    follower.follow_list.add(web.url("/private.xml"))

    [report] = follower.cycle()

    assert report.new_articles == 2, report.line()
    assert [f"{error.path}: {error.message}" for error in report.errors] == [f"{web.url('/gone')}: HTTP 404"]
    assert not any("authorization" in request.headers for request in web.requests), "never sent as Basic auth"
    ids = {metadata["article_id"] for metadata in store.collection.get(include=["metadatas"])["metadatas"]}
    urls = {metadata["url"] for metadata in store.collection.get(include=["metadatas"])["metadatas"]}
    assert ids == urls == {web.url("/news/1"), web.url("/news/2")}
    assert "s3cret" not in settings.follow_file.read_text(encoding="utf-8")


def test_an_address_typed_with_credentials_is_refused_in_one_line(tmp_path: Path, web: WebServer) -> None:
    serve_feed(web)
    env = cli_env(tmp_path, web)
    typed = f"http://reader:s3cret@{web.origin}/feed.xml"
    for command in (("follow", "add", typed), ("fetch", typed)):
        refused = run_python("-m", "index", *command, env=env)
        assert refused.returncode == 2, refused.stderr[-2000:]
        assert refused.stderr.strip() == (
            f"error: “{web.url('/feed.xml')}” was given with a user name or password: credentials in URLs are "
            "not kept; give the address without them"
        )
    assert web.requests == [] and not (tmp_path / "followed.json").exists()


def test_a_followed_list_written_with_credentials_loses_them(tmp_path: Path, web: WebServer) -> None:
    serve_feed(web, count=1)
    legacy = [{"url": f"http://reader:s3cret@{web.origin}/feed.xml", "added": "2024-05-01T00:00:00+00:00"}]
    (tmp_path / "followed.json").write_text(json.dumps(legacy), encoding="utf-8")
    env = cli_env(tmp_path, web)

    ran = run_python("-m", "index", "follow", "run", "--once", env=env)
    listed = run_python("-m", "index", "follow", "list", env=env)

    assert ran.returncode == 0, ran.stderr[-2000:]
    assert f"{web.url('/feed.xml')}: feed, 1 new article" in ran.stdout
    assert listed.stdout.startswith(f"{web.url('/feed.xml')}\tfeed\t")
    assert "s3cret" not in ran.stdout + ran.stderr + listed.stdout + (tmp_path / "followed.json").read_text()
    assert not any("authorization" in request.headers for request in web.requests)


# --- a page's canonical link names only its own site --------------------------------------------------------


def with_canonical(body: bytes, canonical: str) -> bytes:
    return body.replace(b"</head>", f'<link rel="canonical" href="{canonical}"></head>'.encode(), 1)


def test_a_canonical_link_to_another_site_cannot_overwrite_that_sites_article(
    tmp_path: Path, embeddings, web: WebServer
) -> None:
    serve_feed(web, count=1)  # site B: /news/1, the story of kestrel-1
    html = {"Content-Type": "text/html; charset=utf-8"}
    with WebServer() as other:  # site A: another origin (another port on loopback)
        other.routes["/evil"] = Route(body=with_canonical(page(7), web.url("/news/1")), headers=html)
        other.routes["/story"] = Route(body=with_canonical(page(8), "/news/8"), headers=html)
        settings = AssistantSettings(
            db_path=tmp_path / "db",
            follow_file=tmp_path / "followed.json",
            fetch_allow_private=[web.origin, other.origin],
            fetch_host_interval=0.0,
            fetch_timeout=5.0,
        )
        store = ArticleStore.open(settings, embeddings=embeddings)
        follower = Follower(store, settings)
        for url in (web.url("/feed.xml"), other.url("/evil"), other.url("/story?utm_source=feed")):
            follower.follow_list.add(url)

        reports = follower.cycle()

    assert [report.new_articles for report in reports] == [1, 1, 1], [report.line() for report in reports]
    titles = {
        metadata["article_id"]: metadata["title"]
        for metadata in store.collection.get(include=["metadatas"])["metadatas"]
    }
    assert titles == {
        web.url("/news/1"): "Shipment kestrel-1 held at Port Kestrel",  # B's story stays B's
        other.url("/evil"): "Shipment kestrel-7 held at Port Kestrel",  # A's page is kept under A's own URL
        other.url("/news/8"): "Shipment kestrel-8 held at Port Kestrel",  # a canonical on its own site still counts
    }

"""A news site for tests, written at test time: pages with a story in known boilerplate, and a feed.

Every story is this file's own (nothing copied from a real site); each carries its code word
``kestrel-<n>`` so a test can ask about exactly one article.
"""

from __future__ import annotations

from collections.abc import Iterator

from tests.web_server import Route, WebServer

BOILERPLATE = ["Subscribe to our newsletter", "We use cookies to improve", "Related stories", "All rights reserved"]


def story(n: int) -> list[str]:
    """Four paragraphs of a story that only this test writes; its code word is ``kestrel-<n>``."""
    return [
        f"The harbour authority of Port Kestrel said on Monday that shipment kestrel-{n} had been held at the "
        f"eastern quay for {n + 2} days while inspectors examined its papers and its cargo of turbine blades.",
        f"Inspectors found that the manifest of shipment kestrel-{n} listed {10 * n + 5} blades, while the "
        "containers held fewer, and the authority asked the shipping line to explain the difference.",
        [
            "The shipping line said the missing blades had been left behind in the port of loading because a "
            "crane broke down, and that they would follow on the next vessel within a fortnight.",
            "A spokesman for the shipping line blamed a clerical error at its Rotterdam office and apologised to "
            "the island council, promising a corrected manifest by Friday.",
            "The customs office declined to comment while its inquiry continues, but a union representative said "
            "dock workers had raised concerns about the paperwork weeks ago.",
        ][n % 3],
        f"Local officials said wind farm construction on the island would not be delayed by the hold-up of "
        f"shipment kestrel-{n}, as enough blades were already on site for the first phase.",
    ]


def page(n: int, *, title: str | None = None, correction: str = "") -> bytes:
    """Story ``n`` in a page of the site; ``correction``: a last paragraph added since it was first published."""
    title = title or f"Shipment kestrel-{n} held at Port Kestrel"
    body = "".join(f"<p>{paragraph}</p>" for paragraph in [*story(n), *([correction] if correction else [])])
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | Island News</title>
<meta property="og:site_name" content="Island News">
<meta property="article:published_time" content="2024-03-0{n % 9 + 1}T08:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner">{BOILERPLATE[1]} your experience. Accept all?</div>
<article><h1>{title}</h1><p class="byline">By Ada Fenwick</p>{body}</article>
<aside><h2>{BOILERPLATE[2]}</h2><ul><li><a href="/a">Ferry timetable changes</a></li>
<li><a href="/b">Council meets on harbour fees</a></li></ul></aside>
<div class="newsletter">{BOILERPLATE[0]} for the morning briefing.</div>
<footer>Island News. {BOILERPLATE[3]}.</footer></body></html>""".encode()


def paywall_page(n: int, *, site: str = "") -> bytes:
    """Story ``n`` as a paywalled site serves it to a reader without a subscription: marked as not free
    (schema.org's ``isAccessibleForFree``), its first sixty words, and a call to subscribe; ``site``:
    the outlet's name, when it gives one (another outlet than the free pages' Island News)."""
    teaser = " ".join(story(n)[0].split()[:60])
    named = f'<meta property="og:site_name" content="{site}">' if site else ""
    return (
        f'<html><head>{named}<script type="application/ld+json">{{"@type": "NewsArticle", "headline": '
        f'"Kestrel cargo", "isAccessibleForFree": false}}</script></head><body><article><h1>Kestrel cargo {n}</h1>'
        f"<p>{teaser}</p><p>Subscribe to continue reading this article and get unlimited access.</p></article>"
        "</body></html>"
    ).encode()


def rss(server: WebServer, items: list[tuple[str, str]]) -> bytes:
    """A feed of ``(path, title)`` items; a "path" with ``://`` in it is a link written as it is."""
    entries = "".join(
        f"<item><title>{title}</title><link>{path if '://' in path else server.url(path)}</link>"
        f"<pubDate>Mon, 04 Mar 2024 08:00:00 GMT</pubDate></item>"
        for path, title in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Island News</title>'
        f"<link>{server.url('/')}</link>{entries}</channel></rss>"
    ).encode()


def serve_feed(web: WebServer, count: int = 3) -> None:
    for n in range(1, count + 1):
        web.routes[f"/news/{n}"] = Route(body=page(n), headers={"Content-Type": "text/html; charset=utf-8"})
    items = [(f"/news/{n}", f"Shipment kestrel-{n} held") for n in range(1, count + 1)]
    web.routes["/feed.xml"] = Route(body=rss(web, items), headers={"Content-Type": "application/rss+xml"})


def large_sitemap(urls: int, size: int) -> Iterator[bytes]:
    """A news sitemap of ``urls`` entries (``/story/0`` on, relative to the sitemap), each with its news
    title and an image whose caption pads the whole to about ``size`` bytes, in pieces of ~1 MB.

    What a big news site really publishes: the sitemap protocol allows 50,000 URLs and 50 MB, and a
    news sitemap spends most of those bytes on titles and images, not on the ``<loc>``.
    """
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" '
        'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
    )
    tail = "</urlset>\n"

    def entry(n: int, caption: str) -> str:
        return (
            f"<url><loc>/story/{n}</loc><lastmod>2024-05-08</lastmod><news:news><news:publication>"
            "<news:name>Island News</news:name><news:language>en</news:language></news:publication>"
            f"<news:publication_date>2024-05-08T06:15:00Z</news:publication_date>"
            f"<news:title>Shipment kestrel-{n} held at Port Kestrel</news:title></news:news>"
            f"<image:image><image:loc>/img/{n}.jpg</image:loc><image:caption>{caption}</image:caption>"
            "</image:image></url>\n"
        )

    words = "Cranes unload turbine blades at the eastern quay of Port Kestrel on a grey morning. "
    room = (size - len(head) - len(tail)) // urls - len(entry(urls, ""))
    caption = (words * (room // len(words) + 1))[: max(room, 0)]
    yield head.encode()
    piece: list[str] = []
    for n in range(urls):
        piece.append(entry(n, caption))
        if len(piece) * len(piece[0]) >= 1 << 20:
            yield "".join(piece).encode()
            piece = []
    yield ("".join(piece) + tail).encode()

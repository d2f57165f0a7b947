"""Article extraction from web pages (real trafilatura and htmldate), on pages written here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from index.articles import Article, LoadError
from index.sources.extract import ExtractedPage, extract_article
from index.sources.files import file_article_id, iter_articles
from tests.conftest import ROOT

HEADLINE = "Council votes to rebuild the harbour bridge"
STORY = [
    "The city council voted on Tuesday to rebuild the old harbour bridge, ending a decade of debate over the"
    " crossing that links the two halves of the town.",
    "Engineers said the new span would carry trams as well as cars, and that work would begin in the spring once"
    " the final permits are signed by the regional authority.",
    "Residents who had campaigned for years welcomed the decision, though some shop owners near the quay worried"
    " about months of noise and closed roads during construction.",
    "The mayor said the budget of 40 million euros would be met from a mix of regional grants and a bond issue"
    " approved last year.",
]
BOILERPLATE = {
    "nav": '<nav class="main-menu"><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li>'
    '<li><a href="/sport">Sport results</a></li><li><a href="/weather">Weather forecast</a></li></ul></nav>',
    "cookies": '<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience on our'
    " site.</p><button>Accept all cookies</button><button>Manage preferences</button></div>",
    "share": '<div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a>'
    ' <a href="#">Email this story</a></div>',
    "related": '<aside class="related"><h2>Related stories</h2><ul><li><a href="/a">Ferry fares rise again next'
    ' month</a></li><li><a href="/b">Tram line extension opens to the airport</a></li><li><a href="/c">Storm'
    " closes the coastal road</a></li></ul></aside>",
    "comments": '<section id="comments" class="comments"><h3>Reader comments</h3><div class="comment"><p>Jane99'
    " wrote: about time they fixed that crumbling old thing, my grandfather drove over it every day.</p></div>"
    '<div class="comment"><p>Harbourfan replied: the trams will never run on time anyway, mark my words.</p>'
    "</div></section>",
    "footer": "<footer><p>Copyright 2024 Harbour Gazette. All rights reserved.</p><a href='/contact'>Contact us</a>"
    " <a href='/privacy'>Privacy policy</a></footer>",
}
BOILERPLATE_PHRASES = [
    "World news",
    "Sport results",
    "Weather forecast",
    "We use cookies",
    "Accept all cookies",
    "Manage preferences",
    "Share on Facebook",
    "Email this story",
    "Related stories",
    "Ferry fares rise",
    "Tram line extension",
    "Reader comments",
    "Jane99",
    "crumbling old thing",
    "mark my words",
    "All rights reserved",
    "Privacy policy",
]


def story_page(head: str = "", story: list[str] = STORY, charset: str = "utf-8", footer: bool = True) -> str:
    """A news page: the story inside a menu, a cookie banner, share buttons, related links, comments, a footer."""
    paragraphs = "".join(f"<p>{paragraph}</p>" for paragraph in story)
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="{charset}"><title>{HEADLINE} | Harbour Gazette'
        f"</title>{head}</head><body><header>{BOILERPLATE['nav']}</header>{BOILERPLATE['cookies']}"
        f'<main><article><h1>{HEADLINE}</h1><p class="byline">By Anna Berg</p>{paragraphs}</article>'
        f"{BOILERPLATE['share']}{BOILERPLATE['related']}{BOILERPLATE['comments']}</main>"
        f"{BOILERPLATE['footer'] if footer else ''}</body></html>"
    )


def extracted(html: str | bytes, url: str | None = None) -> ExtractedPage:
    page = extract_article(html, url)
    assert page is not None
    return page


def test_the_story_is_extracted_paragraph_by_paragraph_and_the_boilerplate_is_not() -> None:
    page = extracted(story_page(head='<meta property="og:site_name" content="Harbour Gazette">'))
    paragraphs = page.text.split("\n\n")
    for paragraph in STORY:
        assert paragraph in paragraphs  # whole, and apart from the others by a blank line
    for phrase in BOILERPLATE_PHRASES:
        assert phrase not in page.text
    assert page.title == HEADLINE
    assert not page.text.startswith(HEADLINE)  # the headline is the title, not the text's first line
    assert (page.source, page.language) == ("Harbour Gazette", "en")


def test_bytes_of_a_story_give_the_same_article() -> None:
    html = story_page()
    assert extracted(html.encode("utf-8")) == extracted(html)


JSONLD_ARTICLE = {
    "@type": "NewsArticle",
    "headline": "Harbour bridge to be rebuilt after council vote",
    "datePublished": "2023-04-05T09:30:00+02:00",
    "dateModified": "2023-04-07T11:00:00+02:00",
    "author": [{"@type": "Person", "name": "Anna Berg"}, {"@type": "Person", "name": "Tom Ek"}],
    "publisher": {"@type": "NewsMediaOrganization", "name": "The Harbour Gazette"},
    "inLanguage": "en-GB",
}


@pytest.mark.parametrize(
    "jsonld",
    [
        {"@context": "https://schema.org", **JSONLD_ARTICLE},
        [{"@type": "BreadcrumbList", "itemListElement": []}, JSONLD_ARTICLE],
        {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebSite", "name": "Gazette"},
                {**JSONLD_ARTICLE, "@type": ["ReportageNewsArticle"], "author": {"name": "By Anna Berg"}},
            ],
        },
    ],
    ids=["object", "list", "graph"],
)
def test_json_ld_gives_headline_date_authors_and_publisher(jsonld: object) -> None:
    script = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>'
    page = extracted(story_page(head=script, footer=False))
    assert page.title == "Harbour bridge to be rebuilt after council vote"
    assert page.date == "2023-04-05"  # published, not modified
    assert page.authors[0] == "Anna Berg"
    assert page.authors in (("Anna Berg", "Tom Ek"), ("Anna Berg",))
    assert page.source == "The Harbour Gazette"
    assert STORY[0] in page.text


def test_the_json_ld_article_body_is_the_text_when_the_page_shows_none() -> None:
    body = "\n\n".join(STORY)
    script = json.dumps({"@type": "NewsArticle", "headline": HEADLINE, "articleBody": body})
    html = (
        f'<html><head><script type="application/ld+json">{script}</script></head>'
        '<body><div id="app">Loading…</div></body></html>'
    )
    page = extracted(html)
    assert page.text == body and page.title == HEADLINE


@pytest.mark.parametrize(
    "meta",
    [
        '<meta property="article:published_time" content="2021-03-04T10:00:00Z">',
        '<meta property="og:updated_time" content="2021-03-04T10:00:00Z">',
        '<meta name="pubdate" content="2021-03-04">',
        '<meta name="date" content="2021-03-04">',
    ],
)
def test_a_date_only_in_meta_tags_is_found(meta: str) -> None:
    assert extracted(story_page(head=meta)).date == "2021-03-04"


def test_a_placeholder_json_ld_date_is_passed_over_for_the_meta_tag() -> None:
    script = json.dumps({"@type": "NewsArticle", "headline": HEADLINE, "datePublished": "0001-01-01T00:00:00Z"})
    head = f'<script type="application/ld+json">{script}</script>'
    head += '<meta property="article:published_time" content="2019-11-19T10:00:00Z">'
    assert extracted(story_page(head=head)).date == "2019-11-19"


def test_a_copyright_year_is_not_taken_for_the_date() -> None:
    page = extracted(story_page())  # no date anywhere but the footer's "Copyright 2024"
    assert page.date is None


def test_a_date_in_the_text_only_is_found() -> None:
    story = ["Published on 12 March 2022.", *STORY]
    assert extracted(story_page(story=story, footer=False)).date == "2022-03-12"


CAFE = "Zürich’s café owners said “no” to the new tax, José Müller told reporters."


@pytest.mark.parametrize(
    ("declaration", "encoding"),
    [
        ('<meta charset="windows-1252">', "cp1252"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', "cp1252"),  # as browsers read it
        ('<meta charset="iso-8859-1">', "latin-1"),  # é and ü only, no ’
        ("", "cp1252"),  # nothing declared, not UTF-8
        ('<meta charset="iso-8859-1">', "utf-8"),  # mislabelled UTF-8
        ("", "utf-8-sig"),  # a byte order mark
        ('<meta charset="utf-16">', "utf-16"),  # its BOM says which UTF-16
    ],
)
def test_pages_in_other_encodings_decode_right(declaration: str, encoding: str) -> None:
    sentence = CAFE if encoding != "latin-1" else CAFE.replace("’", "'").replace("“", '"').replace("”", '"')
    html = (
        f"<html><head>{declaration}<title>Café tax in Zürich</title></head><body><article><h1>Café tax in Zürich"
        f"</h1><p>{sentence}</p>{''.join(f'<p>{p}</p>' for p in STORY)}</article></body></html>"
    )
    page = extracted(html.encode(encoding))
    assert page.title == "Café tax in Zürich"
    assert sentence in page.text.split("\n\n")


LOGIN_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign in | Harbour Gazette</title></head><body>'
    f"<header>{BOILERPLATE['nav']}</header><main><h1>Sign in to your account</h1>"
    '<form action="/login" method="post"><label for="email">Email address</label><input id="email" type="email">'
    '<label for="pw">Password</label><input id="pw" type="password"><label><input type="checkbox"> Remember me'
    '</label><button type="submit">Sign in</button></form><p><a href="/reset">Forgot your password?</a></p>'
    '<p>Don\'t have an account? <a href="/register">Register now</a></p><p>By signing in you agree to our'
    ' <a href="/terms">Terms of Use</a> and <a href="/privacy">Privacy Policy</a>.</p></main>'
    f"{BOILERPLATE['footer']}</body></html>"
)
LINKS_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Latest news | Harbour Gazette</title></head>'
    f"<body><header>{BOILERPLATE['nav']}</header><main><h1>Latest news</h1><ul>"
    + "".join(
        f'<li><a href="/news/{number}">{headline}</a></li>'
        for number, headline in enumerate(
            [
                "Council votes to rebuild the harbour bridge",
                "Ferry fares rise again next month",
                "Tram line extension opens to the airport",
                "Storm closes the coastal road for two days",
                "Local team wins the regional cup final",
                "New library opens in the old town hall",
            ]
        )
    )
    + f"</ul></main>{BOILERPLATE['footer']}</body></html>"
)


@pytest.mark.parametrize("html", [LOGIN_PAGE, LINKS_PAGE, "", "<html><body></body></html>"], ids=repr)
def test_a_page_without_an_article_gives_none(html: str) -> None:
    assert extract_article(html) is None


def test_a_page_without_an_article_is_a_load_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "login.html").write_text(LOGIN_PAGE)
    (tmp_path / "story.html").write_text(story_page())
    errors: list[LoadError] = []
    articles = list(iter_articles([tmp_path], errors))
    assert [Path(article.id).name for article in articles] == ["story.html"]
    [error] = errors
    assert (Path(error.path).name, error.message, error.skipped) == ("login.html", "no article text found", True)
    assert "login.html: no article text found" in str(error)


def test_the_canonical_url_comes_from_the_canonical_link() -> None:
    head = (
        '<meta property="og:url" content="https://gazette.example.org/share/123">'
        '<link rel="canonical" href="https://www.gazette.example.org/news/bridge-vote">'
    )
    page = extracted(story_page(head=head), url="https://gazette.example.org/news/bridge-vote?utm_source=feed")
    assert page.url == "https://www.gazette.example.org/news/bridge-vote"
    assert page.source == "gazette.example.org"  # no site name: the host, without www.


def test_a_relative_canonical_link_is_resolved_and_og_url_is_the_fallback() -> None:
    relative = extracted(story_page(head='<link rel="canonical" href="/news/bridge">'), url="https://example.org/x")
    assert relative.url == "https://example.org/news/bridge"
    og = extracted(story_page(head='<meta property="og:url" content="https://example.org/news/og">'))
    assert og.url == "https://example.org/news/og"
    assert extracted(story_page(), url="https://example.org/given").url == "https://example.org/given"
    assert extracted(story_page()).url == ""


def test_an_html_file_becomes_an_article_with_the_page_metadata(tmp_path: Path) -> None:
    script = f'<script type="application/ld+json">{json.dumps(JSONLD_ARTICLE)}</script>'
    path = tmp_path / "bridge.html"
    path.write_text(story_page(head=script + '<link rel="canonical" href="https://example.org/news/bridge">'))
    errors: list[LoadError] = []
    [article] = list(iter_articles([path], errors))
    assert not errors
    assert article == Article(
        id=file_article_id(path),
        title="Harbour bridge to be rebuilt after council vote",
        text=article.text,
        date="2023-04-05",
        source="The Harbour Gazette",
        url="https://example.org/news/bridge",
        authors=("Anna Berg", "Tom Ek"),
        language="en",
    )
    assert article.text.split("\n\n") == STORY


def test_extract_command_prints_one_json_line_per_article(tmp_path: Path) -> None:
    path = tmp_path / "bridge.html"
    path.write_text(story_page(head='<meta property="og:site_name" content="Harbour Gazette">'))
    result = subprocess.run(
        [sys.executable, "-m", "index", "extract", str(path), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    record = json.loads(line)
    assert list(record) == ["id", "title", "date", "authors", "source", "url", "language", "text"]
    assert record["title"] == HEADLINE and record["source"] == "Harbour Gazette" and record["language"] == "en"
    assert record["text"].split("\n\n") == STORY

    missing = subprocess.run(
        [sys.executable, "-m", "index", "extract", str(tmp_path / "nope.html")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: no such file or folder") and "nope.html" in missing.stderr


def test_a_canonical_url_on_another_site_is_ignored_and_credentials_dropped() -> None:
    given = "https://news.example.org/story?id=7"
    for foreign in (
        "https://other.example.net/story",
        "https://news.example.org:8443/story",
        "ftp://news.example.org/x",
    ):
        assert extracted(story_page(head=f'<link rel="canonical" href="{foreign}">'), url=given).url == given
    spoofed = '<meta property="og:url" content="https://rival.blogspot.com/x">'
    assert extracted(story_page(head=spoofed), url="https://mine.blogspot.com/y").url == "https://mine.blogspot.com/y"
    secret = '<link rel="canonical" href="https://reader:s3cret@www.example.org/news/7">'
    assert extracted(story_page(head=secret), url=given).url == "https://www.example.org/news/7"

"""The article inside a web page: its text without the menus, banners, related links and comments
around it, and its metadata (title, date, authors, site, canonical URL, language).

Text comes from trafilatura in precision mode, comments left out, after what sits inside the story's
markup but is not the story (hover cards, captions, tickers, "Related" links) is taken out of the page
(``index/sources/clutter.py``); metadata from the page's JSON-LD (``NewsArticle`` and kin) first, then
trafilatura's own metadata, then htmldate for the date; the title without the site's name. These
choices were measured on 121 real news pages (``bench/extraction.py``; figures in
docs/lab-notes.md, "Article extraction").

>>> page = extract_article(open("story.html", "rb").read())  # doctest: +SKIP
>>> page.title, page.date, page.text.split("\\n\\n")[0]  # doctest: +SKIP
"""

from __future__ import annotations

import datetime
import html as html_entities
import json
import logging
import re
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import htmldate
import trafilatura
from lxml.html import HtmlElement

from index.articles import ArticleFormatError, parse_date
from index.sources.charset import decode_html
from index.sources.clutter import remove_clutter, site_names, strip_site_name
from index.sources.fetching.urls import http_parts, resolved_link, same_site

# trafilatura logs a warning for every page it finds no text in, and htmldate chatters too: the
# caller reports "no article text found" itself, once, naming the file.
for _name in ("trafilatura", "htmldate", "courlan", "readability", "justext"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "backgroundnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "blogposting",
    }
)
_log = logging.getLogger(__name__)
# Less than this is not an article: what precision mode keeps of a login page ("Sign in to your account",
# a sentence of terms) is ~25 words, of a 404 page ~20; the shortest of the 121 benchmark articles has 69.
_MIN_ARTICLE_WORDS = 30
_TABLE_RULE = re.compile(r"^[|:\s-]*$")
_WORD = re.compile(r"\w+")
_BYLINE = re.compile(r"^\s*by\s+", re.IGNORECASE)
_HTML_BLOCK = re.compile(r"<(?:/?p|br|/div|/h[1-6]|/li)\b[^>]*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]+>")
_EARLIEST_DATE = "1900-01-01"
_LANGUAGE = re.compile(r"^([a-zA-Z]{2})(?:$|[-_])")
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """One page's article: its text (paragraphs separated by blank lines) and what is known about it."""

    title: str
    text: str
    date: str | None  # ISO YYYY-MM-DD
    authors: tuple[str, ...]
    source: str  # the site's name ("BBC News"), else the host without www.
    url: str  # the canonical URL when the page names one, else the URL given
    language: str  # ISO 639-1 when known, else ""
    paywalled: bool = False  # JSON-LD isAccessibleForFree false (publishers' paywall markup): maybe a teaser


@dataclass(frozen=True, slots=True)
class ExtractionOptions:
    """How :func:`extract_article` extracts; the defaults are the measured choice (bench/extraction.py
    compares the alternatives)."""

    favor_precision: bool = True
    favor_recall: bool = False
    include_comments: bool = False
    include_tables: bool = True
    # The JSON-LD ``articleBody``: only when the extraction holds no article text ("fallback"), when longer
    # than the extraction ("longer"), whenever present ("always"), or not at all ("never").
    jsonld_body: Literal["fallback", "longer", "always", "never"] = "fallback"
    strip_title: bool = True
    # Hover cards, captions, tickers, "Related" links and bold lead-ins taken out before extraction.
    remove_clutter: bool = True


DEFAULT_OPTIONS = ExtractionOptions()


def extract_article(
    html: str | bytes, url: str | None = None, options: ExtractionOptions = DEFAULT_OPTIONS
) -> ExtractedPage | None:
    """The article in ``html`` (bytes are decoded by their BOM or declared charset), or None when the
    page holds no article text (a login form, a list of links, an empty page)."""
    markup = decode_html(html) if isinstance(html, bytes) else html.removeprefix("\ufeff")
    if not markup.strip():
        return None
    tree = trafilatura.load_html(markup)
    if tree is None:
        return None
    ld = _jsonld_article(tree)
    document = _metadata(tree, url)
    extraction = _trafilatura(tree, url, options)
    text = _choose_body(_paragraphs(getattr(extraction, "text", None)), _jsonld_body(ld), options.jsonld_body)
    if not _is_article_text(text):
        return None
    title = _clean(_string(ld.get("headline")) or _string(ld.get("name"))) or _clean(document.title)
    if options.strip_title:
        text = _strip_title(text, {title, _clean(document.title), _headline(extraction)})
    page_url = _canonical_url(tree, url)
    source = _source(ld, document, page_url)
    if options.remove_clutter:
        host = (urlsplit(page_url).hostname or "") if http_parts(page_url) else ""
        names = site_names(source, *_names(ld.get("publisher")), document.sitename, host=host)
        title = strip_site_name(title, names, _clean(tree.findtext(".//head/title")))
    return ExtractedPage(
        title=title,
        text=text,
        date=_date(ld, document, tree, page_url or url),
        authors=_authors(ld, document),
        source=source,
        url=page_url,
        language=_language(tree, ld),
        paywalled=str(ld.get("isAccessibleForFree", "")).strip().lower() == "false",
    )


def _metadata(tree: HtmlElement, url: str | None) -> Any:
    """trafilatura's metadata (a ``Document``) of the page as it was sent. Dates come from markup only:
    its free-text search takes a footer's "© 2024" for a publication date (2024-01-01)."""
    return trafilatura.extract_metadata(tree, url, date_config=dict(_DATE_PARAMS), extensive=False)


def _trafilatura(tree: HtmlElement, url: str | None, options: ExtractionOptions) -> Any:
    """trafilatura's extraction (a ``Document``, or None) of a copy of the page with its clutter out
    (:mod:`index.sources.clutter`); the metadata is read from the page as it was (a byline beside the
    author's photo has the shape of a caption)."""
    page = tree
    if options.remove_clutter:
        page = deepcopy(tree)
        remove_clutter(page)
    return trafilatura.bare_extraction(
        page,
        url=url,
        favor_precision=options.favor_precision,
        favor_recall=options.favor_recall,
        include_comments=options.include_comments,
        include_tables=options.include_tables,
    )


def _headline(document: Any) -> str:
    """The text of the extraction's first block when it is an ``<h1>``: the page's headline, which
    the title already gives (the benchmark's people never mark it as the article's text)."""
    body = getattr(document, "body", None)
    first = body[0] if body is not None and len(body) else None
    if first is None or first.tag != "head" or first.get("rend") != "h1":
        return ""
    return _clean("".join(first.itertext()))


def _paragraphs(text: str | None) -> str:
    """One paragraph per line of trafilatura's text (or of a JSON-LD body), separated by blank lines,
    inner whitespace collapsed: the chunker splits on blank lines. A table row keeps its non-empty
    cells ("| | story |" of a layout table is the story alone); a header rule ("|---|") goes."""
    paragraphs = []
    for line in (text or "").splitlines():
        cells = line.split("|") if line.lstrip().startswith("|") else [line]
        paragraph = " | ".join(" ".join(cell.split()) for cell in cells if cell.strip())
        if paragraph and not _TABLE_RULE.match(paragraph):
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def _jsonld_body(ld: dict[str, Any]) -> str:
    """The JSON-LD ``articleBody`` as paragraphs; some sites put HTML (``<p>``, ``&amp;``) in it."""
    body = _string(ld.get("articleBody"))
    if _HTML_BLOCK.search(body):
        body = _HTML_TAG.sub("", _HTML_BLOCK.sub("\n", body))
    return _paragraphs(html_entities.unescape(body))


def _is_article_text(text: str) -> bool:
    return len(_WORD.findall(text)) >= _MIN_ARTICLE_WORDS


def _choose_body(text: str, body: str, policy: str) -> str:
    if not body or policy == "never":
        return text
    if policy == "always" or (policy == "longer" and len(body) > len(text)):
        return body
    return text if _is_article_text(text) else body


def _strip_title(text: str, titles: set[str]) -> str:
    """Drop a first paragraph that only repeats the title."""
    first, _, rest = text.partition("\n\n")
    keys = {_key(title) for title in titles if title}
    return rest if rest and _key(first) in keys else text


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


def _clean(value: object) -> str:
    return " ".join(html_entities.unescape(value).split()) if isinstance(value, str) else ""


def _jsonld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content(), strict=False)
        except ValueError:
            continue
        yield from _walk(data)


def _walk(data: object) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document: top level, inside lists and inside ``@graph``."""
    if isinstance(data, list):
        for item in data:
            yield from _walk(item)
    elif isinstance(data, dict):
        yield data
        yield from _walk(data.get("@graph"))


def _jsonld_article(tree: HtmlElement) -> dict[str, Any]:
    """The page's JSON-LD article object (the first with a headline, else the first), or ``{}``."""
    articles = [obj for obj in _jsonld_objects(tree) if _ARTICLE_TYPES & _types(obj)]
    return next((obj for obj in articles if _string(obj.get("headline")).strip()), articles[0] if articles else {})


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return {name.rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for name in names if isinstance(name, str)}


def _names(value: object) -> list[str]:
    """Names from a JSON-LD person/organisation value: a string, an object or a list of either."""
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    if isinstance(value, dict):
        value = value.get("name")
    name = _BYLINE.sub("", _clean(value))
    return [name] if name else []


def _authors(ld: dict[str, Any], document: Any) -> tuple[str, ...]:
    publisher = set(_names(ld.get("publisher")))
    names = [name for name in _names(ld.get("author")) if name not in publisher]
    if not names and getattr(document, "author", None):
        names = [_BYLINE.sub("", _clean(name)) for name in document.author.split(";")]
    return tuple(dict.fromkeys(name for name in names if name))


def _date(ld: dict[str, Any], document: Any, tree: HtmlElement, url: str | None) -> str | None:
    """JSON-LD ``datePublished``; else what trafilatura read from the markup (meta tags, ``<time>``, the
    URL); else htmldate's search of the page's text, unless all it found is a year (its "© 2024" guess).
    A date before 1900 or after tomorrow is a placeholder (a real news site's JSON-LD says 0001-01-01)."""
    for value in (_string(ld.get("datePublished")), getattr(document, "date", None)):
        try:
            found = parse_date(value)
        except ArticleFormatError:
            continue
        if found and _EARLIEST_DATE <= found <= (datetime.date.today() + datetime.timedelta(days=1)).isoformat():
            return found
    found = htmldate.find_date(tree, extensive_search=True, original_date=True, url=url)
    return found if found and not found.endswith("-01-01") else None


def _canonical_url(tree: HtmlElement, url: str | None) -> str:
    """``<link rel=canonical>``, else ``og:url``, else ``url``; relative ones resolved against ``url``,
    credentials dropped.

    The canonical URL becomes the article's id, so a page may only name one on its own site (see
    :func:`~index.sources.fetching.urls.same_site`): a page on site A naming an article of site B
    would otherwise overwrite B's article in the index. With no ``url`` (a local file) there is no
    site to compare with, and the page's word is taken.
    """
    candidates = [
        link.get("href")
        for link in tree.iterfind(".//link[@rel]")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    candidates += [meta.get("content") for meta in tree.iterfind('.//meta[@property="og:url"]')]
    fetched = http_parts(url or "")
    for candidate in candidates:
        absolute = resolved_link(url or "", candidate or "")
        parts = http_parts(absolute)
        if parts is None:
            continue
        if fetched is not None and not same_site(parts, fetched):
            _log.debug("canonical URL %s ignored: not on the site of %s", absolute[:200], (url or "")[:200])
            continue
        return absolute
    return url or ""


def _source(ld: dict[str, Any], document: Any, url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
    except ValueError:
        host = ""
    name = next(iter(_names(ld.get("publisher"))), "") or _clean(getattr(document, "sitename", None))
    if not name or name.removeprefix("www.") == host:
        return host
    return name


def _language(tree: HtmlElement, ld: dict[str, Any]) -> str:
    """The ISO 639-1 code of ``<html lang>``, else of a content-language or ``og:locale`` meta tag,
    else of the JSON-LD ``inLanguage``; "" when none names one."""
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iterfind(".//meta[@content]"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
        if key in ("content-language", "og:locale", "language"):
            candidates.append(meta.get("content"))
    in_language = ld.get("inLanguage")
    candidates.append(in_language.get("alternateName") if isinstance(in_language, dict) else in_language)
    for candidate in candidates:
        match = _LANGUAGE.match(candidate.strip()) if isinstance(candidate, str) else None
        if match:
            return match.group(1).lower()
    return ""

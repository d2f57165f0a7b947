"""A title and a readable source for every article, made once as it is indexed.

A text file has neither; a web page or a feed entry may lack a headline, and a page its site's
name. The loaders used to fill the gaps with what they had at hand: the file's name as the source
("000_ddd716a611ed0d33.txt") and the page's address as its title, and the chat, the Markdown
export and the API showed those. Made here, at indexing (:func:`index.build.index_articles`, which
every way in goes through: files, uploads, followed feeds, fetched pages), the chat's sources, the
briefings' titles, the exports and the API all show the same readable words:

- the **title** is the article's own; else (none, or only its address) its first sentence, shortened
  at a word boundary (:func:`title_from_text`);
- the **source** is the article's own (the outlet a feed or page names); else the host of its
  address without ``www.`` ("example.org"); else, for a file that names none, :data:`YOUR_FILES`.

An index built before keeps its titles and sources, and shows them as it did; its articles' records
change with their fingerprint (:func:`index.build.article_key` covers the named article), so the
next build of the same files re-indexes them under their new title and source.
"""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlsplit

from index.articles import Article
from index.chunking import split_sentences

YOUR_FILES = "your files"  # the source of a file that names none: one the reader gave the index
TITLE_CHARS = 120  # a title made from a first sentence is at most this long, and "…"
_TITLE_WORDS = 3  # a shorter first "sentence" is a dateline or a fragment ("CNN —", "1.")
_DATELINE = re.compile(r"[—–-]\s*$")  # "New York CNN Business —": a place and an outlet, then the story


def named(article: Article) -> Article:
    """``article`` with a title and a readable source (itself when it has both)."""
    # Titles and sources an article has are kept as they are (not even re-spaced): a changed one
    # changes its fingerprint, and the next build would index it again.
    title = article.title
    if not title.strip() or title.strip() in (article.url, article.id):
        title = title_from_text(article.text, fallback=article.id)
    source = article.source if article.source.strip() else host_of(article.url) or YOUR_FILES
    if (title, source) == (article.title, article.source):
        return article
    return dataclasses.replace(article, title=title, source=source)


def title_from_text(text: str, fallback: str, max_chars: int = TITLE_CHARS) -> str:
    """A title for an article that has none: its first sentence, shortened at a word boundary.

    A dateline is no sentence to title an article by: of the 63 RealTimeQA articles without a
    title, most open with "CNN —" or "Washington CNN —" on a line of its own, which the first
    sentence then was. A first "sentence" of fewer than :data:`_TITLE_WORDS` words, or one ending
    in a dash, is passed over.

    >>> title_from_text("Storms hit the coast. Thousands lost power.", "a.txt")
    'Storms hit the coast.'
    >>> title_from_text("Washington CNN —\\n\\nThe Senate passed the bill on Friday.", "b.txt")
    'The Senate passed the bill on Friday.'
    """
    sentences = [" ".join(text[start:end].split()) for start, end in split_sentences(text)]
    if not sentences:
        return fallback
    sentence = next((s for s in sentences if not _DATELINE.search(s) and len(s.split()) >= _TITLE_WORDS), sentences[0])
    if len(sentence) <= max_chars:
        return sentence
    return sentence[:max_chars].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def host_of(url: str) -> str:
    """The host of an http(s) address, without ``www.`` ("" for anything else)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.") if parts.scheme in ("http", "https") else ""

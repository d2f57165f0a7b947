"""A digest as email HTML and plain text, and the HTML blocks the Atom feeds reuse.

Article text is data: every title, sentence and passage is escaped, and only ``http``/``https`` article
links become links (a ``javascript:`` URL in an article stays text). Every ``[n]`` marker links to
the cited article, and each answer is followed by its sources: the article's title (linked), date and
outlet, and the cited passage, so a reader can check each sentence without the chat. A followed
question's new sources are marked "new". The plain text says the same with the links written out.
Styles are inline: mail programs drop ``<style>`` blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from html import escape
from urllib.parse import urlsplit

from assistant.deliveries.digest import Digest, FollowedNews
from assistant.news.items import NewsItem, coverage, markers, news_text, told
from assistant.types import Answer, Citation

_MARKERS = re.compile(r"\[(\d+)\]")
NEW = "new"
_NEW_STYLE = "background:#fde68a;border-radius:3px;padding:0 4px;font-size:12px;font-weight:600"
_QUOTE_STYLE = "margin:4px 0 12px;padding-left:10px;border-left:3px solid #ccc;color:#333"


def safe_url(url: str) -> str | None:
    """``url`` when it is an http(s) link with a host, else None (never linked)."""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def link(url: str, text: str) -> str:
    """``text`` (escaped) linked to ``url`` when that is safe to link, else the text alone."""
    target = safe_url(url)
    return f'<a href="{escape(target, quote=True)}">{escape(text)}</a>' if target else escape(text)


def marker_links(citations: Collection[Citation]) -> Callable[[int], str]:
    """``[n]`` as a link to citation ``n``'s article (plain ``[n]`` without a safe link)."""
    by_n = {citation.n: citation for citation in citations}
    return lambda n: link(by_n[n].url, f"[{n}]") if n in by_n else f"[{n}]"


def story_html(item: NewsItem, cite: Callable[[int], str], url: str = "", *, heading: bool = True) -> str:
    """A briefing's story: its title (linked to its first cited article; left out with ``heading=False``,
    for a feed entry, whose title it is), its reach, its sentences."""
    sentences = " ".join(
        escape(sentence.text) + "".join(" " + cite(n) for n in sentence.cites) for sentence in item.sentences
    )
    title = f'<h3 style="margin:14px 0 2px;font-size:16px">{link(url, item.title)}</h3>' if heading else ""
    return (
        f'{title}<div style="color:#666;font-size:13px">{escape(coverage(item))}</div>'
        f'<p style="margin:4px 0">{sentences}</p>'
    )


def answer_html(answer: Answer, new: Collection[str] = ()) -> str:
    """An answer's text (a briefing's stories, or sentences), markers linked, then its sources."""
    cite = marker_links(answer.citations)
    if answer.items:
        body = "".join(story_html(item, cite, first_url(item, answer)) for item in answer.items)
    else:
        body = "<p>" + _MARKERS.sub(lambda m: cite(int(m.group(1))), escape(answer.text)) + "</p>"
    return body + sources_html(answer.citations, new)


def sources_html(citations: Collection[Citation], new: Collection[str] = ()) -> str:
    """Each citation: ``[n]``, the article's title (linked), date and outlet, "new" when its article is
    in ``new``, and the cited passage."""
    rows = []
    for citation in sorted(citations, key=lambda c: c.n):
        mark = f' <span style="{_NEW_STYLE}">{NEW}</span>' if citation.article_id in new else ""
        meta = " · ".join(escape(part) for part in (citation.date, citation.source) if part)
        rows.append(
            f"<li><b>[{citation.n}]</b> {link(citation.url, citation.title or citation.article_id)}"
            f"{' · ' + meta if meta else ''}{mark}"
            f'<blockquote style="{_QUOTE_STYLE}">{escape(citation.passage)}</blockquote></li>'
        )
    return f'<p style="margin:10px 0 4px"><b>Sources</b></p><ul style="padding-left:18px">{"".join(rows)}</ul>'


def first_url(item: NewsItem, answer: Answer) -> str:
    """The article link of a story's first cited sentence ("" when none)."""
    by_n = {citation.n: citation for citation in answer.citations}
    return next((by_n[n].url for s in item.sentences for n in s.cites if n in by_n), "")


def followed_html(news: FollowedNews) -> str:
    count = len(news.new)
    head = f"{count} new source" + ("" if count == 1 else "s")
    return (
        f'<h3 style="margin:14px 0 2px;font-size:16px">{escape(news.question)}</h3>'
        f'<div style="color:#666;font-size:13px">{head}, checked {escape(news.checked_at[:16].replace("T", " "))} UTC'
        f"</div>{answer_html(news.answer, news.new)}"
    )


def digest_html(digest: Digest) -> str:
    """The email's HTML part."""
    parts = [f'<h1 style="font-size:20px;margin:0 0 4px">{escape(digest.subject())}</h1>']
    if digest.briefing is not None:
        parts += [
            '<h2 style="font-size:18px;margin:18px 0 4px">Briefing</h2>',
            f"<p>{escape(digest.briefing.heading)}</p>",
            answer_html(digest.briefing),
        ]
    if digest.left_out:
        parts.append(f'<p style="color:#666">{escape(_left_out(digest))}</p>')
    if digest.followed:
        parts.append('<h2 style="font-size:18px;margin:18px 0 4px">Followed questions with new sources</h2>')
        parts += [followed_html(news) for news in digest.followed]
    parts.append(f'<p style="color:#888;font-size:12px;margin-top:24px">{escape(_footer(digest))}</p>')
    body = "".join(parts)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        f'<body style="font-family:sans-serif;max-width:720px;line-height:1.45">{body}</body></html>'
    )


def digest_text(digest: Digest) -> str:
    """The email's plain-text part: the same content, the links written out."""
    lines = [digest.subject(), ""]
    if digest.briefing is not None:
        lines += ["BRIEFING", news_text(digest.briefing.heading, digest.briefing.items, "briefing"), ""]
        lines += sources_text(digest.briefing.citations)
    if digest.left_out:
        lines += [_left_out(digest), ""]
    if digest.followed:
        lines += ["FOLLOWED QUESTIONS WITH NEW SOURCES", ""]
        for news in digest.followed:
            text = news.answer.text
            if news.answer.items:
                text = "\n".join(f"- {item.title}: {told(item.sentences)}" for item in news.answer.items)
            lines += [news.question, text, ""]
            lines += sources_text(news.answer.citations, news.new)
    lines.append(_footer(digest))
    return "\n".join(lines) + "\n"


def sources_text(citations: Collection[Citation], new: Collection[str] = ()) -> list[str]:
    lines = ["Sources:"]
    for citation in sorted(citations, key=lambda c: c.n):
        heading = " · ".join(part for part in (citation.title, citation.date, citation.source) if part)
        lines.append(f"{markers([citation.n])} {heading}" + (f" ({NEW})" if citation.article_id in new else ""))
        if safe_url(citation.url):
            lines.append(f"    {citation.url.strip()}")
        lines.append(f'    "{" ".join(citation.passage.split())}"')
    return [*lines, ""]


def _left_out(digest: Digest) -> str:
    count = digest.left_out
    return (
        f"{count} more {'story' if count == 1 else 'stories'} of this period had nothing new since an earlier digest."
    )


def _footer(digest: Digest) -> str:
    return (
        f"Digest {digest.id} (built {digest.built_at.replace('T', ' ')[:16]} UTC). Sent at least once: a copy "
        "with the same digest id is a repeat of this one."
    )

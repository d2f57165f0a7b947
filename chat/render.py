"""An :class:`Answer` as the chat shows it: the answer with clickable ``[n]`` chips, then its sources.

Each chip links to its source's passage in the same message (``#source-<key>-<n>``). The browser does
the rest without any script: it scrolls the passage into view, opens its source if the reader had
folded it, and ``:target`` in ``chat.css`` outlines it. Each source is one article: its title, date
and source once, then every passage the answer cites from it (each with its own ``[n]`` and anchor,
the sentences the answer quotes highlighted), a link to the original (http(s) only) and, folded,
the whole article text. Two passages of one article are one source, not two with the same heading.

Article text is data: the answer part is markdown with every special character escaped, the sources
are an HTML block whose text is HTML-escaped, so nothing an article says can format the page or run.
A briefing, a timeline or a comparison is drawn from its ``Answer.items`` (:mod:`assistant.news.items`),
never from its text: an HTML block of numbered stories with bold titles, dated entries in bold, bold
section heads and bullets, each title, outlet and sentence HTML-escaped, so a title holding ``**`` or
``<b>`` shows as those characters. (An answer stored before items is shown escaped whole, as an answer.)

An article of a told story that a followed feed could not read (:mod:`assistant.unread`) is said
above the sources, one line per story, its address linked (http(s) only) and escaped.

A source whose article belongs to a story several outlets reported says so, and lists the first few
of the story's other articles, folded, each linked to its address when it is http(s), and how many more.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable

from assistant.citations import safe_link
from assistant.news.items import (
    COMMON_HEAD,
    NOTHING_COMMON,
    NewsSentence,
    coverage,
    day_label,
    only_head,
    period_note,
)
from assistant.types import Answer, Citation
from assistant.unread import UnreadNote, unread_notes
from index.chunking import split_sentences
from index.words import counted

ArticleText = Callable[[str], str | None]

# Where a reply's sources start: chat.history cuts an earlier reply here to hand the assistant its answer.
SOURCES_START = '<div class="sources">'

_ESCAPED_MARKERS = re.compile(r"(?:\\\[\d+\\\])+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$])")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def escape_markdown(text: str) -> str:
    """Article text is data: show its characters, never let them format or inject HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def render_draft(draft: str, *, quoted: bool = False) -> str:
    """An answer while it is being written: a model's text is shown but marked as not yet checked;
    ``quoted`` sentences (the extractive answerer's, already the answer's own) are shown as they are."""
    if quoted:
        return escape_markdown(draft)
    return escape_markdown(draft) + "\n\n*…writing; the citations are checked when it is done.*"


def render_answer(answer: Answer, article_text: ArticleText | None = None, key: str | None = None) -> str:
    """One reply: the answer with its chips, any notice, then each cited source.

    ``article_text(article_id)`` gives the whole article for the folded "whole article" part (left
    out when it is None or returns None). ``key`` makes the passages' anchors unique in the page
    (a fresh one per reply by default), so a chip never jumps to an earlier reply's source.
    """
    if not answer.answered:
        return escape_markdown(answer.text)
    key = key or uuid.uuid4().hex[:8]
    titles = {citation.n: citation.title or citation.article_id for citation in answer.citations}

    def cited(text: str) -> str:  # escaped, with its [n] markers as chips
        return _ESCAPED_MARKERS.sub(
            lambda run: " ".join(_chip(key, int(n), titles.get(int(n), "")) for n in re.findall(r"\d+", run.group(0))),
            escape_markdown(text),
        )

    text = news_html(answer, lambda n: _chip(key, n, titles.get(n, ""))) if answer.items else _marked(answer, cited)
    blocks = [text]
    if answer.notice:
        blocks += ["", f"*{escape_markdown(answer.notice)}*"]
    if answer.backend != "extractive" or answer.fallback:
        blocks += ["", f"<sub>Answer written by {escape_markdown(answer.backend)}.</sub>"]
    # An HTML block ends at the first blank line, so the sources are written without one.
    # What of the told stories could not be read opens the sources: not the answer's words (chat.history)
    sources = [SOURCES_START, *(_unread(note) for note in unread_notes(answer))]
    sources.append('<p class="sources-label"><strong>Sources</strong></p>')
    for cited_passages in by_article(answer.citations):
        whole = article_text(cited_passages[0].article_id) if article_text else None
        sources.append(_source(cited_passages, answer.text, key, whole))
    sources.append("</div>")
    blocks += ["", "\n".join(sources)]
    return "\n".join(blocks)


def _marked(answer: Answer, cited: Callable[[str], str]) -> str:
    """The answer's text through ``cited``, its short answer highlighted where its first sentence says it.

    The mark wraps the words in place, so the answer reads as before (and :func:`chat.history.reply_gist`
    gives the model the same text), the sentence's ``[n]`` still after it.
    """
    text, short = answer.text, answer.short_answer
    first_marker = text.find("[")
    at = text.find(short, 0, first_marker if first_marker >= 0 else len(text)) if short else -1
    if not short or at < 0:
        return cited(text)
    label = html.escape(f"Short answer: {short}", quote=True)
    mark = f'<mark class="short-answer" title="{label}">{cited(short)}</mark>'
    return cited(text[:at]) + mark + cited(text[at + len(short) :])


def by_article(citations: list[Citation]) -> list[list[Citation]]:
    """The citations grouped by article, each group in ``n`` order, the groups in order of their first ``n``."""
    groups: dict[str, list[Citation]] = {}
    for citation in sorted(citations, key=lambda c: c.n):
        groups.setdefault(citation.article_id or f"#{citation.n}", []).append(citation)
    return list(groups.values())


def news_html(answer: Answer, chip: Callable[[int], str]) -> str:
    """A briefing's, timeline's or comparison's items as one HTML block (no blank line in it, which
    would end it): its heading, then its stories (numbered), entries or claims, every text escaped,
    each sentence followed by ``chip(n)`` for each citation it names."""
    items = answer.items
    if items[0].kind == "account":  # one outlet's account: its sentence follows the heading
        return f"<p>{_html_text(answer.heading)} {_told(items[0].sentences, chip)}</p>"
    parts = [f'<p class="news-period">{_html_text(note)}</p>'] if (note := period_note(answer.period)) else []
    parts += [f"<p>{_html_text(answer.heading)}</p>"] if answer.heading else []
    if answer.kind == "comparison":
        shared = [
            _li(f"{_told(i.sentences, chip)} ({_html_text(', '.join(i.outlets))})") for i in items if i.kind == "shared"
        ]
        parts += [_head(COMMON_HEAD), "<ul>", *(shared or [_li(_html_text(NOTHING_COMMON))]), "</ul>"]
        for item in items:
            if item.kind == "only":
                parts += [_head(only_head(item)), "<ul>", _li(_told(item.sentences, chip)), "</ul>"]
        return "\n".join(parts)
    stories = [
        _li(f"<strong>{_html_text(i.title)}</strong> ({_html_text(coverage(i))}): {_told(i.sentences, chip)}")
        for i in items
        if i.kind == "story"
    ]
    entries = [
        _li(f"<strong>{_html_text(day_label(i.first_date))}</strong>: {_told(i.sentences, chip)}")
        for i in items
        if i.kind == "entry"
    ]
    if stories:
        parts += ["<ol>", *stories, "</ol>"]
    if entries:
        parts += ["<ul>", *entries, "</ul>"]
    return "\n".join(parts)


def _told(sentences: tuple[NewsSentence, ...], chip: Callable[[int], str]) -> str:
    return " ".join(" ".join([_html_text(s.text), *(chip(n) for n in s.cites)]) for s in sentences)


def _head(text: str) -> str:
    return f"<p><strong>{_html_text(text)}</strong></p>"


def _li(inner: str) -> str:
    return f"<li>{inner}</li>"


def _html_text(text: str) -> str:
    """Article text inside an HTML block: escaped, its spaces collapsed, and its backslashes as
    ``&#92;`` so :func:`chat.history.reply_gist`, which undoes the markdown escapes, keeps them."""
    return html.escape(" ".join(text.split()), quote=False).replace("\\", "&#92;")


def _chip(key: str, n: int, title: str) -> str:
    label = html.escape(f"Source {n}: {title}", quote=True)
    return f'<a class="cite-chip" href="#source-{key}-{n}" title="{label}" aria-label="{label}">[{n}]</a>'


def _source(cited: list[Citation], answer_text: str, key: str, whole_text: str | None) -> str:
    """One article's source: a foldable heading (its chips, title, date · source), each cited passage
    with its anchor (and its chip when there are several), the original, the whole article."""
    citation = cited[0]
    title = html.escape(citation.title or citation.article_id)
    language = f"in {language_name(citation.language)}" if citation.language not in ("", "en") else ""
    facts = " · ".join(html.escape(part) for part in (citation.date, citation.source, language) if part)
    chips = " ".join(f'<span class="cite-chip">[{passage.n}]</span>' for passage in cited)
    summary = f"{chips} <strong>{title}</strong>"
    if facts:
        summary += f' <span class="source-facts">— {facts}</span>'
    parts = ['<details class="source" open>', f"<summary>{summary}</summary>"]
    for passage in cited:
        label = f'<p class="passage-n"><span class="cite-chip">[{passage.n}]</span></p>' if len(cited) > 1 else ""
        parts.append(
            f'<blockquote class="passage" id="source-{key}-{passage.n}">'
            f"{label}{_highlighted(passage.passage, answer_text)}</blockquote>"
        )
    if citation.also_published_by:
        parts.append(_also_published_by(citation))
    if citation.story or citation.story_outlets > 1:
        parts.append(_story(citation))
    link = safe_link(citation.url)
    if link:
        parts.append(
            f'<p class="source-links"><a href="{html.escape(link, quote=True)}" target="_blank" '
            'rel="noopener noreferrer">The original article ↗</a></p>'
        )
    if whole_text:
        words = len(whole_text.split())
        parts.append(
            f'<details class="whole-article"><summary>Read the whole article ({counted(words, "word")})</summary>'
            f'<div class="article-text">{_highlighted(whole_text, answer_text, mark_class="in-article")}</div>'
            "</details>"
        )
    parts.append("</details>")
    return "\n".join(parts)


_LANGUAGES = {
    "ar": "Arabic",
    "de": "German",
    "es": "Spanish",
    "fr": "French",
    "it": "Italian",
    "ja": "Japanese",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
    "en": "English",
}


def language_name(code: str) -> str:
    """A language code as a reader says it ("de" → "German"); an unknown code as it is."""
    return _LANGUAGES.get(code.lower().split("-")[0], code)


def _also_published_by(citation: Citation) -> str:
    """The other outlets that published the same story, each linked to its copy when it has an address."""
    outlets = []
    for copy in citation.also_published_by:
        name = html.escape(copy.source or copy.title or copy.copy_id)
        link = safe_link(copy.url)
        if link:
            name = f'<a href="{html.escape(link, quote=True)}" target="_blank" rel="noopener noreferrer">{name}</a>'
        outlets.append(name)
    return f'<p class="also-published">Also published by {", ".join(outlets)}</p>'


def _unread(note: UnreadNote) -> str:
    """ "1 article of this story could not be read: behind a paywall", then each article, linked to its
    address when it is http(s) (a reader may have a subscription), escaped like any article text."""
    links = []
    for article in note.articles:
        name = html.escape(article.title or article.url)
        link = safe_link(article.url)
        if link:
            name = f'<a href="{html.escape(link, quote=True)}" target="_blank" rel="noopener noreferrer">{name}</a>'
        links.append(name)
    return f'<p class="unread-articles">{html.escape(note.sentence)} ({", ".join(links)})</p>'


def _story(citation: Citation) -> str:
    """How many outlets reported the story and, folded, the first few of its other articles, each
    linked when it has an address, and how many more there are ("and 110 more")."""
    said = f"{citation.story_outlets} outlets reported this story" if citation.story_outlets > 1 else ""
    if not citation.story:
        return f'<p class="story-outlets">{said}</p>'
    items = []
    for member in citation.story:
        name = html.escape(member.title or member.article_id)
        link = safe_link(member.url)
        if link:
            name = f'<a href="{html.escape(link, quote=True)}" target="_blank" rel="noopener noreferrer">{name}</a>'
        facts = " · ".join(html.escape(part) for part in (member.source, member.date) if part)
        items.append(f"<li>{name}" + (f' <span class="source-facts">— {facts}</span>' if facts else "") + "</li>")
    count = max(citation.story_articles, len(citation.story))  # answers stored before the count listed all
    if count > len(citation.story):
        items.append(f'<li class="story-more">and {count - len(citation.story):,} more</li>')
    more = counted(count, "more article")
    label = f"{said} ({more})" if said else f"{more} on this story"
    return (
        f'<details class="story-outlets"><summary>{label}</summary>'
        f'<ul class="story-articles">{"".join(items)}</ul></details>'
    )


def _highlighted(text: str, answer_text: str, mark_class: str | None = None) -> str:
    """``text`` as HTML paragraphs, with the sentences the answer quotes marked.

    No blank line is written (it would end the HTML block): paragraphs are ``<p>`` elements.
    """
    quoted = " ".join(answer_text.split())
    opening = f'<mark class="{mark_class}">' if mark_class else "<mark>"
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        pieces = []
        for start, end in split_sentences(paragraph):
            sentence = " ".join(paragraph[start:end].split())
            escaped = html.escape(sentence)
            pieces.append(f"{opening}{escaped}</mark>" if sentence in quoted else escaped)
        if pieces:
            paragraphs.append("<p>" + " ".join(pieces) + "</p>")
    return "".join(paragraphs)

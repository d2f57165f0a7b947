"""A saved conversation as Markdown, and the feedback on answers as JSON, written as files to download.

The Markdown is meant to be pasted or archived away from the assistant, so every ``[n]`` of an
answer is resolved right under it: a Sources list, one line per citation (``[n] title — outlet,
date — link``) and the quoted passage. Text from articles and people (titles, outlets, sentences,
passages, questions, notes) has Markdown's markup characters escaped, and only an http(s) link is
written: a hostile page's ``[click](javascript:…)`` or ``<img onerror=…>`` stays characters in any
Markdown viewer, while ``[n]`` markers stay readable. A briefing, timeline or comparison
is written from its ``Answer.items`` (numbered stories with bold titles, dated entries, bold section
heads), not from its plain text; an answer stored before items is written as its text.

The feedback export is every rated or annotated answer of the owner, with the whole answer
(``Answer.to_dict()``) beside the rating, so answer quality can be reviewed later without the chat.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from assistant.citations import safe_link
from assistant.conversations.store import Conversation, ConversationStore, Turn
from assistant.news.items import COMMON_HEAD, NOTHING_COMMON, coverage, day_label, only_head, period_note, told
from assistant.types import Answer, UnreadArticle
from assistant.unread import unread_notes

_FEEDBACK = {"up": "helpful (thumbs up)", "down": "not helpful (thumbs down)"}
_UNSAFE_NAME = re.compile(r"[^\w.-]+")
# Markdown's inline markup: emphasis, code, links and images, raw HTML and autolinks; a backslash first.
_MARKUP = re.compile(r"([\\`*_\[\]<>])")
_ESCAPED_MARKER = re.compile(r"\\\[(\d+(?:, ?\d+)*)\\\]")


def _md(text: str) -> str:
    """``text`` as literal characters in Markdown, its citation markers (``[1]``, ``[1, 2]``) kept as they are."""
    return _ESCAPED_MARKER.sub(r"[\1]", _MARKUP.sub(r"\\\1", text))


def conversation_markdown(conversation: Conversation) -> str:
    """The conversation as Markdown: its title, then each question, answer, feedback and sources."""
    count = len(conversation.turns)
    lines = [
        f"# {_md(conversation.title or 'Conversation')}",
        "",
        f"*{count} question{'s' if count != 1 else ''}, started {_day(conversation.created)}; "
        f"exported from the news assistant.*",
    ]
    for number, turn in enumerate(conversation.turns, start=1):
        lines += ["", f"## {number}. {_md(' '.join(turn.question.split()))}", "", *_answer(turn)]
    return "\n".join(lines) + "\n"


def _answer(turn: Turn) -> list[str]:
    answer = turn.answer
    lines = _news(answer) if answer.items else [_md(answer.text.strip())]
    if answer.notice:
        lines += ["", f"*{answer.notice}*"]
    for unread in unread_notes(answer):  # an outlet's article of the story was there but could not be read
        lines += ["", f"*{_md(unread.sentence)}:* {', '.join(_unread(article) for article in unread.articles)}"]
    if turn.feedback or turn.note:
        said = _FEEDBACK.get(turn.feedback or "", "no rating")
        note = f" — note: {_md(' '.join(turn.note.split()))}" if turn.note else ""
        lines += ["", f"*Feedback: {said}{note}*"]
    if answer.citations:
        lines += ["", "**Sources**", ""]
        for citation in answer.citations:
            where = ", ".join(part for part in (citation.source, citation.date) if part)
            link = safe_link(citation.url or "")
            parts = (_md(citation.title or citation.article_id), _md(where), f"<{link}>" if link else "")
            lines.append(f"- [{citation.n}] {' — '.join(part for part in parts if part)}")
            lines += [f"  > {_md(line)}" if line.strip() else "  >" for line in citation.passage.strip().splitlines()]
    return lines


def _unread(article: UnreadArticle) -> str:
    """An unread article's title (else its address), escaped, with its address as a link when http(s)."""
    link = safe_link(article.url)
    return _md(article.title or article.url) + (f" <{link}>" if link else "")


def _news(answer: Answer) -> list[str]:
    """A briefing's, timeline's or comparison's items as Markdown lines, under its heading."""
    items = answer.items
    if items[0].kind == "account":
        return [_md(f"{answer.heading} {told(items[0].sentences)}")]
    lines = [f"*{_md(note)}*", ""] if (note := period_note(answer.period)) else []
    lines += [_md(answer.heading), ""] if answer.heading else []
    if answer.kind == "comparison":
        shared = [f"- {_md(told(i.sentences))} ({_md(', '.join(i.outlets))})" for i in items if i.kind == "shared"]
        lines += [f"**{COMMON_HEAD}**", *(shared or [f"- {NOTHING_COMMON}"])]
        for item in (i for i in items if i.kind == "only"):
            lines += ["", f"**{_md(only_head(item))}**", f"- {_md(told(item.sentences))}"]
        return lines
    stories = [i for i in items if i.kind == "story"]
    for n, item in enumerate(stories, start=1):
        lines.append(f"{n}. **{_md(item.title)}** ({_md(coverage(item))}): {_md(told(item.sentences))}")
    lines += [f"- **{_md(day_label(i.first_date))}**: {_md(told(i.sentences))}" for i in items if i.kind == "entry"]
    return lines


def feedback_json(store: ConversationStore, owner: str) -> str:
    """Every answer ``owner`` rated or annotated, oldest first, as indented JSON."""
    return json.dumps(store.feedback(owner), ensure_ascii=False, indent=2) + "\n"


def export_file(text: str, name: str, suffix: str) -> Path:
    """``text`` in a new file named after ``name`` (made safe) in a fresh temporary folder, for a download."""
    stem = _UNSAFE_NAME.sub("-", name).strip("-._")[:60] or "export"
    path = Path(tempfile.mkdtemp(prefix="news-assistant-")) / f"{stem}{suffix}"
    path.write_text(text, encoding="utf-8")
    return path


def _day(stamp: str) -> str:
    return stamp[:10] if stamp else "?"

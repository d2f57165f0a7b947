"""The chat's conversation as the assistant takes it: plain ``(question, answer)`` turns.

Gradio hands over its messages as shown, each reply with chips' links and its sources as HTML.
The assistant needs none of that: a reply is cut to its answer (sources, chips' markup and
escapes gone) here, where that markup is made, so the assistant never parses chat markup. A
briefing's, timeline's or comparison's items are an HTML block (:func:`chat.render.news_html`): their
tags go like the chips' and their escaped characters are read back, so the turn is their plain text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from assistant.history import message_text
from chat.render import SOURCES_START

_CHIP = re.compile(r"<a [^>]*>\[(\d+)\]</a>")
_TAG = re.compile(r"<[^>]+>")
_ESCAPE = re.compile(r"\\(.)")


def reply_gist(reply: str) -> str:
    """An earlier reply as the chat showed it, cut to its answer: sources, chips' markup and HTML gone."""
    answer = reply.split(SOURCES_START, maxsplit=1)[0]
    answer = _CHIP.sub(r"[\1]", answer)
    return " ".join(html.unescape(_ESCAPE.sub(r"\1", _TAG.sub("", answer))).split())


def plain_turns(messages: Sequence[Any] | None) -> list[tuple[str, str]]:
    """Gradio's messages (``{"role", "content"}``, content a string or blocks) as ``(question, answer)`` pairs.

    A question not yet answered (the last one, while it is being answered) is left out.
    """
    turns: list[tuple[str, str]] = []
    question: str | None = None
    for message in messages or []:
        role = message.get("role") if isinstance(message, dict) else getattr(message, "role", None)
        content = message.get("content") if isinstance(message, dict) else getattr(message, "content", None)
        text = message_text(content)
        if role == "user":
            question = text
        elif role == "assistant" and question is not None and text:
            turns.append((question, reply_gist(text)))
            question = None
    return turns

"""Article text made safe to render: what the API sends when asked to sanitise (and the OpenAI endpoint always).

Answers quote articles verbatim, and an article may carry ``<script>`` or a Markdown link to
``javascript:``; a client that renders an answer as Markdown or HTML would run them. The chat escapes
everything itself (:mod:`chat.render`); a program may ask the API to do the same here:

- text is HTML-escaped (``&``, ``<``, ``>``): a tag shows as characters, never runs. Quotes are kept,
  so text reads normally; put it in an HTML attribute only through your own escaping;
- a Markdown link or link definition whose target is not ``http(s)://`` loses the link: its ``]`` is
  backslash-escaped, so ``[click](javascript:…)`` shows as those characters, not as a link. Every
  ``](`` and ``]:`` is checked, wherever it stands, so nesting or odd spacing cannot slip one past;
- an image (``![alt](url)``) becomes text, so rendering an answer fetches nothing by itself;
- a ``url`` field is kept only when it is an ``http(s)`` address (else ``""``), percent-encoded where
  a character could end a Markdown link or an attribute early.
"""

from __future__ import annotations

import html
import re
from typing import Any

from assistant.citations import safe_link
from assistant.types import Answer

_LINK_END = re.compile(r"\][(:]")
_WEB_TARGET = re.compile(r"[ \t\r\n<]*https?://", re.IGNORECASE)
_IMAGE_START = re.compile(r"!\[")


def sanitize_text(text: str) -> str:
    """``text`` HTML-escaped, with no link to anything but http(s) and no image (see the module docstring)."""
    return html.escape(_unlink(_IMAGE_START.sub(r"!\\[", text)), quote=False)


def _unlink(text: str) -> str:
    """Escape the ``]`` of every ``](target`` and ``]: target`` whose target is not http(s)."""
    pieces: list[str] = []
    start = 0
    for match in _LINK_END.finditer(text):
        at = backslash = match.start()
        while backslash > 0 and text[backslash - 1] == "\\":
            backslash -= 1
        escaped = (at - backslash) % 2 == 1  # an odd run of backslashes escapes the "]" already
        if not escaped and not _WEB_TARGET.match(text, match.end()):
            pieces += [text[start:at], "\\"]
            start = at
    return "".join(pieces) + text[start:]


def safe_url(url: str) -> str:
    """``url`` when it is an http(s) address (percent-encoded where it could break out), else ``""``."""
    link = safe_link(url)
    return "" if link is None else link.replace("'", "%27").replace("(", "%28").replace(")", "%29")


def sanitized(value: Any, key: str = "") -> Any:
    """A JSON value (an answer's or a passage's dict) with every string sanitised: ``url`` fields by
    :func:`safe_url`, the rest by :func:`sanitize_text`. Keys are the API's own and stay as they are."""
    if isinstance(value, str):
        return safe_url(value) if key == "url" else sanitize_text(value)
    if isinstance(value, dict):
        return {name: sanitized(item, name) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [sanitized(item, key) for item in value]
    return value


def sanitize_answer(answer: Answer) -> Answer:
    """The answer with its text, notice, removed sentences and every citation's fields sanitised."""
    return Answer.from_dict(sanitized(answer.to_dict()))

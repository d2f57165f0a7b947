"""Earlier turns of a conversation, and follow-up questions made standalone.

"What does Turkey demand in Libya?" then "And what did it say about France?": the second question
alone retrieves nothing about Turkey. With a language model the follow-up is rewritten into a
standalone question (LangChain's history-aware retriever pattern, in :mod:`assistant.service`);
without one, the key terms of the previous questions are appended to it. Either way only questions
that read as follow-ups are touched, so a new topic is never dragged back to the old one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from assistant.text import content_words
from index.chunking import split_sentences

# A question that leans on the previous turn: opens with a connective, or points back with a pronoun.
_CONNECTIVE_START = re.compile(r"^\s*(and|but|also|so|then|what about|how about|what else)\b", re.IGNORECASE)
_POINTING_WORD = re.compile(
    r"\b(it|its|they|them|their|he|him|his|she|her|that|this|those|these|there|the same)\b", re.IGNORECASE
)
_MAX_CARRIED_TERMS = 8
_TURNS_LOOKED_BACK = 2
_ASSISTANT_CHARS = 400  # of an earlier answer shown to the rewriting model: its gist
_MARKERS = re.compile(r"\s*(?:\[\d+\])+")
_MIN_QUOTED_CHARS = 25  # shorter "sentences" (a stray heading) say little about where they come from


def history_turns(history: Sequence[Any] | None) -> list[dict[str, str]]:
    """Any history we are handed → ``[{"role", "content"}]``.

    Accepts ``(question, answer)`` pairs (what the chat hands over: plain text, no markup),
    ``{"role", "content"}`` dicts (content a string or a list of blocks), and LangChain messages.
    """
    turns: list[dict[str, str]] = []
    for message in history or []:
        if isinstance(message, tuple | list) and len(message) == 2:
            user, assistant = message
            turns += [
                {"role": "user", "content": message_text(user)},
                {"role": "assistant", "content": message_text(assistant)},
            ]
            continue
        role: Any
        if isinstance(message, BaseMessage):
            role = {"human": "user", "ai": "assistant"}.get(message.type, message.type)
            content: Any = message.content
        elif isinstance(message, dict):
            role, content = message.get("role"), message.get("content")
        else:
            role, content = getattr(message, "role", None), getattr(message, "content", None)
        text = message_text(content)
        if role and text:
            turns.append({"role": str(role), "content": text})
    return [turn for turn in turns if turn["content"]]


def message_text(content: Any) -> str:
    """A message's text, whether its content is a string, a block (``{"text": ...}``) or a list of blocks."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", ""))
    if isinstance(content, list | tuple):
        return " ".join(message_text(block) for block in content).strip()
    return str(content)


def looks_like_followup(question: str) -> bool:
    """Does ``question`` lean on what was asked before?"""
    return (
        bool(_CONNECTIVE_START.match(question) or _POINTING_WORD.search(question)) or len(content_words(question)) <= 1
    )


def with_previous_terms(question: str, turns: Sequence[dict[str, str]]) -> str:
    """A follow-up plus the key terms of the last questions asked, for retrieval without a model."""
    if not looks_like_followup(question):
        return question
    present = content_words(question)
    carried: list[str] = []
    previous = [turn["content"] for turn in turns if turn["role"] == "user"][-_TURNS_LOOKED_BACK:]
    for earlier in reversed(previous):
        for word in _ordered_content_words(earlier):
            if word not in present and word not in carried:
                carried.append(word)
    if not carried:
        return question
    return f"{question} ({' '.join(carried[:_MAX_CARRIED_TERMS])})"


def previous_answer_sentences(turns: Sequence[dict[str, str]], limit: int = 3) -> list[str]:
    """The first sentences of the last answer, citation markers dropped: what it quoted, so that
    a follow-up can find the story it told (:func:`assistant.lead_story.stories_quoted`)."""
    answers = [turn["content"] for turn in turns if turn["role"] == "assistant"]
    if not answers:
        return []
    text = " ".join(_MARKERS.sub(" ", answers[-1]).split())
    sentences = [" ".join(text[start:end].split()) for start, end in split_sentences(text)]
    return [sentence for sentence in sentences if len(sentence) >= _MIN_QUOTED_CHARS][:limit]


def _ordered_content_words(text: str) -> list[str]:
    """Content words in the order they are written (``content_words`` gives a set)."""
    return list(dict.fromkeys(word for token in text.split() for word in sorted(content_words(token))))


def as_messages(turns: Sequence[dict[str, str]]) -> list[BaseMessage]:
    """Turns as LangChain messages for a rewriting prompt; long answers are cut to their gist."""
    messages: list[BaseMessage] = []
    for turn in turns:
        if turn["role"] == "user":
            messages.append(HumanMessage(turn["content"]))
        elif turn["role"] == "assistant":
            messages.append(AIMessage(_gist(turn["content"])))
    return messages


def _gist(answer: str) -> str:
    """An earlier answer cut to its start: what the rewriting model needs, not its every passage."""
    return " ".join(answer.split())[:_ASSISTANT_CHARS]

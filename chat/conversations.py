"""Conversations the HTTP API keeps, so a program can ask follow-ups by id instead of resending turns.

A caller that starts a conversation (``POST /api/conversations``) gets an id; each question asked
with it is answered in the light of the earlier turns (as the chat does), and the turn is added.
They live in this process's memory only: bounded in number and turns, forgotten after a while of
disuse and on restart, so an id may become unknown, which the API says plainly (HTTP 404).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

MAX_CONVERSATIONS = 1000
MAX_TURNS = 20  # what a follow-up needs is the last few turns; older ones only cost memory
IDLE_SECONDS = 6 * 3600


class UnknownConversationError(KeyError):
    """A conversation id this process does not know (never made, expired, or made before a restart)."""

    def __str__(self) -> str:
        return (
            f"unknown conversation_id {self.args[0]!r}: conversations are kept in memory for "
            f"{IDLE_SECONDS // 3600} hours of disuse and lost on restart; start a new one with "
            "POST /api/conversations, or send the earlier turns as history"
        )


@dataclass
class _Conversation:
    turns: list[tuple[str, str]] = field(default_factory=list)
    used: float = field(default_factory=time.monotonic)


class Conversations:
    """Thread-safe, bounded store of ``(question, answer)`` turns by conversation id (least recently used go first)."""

    def __init__(
        self, max_conversations: int = MAX_CONVERSATIONS, max_turns: int = MAX_TURNS, idle_seconds: float = IDLE_SECONDS
    ) -> None:
        self.max_conversations = max_conversations
        self.max_turns = max_turns
        self.idle_seconds = idle_seconds
        self._items: OrderedDict[str, _Conversation] = OrderedDict()
        self._lock = threading.Lock()

    def start(self) -> str:
        """A new, empty conversation's id (unguessable: it is the only key to the turns)."""
        conversation_id = secrets.token_urlsafe(16)
        with self._lock:
            self._forget_idle()
            self._items[conversation_id] = _Conversation()
            while len(self._items) > self.max_conversations:
                self._items.popitem(last=False)
        return conversation_id

    def turns(self, conversation_id: str) -> list[tuple[str, str]]:
        """The turns so far; :class:`UnknownConversationError` for an id not (or no longer) kept."""
        with self._lock:
            self._forget_idle()
            conversation = self._items.get(conversation_id)
            if conversation is None:
                raise UnknownConversationError(conversation_id)
            conversation.used = time.monotonic()
            self._items.move_to_end(conversation_id)
            return list(conversation.turns)

    def add(self, conversation_id: str, question: str, answer: str) -> None:
        """Record an answered turn (a conversation forgotten meanwhile is not brought back)."""
        with self._lock:
            conversation = self._items.get(conversation_id)
            if conversation is not None:
                conversation.turns = [*conversation.turns, (question, answer)][-self.max_turns :]
                conversation.used = time.monotonic()
                self._items.move_to_end(conversation_id)

    def _forget_idle(self) -> None:
        limit = time.monotonic() - self.idle_seconds
        while self._items:
            oldest_id, oldest = next(iter(self._items.items()))
            if oldest.used >= limit:
                break
            del self._items[oldest_id]

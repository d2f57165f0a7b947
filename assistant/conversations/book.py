"""Conversations the HTTP API keeps, so a program can ask follow-ups by id instead of resending turns.

A caller that starts a conversation (``POST /api/conversations``) gets an id; each question asked
with it is answered in the light of the earlier turns (as the chat does), and the turn is added.
The server keeps them in the chat's conversation store (:class:`StoredConversations`):
they last across restarts and show in the chat's list of conversations. :class:`Conversations` here
keeps them in memory only (bounded in number and turns, forgotten after a while of disuse and on
restart), for an :class:`~api.service.AnsweringService` made without a store. Either way an id
may be unknown, which the API says plainly (HTTP 404).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from assistant.types import Answer
from index.store.sql import new_id

if TYPE_CHECKING:  # the store imports this module's error: only its type is needed here
    from assistant.conversations.store import ConversationStore

MAX_CONVERSATIONS = 1000
MAX_TURNS = 20  # what a follow-up needs is the last few turns; older ones only cost memory
IDLE_SECONDS = 6 * 3600


FORGOTTEN = (
    f"conversations are kept in memory for {IDLE_SECONDS // 3600} hours of disuse and lost on restart; "
    "start a new one with POST /api/conversations, or send the earlier turns as history"
)


class UnknownConversationError(KeyError):
    """A conversation id that is not known: never made, deleted, another login's, or forgotten (``why`` says which)."""

    def __init__(self, conversation_id: str, why: str = FORGOTTEN) -> None:
        super().__init__(conversation_id, why)

    def __str__(self) -> str:
        return f"unknown conversation_id {self.args[0]!r}: {self.args[1]}"


class ConversationBook(Protocol):
    """What the API needs of a conversation store: start one, read its turns, record an answered turn."""

    def start(self) -> str: ...

    def turns(self, conversation_id: str) -> list[tuple[str, str]]: ...

    def record(self, conversation_id: str, answer: Answer) -> None: ...


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
        conversation_id = new_id()
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

    def record(self, conversation_id: str, answer: Answer) -> None:
        """Record ``answer`` as the conversation's next turn (its question and text)."""
        self.add(conversation_id, answer.question, answer.text)

    def _forget_idle(self) -> None:
        limit = time.monotonic() - self.idle_seconds
        while self._items:
            oldest_id, oldest = next(iter(self._items.items()))
            if oldest.used >= limit:
                break
            del self._items[oldest_id]


class StoredConversations:
    """The HTTP API's conversations in the store, as ``owner`` (the login): they last across restarts
    and appear in the chat's list; a follow-up reads the last ``max_turns`` turns."""

    def __init__(self, store: ConversationStore, owner: str = "", max_turns: int = MAX_TURNS) -> None:
        self.store = store
        self.owner = owner
        self.max_turns = max_turns

    def start(self) -> str:
        return self.store.start(self.owner)

    def turns(self, conversation_id: str) -> list[tuple[str, str]]:
        turns = self.store.conversation(conversation_id, self.owner).turns
        return [(turn.question, turn.answer.text) for turn in turns][-self.max_turns :]

    def record(self, conversation_id: str, answer: Answer) -> None:
        self.store.save_turn(conversation_id, self.owner, answer)

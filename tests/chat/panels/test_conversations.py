"""The saved conversations' list as a reader sees it: a title, then how many questions and when."""

from __future__ import annotations

from assistant.conversations.store import ConversationSummary
from chat.panels.conversations import _label


def test_a_conversation_is_listed_as_its_title_over_its_questions_and_date_in_words() -> None:
    created, used = "2026-12-05T09:00:00+00:00", "2026-12-06T14:03:59.123456+00:00"
    one = ConversationSummary("c1", "Libya and the harbour festival", created, used, 1)
    assert _label(one) == "Libya and the harbour festival\n1 question · 6 Dec 2026, 14:03 UTC"
    two = ConversationSummary("c2", "Sirte", created, created, 2)
    assert _label(two).splitlines()[1].startswith("2 questions · 5 Dec 2026")

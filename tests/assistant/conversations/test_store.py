"""The conversation store on a real SQLite file: what is saved comes back after reopening, per owner;
renaming, deleting, feedback, the Markdown and feedback exports, and unknown ids said plainly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from assistant.conversations.book import StoredConversations, UnknownConversationError
from assistant.conversations.export import conversation_markdown, feedback_json
from assistant.conversations.store import (
    ConversationStore,
    UnknownTurnError,
    answer_from_dict,
    database_url,
    title_of,
)
from assistant.news.items import NewsItem, NewsSentence, news_text
from assistant.types import Answer, Citation
from chat.render import render_answer
from chat.settings import Settings
from index.stories.copies import Copy
from index.stories.groups import Member


def cite(n: int, article: str = "sirte", passage: str = "Turkey wants Haftar's forces out of Sirte.") -> Citation:
    return Citation(
        n, article, f"Turkey's demands ({article})", "2020-06-20", "aa.com.tr", f"https://aa.com.tr/{article}",
        passage, 0.5,
        also_published_by=(Copy("copy-1", "dailysabah.com", "https://dailysabah.com/x", "Same story", "2020-06-20"),),
        story=(Member("other", "trtworld.com", "2020-06-21", "Follow-up", "https://trtworld.com/y"),),
        story_outlets=3,
    )  # fmt: skip


def answer(question: str = "What does Turkey demand in Libya?", n: int = 1) -> Answer:
    return Answer(question, f"Turkey wants Haftar's forces out of Sirte. [{n}]", True, [cite(n)])


@pytest.fixture
def store(tmp_path: Path) -> ConversationStore:
    return ConversationStore.open(f"sqlite:///{tmp_path / 'conversations.sqlite'}")


def test_a_saved_conversation_comes_back_after_reopening_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'conversations.sqlite'}"
    first = ConversationStore.open(url)
    conversation_id = first.start("")
    first.save_turn(conversation_id, "", answer(), "  What does Turkey\n demand in Libya?")
    first.save_turn(conversation_id, "", answer("And France?", 1))
    first.engine.dispose()

    again = ConversationStore.open(url)  # as after a restart
    [summary] = again.conversations("")
    assert (summary.id, summary.title, summary.turns) == (conversation_id, "What does Turkey demand in Libya?", 2)
    turns = again.conversation(conversation_id, "").turns
    assert [turn.n for turn in turns] == [0, 1]
    assert turns[1].question == "And France?"
    assert turns[0].answer == answer(), "the Answer, citations and their stories included, comes back equal"
    assert render_answer(turns[0].answer, key="k") == render_answer(answer(), key="k")


def test_each_owner_lists_only_their_conversations_most_recent_first(store: ConversationStore) -> None:
    older = store.start("ann")
    store.save_turn(older, "ann", answer("Who is the head of the GNA?"))
    newer = store.start("ann")
    store.save_turn(newer, "ann", answer("x " * 60 + "end"))
    bob = store.start("bob")
    store.save_turn(bob, "bob", answer())
    store.start("ann")  # no turn yet: not listed

    assert [summary.id for summary in store.conversations("ann")] == [newer, older]
    assert [summary.id for summary in store.conversations("bob")] == [bob]
    assert store.conversations("") == []
    assert store.conversations("ann")[0].title.endswith("…") and len(store.conversations("ann")[0].title) <= 81
    store.save_turn(older, "ann", answer("A follow-up"))  # used again: first in the list
    assert [summary.id for summary in store.conversations("ann")] == [older, newer]

    with pytest.raises(UnknownConversationError, match="no saved conversation has this id"):
        store.conversation(bob, "ann")  # another owner's is as unknown as one never made
    with pytest.raises(UnknownConversationError):
        store.save_turn(bob, "ann", answer())
    with pytest.raises(UnknownConversationError):
        store.delete(bob, "ann")
    assert store.conversation(bob, "bob").turns


def test_rename_and_delete_and_unknown_ids_are_clear_errors(store: ConversationStore) -> None:
    conversation_id = store.start("")
    store.save_turn(conversation_id, "", answer())
    assert store.rename(conversation_id, "", "  Libya\n talks ") == "Libya talks"
    assert store.conversations("")[0].title == "Libya talks"
    store.save_turn(conversation_id, "", answer("Another question"))
    assert store.conversations("")[0].title == "Libya talks", "a later turn keeps the title given"
    with pytest.raises(ValueError, match="cannot be empty"):
        store.rename(conversation_id, "", "   ")

    store.delete(conversation_id, "")
    assert store.conversations("") == []
    with pytest.raises(UnknownConversationError) as raised:
        store.conversation(conversation_id, "")
    assert str(raised.value).startswith(
        f"unknown conversation_id {conversation_id!r}: no saved conversation has this id"
    )
    for call in (lambda: store.rename("nope", "", "t"), lambda: store.delete("nope", "")):
        with pytest.raises(UnknownConversationError, match="'nope'"):
            call()


def test_a_retried_answer_replaces_the_turns_from_its_place_on(store: ConversationStore) -> None:
    conversation_id = store.start("")
    assert [store.save_turn(conversation_id, "", answer(f"q{i}")) for i in range(3)] == [0, 1, 2]
    assert store.save_turn(conversation_id, "", answer("q1 again"), after=0) == 1  # Undo twice, asked again
    assert [turn.question for turn in store.conversation(conversation_id, "").turns] == ["q0", "q1 again"]
    assert store.save_turn("made-by-the-chat", "", answer("first"), after=-1) == 0  # the chat names a new id
    assert store.conversations("")[0].id == "made-by-the-chat"


def test_feedback_and_notes_are_kept_and_exported_as_json_and_markdown(store: ConversationStore) -> None:
    conversation_id = store.start("")
    store.save_turn(conversation_id, "", answer())
    store.save_turn(conversation_id, "", Answer("Tungsten?", "This is not in the articles.", False))
    store.set_feedback(conversation_id, "", 0, "up")
    store.set_feedback(conversation_id, "", 1, "down")
    store.set_note(conversation_id, "", 1, "  should have said it is off topic ")
    with pytest.raises(ValueError, match="up, down"):
        store.set_feedback(conversation_id, "", 0, "meh")
    with pytest.raises(UnknownTurnError, match="no turn 7"):
        store.set_feedback(conversation_id, "", 7, "up")

    reviewed = json.loads(feedback_json(store, ""))
    assert [(r["turn"], r["feedback"], r["note"]) for r in reviewed] == [
        (0, "up", ""),
        (1, "down", "should have said it is off topic"),
    ]
    assert reviewed[0]["answer"]["citations"][0]["url"] == "https://aa.com.tr/sirte"
    assert json.loads(feedback_json(store, "someone else")) == []

    markdown = conversation_markdown(store.conversation(conversation_id, ""))
    assert markdown.startswith("# What does Turkey demand in Libya?\n")
    assert "## 1. What does Turkey demand in Libya?\n\nTurkey wants Haftar's forces out of Sirte. [1]" in markdown
    assert "- [1] Turkey's demands (sirte) — aa.com.tr, 2020-06-20 — <https://aa.com.tr/sirte>\n" in markdown
    assert "  > Turkey wants Haftar's forces out of Sirte." in markdown
    assert "*Feedback: helpful (thumbs up)*" in markdown
    assert "*Feedback: not helpful (thumbs down) — note: should have said it is off topic*" in markdown
    assert re.search(r"## 2\. Tungsten\?\n\nThis is not in the articles\.\n\n\*Feedback", markdown)


def test_a_briefing_is_stored_with_its_items_and_exported_from_them(store: ConversationStore) -> None:
    items = (
        NewsItem(
            "story",
            (NewsSentence("Turkey wants Sirte."), NewsSentence("It said so.", (1,))),
            "Sirte **talks**",
            ("aa.com.tr", "bbc.com"),
            2,
            "2020-06-20",
            "2020-06-21",
        ),
        NewsItem("story", (NewsSentence("Wine sold.", (2,)),), "Wine", ("lemonde.fr",), 1, "2020-06-22", "2020-06-22"),
    )
    heading = "The news, 20 June 2020 to 27 June 2020, most widely reported first:"
    text = news_text(heading, items, "briefing")
    briefing = Answer("What happened?", text, True, [cite(1), cite(2)], kind="briefing", items=items, heading=heading)
    conversation_id = store.start("")
    store.save_turn(conversation_id, "", briefing)

    [turn] = store.conversation(conversation_id, "").turns
    assert turn.answer == briefing, "the items come back from the store as they were"
    markdown = conversation_markdown(store.conversation(conversation_id, ""))
    assert (
        f"{heading}\n\n1. **Sirte \\*\\*talks\\*\\*** (2 outlets, 2020-06-20 to 2020-06-21): "
        "Turkey wants Sirte. It said so. [1]\n2. **Wine** (1 outlet, 2020-06-22): Wine sold. [2]\n"
    ) in markdown, markdown


def test_a_hostile_article_stays_characters_in_the_exported_markdown(store: ConversationStore) -> None:
    hostile = "[click me](javascript:alert(1)) <img src=x onerror=alert(2)> **loud**"
    citation = Citation(
        1, "bad", hostile, "2020-06-20", "evil.example", "javascript:alert(3)", f"{hostile}\nsecond line", 0.5
    )
    conversation_id = store.start("")
    store.save_turn(conversation_id, "", Answer(f"Why {hostile}?", f"{hostile} [1]", True, [citation]))

    markdown = conversation_markdown(store.conversation(conversation_id, ""))
    html = MarkdownIt("commonmark").render(markdown)
    assert "<a " not in html and "<img" not in html and "<strong>loud" not in html, html
    assert "[click me](javascript:alert(1))" in html, "the text is kept, as characters"
    assert "javascript:alert(3)" not in markdown, "a non-http link is not written"
    assert "**loud** [1]" in html, "the citation marker stays [1]"


def test_the_api_conversations_read_and_add_turns_in_the_store(store: ConversationStore) -> None:
    api = StoredConversations(store, owner="ann", max_turns=2)
    conversation_id = api.start()
    assert api.turns(conversation_id) == [] and store.conversations("ann") == []  # empty: not listed yet
    for i in range(3):
        api.record(conversation_id, answer(f"q{i}"))
    assert [question for question, _ in api.turns(conversation_id)] == ["q1", "q2"], "the last turns"
    assert store.conversations("ann")[0].title == "q0"
    with pytest.raises(UnknownConversationError, match="POST /api/conversations"):
        StoredConversations(store, owner="bob").turns(conversation_id)


def test_the_database_is_beside_the_index_folder_unless_set(tmp_path: Path) -> None:
    assert database_url(Settings(db_path=tmp_path / "data" / "chroma")) == (
        f"sqlite:///{tmp_path / 'data' / 'conversations.sqlite'}"
    )
    assert database_url(Settings(conversation_database="sqlite:///elsewhere.db")) == "sqlite:///elsewhere.db"
    assert title_of("short") == "short"


def test_an_answer_saved_by_an_older_version_still_loads() -> None:
    data = answer().to_dict()
    data["citations"][0]["retired_field"] = 1
    del data["citations"][0]["language"]
    assert answer_from_dict(data).citations[0].language == ""

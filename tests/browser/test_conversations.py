"""Conversations that last, in a real headless Chromium: two questions asked, ``app.py`` stopped and
started again on the same data folder, the conversation reopened from the list with its answers,
chips and sources, renamed, exported as Markdown, continued and deleted; thumbs up and down and a
note saved in the store on disk and exported as JSON. Run with ``pytest -m browser``.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from assistant.conversations.store import ConversationStore, database_url
from chat.settings import Settings
from tests.browser.conftest import SIRTE
from tests.browser.test_chat_page import (
    REPLY_TIMEOUT_MS,
    UI_TIMEOUT_MS,
    _ask,
    _expect_cited,
    _offline_env,
)
from tests.conftest import serving

FIRST = "What does Turkey demand in Libya?"
SECOND = "How many visitors did the Zorblat harbour festival draw?"
THIRD = "Who accused France of jeopardizing NATO security?"
NOTE = "exactly what I needed"
NEXT_TO_PX = 60  # the note box opens this close under the answer rated: below its buttons, no further
NOTE_BOX_PLACED = "() => window.__feedbackView?.placed === true"


def _open(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport={"width": 1200, "height": 1000}, accept_downloads=True)
    page.set_default_timeout(UI_TIMEOUT_MS)
    page.goto(url, wait_until="domcontentloaded")
    return page


def _download(page: Page, button: str) -> str:
    """Click ``button`` and download the file it offers; its text."""
    page.get_by_role("button", name=button, exact=True).click()
    suffix = ".md" if "Markdown" in button else ".json"
    link = page.locator(f"#conversation-download a[href$='{suffix}']").first
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    return Path(download.value.path()).read_text(encoding="utf-8")


@pytest.fixture
def env(data_folder: Path) -> dict[str, str]:
    return {**_offline_env(), "ASSISTANT_UPLOAD_DIR": str(data_folder / "uploads")}


def _ask_twice_and_rate(page: Page) -> list[str]:
    """Two questions, a thumbs up with a note on the first answer, a thumbs down on the second; the replies' text."""
    expect(_ask(page, FIRST)).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    expect(_ask(page, SECOND)).to_contain_text("40,000", timeout=REPLY_TIMEOUT_MS)
    expect(page.get_by_test_id("bot").last).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    shown = [reply.inner_text() for reply in page.get_by_test_id("bot").all()]
    assert len(shown) == 2 and "Sirte" in shown[0]

    page.get_by_role("button", name="Like", exact=True).first.click()
    expect(page.locator("#feedback-outcome")).to_contain_text("marked helpful")
    _expect_by_the_answer(page, page.get_by_test_id("bot").first)  # the first answer's, not under the chat
    page.locator("#feedback-note textarea").fill(NOTE)
    page.get_by_role("button", name="Save note", exact=True).click()
    expect(page.get_by_text("Note saved with the answer.")).to_be_visible()
    expect(page.locator("#feedback-box")).to_be_hidden()
    page.get_by_role("button", name="Dislike", exact=True).last.click()
    expect(page.locator("#feedback-outcome")).to_contain_text("not helpful")
    _expect_by_the_answer(page, page.get_by_test_id("bot").last)
    page.get_by_role("button", name="Dismiss", exact=True).click()
    expect(page.locator("#feedback-box")).to_be_hidden()
    return shown


def _expect_by_the_answer(page: Page, reply: Locator) -> None:
    """The note box opens just under ``reply`` (below its buttons), in view, not under the whole chat."""
    box = page.locator("#feedback-box")
    expect(box.locator("#feedback-note textarea")).to_be_visible()
    page.wait_for_function(NOTE_BOX_PLACED)  # chat.feedback_view has placed it since the thumb was clicked
    expect(box).to_be_in_viewport()
    answer, placed = reply.bounding_box(), box.bounding_box()
    assert answer and placed
    below = placed["y"] - (answer["y"] + answer["height"])
    assert 0 <= below <= NEXT_TO_PX, f"the note box is {below:.0f} px below the end of its answer"


def _reopen(page: Page, shown: list[str]) -> None:
    """Open the conversation from the list: the same replies, cited, their chips leading to their passages."""
    page.get_by_text("Conversations: reopen, rename, export").click()
    item = page.locator("#conversation-list label").filter(has_text=FIRST)
    expect(item).to_contain_text("2 questions")
    expect(item).to_contain_text(re.compile(r"2 questions · \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC"))
    item.click()
    replies = page.get_by_test_id("bot")
    expect(replies).to_have_count(2)
    expect(page.get_by_test_id("user").first).to_have_text(FIRST)
    assert [reply.inner_text() for reply in replies.all()] == shown, "the answers are back as they were shown"
    expect(page.get_by_role("button", name="Liked", exact=True)).to_have_count(1)  # and the thumbs given
    expect(page.get_by_role("button", name="Disliked", exact=True)).to_have_count(1)
    for reply in replies.all():
        _expect_cited(reply)
    _follow_first_chip(replies.first)


def _follow_first_chip(reply: Locator) -> None:
    """Click the reply's first [n] chip until its passage is the page's target. Once in three full runs
    the first click left no passage as the ``:target`` (the test passed alone and in the other runs);
    the cause was not found; a guess is the reopened conversation drawn once more after the click (a
    passage drawn anew is not the target). A person would click again; so does the test, until the
    deadline, and fails if the chip never leads to its passage."""
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    while True:
        reply.locator("a.cite-chip").first.click()
        try:
            expect(reply.locator("blockquote.passage:target")).to_contain_text("Sirte", timeout=3_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def _check_exports(page: Page) -> None:
    """The Markdown export resolves every [n] (title, outlet, date, link, passage) and says the feedback;
    the feedback export lists the rated answers."""
    markdown = _download(page, "Export as Markdown")
    assert markdown.startswith("# Libya and the harbour festival\n")
    assert f"## 1. {FIRST}\n" in markdown and f"## 2. {SECOND}\n" in markdown
    assert re.search(r"Sirte[^\n]*\[1\]", markdown), "the answer keeps its [n] markers"
    assert (
        "- [1] Turkey says Haftar's forces must leave Sirte — aa.com.tr, 2020-06-20 — "
        "<https://www.aa.com.tr/en/turkey-sirte>\n  > Turkey said on Saturday"
    ) in markdown
    festival = "Zorblat harbour festival draws record crowds — harbourtimes.com, 2021-07-04 — <https://harbourtimes.com"
    assert festival in markdown
    assert f"*Feedback: helpful (thumbs up) — note: {NOTE}*" in markdown

    feedback = json.loads(_download(page, "Export feedback (JSON)"))
    rated = [(item["question"], item["feedback"], item["note"]) for item in feedback]
    assert rated == [(FIRST, "up", NOTE), (SECOND, "down", "")]
    assert feedback[0]["answer"]["citations"][0]["url"] == SIRTE["url"]


@pytest.mark.browser
def test_a_conversation_lasts_across_a_restart_and_is_reopened_renamed_exported_and_deleted(
    browser: Browser, data_folder: Path, env: dict[str, str]
) -> None:
    db = data_folder / "db"
    with serving(db, env) as url:
        page = _open(browser, url)
        shown = _ask_twice_and_rate(page)
        page.close()

    store = ConversationStore.open(database_url(Settings(db_path=db)))  # read on disk, the chat stopped
    assert (data_folder / "conversations.sqlite").exists(), "in the data folder, beside the index"
    [saved] = store.conversations("")
    turns = store.conversation(saved.id, "").turns
    assert [(turn.question, turn.feedback, turn.note) for turn in turns] == [(FIRST, "up", NOTE), (SECOND, "down", "")]

    with serving(db, env) as url:  # started again on the same data folder
        page = _open(browser, url)
        _reopen(page, shown)
        page.locator("#conversation-title textarea").fill("Libya and the harbour festival")
        page.get_by_role("button", name="Rename", exact=True).click()
        expect(page.locator("#conversation-list")).to_contain_text("Libya and the harbour festival")
        _check_exports(page)

        expect(_ask(page, THIRD)).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)  # the conversation goes on
        expect(page.get_by_test_id("bot")).to_have_count(3)
        expect(page.locator("#conversation-list")).to_contain_text("3 questions")
        assert [turn.question for turn in store.conversation(saved.id, "").turns] == [FIRST, SECOND, THIRD]

        page.get_by_role("button", name="Delete this conversation", exact=True).click()
        expect(page.locator("#conversation-outcome")).to_contain_text("Deleted “Libya and the harbour festival”")
        expect(page.get_by_test_id("bot")).to_have_count(0)
        expect(page.locator("#conversation-list label").filter(has_text="Libya")).to_have_count(0)
        assert store.conversations("") == []
        page.close()

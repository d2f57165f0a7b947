"""A model's answer streams into the page, in a real headless Chromium: ``app.py`` answering with the
local SmolLM2 (``ASSISTANT_LLM=smollm2``, the ``[llm]`` extra) over an index of seeds/. The reader sees
the model's first words, marked as being written, before the checked answer and its sources replace
them. Observed in the page by the order of what it shows, not by timing (the times are measured by
``bench/streaming.py``). Run with ``pytest -m browser``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_chat_page import UI_TIMEOUT_MS, _offline_env
from tests.conftest import serving

QUESTION = "What does Turkey demand in Libya?"
MODEL_REPLY_TIMEOUT_MS = 240_000  # a 135M model writing on a shared CPU
WRITING = "writing; the citations are checked when it is done"
# Records every different text the newest reply shows until its sources (or a refusal) show.
WATCH = """(() => {
  const seen = (window.__stream = { texts: [], ended: false });
  new MutationObserver(() => {
    const bot = [...document.querySelectorAll('#answers [data-testid="bot"]')].pop();
    if (!bot || seen.ended) return;
    const text = bot.innerText.trim();
    if (text && text !== seen.texts[seen.texts.length - 1]) seen.texts.push(text);
    seen.ended = Boolean(bot.querySelector('.sources')) || text.includes('not in the articles');
  }).observe(document, { subtree: true, childList: true, characterData: true });
})()"""


@pytest.mark.browser
def test_a_models_answer_shows_its_first_words_as_being_written_before_its_sources(
    browser: Browser, seed_db: Path
) -> None:
    pytest.importorskip("gguf", reason="ASSISTANT_LLM=smollm2 needs the [llm] extra")
    with serving(seed_db, {**_offline_env(), "ASSISTANT_LLM": "smollm2"}) as url:
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        page.set_default_timeout(UI_TIMEOUT_MS)
        page.add_init_script(WATCH)
        try:
            page.goto(url, wait_until="domcontentloaded")
            box = page.locator("#question textarea")
            box.fill(QUESTION)
            box.press("Enter")
            reply = page.get_by_test_id("bot").last
            finished = reply.locator(".sources").or_(reply.get_by_text("not in the articles"))
            expect(finished).to_be_visible(timeout=MODEL_REPLY_TIMEOUT_MS)
            page.wait_for_function("() => window.__stream.ended")
            texts: list[str] = page.evaluate("() => window.__stream.texts")
            drafts = [text for text in texts[:-1] if WRITING in text]
            assert drafts, f"the answer showed no words before its end: {texts[:3]}"
            assert len({text.split(WRITING)[0] for text in drafts}) >= 2, "the draft did not grow as it was written"
            assert WRITING not in texts[-1]
        finally:
            page.close()

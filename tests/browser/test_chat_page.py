"""The chat in a real headless Chromium: a real index of seeds/, ``app.py`` as a subprocess, real clicks.

Needs Debian's Chromium at /usr/bin/chromium (``make browser`` installs it) and the ``playwright`` package;
no Playwright-managed browser is ever downloaded. Run only these with ``pytest -m browser``.

Over 350 lines on purpose: every browser test shares one served chat and one Chromium (starting
them is most of the cost), and a module-scoped fixture cannot span files.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from chat.settings import ChatSettings
from index.naming import YOUR_FILES
from tests.assistant.following.test_questions import CLOSED as VELLMAR_CLOSED
from tests.assistant.following.test_questions import QUESTION as VELLMAR_QUESTION
from tests.assistant.following.test_questions import REOPENED as VELLMAR_REOPENED
from tests.browser.chromium import CHROMIUM, MISSING, launched_chromium
from tests.chat.test_news import write_story_articles
from tests.conftest import ROOT, free_port, serving, stop_process
from tests.followup_corpus import DISTRACTOR, FIRST_QUESTION, FOLLOW_UP, write_followup_corpus
from tests.index.stories.test_groups import DAM, LATER, OTHERS

# Screenshots of the main states, kept after the run for people to look at (git-ignored).
ARTIFACTS = ROOT / "test-artifacts"
SERVE_TIMEOUT_S = 120
# WCAG contrast ratio between an element's text colour and its background colour.
CONTRAST_OF_TEXT = """el => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const linear = x => (x /= 255) <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  const lum = c => { const v = rgb(c).map(linear); return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const style = getComputedStyle(el);
  const [a, b] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""  # the app loads the embedding model before it listens
REPLY_TIMEOUT_MS = 90_000
UI_TIMEOUT_MS = 30_000
QUESTION = FIRST_QUESTION
SAMPLE_QUESTIONS = ChatSettings().example_questions  # the bundled sample's questions (the default)
# Run in the page before its own scripts: records the Gradio queue's events as the page sends them
# (``asked``, ``joined``: their ids) and as it finishes them (``completed``), read from the queue's event
# stream on its way to Gradio's client. Gradio's client handles a message on a timer: a completion is
# recorded on the timer after that one, once its update has been applied to the page.
QUEUE_WATCH = """(() => {
  const queue = (window.__queue = { asked: 0, joined: [], completed: [] });
  const fetchFirst = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input.url;
    if (url.includes('/queue/join')) queue.asked += 1;
    const response = await fetchFirst(input, init);
    if (url.includes('/queue/join')) {
      response.clone().json().then(body => queue.joined.push(body.event_id), () => {});
    } else if (url.includes('/queue/data') && response.body) {
      const decoder = new TextDecoder();
      let rest = '';
      const watched = new TransformStream({
        transform(chunk, controller) {
          controller.enqueue(chunk);
          const lines = (rest + decoder.decode(chunk, { stream: true })).split('\\n');
          rest = lines.pop();
          for (const line of lines.filter(line => line.startsWith('data:'))) {
            const message = JSON.parse(line.slice(5));
            const done = () => queue.completed.push(message.event_id);
            if (message.msg === 'process_completed') setTimeout(() => setTimeout(done, 0), 0);
          }
        },
      });
      const { status, statusText, headers } = response;
      return new Response(response.body.pipeThrough(watched), { status, statusText, headers });
    }
    return response;
  };
})()"""
QUEUE_SETTLED = """() => {
  const queue = window.__queue;
  return queue.asked > 0 && queue.joined.length === queue.asked
    && queue.joined.every(id => queue.completed.includes(id));
}"""


# An article whose title, text and URL try to run script in the page: all of it must show as text.
HOSTILE_ARTICLE = {
    "doc_id": "hostile",
    "title": "<img src=x onerror=\"window.__xss='title'\">Zorblat harbour festival",
    "publish_date": "2020/06/22",
    "url": "javascript:window.__xss='url'",
    "text": (
        "The Zorblat harbour festival drew 40,000 visitors on Sunday, the organisers said. "
        "<script>window.__xss='text'</script> A float carried the sign <img src=x onerror=\"window.__xss='img'\"> "
        "past the harbour. [click me](javascript:window.__xss='markdown')"
    ),
}
HOSTILE_QUESTION = "How many visitors did the Zorblat harbour festival draw?"
# What the reader's own articles say (all but the bundled sample): where the first screen's questions come from.
READERS_TEXT = " ".join(
    [*(text for _, _, _, text in {**DAM, **OTHERS, **LATER}.values()), HOSTILE_ARTICLE["text"], DISTRACTOR]
)


def _tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def _offline_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        GRADIO_ANALYTICS_ENABLED="False",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(MISSING)
    return CHROMIUM


@pytest.fixture(scope="module")
def app_url(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real index of seeds/ (plus an article about France, a hostile one, and the Kessel dam story told
    by three outlets in March 2024 among other news) and ``app.py`` serving it, stopped afterwards."""
    tmp = tmp_path_factory.mktemp("browser")
    db = tmp / "db"
    articles = write_followup_corpus(tmp / "articles")
    (articles / "hostile.jsonl").write_text(json.dumps(HOSTILE_ARTICLE) + "\n", encoding="utf-8")
    write_story_articles(articles)
    env = {**_offline_env(), "ASSISTANT_UPLOAD_DIR": str(tmp / "uploads")}
    build = subprocess.run(
        [sys.executable, "-m", "index", "build", str(articles), "--db", str(db), "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, f"index build failed:\n{build.stdout}\n{build.stderr}"

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = tmp / "app.log"
    with log.open("w", encoding="utf-8") as out:
        # The log goes to a file, not a pipe: a pipe nobody reads would fill and block the server.
        proc = subprocess.Popen(
            [sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port), "--db", str(db)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVE_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"app.py exited with {proc.returncode} before serving:\n{_tail(log)}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"app.py did not serve {url} within {SERVE_TIMEOUT_S} s:\n{_tail(log)}")
            time.sleep(0.5)
        yield url
    finally:
        stop_process(proc)


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    with launched_chromium(chromium) as browser:
        yield browser


@pytest.fixture
def page_errors() -> list[str]:
    return []


@pytest.fixture
def page(browser: Browser, app_url: str, page_errors: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT_MS)
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.goto(app_url, wait_until="domcontentloaded")
    try:
        yield page
    finally:
        context.close()


def _screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _ask(page: Page, question: str) -> Locator:
    """Type ``question`` into the chat and send it; the reply (a locator that waits for it)."""
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    expect(page.get_by_test_id("user").last).to_contain_text(question, timeout=REPLY_TIMEOUT_MS)
    return _last_reply(page)


def _last_reply(page: Page) -> Locator:
    """The newest bot message. Gradio's pending bubble has no ``data-testid="bot"``, so this is a real reply."""
    reply = page.get_by_test_id("bot").last
    expect(reply).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    return reply


def _expect_cited(reply: Locator) -> None:
    """A rendered, cited answer: a [1] chip, the bold Sources label and the quoted passage highlighted."""
    expect(reply.locator("a.cite-chip").filter(has_text=re.compile(r"^\[1\]$")).first).to_be_visible()
    expect(reply.locator("strong").filter(has_text=re.compile(r"^Sources$"))).to_be_visible()
    expect(reply.locator("blockquote.passage").first).to_be_visible()
    expect(reply.locator("blockquote.passage mark").first).to_be_visible()  # the quoted sentence is highlighted
    assert "**" not in reply.inner_text(), "markdown was shown raw instead of rendered"


@pytest.mark.browser
def test_typed_question_gets_cited_answer_with_sources(page: Page, page_errors: list[str]) -> None:
    box = page.locator("#question textarea")
    expect(box).to_be_editable()
    box.fill(QUESTION)
    box.press("Enter")

    expect(page.get_by_test_id("user").last).to_contain_text(QUESTION, timeout=REPLY_TIMEOUT_MS)
    reply = _last_reply(page)
    expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    expect(reply).to_contain_text("Sirte")
    expect(reply).to_contain_text("[1]")
    expect(reply).to_contain_text("2020-06-20")
    _expect_cited(reply)
    expect(box).to_have_value("")  # the input is cleared for the next question
    _screenshot(page, "answered-with-sources")
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"


@pytest.mark.browser
def test_the_first_screen_asks_about_the_reader_s_newest_stories_not_the_bundled_sample(
    page: Page, browser: Browser, app_url: str, page_errors: list[str]
) -> None:
    examples = page.locator("button.example")
    expect(examples.first).to_be_visible()
    offered = [" ".join(text.split()) for text in examples.all_inner_texts()]
    assert offered and not set(offered) & set(SAMPLE_QUESTIONS), f"the Libya sample's questions: {offered}"
    for question in offered:  # about a name the reader's own articles (not the sample) talk about
        asked = re.fullmatch(r"What is the latest on (.+)\?", question)
        assert asked and asked.group(1) in READERS_TEXT, question
    _first_screens(browser, app_url)

    examples.first.click()
    expect(page.get_by_test_id("user").last).to_contain_text(offered[0], timeout=REPLY_TIMEOUT_MS)
    reply = _last_reply(page)
    expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    _expect_cited(reply)

    # The sample has no title and no outlet: it shows its first sentence and a readable source.
    reply = _ask(page, QUESTION)
    expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    summary = reply.locator("details.source > summary").first
    expect(summary.locator("strong")).to_contain_text("Turkey on Saturday announced that forces loyal to Libya")
    expect(summary.locator(".source-facts")).to_have_text(f"— 2020-06-20 · {YOUR_FILES}")
    expect(reply).not_to_contain_text(".txt")
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"


def _first_screens(browser: Browser, app_url: str) -> None:
    """Screenshots of the first screen 1,440 px and 390 px wide (a desktop, a phone), its examples drawn."""
    for width, height in ((1440, 900), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            shown = context.new_page()
            shown.goto(app_url, wait_until="domcontentloaded")
            expect(shown.locator("button.example").first).to_be_visible(timeout=UI_TIMEOUT_MS)
            _screenshot(shown, f"first-screen-{width}")
        finally:
            context.close()


@pytest.mark.browser
def test_the_briefing_panel_s_latest_news_on_an_archive_says_which_week_it_covers(
    page: Page, page_errors: list[str]
) -> None:
    newest = max(date.fromisoformat(day) for _, day, _, _ in {**DAM, **OTHERS, **LATER}.values())
    week = f"{(newest - timedelta(days=6)).day}–{newest.day} {newest:%B %Y}"  # one month, in this corpus
    page.get_by_text("Briefing: the news of a period").click()
    page.get_by_role("button", name="Brief me").click()  # the default: the latest news, no topic

    expect(page.get_by_test_id("user").last).to_contain_text("What's new?")
    reply = _last_reply(page)
    expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    expect(reply.locator("p.news-period")).to_contain_text(
        re.compile(rf"^No news in the last 7 days \(.+\); the latest week with news: {week}\.$")
    )
    expect(reply).to_contain_text("The news of that week, most widely reported first:")
    expect(reply.locator("ol > li").first).to_contain_text(newest.isoformat())
    _screenshot(page, "briefing-latest-week")
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"


@pytest.mark.browser
def test_a_chip_opens_and_shows_its_passage_with_sirte_highlighted(page: Page, page_errors: list[str]) -> None:
    reply = _ask(page, QUESTION)
    expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    for source in reply.locator("details.source").all():  # a reader folded every source away
        source.locator("> summary").click()
    passage = reply.locator("blockquote.passage").first
    expect(passage).to_be_hidden()

    reply.locator("a.cite-chip").filter(has_text="[1]").first.click()

    expect(passage).to_be_visible()
    expect(passage).to_be_in_viewport()
    expect(passage.locator("mark").filter(has_text="Sirte").first).to_be_visible()
    assert passage.evaluate("el => el.matches(':target')"), "the passage is not the one the chip points at"
    _screenshot(page, "chip-opened-its-passage")

    reply.get_by_text(re.compile(r"Read the whole article")).first.click()
    whole = reply.locator(".article-text").first
    expect(whole).to_be_visible()
    expect(whole).to_contain_text("Fayez al-Sarraj")  # beyond the quoted sentences: the article itself
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"


@pytest.mark.browser
def test_retry_answers_again_and_clear_starts_a_new_conversation(page: Page, page_errors: list[str]) -> None:
    first = _ask(page, QUESTION)
    expect(first).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    first_anchor = first.locator("a.cite-chip").first.get_attribute("href")  # fresh for every reply rendered
    # The answer is done when the box takes a question again: Gradio copies the conversation into the
    # state Retry reads only after the reply is drawn, and a Retry before that re-asks an empty question.
    expect(page.locator("#question textarea")).to_be_editable(timeout=REPLY_TIMEOUT_MS)

    page.get_by_role("button", name="Retry").click()
    expect(page.get_by_test_id("user")).to_have_count(1)
    reply = _last_reply(page)
    expect(reply.locator("a.cite-chip").first).not_to_have_attribute("href", first_anchor, timeout=REPLY_TIMEOUT_MS)
    expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    expect(page.get_by_test_id("bot")).to_have_count(1)
    _expect_cited(reply)

    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_test_id("bot")).to_have_count(0)
    expect(page.get_by_test_id("user")).to_have_count(0)
    expect(page.locator("button.example").first).to_be_visible()  # the examples are back
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"


@pytest.mark.browser
def test_follow_up_question_is_understood_from_the_conversation(page: Page, page_errors: list[str]) -> None:
    expect(_ask(page, QUESTION)).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)

    box = page.locator("#question textarea")
    box.fill(FOLLOW_UP)
    box.press("Enter")
    expect(page.get_by_test_id("user").last).to_contain_text(FOLLOW_UP, timeout=REPLY_TIMEOUT_MS)
    expect(page.get_by_test_id("bot")).to_have_count(2, timeout=REPLY_TIMEOUT_MS)
    reply = _last_reply(page)
    expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    expect(reply).to_contain_text("NATO")  # what Turkey said about France, not the article on French wine
    expect(reply).not_to_contain_text("wine")
    _expect_cited(reply)
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"


@pytest.mark.browser
def test_after_a_long_answer_its_first_lines_are_in_view_not_the_end_of_its_sources(
    page: Page, page_errors: list[str]
) -> None:
    expect(_ask(page, QUESTION)).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    reply = _ask(page, "the news of 2024-03-05")  # a briefing: two stories, each with its source
    expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    expect(page.get_by_test_id("bot")).to_have_count(2)
    # chat.answer_view has placed the second question at the top and will not scroll again.
    page.wait_for_function("() => window.__answerView?.questions === 2 && window.__answerView.settled")
    chat = page.locator("#answers [role=log]").bounding_box()
    answer, question = reply.bounding_box(), page.get_by_test_id("user").last.bounding_box()
    assert chat and answer and question
    assert question["height"] + answer["height"] > chat["height"], "a long answer: it and its question do not fit"
    assert chat["y"] <= question["y"] < answer["y"] and answer["y"] + 40 <= chat["y"] + chat["height"], (
        f"the question and the answer's first line are not in view: chat {chat}, question {question}, answer {answer}"
    )
    _screenshot(page, "long-answer-in-view")
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"


@pytest.mark.browser
def test_an_article_carrying_html_and_script_is_shown_as_text_and_runs_nothing(
    page: Page, page_errors: list[str]
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    reply = _ask(page, HOSTILE_QUESTION)
    expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    expect(reply).to_contain_text("40,000")
    expect(reply).to_contain_text("<script>window.__xss='text'</script>")  # shown, as characters
    expect(reply).to_contain_text("<img src=x onerror=")
    _screenshot(page, "hostile-article-shown-as-text")
    assert reply.locator("img, script, iframe").count() == 0, "markup from the article became elements"
    hrefs = reply.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href') || '')")
    # Chips lead to passages in the reply; every other link is http(s).
    assert all(href.startswith(("http://", "https://", "#source-")) for href in hrefs), hrefs
    for link in reply.locator("a:not(.cite-chip)").all():
        link.click(modifiers=["ControlOrMeta"])  # in a background tab: nothing runs in this page
    assert page.evaluate("window.__xss") is None, "article script ran in the page"
    assert not dialogs and not page_errors, (dialogs, page_errors)


def _dam_story_of(reply: Locator) -> Locator:
    """The first source's story: it says how many outlets reported it and folds their articles."""
    story = reply.locator("details.source details.story-outlets").first
    expect(story.locator("> summary")).to_contain_text("3 outlets reported this story")
    return story


@pytest.mark.browser
def test_a_briefing_shows_numbered_stories_with_bold_titles_chips_and_the_outlets_of_a_story(
    page: Page, page_errors: list[str]
) -> None:
    reply = _ask(page, "the news of 2024-03-05")
    expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    items = reply.locator("ol > li")
    expect(items).to_have_count(2)  # the dam, then the chip: the stories dated that day
    # The title of the article its sentence is quoted from, the dam story's report of that day.
    expect(items.first.locator("strong").first).to_have_text(DAM["globe-7"][2])
    # Counted up to the day asked for: the third outlet's report of 6 March is not yet news on the 5th.
    expect(items.first).to_contain_text("(2 outlets, 2024-03-04 to 2024-03-05)")
    assert "**" not in reply.inner_text(), "the bold titles were shown as asterisks"

    for source in reply.locator("details.source").all():  # a reader folded every source away
        source.locator("> summary").click()
    passage = reply.locator("blockquote.passage").first
    expect(passage).to_be_hidden()
    items.first.locator("a.cite-chip").first.click()
    expect(passage).to_be_visible()
    assert passage.evaluate("el => el.matches(':target')"), "the chip does not lead to its passage"
    expect(passage).to_contain_text("Soldiers and firefighters searched flooded streets in Lipnik")

    story = _dam_story_of(reply)
    others = story.locator("a")
    expect(others.first).to_be_hidden()  # folded until asked for
    story.locator("> summary").click()
    expect(others).to_have_count(2)
    expect(others.first).to_be_visible()
    assert sorted(link.get_attribute("href") or "" for link in others.all()) == [
        "https://eveningwire.com/news/wire-3",
        "https://riverpost.com/news/post-1",
    ]
    expect(story).to_contain_text(DAM["wire-3"][2])
    _screenshot(page, "briefing")
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"


@pytest.mark.browser
def test_a_timeline_shows_dated_entries_in_date_order_with_chips(page: Page, page_errors: list[str]) -> None:
    reply = _ask(page, "timeline of the Kessel dam")
    expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    expect(reply).to_contain_text("How Kessel dam developed")
    entries = reply.locator("ul:not(.story-articles) > li")
    expect(entries).to_have_count(4)
    days = [entry.locator("strong").first.inner_text() for entry in entries.all()]
    assert days == ["4 Mar 2024", "5 Mar 2024", "6 Mar 2024", "20 Aug 2024"], days
    for entry in entries.all():
        expect(entry.locator("a.cite-chip").first).to_be_visible()
    entries.last.locator("a.cite-chip").first.click()
    target = reply.locator("blockquote.passage:target")
    expect(target).to_contain_text("refilling the reservoir behind the rebuilt Kessel dam")
    assert "**" not in reply.inner_text()
    _screenshot(page, "timeline")
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"


@pytest.mark.browser
def test_the_briefing_panel_asks_the_chat_for_a_briefing_and_the_conversation_goes_on(
    page: Page, page_errors: list[str]
) -> None:
    page.get_by_text("Briefing: the news of a period").click()
    page.locator("#briefing-topic textarea").fill("Kessel dam")
    page.locator("#briefing-period").get_by_text("On a day…").click()
    page.locator("#briefing-day textarea").fill("5 March")
    page.get_by_role("button", name="Brief me").click()
    expect(page.locator("#briefing-outcome")).to_contain_text("YYYY-MM-DD")  # said, not asked
    expect(page.get_by_test_id("user")).to_have_count(0)

    page.locator("#briefing-period").get_by_text("Since a day…").click()
    page.locator("#briefing-day textarea").fill("2024-03-04")
    page.get_by_role("button", name="Brief me").click()
    expect(page.get_by_test_id("user").last).to_contain_text("Brief me on Kessel dam since 2024-03-04")
    reply = _last_reply(page)
    expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    expect(reply).to_contain_text("The news on Kessel dam, 4 March 2024 to")
    # The title of the article its sentence is quoted from (the newest report of the dam, read first).
    expect(reply.locator("ol > li").first.locator("strong").first).to_have_text(DAM["wire-3"][2])
    _dam_story_of(reply)
    expect(page.locator("#briefing-outcome")).not_to_contain_text("YYYY-MM-DD")

    # The briefing is part of the conversation: the next question is answered after it.
    _ask(page, QUESTION)
    expect(page.get_by_test_id("bot")).to_have_count(2, timeout=REPLY_TIMEOUT_MS)
    expect(_last_reply(page)).to_contain_text("Sirte", timeout=REPLY_TIMEOUT_MS)
    expect(page.get_by_test_id("bot").first).to_contain_text("The news on Kessel dam")
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"


@pytest.mark.browser
def test_an_uploaded_article_is_indexed_then_answered_with_its_citation(
    page: Page, page_errors: list[str], tmp_path: Path
) -> None:
    article = tmp_path / "grindavik-eruption.txt"
    article.write_text(
        "date 2024-01-15\nThe Fagradalsfjall volcano erupted again on Monday, sending lava towards Grindavik.",
        encoding="utf-8",
    )
    page.get_by_role("tab", name="Articles").click()
    page.locator("#article-upload input[type=file]").set_input_files(str(article))
    page.get_by_role("button", name="Index these files").click()
    expect(page.get_by_text(re.compile(r"1 added"))).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(page.get_by_text("grindavik-eruption.txt").first).to_be_visible()
    _screenshot(page, "articles-tab-after-upload")

    page.get_by_role("tab", name="Chat").click()
    reply = _ask(page, "Which volcano erupted near Grindavik?")
    expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
    expect(reply).to_contain_text("Fagradalsfjall")
    _expect_cited(reply)
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"


def _upload(page: Page, article: Path) -> None:
    """Index ``article`` through the Articles tab, as a person does, and come back to the chat."""
    page.get_by_role("tab", name="Articles").click()
    page.locator("#article-upload input[type=file]").set_input_files(str(article))
    page.get_by_role("button", name="Index these files").click()
    expect(page.get_by_text(article.name).first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    page.get_by_role("tab", name="Chat").click()


@pytest.mark.browser
def test_a_followed_question_shows_the_new_source_an_upload_brought_beside_the_earlier_answer(
    page: Page, page_errors: list[str], tmp_path: Path
) -> None:
    closed, reopened = tmp_path / "vellmar-closed.txt", tmp_path / "vellmar-reopened.txt"
    closed.write_text(VELLMAR_CLOSED, encoding="utf-8")
    reopened.write_text(VELLMAR_REOPENED, encoding="utf-8")
    _upload(page, closed)
    reply = _ask(page, VELLMAR_QUESTION)
    expect(reply).to_contain_text("closed to all traffic", timeout=REPLY_TIMEOUT_MS)
    page.get_by_role("button", name="Follow this question").click()
    expect(page.locator("#follow-question-outcome")).to_contain_text(f"Following “{VELLMAR_QUESTION}”")

    _upload(page, reopened)  # the followed questions are asked again after the upload

    panel = page.locator("#followed-questions")
    expect(panel).to_contain_text("1 with new sources", timeout=REPLY_TIMEOUT_MS)
    panel.get_by_text("Followed questions").first.click()
    followed = page.locator("#followed-list").get_by_text(VELLMAR_QUESTION)
    expect(followed).to_contain_text("1 new source")
    followed.click()
    latest = page.locator("#followed-answer")
    expect(latest).to_contain_text("1 new source since you last looked", timeout=REPLY_TIMEOUT_MS)
    expect(latest).to_contain_text("reopened to cars")
    new = latest.locator("details.source:has(.new-source)")
    expect(new).to_have_count(1)  # only the article the upload brought is marked
    expect(new.locator("> summary")).to_contain_text("reopened to cars")
    expect(latest.locator("a.cite-chip.new-citation")).not_to_have_count(0)
    earlier = page.locator("#followed-earlier")
    earlier.get_by_text("Earlier answer").click()
    expect(page.locator("#followed-earlier-answer")).to_contain_text("closed to all traffic")
    expect(page.locator("#followed-earlier-answer")).not_to_contain_text("reopened")
    _screenshot(page, "followed-question-with-a-new-source")
    expect(page.locator("#followed-list")).not_to_contain_text("new source")  # looked at: seen
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"


@pytest.mark.browser
def test_an_off_topic_question_gets_the_refusal_and_no_sources(page: Page, page_errors: list[str]) -> None:
    reply = _ask(page, "What is the boiling point of tungsten?")
    expect(reply).to_contain_text("not in the articles", timeout=REPLY_TIMEOUT_MS)
    expect(reply).not_to_contain_text("Sources")
    _screenshot(page, "refused-off-topic")
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"


@pytest.mark.browser
def test_a_phone_width_window_in_the_dark_theme_shows_the_cited_answer_without_sideways_scrolling(
    browser: Browser, app_url: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT_MS)
    try:
        page.goto(f"{app_url}?__theme=dark", wait_until="domcontentloaded")
        reply = _ask(page, QUESTION)
        expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
        _expect_cited(reply)
        assert page.evaluate("document.body.classList.contains('dark')"), "the dark theme is applied"
        contrast = reply.locator("mark").first.evaluate(CONTRAST_OF_TEXT)
        assert contrast >= 4.5, f"highlighted sentences have a contrast of {contrast:.1f}:1 in the dark theme"
        chip = reply.locator("a.cite-chip").first
        chip_contrast = chip.evaluate(CONTRAST_OF_TEXT)
        assert chip_contrast >= 4.5, f"citation chips have a contrast of {chip_contrast:.1f}:1 in the dark theme"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page is {overflow} px wider than a phone"
        _screenshot(page, "phone-dark")
    finally:
        context.close()


# Boxes around an element that scroll it inside the page (overflow auto or scroll, and taller content).
INNER_SCROLLERS = """el => {
  const found = [];
  for (let box = el; box && box !== document.documentElement; box = box.parentElement) {
    const style = getComputedStyle(box);
    if (/(auto|scroll)/.test(style.overflowY) && box.scrollHeight > box.clientHeight + 1) found.push(box.className);
  }
  return found;
}"""
# Each shown table's header cells once Gradio has sized them: the cell's width and its widest word's.
HEADERS_SIZED = "() => [...document.querySelectorAll('th.header-cell')].some(th => th.offsetParent && th.style.width)"
HEADER_WIDTHS = """() => [...document.querySelectorAll('th.header-cell')].filter(th => th.offsetParent).map(th => {
  const text = th.innerText.trim(), pen = document.createElement('canvas').getContext('2d');
  pen.font = getComputedStyle(th.querySelector('.header') || th).font;
  const word = Math.max(...text.split(/\\s+/).map(word => pen.measureText(word).width));
  return { text, cell: th.getBoundingClientRect().width, word };
})"""


@pytest.mark.browser
def test_on_a_phone_the_answer_reads_by_scrolling_the_page_and_tables_scroll_sideways_in_their_box(
    browser: Browser, app_url: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT_MS)
    try:
        page.goto(app_url, wait_until="domcontentloaded")
        reply = _ask(page, QUESTION)
        expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
        _expect_cited(reply)
        answer = reply.bounding_box()
        assert answer and answer["height"] > 844, "the answer and its sources are taller than the phone's screen"
        assert reply.evaluate(INNER_SCROLLERS) == [], "a box around the answer scrolls it inside the page"
        end = reply.get_by_text(re.compile(r"Read the whole article")).last
        to_the_end = "el => window.scrollTo(0, scrollY + el.getBoundingClientRect().bottom - innerHeight + 8)"
        page.evaluate(to_the_end, end.element_handle())
        expect(end).to_be_in_viewport()  # the page's own scrolling reached the answer's last line
        # Nothing of Gradio's that a reader cannot use: no footer, no share button over the chat.
        expect(page.get_by_text("Built with Gradio")).to_have_count(0)
        expect(page.get_by_text("Use via API")).to_have_count(0)
        titles = page.locator("#answers .top-panel button").evaluate_all("buttons => buttons.map(b => b.title)")
        assert titles == ["Clear", "Copy conversation"], titles
        _screenshot(page, "phone-answer")

        page.get_by_role("tab", name="Articles").click()
        page.wait_for_function(HEADERS_SIZED)
        headers = page.evaluate(HEADER_WIDTHS)
        assert {"title", "chunks", "address", "last fetch"} <= {header["text"] for header in headers}
        squeezed = [header for header in headers if header["cell"] < header["word"]]
        assert squeezed == [], f"columns narrower than their header's word: {squeezed}"
        articles = page.locator(".table-wrap[aria-label='Indexed articles'] .virtual-table-viewport")
        assert articles.evaluate("el => el.scrollWidth > el.clientWidth"), "the articles' table squeezed into the phone"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page is {overflow} px wider than a phone: the table should scroll in its own box"
        _screenshot(page, "phone-articles")
    finally:
        context.close()


@pytest.mark.browser
def test_examples_follow_what_is_indexed_from_an_empty_index_to_an_uploaded_article(
    browser: Browser, tmp_path: Path
) -> None:
    article = tmp_path / "kestrel-dam.txt"
    article.write_text(
        "date 2024-03-02\nEngineers at the Kestrel Valley dam opened the spillway on Friday. "
        "Officials said the Kestrel Valley reservoir had reached its highest level since 1998, "
        "and villages below Kestrel Valley were told to stay away from the river.",
        encoding="utf-8",
    )
    env = {**_offline_env(), "ASSISTANT_UPLOAD_DIR": str(tmp_path / "uploads")}
    with serving(tmp_path / "db", env) as url:
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        page.set_default_timeout(UI_TIMEOUT_MS)
        page.add_init_script(QUEUE_WATCH)
        try:
            page.goto(url, wait_until="domcontentloaded")
            expect(page.get_by_text("The index is empty")).to_be_visible()
            expect(page.locator("#answers [role=log]")).to_be_attached()  # the chat is drawn, examples and all
            page.wait_for_function(QUEUE_SETTLED)  # the page load's update (examples among it) has come
            expect(page.locator("button.example")).to_have_count(0)  # none the index could answer

            page.get_by_role("tab", name="Articles").click()
            page.locator("#article-upload input[type=file]").set_input_files(str(article))
            page.get_by_role("button", name="Index these files").click()
            expect(page.get_by_text(re.compile(r"1 added"))).to_be_visible(timeout=REPLY_TIMEOUT_MS)

            page.reload(wait_until="domcontentloaded")
            expect(page.get_by_text("The index is empty")).to_be_hidden(timeout=REPLY_TIMEOUT_MS)
            example = page.locator("button.example").filter(has_text="What is the latest on Kestrel Valley?")
            expect(example).to_be_visible(timeout=REPLY_TIMEOUT_MS)
            expect(page.locator("button.example")).to_have_count(1)  # the seed questions are not offered
            example.click()
            reply = _last_reply(page)
            expect(reply).to_contain_text("Sources", timeout=REPLY_TIMEOUT_MS)
            expect(reply).to_contain_text("spillway")
            _expect_cited(reply)
        finally:
            page.close()

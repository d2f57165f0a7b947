"""Briefings, timelines and comparisons as the chat shows them: their structure kept (numbered
stories, bold titles and dates, section heads, bullets), every piece of article text escaped, the
``[n]`` chips as in answers, and each source's story with its other articles. Also the Briefing
panel's questions, which must be read as briefings. The markdown is rendered with markdown-it
(CommonMark), as a browser's renderer would; the last tests use a real store and the real assistant.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from assistant import Assistant
from assistant.dates import DateWindow
from assistant.news.items import NewsItem, NewsSentence, news_text
from assistant.news.requests import recognise
from assistant.settings import AssistantSettings
from assistant.types import Answer, Citation
from chat.history import reply_gist
from chat.panels.briefing import (
    LAST_7_DAYS,
    LAST_30_DAYS,
    LATEST,
    ON_A_DAY,
    PERIODS,
    SINCE_A_DAY,
    TODAY,
    briefing_question,
)
from chat.render import SOURCES_START, render_answer
from index.build import build_index
from index.errors import UserError
from index.store import ArticleStore
from index.stories.groups import Member
from tests.index.stories.test_groups import DAM, LATER, OTHERS

HOSTILE_TITLE = "**Bold** <script>window.__xss=1</script> [3] claims"
MARKDOWN = MarkdownIt("commonmark")  # raw HTML allowed, as the chat's renderer allows the chips


def write_story_articles(folder: Path, later: bool = True) -> Path:
    """tests/index/stories/test_groups.py's articles (the Kessel dam told by three outlets, three other events
    that week, the rebuilt dam in August) as JSON Lines files, each with an https address."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, (source, day, title, text) in {**DAM, **OTHERS, **(LATER if later else {})}.items():
        record = {
            "doc_id": doc_id,
            "source": source,
            "publish_date": day,
            "title": title,
            "text": text,
            "url": f"https://{source}/news/{doc_id}",
        }
        (folder / f"{doc_id}.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return folder


def cite(n: int, title: str = "Kessel dam bursts", **fields: object) -> Citation:
    values: dict = dict(
        n=n,
        article_id=f"a{n}",
        title=title,
        date="2024-03-04",
        source="riverpost.com",
        url="",
        passage=f"Passage {n}.",
        score=1.0,
    )
    return Citation(**{**values, **fields})


def answer_html(answer: Answer) -> str:
    """The answer part of the reply (before its sources) as the browser gets it."""
    return MARKDOWN.render(render_answer(answer, key="k").split(SOURCES_START)[0])


def chips(html: str) -> list[str]:
    return re.findall(r'<a class="cite-chip" href="#source-k-(\d+)"', html)


def story(title: str, outlets: int, first: str, last: str, *sentences: NewsSentence) -> NewsItem:
    names = tuple(f"outlet{n}.com" for n in range(outlets))
    return NewsItem("story", sentences, title, names, outlets, first, last)


def said(text: str, *cites: int) -> NewsSentence:
    return NewsSentence(text, cites)


def test_a_briefing_shows_numbered_stories_with_bold_titles_and_its_text_stays_text() -> None:
    items = (
        story(
            HOSTILE_TITLE,
            3,
            "2024-03-04",
            "2024-03-06",
            said("The dam *burst* on Monday.", 1),
            said("Rescuers came.", 2),
        ),
        story("Porto beat Sevilla", 1, "2024-03-06", "2024-03-06", said("Porto won <b>3-1</b> [after] extra time.", 3)),
    )
    heading = "The news, 1 March 2024 to 7 March 2024, most widely reported first:"
    citations = [cite(1), cite(2), cite(3, "Porto beat Sevilla")]
    answer = Answer(
        "q", news_text(heading, items, "briefing"), True, citations, kind="briefing", items=items, heading=heading
    )

    html = answer_html(answer)

    found = re.findall(r"<li>(.*?)</li>", html, re.S)
    assert re.search(r"<p>The news, 1 March 2024 to 7 March 2024, most widely reported first:</p>\s*<ol>", html)
    assert len(found) == 2
    # The hostile title is one bold piece of text: its asterisks, tag and [3] shown as characters.
    assert found[0].startswith(
        "<strong>**Bold** &lt;script&gt;window.__xss=1&lt;/script&gt; [3] claims</strong> (3 outlets, 2024-03-04 to"
    )
    assert found[1].startswith("<strong>Porto beat Sevilla</strong> (1 outlet, 2024-03-06): Porto won &lt;b&gt;3-1")
    assert "*burst*" in found[0] and "[after]" in found[1], "article text is not formatted"
    assert chips(html) == ["1", "2", "3"], "one chip per citation number; the title's [3] is no citation"
    assert "<script" not in html and "<b>" not in html


@pytest.mark.parametrize("title", ["<b>x</b> at the dam", "**y** at the dam", "a \\*z\\* at the dam"])
def test_a_briefing_title_holding_markup_is_shown_as_its_characters_and_read_back_as_them(title: str) -> None:
    items = (story(title, 2, "2024-03-04", "2024-03-05", said("It burst.", 1)),)
    answer = Answer(
        "q",
        news_text("The news:", items, "briefing"),
        True,
        [cite(1, title)],
        kind="briefing",
        items=items,
        heading="The news:",
    )
    reply = render_answer(answer, key="k")
    html = MARKDOWN.render(reply)

    [item] = re.findall(r"<li>(.*?)</li>", html.split('<div class="sources">')[0], re.S)
    bold = re.findall(r"<strong>(.*?)</strong>", item)
    assert bold == [title.replace("<", "&lt;").replace(">", "&gt;").replace("\\", "&#92;")], item
    assert "<b>" not in html and "<em>" not in html, "the title formatted the page"
    assert reply_gist(reply) == f"The news: {title} (2 outlets, 2024-03-04 to 2024-03-05): It burst. [1]"


def test_a_timeline_shows_its_dates_in_bold_and_a_comparison_its_heads_and_bullets() -> None:
    entries = (
        NewsItem(
            "entry",
            (said("The dam gave way.", 1),),
            outlets=("riverpost.com",),
            first_date="2024-03-04",
            last_date="2024-03-04",
        ),
        NewsItem("entry", (said("Soldiers searched Lipnik.", 2, 3),), first_date="2024-03-05", last_date="2024-03-05"),
    )
    timeline = Answer(
        "q", "t", True, [cite(1), cite(2), cite(3)], kind="timeline", items=entries, heading="How Kessel dam developed:"
    )
    html = answer_html(timeline)
    assert re.findall(r"<li><strong>([^<]*)</strong>: ", html) == ["4 Mar 2024", "5 Mar 2024"]
    assert chips(html) == ["1", "2", "3"]

    claims = (
        NewsItem("shared", (said("The dam burst.", 1, 2),), HOSTILE_TITLE, ("riverpost.com", "<b>globe</b>.com")),
        NewsItem("only", (said("- It was 60 years old.", 1),), HOSTILE_TITLE, ("riverpost.com",)),
    )
    heading = f"How 2 outlets reported “{HOSTILE_TITLE}”:"
    comparison = Answer("q", "t", True, [cite(1), cite(2)], kind="comparison", items=claims, heading=heading)
    html = answer_html(comparison)
    assert "<p>How 2 outlets reported “**Bold** &lt;script&gt;window.__xss=1&lt;/script&gt; [3] claims”:</p>" in html
    assert re.findall(r"<p><strong>([^<]*)</strong></p>", html) == ["What they say in common", "Only riverpost.com"]
    assert "(riverpost.com, &lt;b&gt;globe&lt;/b&gt;.com)</li>" in html
    assert "<li>- It was 60 years old." in html, "a sentence opening with a dash is no nested list"
    assert chips(html) == ["1", "2", "1"], "the title's [3] in the opening line is no chip"

    nothing_common = dataclasses.replace(comparison, items=claims[1:])
    assert "<li>Little: each outlet tells it in its own terms (below).</li>" in answer_html(nothing_common)
    account = (NewsItem("account", (said("Mira won.", 1),), "Chess", ("newsline.com",)),)
    alone = Answer(
        "q", "t", True, [cite(1)], kind="comparison", items=account, heading="Only newsline.com reported “Chess”:"
    )
    assert re.search(r"<p>Only newsline.com reported “Chess”: Mira won. <a class=\"cite-chip\"", answer_html(alone))


def test_a_news_answer_s_text_is_never_parsed_and_ordinary_answers_are_escaped_whole() -> None:
    # An answer stored before items (or any text that looks like a briefing) is shown as its characters.
    old = "The news:\n\n1. **Kessel dam** (3 outlets, 2024-03-04): It burst. [1]\n- **4 Mar 2024**: x [1]\n=== <i>x</i>"
    for kind in ("briefing", "answer"):
        html = answer_html(Answer("q", old, True, [cite(1)], kind=kind))
        assert "<strong>" not in html and "<h1>" not in html and "<i>" not in html, "no markup of its own"
        assert "**Kessel dam**" in html and "&lt;i&gt;x&lt;/i&gt;" in html
        assert chips(html) == ["1", "1"]

    nothing = "No indexed article is dated 7 March 2024. The newest indexed article is from 2020-06-20."
    assert render_answer(Answer("q", nothing, False, kind="briefing")) == nothing


def test_a_source_says_how_many_outlets_reported_its_story_and_links_the_others() -> None:
    story = (
        Member("globe-7", "dailyglobe.com", "2024-03-05", HOSTILE_TITLE, "https://dailyglobe.com/a b"),
        Member("wire-3", "<i>wire</i>", "2024-03-06", "Inspectors had warned", "javascript:alert(1)"),
    )
    reply = render_answer(Answer("q", "It burst. [1]", True, [cite(1, story=story, story_outlets=3)]), key="k")
    sources = reply.split(SOURCES_START)[1]

    folded = re.search(r'<details class="story-outlets"><summary>(.*?)</summary>(.*?)</details>', sources, re.S)
    assert folded and folded.group(1) == "3 outlets reported this story (2 more articles)"
    listed = re.findall(r"<li>(.*?)</li>", folded.group(2))
    assert listed == [
        '<a href="https://dailyglobe.com/a%20b" target="_blank" rel="noopener noreferrer">'
        "**Bold** &lt;script&gt;window.__xss=1&lt;/script&gt; [3] claims</a>"
        ' <span class="source-facts">— dailyglobe.com · 2024-03-05</span>',
        'Inspectors had warned <span class="source-facts">— &lt;i&gt;wire&lt;/i&gt; · 2024-03-06</span>',
    ], "only an http(s) address is a link"
    assert "\n\n" not in sources, "a blank line would end the HTML block"

    one_outlet = render_answer(Answer("q", "It burst. [1]", True, [cite(1, story=story[:1], story_outlets=1)]))
    assert "<summary>1 more article on this story</summary>" in one_outlet
    counted = render_answer(Answer("q", "It burst. [1]", True, [cite(1, story_outlets=3)]))
    assert '<p class="story-outlets">3 outlets reported this story</p>' in counted
    assert "story-outlets" not in render_answer(Answer("q", "It burst. [1]", True, [cite(1, story_outlets=1)]))
    big = render_answer(Answer("q", "It burst. [1]", True, [cite(1, story=story, story_outlets=9, story_articles=12)]))
    assert "<summary>9 outlets reported this story (12 more articles)</summary>" in big, "all counted"
    assert '<li class="story-more">and 10 more</li>' in big, "a few listed, the rest said"


REFERENCE = date(2024, 3, 7)


@pytest.mark.parametrize(
    ("topic", "period", "day", "question", "window"),
    [
        ("", LATEST, "", "What's new?", (None, None)),
        ("Home Depot", LATEST, "", "Brief me on Home Depot", (None, None)),
        ("", TODAY, "", "What happened today?", (REFERENCE, REFERENCE)),
        ("", LAST_7_DAYS, "", "What happened in the last 7 days?", (date(2024, 3, 1), REFERENCE)),
        (" Libya? ", LAST_30_DAYS, "", "Brief me on Libya in the last 30 days", (date(2024, 2, 7), REFERENCE)),
        ("Libya", SINCE_A_DAY, "2024-03-04", "Brief me on Libya since 2024-03-04", (date(2024, 3, 4), REFERENCE)),
        ("", ON_A_DAY, " 2024-03-05 ", "What happened on 2024-03-05?", (date(2024, 3, 5), date(2024, 3, 5))),
        ("the Kessel dam", TODAY, "", "Brief me on the Kessel dam today", (REFERENCE, REFERENCE)),
    ],
)
def test_the_briefing_panel_asks_a_question_read_as_a_briefing_of_its_topic_and_period(
    topic: str, period: str, day: str, question: str, window: tuple[date | None, date | None]
) -> None:
    assert briefing_question(topic, period, day) == question
    request = recognise(question, REFERENCE)
    assert request is not None
    expected_topic = " ".join(topic.split()).strip("?").removeprefix("the ")
    assert (request.kind, request.topic, request.window) == ("briefing", expected_topic, DateWindow(*window))


def test_the_briefing_panel_says_what_is_wrong_with_a_day_or_a_topic() -> None:
    assert set(PERIODS) == {LATEST, TODAY, LAST_7_DAYS, LAST_30_DAYS, SINCE_A_DAY, ON_A_DAY}
    with pytest.raises(UserError, match="needs a day"):
        briefing_question("", SINCE_A_DAY, "")
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        briefing_question("", ON_A_DAY, "5 March")
    with pytest.raises(UserError, match="does not make a briefing"):
        briefing_question("how did outlets report the dam", LAST_7_DAYS)


@pytest.fixture(scope="module")
def story_assistant(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Assistant:
    root = tmp_path_factory.mktemp("stories")
    settings = AssistantSettings(db_path=root / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    report = build_index(store, [write_story_articles(root / "articles")], show_progress=False)
    assert report.added == len(DAM) + len(OTHERS) + len(LATER) and not report.errors
    return Assistant(settings, store=store)


def test_a_real_briefing_keeps_its_structure_and_every_citation_has_its_chip_and_story(
    story_assistant: Assistant,
) -> None:
    answer = story_assistant.ask("the news of 2024-03-05")
    assert answer.kind == "briefing" and answer.answered
    reply = render_answer(answer, key="k")
    html = MARKDOWN.render(reply)
    titles = re.findall(r"<li><strong>([^<]*)</strong> \(", html)
    # The day's article of the dam story, whose sentence the item quotes (not the story's first article's).
    assert titles[0] == DAM["globe-7"][2] and titles == [item.title for item in answer.items]
    assert sorted(set(chips(html))) == sorted(str(c.n) for c in answer.citations)
    for n in chips(html):
        assert f'id="source-k-{n}"' in html
    story = re.search(r'<details class="story-outlets"><summary>3 outlets reported this story.*?</details>', html)
    assert story and "https://riverpost.com/news/post-1" in story.group(0)
    assert "https://eveningwire.com/news/wire-3" in story.group(0)


def test_a_real_timeline_lists_its_dates_in_order_and_a_comparison_its_outlets(story_assistant: Assistant) -> None:
    timeline = story_assistant.ask("timeline of the Kessel dam")
    assert timeline.kind == "timeline"
    html = MARKDOWN.render(render_answer(timeline, key="k"))
    days = re.findall(r"<li><strong>([^<]*)</strong>: ", html)
    parsed = [date.fromisoformat(c.date) for c in timeline.citations]
    assert days == ["4 Mar 2024", "5 Mar 2024", "6 Mar 2024", "20 Aug 2024"]
    assert parsed == sorted(parsed) and parsed[-1] - parsed[0] > timedelta(days=100)
    assert sorted(set(chips(html))) == sorted(str(c.n) for c in timeline.citations)

    comparison = story_assistant.ask("How did outlets report the Kessel dam collapse?")
    assert comparison.kind == "comparison"
    html = MARKDOWN.render(render_answer(comparison, key="k"))
    assert "<p><strong>What they say in common</strong></p>" in html
    assert re.search(r"<p><strong>Only [a-z]+\.com</strong></p>\s*<ul>", html)
    assert sorted(set(chips(html))) == sorted(str(c.n) for c in comparison.citations)

"""An archive's briefings: "What happened this week?" on news of 2019 covers the latest week that has
news, and "Brief me on Home Depot" the topic's latest stories; the days covered are data on the
answer, which the chat, the CLI and the Markdown export each say in words. Real index, real model."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from assistant.__main__ import render as cli_render
from assistant.conversations.export import conversation_markdown
from assistant.conversations.store import ConversationStore
from assistant.news.items import PeriodCovered
from assistant.service import Assistant
from assistant.settings import AssistantSettings
from assistant.types import Answer, Filters
from chat.render import render_answer
from index.build import build_index
from index.store import ArticleStore
from tests.conftest import run_python

TODAY = date(2026, 12, 6)  # the reader's today: years after the archive's newest article
ARCHIVE = {  # doc_id: (source, day, title, text)
    "hd-fox": (
        "foxbusiness.com",
        "2019-05-21",
        "Home Depot sales miss as lumber prices fall",
        "Home Depot reported first-quarter sales below analysts' forecasts on Tuesday, blaming falling lumber "
        "prices and a cold, wet spring. The retailer kept its forecast for the year. Shares of Home Depot fell "
        "2 percent in early trading.",
    ),
    "hd-cnbc": (
        "cnbc.com",
        "2019-05-21",
        "Home Depot misses on sales, blames lumber and weather",
        "Home Depot missed Wall Street's sales estimates for the first quarter on Tuesday as lumber prices fell "
        "and a wet spring kept shoppers away. The retailer kept its full-year forecast, and Home Depot shares "
        "slipped in early trading.",
    ),
    "hd-june": (
        "reuters.com",
        "2019-06-06",
        "Home Depot to open three distribution centres in Texas",
        "Home Depot said on Thursday it would open three distribution centres in Texas next year, part of a "
        "$1.2 billion plan to deliver orders faster. The centres in Dallas, Houston and Austin will employ "
        "about 1,500 people, Home Depot said.",
    ),
    "hd-january": (
        "reuters.com",
        "2019-01-15",
        "Home Depot holiday sales beat forecasts",
        "Home Depot said on Tuesday that its holiday-quarter sales beat forecasts as shoppers bought tools and "
        "appliances. Home Depot shares rose 3 percent.",
    ),
    "flood-1": (
        "riverpost.com",
        "2019-06-04",
        "Danube floods Budapest embankment",
        "The Danube rose above the embankment in Budapest on Tuesday after a week of heavy rain upstream. "
        "City officials closed the lower quay roads and put up mobile barriers along the river.",
    ),
    "flood-2": (
        "dailyglobe.com",
        "2019-06-05",
        "Budapest closes quays as the Danube keeps rising",
        "Budapest closed its lower quay roads on Wednesday as the Danube kept rising after heavy rain upstream. "
        "Mobile barriers went up along the river, city officials said.",
    ),
    "chess": (
        "newsline.com",
        "2019-06-07",
        "Mira Kovac wins the Oslo chess open",
        "Mira Kovac won the Oslo chess open on Friday with a round to spare, beating the defending champion "
        "in 41 moves. The 19-year-old takes home a prize of 20,000 euros.",
    ),
    "budget": (
        "capitalnews.com",
        "2019-04-10",
        "Parliament passes the budget after a night session",
        "Parliament passed next year's budget on Wednesday after a night session, with 112 votes in favour. "
        "The budget raises spending on schools and railways and cuts the deficit, the finance minister said.",
    ),
}
NEWEST = max(date.fromisoformat(day) for _, day, _, _ in ARCHIVE.values())


def day_of(article_id: str) -> date:
    return date.fromisoformat(ARCHIVE[article_id][1])


def write_archive(folder: Path) -> Path:
    """The archive as JSON Lines files, one per article."""
    folder.mkdir(parents=True)
    for doc_id, (source, day, title, text) in ARCHIVE.items():
        record = {"doc_id": doc_id, "source": source, "publish_date": day, "title": title, "text": text}
        (folder / f"{doc_id}.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Assistant:
    root = tmp_path_factory.mktemp("archive")
    settings = AssistantSettings(db_path=root / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    assert build_index(store, [write_archive(root / "articles")], show_progress=False).added == len(ARCHIVE)
    return Assistant(settings, store=store)


def cited(answer: Answer) -> set[str]:
    return {citation.article_id for citation in answer.citations}


def test_this_week_on_an_archive_covers_the_latest_week_with_news_and_says_so(archive: Assistant) -> None:
    answer = archive.ask("What happened this week?", filters=Filters(as_of=TODAY))

    latest_week = PeriodCovered(NEWEST - timedelta(days=6), NEWEST, "latest", TODAY - timedelta(days=6), TODAY)
    assert answer.answered and answer.kind == "briefing" and answer.period == latest_week
    in_week = {a for a in ARCHIVE if latest_week.start <= day_of(a) <= latest_week.end}
    assert cited(answer) and cited(answer) <= in_week, "only that week's stories"
    assert {"flood-1", "flood-2"} & cited(answer) and "chess" in cited(answer)

    note = "No news in the last 7 days (30 November – 6 December 2026); the latest week with news: 1–7 June 2019."
    assert answer.text.startswith(f"{note}\nThe news of that week, most widely reported first:")
    html = render_answer(answer, key="k")
    assert f'<p class="news-period">{note}</p>' in html
    assert cli_render(answer).startswith(note)


def test_a_topic_without_a_period_covers_its_latest_stories_not_the_last_7_days(
    archive: Assistant, tmp_path: Path
) -> None:
    answer = archive.ask("Brief me on Home Depot", filters=Filters(as_of=TODAY))

    hd = {"hd-fox", "hd-cnbc", "hd-june"}  # the latest: within a month of the newest (not January's)
    assert answer.answered and answer.period is not None and answer.period.basis == "topic"
    assert (answer.period.start, answer.period.end) == (min(map(day_of, hd)), max(map(day_of, hd)))
    assert cited(answer) <= hd and "hd-june" in cited(answer) and {"hd-fox", "hd-cnbc"} & cited(answer)
    assert len(answer.items) == 2, "the May sales miss (two outlets) and the June distribution centres"
    assert answer.heading == "The latest news on Home Depot, most widely reported first:"
    assert "No period asked: the latest stories, 21 May – 6 June 2019." in render_answer(answer, key="k")

    store = ConversationStore.open(f"sqlite:///{tmp_path / 'conversations.sqlite'}")
    conversation = store.start("")
    store.save_turn(conversation, "", answer)
    [turn] = store.conversation(conversation, "").turns
    assert turn.answer.period == answer.period, "the period comes back from a saved conversation"
    markdown = conversation_markdown(store.conversation(conversation, ""))
    assert "*No period asked: the latest stories, 21 May – 6 June 2019.*\n\nThe latest news on Home Depot" in markdown


def test_the_latest_week_is_that_of_the_sources_asked_for_and_a_named_past_day_stays_empty(
    archive: Assistant,
) -> None:
    one_outlet = archive.shaped("briefing", filters=Filters(as_of=TODAY, sources=("capitalnews.com",)))
    assert one_outlet.period is not None and one_outlet.period.end == day_of("budget")
    assert cited(one_outlet) == {"budget"}

    named = archive.ask("the news of 3 March 2019", filters=Filters(as_of=TODAY))
    assert not named.answered and named.period is None
    assert named.text.startswith("No indexed article is dated 3 March 2019.")
    assert NEWEST.isoformat() in named.text

    current = archive.ask("What happened this week?", filters=Filters(as_of=NEWEST))
    assert current.period == PeriodCovered(NEWEST - timedelta(days=6), NEWEST), "a week with news is itself"
    assert "No news" not in current.text


def test_the_cli_prints_the_period_a_briefing_covers(tmp_path: Path) -> None:
    db = str(tmp_path / "db")  # its own index: an embedded index belongs to one process at a time
    built = run_python("-m", "index", "build", str(write_archive(tmp_path / "articles")), "--db", db, "--quiet")
    assert built.returncode == 0, built.stderr
    plain = run_python("-m", "assistant", "brief", "--as-of", TODAY.isoformat(), "--db", db)
    assert plain.returncode == 0, plain.stderr
    first, second = plain.stdout.splitlines()[:2]
    assert re.fullmatch(r"No news in the last 7 days \(.+\); the latest week with news: 1–7 June 2019\.", first)
    assert second == "The news of that week, most widely reported first:"
    as_json = run_python(
        "-m", "assistant", "brief", "Home", "Depot", "--as-of", TODAY.isoformat(), "--db", db, "--json"
    )
    period = json.loads(as_json.stdout)["period"]
    assert period == {
        "start": "2019-05-21",
        "end": "2019-06-06",
        "basis": "topic",
        "asked_start": None,
        "asked_end": None,
    }


def test_a_period_round_trips_and_an_old_answer_has_none() -> None:
    period = PeriodCovered(date(2019, 6, 1), date(2019, 6, 7), "latest", date(2026, 11, 30), TODAY)
    assert PeriodCovered.from_dict(period.to_dict()) == period
    assert Answer.from_dict({"answer": "x", "answered": True}).period is None

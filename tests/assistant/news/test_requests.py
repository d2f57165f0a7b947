"""Requests for briefings, timelines and comparisons are told apart from fact questions, with their
topic and period; the real dev questions (fact questions all) are never taken for one."""

from __future__ import annotations

import json
from datetime import date

import pytest

from assistant.dates import DateWindow
from assistant.news.requests import recognise
from tests.conftest import ROOT

FRIDAY = date(2023, 3, 10)
DEV_QUESTIONS = ROOT.parent / "shared" / "eval" / "realtimeqa_dev_questions.jsonl"


@pytest.mark.parametrize(
    ("question", "kind", "topic", "since", "until"),
    [
        ("What happened this week?", "briefing", "", date(2023, 3, 4), FRIDAY),
        ("Brief me on Libya since Monday", "briefing", "Libya", date(2023, 3, 6), FRIDAY),
        ("the news of 3 March 2023", "briefing", "", date(2023, 3, 3), date(2023, 3, 3)),
        ("Top stories of March 3, 2023", "briefing", "", date(2023, 3, 3), date(2023, 3, 3)),
        ("What happened yesterday?", "briefing", "", date(2023, 3, 9), date(2023, 3, 9)),
        ("Give me a briefing on inflation for the last 3 days", "briefing", "inflation", date(2023, 3, 8), FRIDAY),
        ("Catch me up on Ukraine", "briefing", "Ukraine", None, None),  # no period: the topic's latest news
        ("What happened in Libya since 1 March 2023?", "briefing", "Libya", date(2023, 3, 1), FRIDAY),
        ("How did the Sirte cease-fire talks develop?", "timeline", "Sirte cease-fire talks", None, None),
        ("timeline of the Hamburg port strike", "timeline", "Hamburg port strike", None, None),
        ("How has the war in Sudan evolved?", "timeline", "war in Sudan", None, None),
        ("How did outlets report the cease-fire in Libya?", "comparison", "cease-fire in Libya", None, None),
        ("Who reported the volcano eruption, and do they agree?", "comparison", "volcano eruption", None, None),
    ],
)
def test_a_news_request_is_recognised_with_its_topic_and_period(
    question: str, kind: str, topic: str, since: date | None, until: date | None
) -> None:
    request = recognise(question, FRIDAY)
    assert request is not None
    assert (request.kind, request.topic, request.window) == (kind, topic, DateWindow(since, until))


@pytest.mark.parametrize(
    "question",
    [
        "What does Turkey demand in Libya?",
        "Who won the election in 2023?",
        "NASA revealed a timeline this week for which future project?",
        "Which outlet first reported the merger?",
        "",
    ],
)
def test_a_fact_question_is_not_a_news_request(question: str) -> None:
    assert recognise(question, FRIDAY) is None


@pytest.mark.skipif(not DEV_QUESTIONS.exists(), reason="the RealTimeQA dev questions are not on this machine")
def test_none_of_the_real_quiz_questions_is_taken_for_a_briefing_or_timeline() -> None:
    questions = [json.loads(line)["question"] for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines()]
    taken = [q for q in questions if recognise(q, FRIDAY) is not None]
    assert len(questions) > 700 and taken == []


@pytest.mark.parametrize(
    ("question", "since", "until"),
    [
        ("What happened in the first week of March 2024?", date(2024, 3, 1), date(2024, 3, 7)),
        ("What happened in the last week of February 2024?", date(2024, 2, 23), date(2024, 2, 29)),
        ("Brief me on March 2024", date(2024, 3, 1), date(2024, 3, 31)),
    ],
)
def test_a_month_or_a_week_of_it_is_the_period_and_not_the_topic(question: str, since: date, until: date) -> None:
    request = recognise(question, date(2026, 12, 3))
    assert request is not None and request.kind == "briefing"
    assert (request.topic, request.window.since, request.window.until) == ("", since, until)

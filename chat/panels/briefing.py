"""The Briefing panel of the Chat tab: a topic, a period and "Brief me".

The button asks the chat a question in words :func:`assistant.news.requests.recognise` reads as a
briefing ("What happened in the last 7 days?", "Brief me on Libya since 2024-03-04"), so the question
and its briefing appear in the conversation like any other: they can be retried, followed up and
read back. "Latest news" names no period: the topic's latest stories, or the news of the last 7
days. Periods count back from today; when one of them has no news (an archive of older news), the
briefing covers the latest as long that has, and says so (:mod:`assistant.news.period`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import gradio as gr

from assistant.dates import user_date
from assistant.news.requests import recognise
from index.errors import UserError

LATEST = "Latest news"
TODAY = "Today"
LAST_7_DAYS = "Last 7 days"
LAST_30_DAYS = "Last 30 days"
SINCE_A_DAY = "Since a day…"
ON_A_DAY = "On a day…"
PERIODS = [LATEST, TODAY, LAST_7_DAYS, LAST_30_DAYS, SINCE_A_DAY, ON_A_DAY]
_WHEN = {TODAY: "today", LAST_7_DAYS: "in the last 7 days", LAST_30_DAYS: "in the last 30 days"}
_FROM_A_DAY = {SINCE_A_DAY: "since", ON_A_DAY: "on"}

# respond(message, history, *filters, request): the chat's own answering function, reply by reply;
# the filters are the chat's additional inputs (From, Until, Sources, the page's conversation).
Respond = Callable[..., Iterator[str]]


def briefing_question(topic: str, period: str, day: str = "") -> str:
    """The question that asks for the briefing: "What happened today?", "Brief me on Libya since 2024-03-04",
    "Brief me on Libya" (the latest news: no period named).

    :class:`~index.errors.UserError` when the period needs a day and ``day`` is not one, or when the
    topic would turn the question into something else than a briefing.
    """
    topic = " ".join(topic.split()).strip(" ?!.")
    if period in _FROM_A_DAY:
        chosen = user_date(day, "Day")
        if chosen is None:
            raise UserError(f"“{period}” needs a day: write it as YYYY-MM-DD, e.g. 2024-03-04")
        when = f"{_FROM_A_DAY[period]} {chosen.isoformat()}"
    elif period in _WHEN:
        when = _WHEN[period]
    elif period == LATEST:
        when = ""
    else:
        raise UserError(f"Choose a period: {', '.join(PERIODS)}")
    if not when:
        question = f"Brief me on {topic}" if topic else "What's new?"
    else:
        question = f"Brief me on {topic} {when}" if topic else f"What happened {when}?"
    request = recognise(question, date.today())
    if request is None or request.kind != "briefing":
        raise UserError(f"“{topic}” does not make a briefing: ask about it in the chat box instead.")
    return question


@dataclass(slots=True)
class BriefingPanel:
    """The panel's components, made in the Chat tab; :meth:`connect` asks the chat once it exists."""

    topic: gr.Textbox
    period: gr.Radio
    day: gr.Textbox
    button: gr.Button
    outcome: gr.Markdown

    def connect(
        self,
        respond: Respond,
        chatbot: gr.Chatbot,
        chat_state: gr.State,
        filters: list[gr.components.Component],
        concurrency_limit: int,
    ) -> None:
        """ "Brief me" puts the question in ``chatbot`` and streams ``respond``'s replies after it
        (with the chat's ``filters``: From, Until, Sources, the page's conversation, and the request,
        whose login owns the saved conversation), then hands the conversation to the chat
        interface's ``chat_state``, so the next question, Retry and Undo carry on from it."""

        def brief_me(
            topic: str, period: str, day: str, history: list[Any] | None, request: gr.Request, *filtered: Any
        ) -> Iterator[Any]:
            try:
                question = briefing_question(topic, period, day)
            except UserError as error:
                yield gr.skip(), str(error)
                return
            asked = [*(history or []), {"role": "user", "content": question}]
            yield asked, ""
            for reply in respond(question, list(history or []), *filtered, request):
                yield [*asked, {"role": "assistant", "content": reply}], ""

        self.period.change(
            lambda period: gr.Textbox(visible=period in _FROM_A_DAY),
            [self.period],
            [self.day],
            api_visibility="undocumented",
            queue=False,
        )
        self.button.click(
            brief_me,
            [self.topic, self.period, self.day, chatbot, *filters],
            [chatbot, self.outcome],
            api_visibility="undocumented",
            concurrency_limit=concurrency_limit,
        ).then(lambda shown: shown, [chatbot], [chat_state], api_visibility="undocumented", queue=False)


def briefing_panel() -> BriefingPanel:
    """The folded "Briefing" panel, inside the caller's ``gr.Blocks``: a topic, a period, a day and the button."""
    with gr.Accordion("Briefing: the news of a period", open=False, elem_id="briefing"):
        with gr.Row(equal_height=True):
            period = gr.Radio(PERIODS, value=LATEST, label="Period", elem_id="briefing-period", scale=4)
            day = gr.Textbox(
                label="Day (YYYY-MM-DD)", placeholder="2024-03-04", visible=False, elem_id="briefing-day", scale=1
            )
        with gr.Row():
            topic = gr.Textbox(
                label="Topic (optional)", placeholder="all the news, or e.g. Libya", elem_id="briefing-topic", scale=4
            )
            button = gr.Button("Brief me", variant="primary", elem_id="brief-me", scale=1)
        outcome = gr.Markdown(elem_id="briefing-outcome")
    return BriefingPanel(topic, period, day, button, outcome)

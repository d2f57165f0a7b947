"""The browser chat, built for a given Assistant: the chat itself, its panels and the Articles tab.

Served by :mod:`server` (``python app.py``), which makes the Assistant, the follower and the
conversation store and mounts this page at ``/`` beside the API.
A Gradio ``ChatInterface`` over the same :class:`~assistant.Assistant` that ``assistant.answer()``
uses, and the Articles tab that manages the index. Each reply is the answer with its ``[n]`` chips,
then the cited passages (:mod:`chat.render`); the Briefing panel under the chat asks for the news of
a period in words (:mod:`chat.panels.briefing`). Every answer is saved as it completes, and the
Conversations panel above the chat reopens, renames, deletes and exports them; thumbs up or down
on an answer are saved with it (:mod:`chat.panels.conversations`). Analytics are off, no share link is ever made, and it
listens on 127.0.0.1 unless told otherwise (:mod:`server.auth`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.conversations.store import ConversationStore, database_url
from assistant.service import Assistant
from assistant.types import Answer, Filters
from chat.answer_view import CHAT_ID, keep_answers_in_view
from chat.history import plain_turns
from chat.index_view import IndexView
from chat.panels.articles import articles_tab
from chat.panels.briefing import briefing_panel
from chat.panels.conversations import ChatSession, conversations_panel
from chat.panels.deliveries import deliveries_panel
from chat.panels.feeds import feeds_panel
from chat.panels.followed import BOX_NAMES, followed_questions_panel
from chat.render import escape_markdown, render_answer, render_draft
from chat.settings import Settings
from index.errors import BadDateError
from index.sources.follower import Follower

logger = logging.getLogger(__name__)

CSS_PATH = Path(__file__).with_name("chat.css")
QUESTION_PLACEHOLDER = "Ask about the news articles…"
EMPTY_INDEX_NOTICE = (
    "**The index is empty:** add articles in the **Articles** tab, or with `python -m index build PATH`."
)
DESCRIPTION = (
    "Ask about the news articles in the index. Every claim in an answer carries a number "
    "pointing at the passage it comes from, shown underneath."
)


def build_app(
    assistant: Assistant,
    settings: Settings,
    follower: Follower | None = None,
    conversations: ConversationStore | None = None,
) -> gr.Blocks:
    """The chat (every message answered by ``assistant.stream``) and the Articles tab that manages the index.

    ``follower`` fetches the followed feeds and sites (one is made for the assistant's store when not given);
    ``conversations`` keeps the conversations (opened from the settings when not given).
    """
    follower = follower or Follower(assistant.store, settings)
    conversations = conversations or ConversationStore.open(database_url(settings))

    def respond(  # noqa: PLR0917 (Gradio passes the chat's inputs, and the request, by position)
        message: str,
        history: list[Any],
        since: str,
        until: str,
        sources: list[str] | None,
        session: ChatSession,
        request: gr.Request,
    ) -> Iterator[str]:
        try:
            filters = Filters.typed(since=since, until=until, sources=sources, names=BOX_NAMES)
        except BadDateError as error:
            yield escape_markdown(str(error))
            return
        # Each update is sent as it comes: a model's text as it writes it (SmolLM2's first words show
        # ~10 s before its end, bench/streaming.py), the extractive answer's sentences at once (they
        # are whole when the first is; no delay is added to make them look written).
        quoted = assistant.answerer is assistant.extractive
        for update in assistant.stream(message, plain_turns(history), filters):
            if isinstance(update, Answer):
                saved.record(session, history, message, update, request)  # before it shows: a reload finds it
                yield render_answer(update, article_text=assistant.store.article_text)
            else:
                yield render_draft(update, quoted=quoted)

    indexed = assistant.store.articles()  # for the first screen (the Articles tab lists its own)
    view = IndexView(assistant, settings)
    shown = view.current(indexed)
    with gr.Blocks(title="News assistant", analytics_enabled=False) as app:
        with gr.Tab("Chat"):
            gr.Markdown(f"# News assistant\n\n{DESCRIPTION}", elem_id="chat-title")
            empty_notice = gr.Markdown(EMPTY_INDEX_NOTICE, visible=shown.chunks == 0)
            saved = conversations_panel(conversations)  # folded, above the chat
            sources_filter = gr.Dropdown(
                value=[],
                choices=shown.sources,
                multiselect=True,
                allow_custom_value=True,
                label="Sources",
                info="only these sources (none chosen: all)",
                render=False,
            )
            chatbot = gr.Chatbot(
                height="72vh",  # most of the window: an answer and its first source fit without scrolling
                label="Answers with their sources",
                latex_delimiters=[],  # "$$" in an article is text, not a formula
                autoscroll=False,  # chat.answer_view keeps a new answer's start in view instead
                buttons=["copy", "copy_all"],  # no "share" (to Hugging Face): nothing a reader here can use
                elem_id=CHAT_ID,
                render=False,
            )
            since_box = gr.Textbox(value="", label="From (YYYY-MM-DD)", placeholder="any date", render=False)
            until_box = gr.Textbox(value="", label="Until (YYYY-MM-DD)", placeholder="any date", render=False)
            chat = gr.ChatInterface(
                respond,
                # Shown inside the empty chat; a click asks the question with the current filters.
                # Given even when none is answerable yet, so that the click is wired for a later load.
                examples=[[question, *[None] * 4] for question in shown.examples or settings.example_questions],
                cache_examples=False,
                run_examples_on_click=True,
                analytics_enabled=False,
                concurrency_limit=settings.chat_concurrency,
                api_name="chat",
                chatbot=chatbot,
                textbox=gr.Textbox(
                    placeholder=QUESTION_PLACEHOLDER, show_label=False, elem_id="question", scale=7, render=False
                ),
                additional_inputs=[since_box, until_box, sources_filter, saved.session],
                additional_inputs_accordion=gr.Accordion("Filters: dates and sources", open=False, render=False),
            )
            saved.connect(app, chat, article_text=assistant.store.article_text)  # and the feedback note box
            keep_answers_in_view(chatbot)
            # A briefing of a period, asked in the chat as words (chat.panels.briefing).
            chat_inputs = [since_box, until_box, sources_filter, saved.session]
            briefing_panel().connect(respond, chatbot, chat.chatbot_state, chat_inputs, settings.chat_concurrency)
            followed = followed_questions_panel(assistant, settings)  # asked again after index updates
            deliveries_panel(assistant, settings, app)  # digests by email or webhook, scheduled or now
        with gr.Tab("Articles"):
            listing = articles_tab(assistant.store, settings)
            feeds_panel(follower, listing)
        followed.connect(app, chatbot, [since_box, until_box, sources_filter], listing, follower)

        # Each page load shows the index as it is now: articles may have come or gone since the start.
        def on_load() -> tuple[Any, Any, Any]:
            now = view.current()
            return (
                gr.Chatbot(examples=[{"text": question} for question in now.examples] or None),
                gr.Markdown(visible=now.chunks == 0),
                gr.Dropdown(choices=now.sources),
            )

        app.load(on_load, None, [chatbot, empty_notice, sources_filter], api_visibility="undocumented")
    return app

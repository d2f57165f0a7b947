"""Followed questions in the Chat tab: "Follow this question", and what is new in each since last looked.

"Follow this question" follows the conversation's latest question (made standalone, so a follow-up
such as "And what about France?" keeps its meaning) with the chat's filters, and the answer it has now
as the one seen. After every index update in this process (an upload, a re-index or a removal in the
Articles tab, a fetch of the followed feeds) the followed questions are asked again
(:class:`~assistant.following.questions.FollowedQuestions`), and the "Followed questions" panel badges
each whose answer cites articles the answer last seen did not ("1 new source"). Opening one shows
its latest answer as the chat shows answers, the new citations marked "new", and the earlier answer
folded beside it; opening it marks it seen.

The rendering of :mod:`chat.render` is wrapped, not changed: the new citations are marked in its HTML
by their chip and source heading, which it writes with a key this module chooses. The panel is
polled every few seconds (an unchanged list is not sent again) because a background fetch has no
page to update. The questions are also asked again when the chat starts, since ``python -m index build``
may have run meanwhile (the index cannot call the assistant; ``python -m assistant follow check`` is
the command-line way).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.following.questions import FollowedQuestion, FollowedQuestionError, FollowedQuestions, filters_label
from assistant.service import Assistant
from assistant.types import Answer, Filters
from chat.history import plain_turns
from chat.panels.articles import ListingRefresh
from chat.render import escape_markdown, render_answer
from index.errors import BadDateError
from index.settings import StoreSettings
from index.sources.follower import Follower

BOX_NAMES = ("As of", "From", "Until")  # the chat's date boxes, as their labels name them to a bad date

logger = logging.getLogger(__name__)

CHECK_SECONDS = 5.0  # how often a page looks for answers a background fetch changed
NOTHING_FOLLOWED = "No followed questions yet: ask a question, then click **Follow this question**."
NEW_LABEL = '<span class="new-source" title="not cited in the answer you saw before">new</span>'


def when(stamp: str) -> str:
    """A stored UTC time as a person reads it: ``2026-12-03 07:08 UTC``."""
    return stamp[:16].replace("T", " ") + " UTC" if stamp else "—"


def badge(followed: FollowedQuestion) -> str:
    """What is new in a followed question since it was last looked at ("" when nothing)."""
    if followed.new_sources:
        return f"{followed.new_sources} new source" + ("" if followed.new_sources == 1 else "s")
    return "sources changed" if followed.changed else ""


def choice_label(followed: FollowedQuestion) -> str:
    filters = filters_label(followed.filters)
    news = badge(followed)
    return followed.question + (f" ({filters})" if filters else "") + (f" · {news}" if news else "")


def panel_label(questions: list[FollowedQuestion]) -> str:
    with_news = sum(1 for followed in questions if followed.changed)
    counted = f"Followed questions ({len(questions)})" if questions else "Followed questions"
    return counted + (f" · {with_news} with new sources" if with_news else "")


def mark_new(rendered: str, answer: Answer, new_articles: set[str], key: str) -> str:
    """``render_answer``'s output (made with ``key``) with the citations of ``new_articles`` marked:
    their chips get the class ``new-citation``, their source headings a "new" label."""
    for citation in answer.citations:
        if citation.article_id not in new_articles:
            continue
        rendered = rendered.replace(
            f'<a class="cite-chip" href="#source-{key}-{citation.n}"',
            f'<a class="cite-chip new-citation" href="#source-{key}-{citation.n}"',
        )
        rendered = re.sub(
            rf'(<summary><span class="cite-chip">\[{citation.n}\]</span>)',
            rf"\1 {NEW_LABEL}",
            rendered,
            count=1,
        )
    return rendered


def latest_markdown(followed: FollowedQuestion, assistant: Assistant) -> str:
    """The latest answer as the chat shows it, new citations marked, under a line saying what is new."""
    key = uuid.uuid4().hex[:8]
    new = {citation.article_id for citation in followed.new}
    rendered = render_answer(followed.latest, article_text=assistant.store.article_text, key=key)
    filters = filters_label(followed.filters)
    head = f"**{escape_markdown(followed.question)}**" + (f" ({escape_markdown(filters)})" if filters else "")
    news = badge(followed)
    status = f"**{news}** since you last looked ({when(followed.seen_at)}); " if news else "Nothing new; "
    return f"{head}\n\n{status}checked {when(followed.checked_at)}.\n\n{mark_new(rendered, followed.latest, new, key)}"


class Refresher:
    """Asks the followed questions again after an index update: at once, or in a background thread."""

    def __init__(self, followed: FollowedQuestions, assistant: Assistant) -> None:
        self.followed = followed
        self.assistant = assistant

    def refresh_now(self) -> None:
        try:
            changes = self.followed.refresh(self.assistant)
            logger.info("followed questions asked again: %d with other sources than seen", len(changes))
        except Exception:  # the index update itself succeeded; a failed check waits for the next one
            logger.exception("could not ask the followed questions again")

    def refresh_soon(self, _new_articles: int = 0) -> None:
        threading.Thread(target=self.refresh_now, name="followed-questions", daemon=True).start()


def _owner(request: gr.Request | None) -> str:
    """The chat login (each keeps their own questions); "" without one."""
    return str(getattr(request, "username", None) or "")


@dataclass(slots=True)
class FollowedQuestionsPanel:
    """The panel's components, made in the Chat tab; :meth:`connect` wires them once the chat exists."""

    assistant: Assistant
    followed: FollowedQuestions
    refresher: Refresher
    follow_button: gr.Button
    outcome: gr.Markdown
    accordion: gr.Accordion
    choice: gr.Radio
    unfollow_button: gr.Button
    answer: gr.Markdown
    earlier: gr.Accordion
    earlier_answer: gr.Markdown
    timer: gr.Timer
    shown: gr.State

    def listed(self, owner: str, shown: str, chosen: int | None = None) -> tuple[Any, Any, str]:
        """The accordion and list for ``owner``; skipped when the page already shows them (``shown``)."""
        questions = self.followed.questions(owner)
        choices = [(choice_label(followed), followed.id) for followed in questions]
        signature = json.dumps([panel_label(questions), choices])
        if signature == shown and chosen is None:
            return gr.skip(), gr.skip(), shown
        value = chosen if chosen in {number for _, number in choices} else None
        info = None if questions else NOTHING_FOLLOWED
        return (
            gr.Accordion(label=panel_label(questions)),
            gr.Radio(choices=choices, value=value, info=info),
            signature,
        )

    def connect(
        self,
        app: gr.Blocks,
        chatbot: gr.Chatbot,
        filters: list[gr.components.Component],
        listing: ListingRefresh | None = None,
        follower: Follower | None = None,
    ) -> None:
        """Wire the panel: ``chatbot`` and the chat's ``filters`` (From, Until, Sources) for "Follow this
        question"; ``listing``'s index changes and ``follower``'s fetches ask the questions again."""
        shown_outputs = [self.accordion, self.choice, self.shown]

        def on_follow(history: list[Any] | None, since: str, until: str, sources: Any, request: gr.Request) -> Any:
            owner = _owner(request)
            turns = plain_turns(history)
            if not turns:
                return (
                    "Ask a question first: the conversation's latest question is followed.",
                    *self.listed(owner, ""),
                )
            question = self.assistant.standalone_question(turns[-1][0], turns[:-1])
            try:
                chosen = Filters.typed(since=since, until=until, sources=sources, names=BOX_NAMES)
            except BadDateError as error:
                return (escape_markdown(str(error)), *self.listed(owner, ""))
            followed = self.followed.follow(question, self.assistant.ask(question, filters=chosen), owner, chosen)
            message = (
                f"Following “{escape_markdown(followed.question)}”: it is asked again after each index update, "
                "and **Followed questions** shows when its answer cites new sources."
            )
            return (message, *self.listed(owner, ""))

        def on_open(number: int | None, shown: str, request: gr.Request) -> Any:
            owner = _owner(request)
            if number is None:
                return (gr.skip(), gr.skip(), gr.skip(), *self.listed(owner, shown))
            try:
                followed = self.followed.get(int(number), owner)
            except FollowedQuestionError as error:
                return (escape_markdown(str(error)), gr.Accordion(visible=False), "", *self.listed(owner, shown))
            earlier = followed.seen if followed.latest.to_dict() != followed.seen.to_dict() else followed.earlier
            latest = latest_markdown(followed, self.assistant)
            self.followed.mark_seen(followed.id, owner)  # looked at: its new sources are not new any more
            if earlier is None:
                folded = gr.Accordion(visible=False)
                earlier_text = ""
            else:
                folded = gr.Accordion(visible=True, open=False, label="Earlier answer")
                earlier_text = render_answer(earlier, key=uuid.uuid4().hex[:8])
            return (latest, folded, earlier_text, *self.listed(owner, "", chosen=followed.id))

        def on_unfollow(number: int | None, request: gr.Request) -> Any:
            owner = _owner(request)
            if number is None:
                message = "Pick a followed question in the list first."
            elif self.followed.unfollow(int(number), owner):
                message = "Stopped following it."
            else:
                message = "That question is not followed."
            return (message, gr.Accordion(visible=False), "", *self.listed(owner, ""))

        def on_index_changed(shown: str, request: gr.Request) -> Any:
            self.refresher.refresh_now()
            return self.listed(_owner(request), shown)

        def on_tick(shown: str, request: gr.Request) -> Any:
            return self.listed(_owner(request), shown)

        quiet: dict[str, Any] = {"api_visibility": "undocumented"}
        self.follow_button.click(on_follow, [chatbot, *filters], [self.outcome, *shown_outputs], **quiet)
        self.choice.input(
            on_open,
            [self.choice, self.shown],
            [self.answer, self.earlier, self.earlier_answer, *shown_outputs],
            **quiet,
        )
        self.unfollow_button.click(
            on_unfollow, [self.choice], [self.answer, self.earlier, self.earlier_answer, *shown_outputs], **quiet
        )
        self.timer.tick(on_tick, [self.shown], shown_outputs, show_progress="hidden", **quiet)
        app.load(on_tick, [self.shown], shown_outputs, **quiet)
        if listing is not None:
            for change in listing.changes:  # an upload, re-index or removal: ask again, then show
                change.then(on_index_changed, [self.shown], shown_outputs, **quiet)
        if follower is not None:  # a fetch, in the background or from the Articles tab
            follower.indexed_listeners.append(self.refresher.refresh_soon)
        self.refresher.refresh_soon()  # a build may have run while the chat was not serving


def followed_questions_panel(assistant: Assistant, settings: StoreSettings) -> FollowedQuestionsPanel:
    """The "Follow this question" button and the folded "Followed questions" panel, in the caller's ``gr.Blocks``."""
    followed = FollowedQuestions.open(settings)
    with gr.Row():
        follow_button = gr.Button("Follow this question", size="sm", scale=0, min_width=180, elem_id="follow-question")
        outcome = gr.Markdown(elem_id="follow-question-outcome")
    with gr.Accordion("Followed questions", open=False, elem_id="followed-questions") as accordion:
        choice = gr.Radio(
            [],
            label="Asked again after each index update; open one to see what is new",
            info=NOTHING_FOLLOWED,
            elem_id="followed-list",
        )
        with gr.Row():
            unfollow_button = gr.Button(
                "Stop following the one open", variant="stop", size="sm", scale=0, min_width=220
            )
        answer = gr.Markdown(elem_id="followed-answer")
        with gr.Accordion("Earlier answer", open=False, visible=False, elem_id="followed-earlier") as earlier:
            earlier_answer = gr.Markdown(elem_id="followed-earlier-answer")
    return FollowedQuestionsPanel(
        assistant,
        followed,
        Refresher(followed, assistant),
        follow_button,
        outcome,
        accordion,
        choice,
        unfollow_button,
        answer,
        earlier,
        earlier_answer,
        gr.Timer(CHECK_SECONDS),
        gr.State(""),
    )

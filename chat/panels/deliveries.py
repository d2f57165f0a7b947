"""The Deliveries panel under the chat: digests of the news scheduled by email or webhook, and how each went.

The same schedules as ``python -m assistant digest add|list|pause|resume|remove`` (one table in the
conversations' database, :mod:`assistant.deliveries.schedules`), each person's own when the chat has a
login. Add takes an email address or a webhook URL (held to the fetcher's address rules) and a
cadence; a webhook's signing secret is shown once, in the outcome line, and never again. "Send now"
claims the schedule as a runner would (so a ``digest run`` beside it does not send it too) and sends
its digest at once, in this request: the list then shows it under "last sent", or the error under
"last error" with the digest kept in the outbox for the next try.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from assistant.deliveries.digest import Subscription
from assistant.deliveries.mail import checked_address
from assistant.deliveries.runner import Runner
from assistant.deliveries.schedules import CADENCES, Schedule, Schedules
from assistant.deliveries.webhook import checked_url, new_secret
from assistant.service import Assistant
from assistant.settings import AssistantSettings
from chat.render import escape_markdown
from index.errors import UserError

COLUMNS = ["id", "every", "to", "topic", "state", "last sent", "last error"]
NOTHING_SCHEDULED = "No deliveries yet: give an email address or a webhook URL and click **Add**."


def _when(stamp: str | None) -> str:
    return stamp[:16].replace("T", " ") + " UTC" if stamp else "never"


def _owner(request: gr.Request | None) -> str:
    return str(getattr(request, "username", None) or "")


def rows(schedules: list[Schedule]) -> list[list[Any]]:
    """One row per schedule: what, where, paused or its next time, the last send and the last error."""
    return [
        [
            s.id,
            s.every,
            s.subscription.recipient,
            s.subscription.topic or "all the news",
            "paused" if s.paused else f"next {_when(s.next_due)}",
            _when(s.last_sent),
            s.last_error,
        ]
        for s in schedules
    ]


def add(schedules: Schedules, settings: AssistantSettings, to: str, every: str, *, topic: str, owner: str) -> str:
    """Add a schedule for ``to`` (an email address, or an http(s) URL: a webhook); the outcome line."""
    to, topic = to.strip(), " ".join(topic.split())
    try:
        if to.startswith(("http://", "https://")):
            secret = new_secret()
            schedule = schedules.add(Subscription("webhook", checked_url(to, settings), owner, topic), every, secret)
        else:
            secret = ""
            schedule = schedules.add(Subscription("email", checked_address(to), owner, topic), every)
    except UserError as error:
        return escape_markdown(str(error))
    added = f"Added delivery {schedule.id}: {schedule.every} to {escape_markdown(to)}; its first digest is due now."
    if secret:
        added += f" Webhook secret (shown once: sign-check the `X-Digest-Signature` header with it): `{secret}`"
    return added


def send_now(runner: Runner, schedule_id: int) -> str:
    """Send the schedule's digest now; what happened, in one line."""
    run = runner.send_now(schedule_id)
    if run is None:
        return f"Delivery {schedule_id} is being sent by another runner."
    if run.error:
        return f"Delivery {schedule_id} not sent: {escape_markdown(run.error)} (the digest waits in the outbox)."
    if not run.sent:
        return f"Nothing new for delivery {schedule_id} since its last digest: nothing sent."
    return f"Sent delivery {schedule_id}: " + "; ".join(escape_markdown(d.subject()) for d in run.sent)


def deliveries_panel(assistant: Assistant, settings: AssistantSettings, app: gr.Blocks) -> None:
    """The panel's components and events, inside ``app`` (folded by default); each page load lists its
    login's deliveries."""
    schedules = Schedules.open(settings)
    runner = Runner(settings, lambda: assistant)
    with gr.Accordion("Deliveries: digests by email or webhook", open=False, elem_id="deliveries"):
        with gr.Row():
            to_box = gr.Textbox(
                label="Email address or webhook URL",
                placeholder="ann@example.org or https://example.org/hook",
                elem_id="delivery-to",
                scale=3,
            )
            every_box = gr.Dropdown(
                choices=list(CADENCES),
                value="daily",
                allow_custom_value=True,
                label="Every",
                info="daily, weekly or cron (UTC)",
                elem_id="delivery-every",
                scale=1,
            )
            topic_box = gr.Textbox(label="Topic", placeholder="all the news", elem_id="delivery-topic", scale=2)
            add_button = gr.Button("Add", variant="primary", scale=1, elem_id="delivery-add")
        table = gr.Dataframe(
            headers=COLUMNS, interactive=False, wrap=True, label="Deliveries", elem_id="deliveries-table"
        )
        with gr.Row():
            chosen = gr.Number(label="Delivery id", precision=0, elem_id="delivery-id", scale=1)
            send_button = gr.Button("Send now", scale=1, elem_id="delivery-send")
            pause_button = gr.Button("Pause / resume", scale=1, elem_id="delivery-pause")
            remove_button = gr.Button("Remove", variant="stop", scale=1, elem_id="delivery-remove")
        outcome = gr.Markdown(elem_id="delivery-outcome")

    def listed(owner: str) -> Any:
        found = schedules.all(owner)
        return gr.Dataframe(value=rows(found), headers=COLUMNS, label=None if found else NOTHING_SCHEDULED)

    def on_add(to: str, every: str, topic: str, request: gr.Request) -> tuple[str, Any]:
        owner = _owner(request)
        return add(schedules, settings, to, every or "daily", topic=topic, owner=owner), listed(owner)

    def by_id(action: Callable[[int], str]) -> Callable[..., tuple[str, Any]]:
        def handler(number: float | None, request: gr.Request) -> tuple[str, Any]:
            owner = _owner(request)
            mine = {s.id for s in schedules.all(owner)}
            if number is None or int(number) not in mine:
                return "Pick a delivery: click its row, or type its id.", listed(owner)
            try:
                return action(int(number)), listed(owner)
            except UserError as error:
                return escape_markdown(str(error)), listed(owner)

        return handler

    def toggle(number: int) -> str:
        paused = schedules.pause(number, not schedules.get(number).paused).paused
        return f"Delivery {number} {'paused' if paused else 'resumed'}."

    def remove(number: int) -> str:
        schedules.remove(number)
        return f"Removed delivery {number}."

    def on_select(data: Any, event: gr.SelectData) -> Any:
        row = event.index[0] if isinstance(event.index, list | tuple) else event.index
        return int(data.iloc[row]["id"]) if hasattr(data, "iloc") else int(data[row][0])

    add_button.click(on_add, [to_box, every_box, topic_box], [outcome, table], api_name="add_delivery")
    send_button.click(by_id(lambda n: send_now(runner, n)), [chosen], [outcome, table], api_name="send_delivery")
    pause_button.click(by_id(toggle), [chosen], [outcome, table], api_name="pause_delivery")
    remove_button.click(by_id(remove), [chosen], [outcome, table], api_name="remove_delivery")
    table.select(on_select, [table], [chosen])

    def on_load(request: gr.Request) -> Any:  # typed: Gradio passes the request by its annotation
        return listed(_owner(request))

    app.load(on_load, None, [table], api_visibility="undocumented")

"""The followed feeds and sites, in the Articles tab: follow, stop, fetch now, see how each fetch went.

The panel and ``python -m index follow`` share the followed list (a file in the data folder); the
fetches run through the chat's own :class:`~index.sources.follower.Follower`, in the process that owns the
index, so new articles are answered as soon as they are indexed.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from chat.panels.articles import ListingRefresh
from index.errors import UserError
from index.sources.follow_list import Followed
from index.sources.follower import Follower

COLUMNS = ["address", "kind", "last fetch", "status", "new", "total", "errors"]


def followed_rows(entries: list[Followed]) -> list[list[Any]]:
    return [
        [
            e.url,
            e.kind,
            (e.last_fetch or "—").replace("T", " ").replace("+00:00", " UTC"),
            e.status,
            e.new_articles,
            e.total_articles,
            len(e.errors),
        ]
        for e in entries
    ]


def errors_markdown(entry: Followed | None) -> str:
    if entry is None or not entry.errors:
        return ""
    lines = [f"**Not indexed in the last fetch of {entry.url}:**"]
    lines += [f"- {error}" for error in entry.errors]
    return "\n".join(lines)


def follow(follower: Follower, url: str) -> str:
    """Follow ``url`` and fetch it at once, so the person sees right away what it gives."""
    try:
        entry = follower.follow_list.add(url)
    except UserError as error:
        return str(error)
    report = follower.fetch_one(entry.url)
    return f"Following {entry.url}. {report.line()}"


def fetch_now(follower: Follower, url: str) -> str:
    url = url.strip()
    if not url:
        reports = follower.cycle()
        return "\n".join(f"- {report.line()}" for report in reports) or "No feeds or sites followed yet."
    try:
        return follower.fetch_one(url).line()
    except KeyError:
        return f"{url} is not followed."


def unfollow(follower: Follower, url: str) -> str:
    url = url.strip()
    if not url:
        return "Pick a followed address in the list first."
    if follower.follow_list.remove(url):
        return f"Stopped following {url}; its articles stay in the index."
    return f"{url} is not followed."


def feeds_panel(follower: Follower, listing: ListingRefresh | None = None) -> None:
    """The panel's components and events, inside the caller's ``gr.Blocks``; ``listing`` shows the
    indexed articles anew after a fetch."""
    gr.Markdown("### Followed feeds and sites")
    with gr.Row():
        address = gr.Textbox(
            label="Feed, sitemap or page to follow",
            placeholder="https://example.org/news/rss.xml",
            elem_id="follow-url",
            scale=4,
        )
        follow_button = gr.Button("Follow", variant="primary", scale=1)
    table = gr.Dataframe(
        value=followed_rows(follower.follow_list.entries()),
        headers=COLUMNS,
        interactive=False,
        wrap=True,
        label="Followed",
        elem_id="followed-table",
    )
    with gr.Row():
        selected = gr.Textbox(label="Selected address", placeholder="click a followed address (empty: all)", scale=4)
        fetch_button = gr.Button("Fetch now", scale=1)
        unfollow_button = gr.Button("Stop following", variant="stop", scale=1)
    outcome = gr.Markdown(elem_id="follow-outcome")
    errors = gr.Markdown()

    def refreshed(message: str, url: str) -> tuple[str, list[list[Any]], str]:
        entries = follower.follow_list.entries()
        chosen = next((entry for entry in entries if entry.url == url.strip()), None)
        return message, followed_rows(entries), errors_markdown(chosen)

    def on_follow(url: str, progress: gr.Progress = gr.Progress(track_tqdm=True)) -> Any:  # noqa: B008
        return refreshed(follow(follower, url), url)

    def on_fetch(url: str, progress: gr.Progress = gr.Progress(track_tqdm=True)) -> Any:  # noqa: B008
        return refreshed(fetch_now(follower, url), url)

    def on_unfollow(url: str) -> Any:
        return refreshed(unfollow(follower, url), "")

    def on_select(rows: Any, event: gr.SelectData) -> tuple[str, str]:
        row = event.index[0] if isinstance(event.index, list | tuple) else event.index
        url = str(rows.iloc[row]["address"]) if hasattr(rows, "iloc") else str(rows[row][0])
        return url, errors_markdown(follower.follow_list.get(url))

    outputs = [outcome, table, errors]
    fetched = [
        follow_button.click(on_follow, [address], outputs, api_name="follow"),
        fetch_button.click(on_fetch, [selected], outputs, api_name="fetch_followed"),
    ]
    if listing is not None:
        for event in fetched:
            event.then(listing.function, listing.inputs, listing.outputs, api_visibility="undocumented")
    unfollow_button.click(on_unfollow, [selected], outputs, api_name="unfollow")
    table.select(on_select, [table], [selected, errors])

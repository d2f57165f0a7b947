"""The followed feeds and sites, in the Articles tab: follow, stop, fetch now, see how each fetch went.

The panel and ``python -m index follow`` share the followed list (a file in the data folder); the
fetches run through the chat's own :class:`~index.sources.follower.Follower`, in the process that owns the
index, so new articles are answered as soon as they are indexed.

Follow and Fetch now return at once: the fetch runs in the background and its feed's row says how
far it is ("fetching: 12 of 30 articles"). The list is read when a page loads and again, every few
seconds, whenever the followed list or a fetch's progress changed, so every open page sees what
the background follower did. Each row counts the feed's recent problems (paywalls, pages without
text, HTTP errors, robots.txt, copies); selecting the row lists them with each article's address.
"""

from __future__ import annotations

import json
from typing import Any

import gradio as gr

from chat.panels.articles import ListingRefresh
from chat.panels.live_index import CHECK_SECONDS
from chat.render import escape_markdown
from index.errors import UserError
from index.sources.follow_list import Followed
from index.sources.follower import Follower
from index.words import counted

COLUMNS = ["address", "kind", "last fetch", "status", "new", "total", "problems"]


def _when(timestamp: str | None) -> str:
    return (timestamp or "—")[:19].replace("T", " ") + (" UTC" if timestamp else "")


# Server mode: a fetch job of another process, as the list shows it (this process's own show how far).
JOB_STATUS = {"todo": "queued for a follow worker", "doing": "being fetched by a follow worker"}


def job_states(follower: Follower) -> dict[str, str]:
    """Server mode: the fetch jobs waiting or running in any process, by address; else nothing."""
    return follower.job_states() if follower.job_states is not None else {}


def followed_rows(
    follower: Follower, entries: list[Followed] | None = None, jobs: dict[str, str] | None = None
) -> list[list[Any]]:
    """One row per followed address; the status of one being fetched is how far its fetch is, or in
    server mode that its job waits for a worker or runs in one (``jobs``: already read)."""
    rows = []
    jobs = job_states(follower) if jobs is None else jobs
    for entry in follower.follow_list.entries() if entries is None else entries:
        progress = follower.progress(entry.url)
        job = JOB_STATUS.get(jobs.get(entry.url, ""))
        status = progress.line() if progress is not None else job or entry.status
        row = [entry.url, entry.kind, _when(entry.last_fetch), status, entry.new_articles, entry.total_articles]
        rows.append([*row, len(entry.problems)])
    return rows


def problems_markdown(entry: Followed | None) -> str:
    """The selected address's recent problems, newest first, each with the article's address and why."""
    if entry is None:
        return ""
    url = escape_markdown(entry.url)
    if not entry.problems:
        return f"No problems in the recent fetches of {url}."
    lines = [f"**{counted(len(entry.problems), 'problem')} in the recent fetches of {url}** (newest first):"]
    for problem in entry.problems:
        title = f"“{escape_markdown(problem.title)}”, " if problem.title else ""
        reason = problem.reason.removeprefix(f"{problem.kind.label}: ")  # not "behind a paywall" twice
        lines.append(
            f"- **{problem.kind.label}**: {title}{escape_markdown(problem.url)} "
            f"({escape_markdown(reason)}; {_when(problem.noted)})"
        )
    return "\n".join(lines)


def follow(follower: Follower, url: str) -> str:
    """Follow ``url`` and start fetching it in the background: the person sees its row fill."""
    try:
        entry = follower.follow_list.add(url)
    except UserError as error:
        return escape_markdown(str(error))
    follower.fetch_in_background(entry.url)
    return f"Following {escape_markdown(entry.url)}: its row in the list shows its fetch and what it brought."


def fetch_now(follower: Follower, url: str) -> str:
    """Fetch ``url`` (empty: every followed address) in the background."""
    url = url.strip()
    if not url:
        if not follower.follow_list.entries():
            return "No feeds or sites followed yet."
        if follower.fetch_in_background():
            return "Fetching every followed address; the list shows how far."
        return "Every followed address is already being fetched."
    if follower.follow_list.get(url) is None:
        return f"{escape_markdown(url)} is not followed."
    if follower.fetch_in_background(url):
        return f"Fetching {escape_markdown(url)}; the list shows how far."
    return f"{escape_markdown(url)} is already being fetched."


def unfollow(follower: Follower, url: str) -> str:
    url = url.strip()
    if not url:
        return "Pick a followed address in the list first."
    if follower.follow_list.remove(url):
        return f"Stopped following {escape_markdown(url)}; its articles stay in the index."
    return f"{escape_markdown(url)} is not followed."


def feeds_marker(follower: Follower, selected: str, jobs: dict[str, str] | None = None) -> str:
    """Different whenever the list could look different: the followed list's marker (its file's stat, or
    the shared list's count and latest write), the fetches under way and how far, the jobs waiting or
    running (server mode; ``jobs``: already read), the selected address."""
    jobs = job_states(follower) if jobs is None else jobs
    return json.dumps([follower.follow_list.marker(), follower.tracker.snapshot(), jobs, selected.strip()])


def feeds_panel(follower: Follower, listing: ListingRefresh | None = None) -> None:
    """The panel's components and events, inside the caller's ``gr.Blocks``; it checks for changes on
    ``listing``'s timer (the Articles tab's), or on its own."""
    gr.Markdown("### Followed feeds and sites")
    with gr.Row():
        address = gr.Textbox(
            label="Feed, sitemap or page to follow",
            placeholder="https://example.org/news/rss.xml",
            elem_id="follow-url",
            scale=4,
        )
        follow_button = gr.Button("Follow", variant="primary", scale=1)
    shown = gr.State("")  # the marker of what this page's list shows ("": not yet known)
    table = gr.Dataframe(
        value=lambda: followed_rows(follower),
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
    problems = gr.Markdown(elem_id="followed-problems")
    timer = listing.timer if listing is not None else gr.Timer(CHECK_SECONDS)

    def listed(selected_url: str) -> tuple[list[list[Any]], str, str]:
        jobs = job_states(follower)  # read once, for the marker and the rows
        marker = feeds_marker(follower, selected_url, jobs)  # before reading: a change meanwhile shows next time
        entries = follower.follow_list.entries()
        chosen = next((entry for entry in entries if entry.url == selected_url.strip()), None)
        return followed_rows(follower, entries, jobs), problems_markdown(chosen), marker

    def on_follow(url: str, selected_url: str) -> Any:
        return (follow(follower, url), *listed(selected_url))

    def on_fetch(url: str) -> Any:
        return (fetch_now(follower, url), *listed(url))

    def on_unfollow(url: str) -> Any:
        return (unfollow(follower, url), "", *listed(""))

    def on_select(rows: Any, event: gr.SelectData) -> tuple[str, str]:
        row = event.index[0] if isinstance(event.index, list | tuple) else event.index
        url = str(rows.iloc[row]["address"]) if hasattr(rows, "iloc") else str(rows[row][0])
        return url, problems_markdown(follower.follow_list.get(url))

    def on_tick(selected_url: str, marker: str) -> tuple[Any, Any, str]:
        """The list anew when it changed since this page showed it; else nothing is sent."""
        if feeds_marker(follower, selected_url) == marker:
            return gr.skip(), gr.skip(), marker
        return listed(selected_url)

    quick: dict[str, Any] = {"show_progress": "hidden"}  # these return at once: no spinner over the list
    listed_outputs = [table, problems, shown]
    follow_button.click(on_follow, [address, selected], [outcome, *listed_outputs], api_name="follow", **quick)
    fetch_button.click(on_fetch, [selected], [outcome, *listed_outputs], api_name="fetch_followed", **quick)
    unfollow_button.click(on_unfollow, [selected], [outcome, selected, *listed_outputs], api_name="unfollow", **quick)
    table.select(on_select, [table], [selected, problems])
    timer.tick(on_tick, [selected, shown], listed_outputs, show_progress="hidden", api_visibility="undocumented")

"""The chat's Articles tab: upload article files, see what is indexed, remove an article, re-index all.

Everything here goes through the same store and incremental build as ``python -m index build``, in
the chat's own process (which owns the embedded index), so the chat answers from new articles as
soon as their build finishes. What the tab shows (the figures, the list, its search) is read when
the page loads and again whenever the index changed, whoever changed it (:mod:`chat.panels.live_index`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder as gradio_upload_folder

from chat.panels.live_index import CHECK_SECONDS, IndexListing
from chat.settings import ChatSettings
from index.build import BuildReport, build_index
from index.sources.files import file_article_id
from index.sources.uploads import SavedUploads, save_uploads
from index.store import ArticleStore, IndexedArticle
from index.words import counted

logger = logging.getLogger(__name__)

SEEDS = Path("seeds")
MAX_ROWS = 500
COLUMNS = ["title", "date", "source", "chunks", "id"]


def article_rows(articles: list[IndexedArticle], query: str = "") -> list[list[Any]]:
    """The articles matching ``query`` (title, source or id), newest first, at most ``MAX_ROWS``."""
    needle = query.strip().lower()
    rows = []
    for article in articles:
        if needle and needle not in f"{article.title} {article.source} {article.id}".lower():
            continue
        rows.append([article.title, article.date, article.source, article.chunks, article.id])
        if len(rows) == MAX_ROWS:
            break
    return rows


def build_summary(report: BuildReport, uploads: SavedUploads | None = None) -> str:
    lines = [
        f"**{report.added} added, {report.updated} updated, {report.unchanged} unchanged**"
        f"{f', {report.removed} removed' if report.removed else ''} · "
        f"{counted(report.chunks_embedded, 'chunk')} embedded in {report.seconds:.1f} s"
    ]
    failed = list(uploads.refused) if uploads else []
    failed += [(Path(e.path).name + (f" line {e.line}" if e.line else ""), e.message) for e in report.errors]
    if failed:
        lines.append(f"**{len(failed)} not indexed or indexed with a warning:**")
        lines += [f"- `{name}`: {reason}" for name, reason in failed]
    return "\n".join(lines)


def index_uploads(store: ArticleStore, settings: ChatSettings, files: list[str] | None) -> str:
    """Save the uploaded files into the upload folder and index them (a progress bar follows tqdm)."""
    if not files:
        return "Choose one or more article files first."
    uploads = save_uploads(
        [(Path(f).name, Path(f)) for f in files],
        settings.upload_dir,
        int(settings.max_upload_mb * 1e6),
        received_in=[Path(gradio_upload_folder()), settings.upload_dir],
    )
    report = build_index(store, uploads.saved, show_progress=True) if uploads.saved else BuildReport()
    return build_summary(report, uploads)


def reindex_all(store: ArticleStore, settings: ChatSettings) -> str:
    """Bring the index in line with seeds/ and the upload folder: new and changed files, nothing else."""
    folders = [folder for folder in (SEEDS, settings.upload_dir) if folder.exists()]
    return build_summary(build_index(store, folders, show_progress=True))


def remove_article(store: ArticleStore, settings: ChatSettings, article_id: str) -> str:
    """Remove an article from the index, and its file when it was uploaded here (else a re-index brings it back)."""
    article_id = article_id.strip()
    if not article_id:
        return "Pick an article in the list first."
    removed = store.remove_articles([article_id])
    if not removed:
        return f"No article `{article_id}` in the index."
    uploaded = {file_article_id(f): f for f in settings.upload_dir.glob("*") if f.is_file()}
    if article_id in uploaded:
        uploaded[article_id].unlink()
        return f"Removed `{article_id}` ({counted(removed, 'chunk')}) and its uploaded file."
    return (
        f"Removed `{article_id}` ({counted(removed, 'chunk')}) from the index. Its file is not in the upload folder, "
        "so re-indexing that file would add it again."
    )


@dataclass(frozen=True)
class ListingRefresh:
    """The tab's own events that change the index (upload, re-index, remove), for what follows them
    (the followed questions are asked again), and the timer that keeps the tab current, which the
    followed feeds' list shares."""

    changes: tuple[Any, ...]
    timer: gr.Timer


def articles_tab(store: ArticleStore, settings: ChatSettings) -> ListingRefresh:
    """The tab's components and events, inside the caller's ``gr.Blocks``."""
    # One listing of the index per change, shared by every page (seconds on a large index:
    # docs/lab-notes.md); the search box filters it as you type without touching the store.
    live = IndexListing(store)
    shown = gr.State("")  # the change marker of the index this page shows ("": not yet known)
    stats = gr.Markdown(lambda: live.current().stats, elem_id="index-stats")
    with gr.Row():
        with gr.Column(scale=2):
            upload = gr.File(
                label="Article files (.txt, .md, .html, .json, .jsonl, .jsonl.gz)",
                file_count="multiple",
                type="filepath",
                elem_id="article-upload",
            )
            index_button = gr.Button("Index these files", variant="primary")
        with gr.Column(scale=1):
            reindex_button = gr.Button("Re-index all (seeds/ and uploads)")
            selected = gr.Textbox(label="Selected article id", placeholder="click an article in the list")
            remove_button = gr.Button("Remove this article", variant="stop")
    summary = gr.Markdown()
    search = gr.Textbox(label="Search the indexed articles", placeholder="title, source or id")
    table = gr.Dataframe(
        value=lambda: article_rows(live.current().articles),
        headers=COLUMNS,
        interactive=False,
        wrap=True,
        label="Indexed articles",
        elem_id="indexed-articles",
    )
    timer = gr.Timer(CHECK_SECONDS)

    def refreshed(message: str, query: str) -> tuple[str, str, list[list[Any]], str]:
        listing = live.current(now=True)  # the person's own change shows at once
        return message, listing.stats, article_rows(listing.articles, query), listing.marker

    def on_index(files: list[str] | None, query: str, progress: gr.Progress = gr.Progress(track_tqdm=True)) -> Any:  # noqa: B008
        return refreshed(index_uploads(store, settings, files), query)

    def on_reindex(query: str, progress: gr.Progress = gr.Progress(track_tqdm=True)) -> Any:  # noqa: B008
        return refreshed(reindex_all(store, settings), query)

    def on_remove(article_id: str, query: str) -> Any:
        return refreshed(remove_article(store, settings, article_id), query)

    def on_select(rows: Any, event: gr.SelectData) -> str:
        row = event.index[0] if isinstance(event.index, list | tuple) else event.index
        return str(rows.iloc[row]["id"]) if hasattr(rows, "iloc") else str(rows[row][-1])

    def on_tick(query: str, marker: str) -> tuple[Any, Any, str]:
        """The index anew when it changed since this page showed it; else nothing is sent."""
        listing = live.current()
        if listing.marker == marker:
            return gr.skip(), gr.skip(), marker
        return listing.stats, article_rows(listing.articles, query), listing.marker

    outputs = [summary, stats, table, shown]
    changes = (
        index_button.click(on_index, [upload, search], outputs, api_name="index_files"),
        reindex_button.click(on_reindex, [search], outputs, api_name="reindex_all"),
        remove_button.click(on_remove, [selected, search], outputs, api_name="remove_article"),
    )
    search.change(
        lambda query: article_rows(live.current().articles, query), [search], [table], api_name="search_articles"
    )
    table.select(on_select, [table], [selected])
    timer.tick(on_tick, [search, shown], [stats, table, shown], show_progress="hidden", api_visibility="undocumented")
    return ListingRefresh(changes, timer)

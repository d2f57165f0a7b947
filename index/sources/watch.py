"""Keep the index in step with a folder that people (or another program) drop articles into.

Polling, not file-system events: it works the same on every system and on network folders, and a
poll of a folder of articles costs a directory listing. A build starts once the folder has looked
the same for two polls in a row, so a file still being copied is not indexed half-written; the
build itself is the ordinary incremental one, so only new and changed articles are embedded.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from index.build import BuildReport, build_index
from index.sources.files import SUPPORTED_SUFFIXES, article_suffix
from index.store import ArticleStore

logger = logging.getLogger(__name__)

FolderState = dict[str, tuple[int, int]]


def folder_state(folder: Path) -> FolderState:
    """Every article file under ``folder`` (hidden ones aside) with its modification time and size."""
    state: FolderState = {}
    for file in folder.rglob("*"):
        relative = file.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or article_suffix(file) not in SUPPORTED_SUFFIXES:
            continue
        try:
            stat = file.stat()
        except OSError:  # removed between listing and looking
            continue
        if file.is_file():
            state[relative.as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return state


def watch(
    store: ArticleStore,
    folder: Path,
    *,
    interval: float = 2.0,
    prune: bool = False,
    stop: threading.Event | None = None,
    on_build: Callable[[BuildReport], None] | None = None,
) -> None:
    """Build ``folder`` into ``store`` whenever its files change, until ``stop`` is set.

    The first build runs at once (to catch up with what arrived while nobody watched). With
    ``prune``, articles no longer in the folder are removed, and so is every other article the
    index holds that is not in it, as ``index build --prune`` does.
    """
    stop = stop or threading.Event()
    built: FolderState | None = None
    previous = folder_state(folder)
    while not stop.is_set():
        if previous != built:
            report = build_index(store, [folder], prune=prune, show_progress=False)
            built = previous
            logger.info("watch %s: %s", folder, report.summary())
            if on_build is not None:
                on_build(report)
        stop.wait(interval)
        current = folder_state(folder)
        while current != previous and not stop.is_set():  # still changing: wait until it settles
            previous = current
            stop.wait(interval)
            current = folder_state(folder)

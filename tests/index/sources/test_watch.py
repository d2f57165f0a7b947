"""``index watch``: articles dropped into a folder are indexed as they appear, changed ones re-indexed."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from index.build import BuildReport
from index.sources.watch import FolderState, folder_state, watch
from tests.conftest import ROOT

VOLCANO = "date 2024-01-15\nThe Fagradalsfjall volcano erupted again on Monday, sending lava towards Grindavik."
VOLCANO_UPDATED = VOLCANO + " The town had been evacuated on Sunday night."


def _wait_for(condition, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_files_dropped_into_the_folder_are_indexed_and_changes_followed(
    make_store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = make_store()
    folder = tmp_path / "inbox"
    folder.mkdir()
    polls: list[Path] = []  # each look the watcher takes at the folder

    def counted_folder_state(looked_at: Path) -> FolderState:
        polls.append(looked_at)
        return folder_state(looked_at)

    monkeypatch.setattr("index.sources.watch.folder_state", counted_folder_state)
    reports: list[BuildReport] = []
    polls_at_build: list[int] = []

    def on_build(report: BuildReport) -> None:
        polls_at_build.append(len(polls))
        reports.append(report)

    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(store, folder), kwargs={"interval": 0.2, "stop": stop,
                                                                        "on_build": on_build})  # fmt: skip
    watcher.start()
    try:
        _wait_for(lambda: len(reports) == 1)  # the catch-up build of the empty folder
        (folder / "volcano.txt").write_text(VOLCANO)
        (folder / "notes.pdf").write_bytes(b"%PDF-1.4 not an article type")
        _wait_for(lambda: len(reports) == 2)
        assert (reports[1].added, reports[1].skipped_count) == (1, 0)
        hits = store.search("Which volcano erupted near Grindavik?", k=1)
        assert hits and "Fagradalsfjall" in hits[0][0].page_content

        (folder / "volcano.txt").write_text(VOLCANO_UPDATED)
        _wait_for(lambda: len(reports) == 3)
        assert reports[2].updated == 1
        assert "evacuated" in store.search("Was Grindavik evacuated?", k=1)[0][0].page_content
        # Five more looks at the unchanged folder (what 1 s held at this interval), each one a chance to rebuild.
        _wait_for(lambda: len(polls) >= polls_at_build[2] + 5)
        assert len(reports) == 3, "an unchanged folder is not rebuilt"
    finally:
        stop.set()
        watcher.join(timeout=30)


def test_the_watch_command_reports_each_build_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    command = [sys.executable, "-m", "index", "watch", str(folder), "--db", str(tmp_path / "db"), "--interval", "0.3"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()  # type: ignore[union-attr]

    def next_line_with(text: str) -> str:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r}")

    try:
        next_line_with("watching")
        next_line_with("0 added")
        (folder / "volcano.txt").write_text(VOLCANO)
        assert "1 chunks embedded" in next_line_with("1 added")
        process.send_signal(signal.SIGINT)
        next_line_with("stopped")
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()

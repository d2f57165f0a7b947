"""Questions keep being answered while the index is rebuilt in the same process, and see the new article after."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from assistant import Assistant
from assistant.settings import AssistantSettings
from index.build import build_index
from index.store import ArticleStore
from tests.conftest import SEEDS

NEW_ARTICLE = "The Fagradalsfjall volcano erupted again on Monday, sending lava towards the town of Grindavik."

T = TypeVar("T")


def read_while_building(build: Callable[[], object], read: Callable[[], T]) -> tuple[list[T], list[BaseException]]:
    """Runs ``build`` in a thread and ``read`` over and over until it ends: the readings, and what
    the build raised (for the test to report)."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            build()
        except BaseException as error:  # reported to the test
            failures.append(error)

    builder = threading.Thread(target=run)
    builder.start()
    readings: list[T] = []
    while builder.is_alive():
        readings.append(read())
    builder.join()
    return readings, failures


def test_questions_during_a_rebuild_are_answered_and_the_new_article_after_it(make_store, tmp_path: Path) -> None:
    store = make_store()
    build_index(store, [SEEDS], show_progress=False)
    assistant = Assistant(store.settings, store=store)
    # Answered once before, as a serving chat has (its examples are asked at start): the first question
    # loads the language lists (~0.5 s), long enough for the small build below to finish inside it.
    assert assistant.ask("What does Turkey demand in Libya?").answered
    feed = tmp_path / "feed.jsonl"
    with feed.open("w") as out:
        for n in range(60):  # enough writes that the questions below overlap them
            text = f"Council minutes {n}: the harbour board of Port {n} approved budget line {n} for road repairs."
            out.write(json.dumps({"doc_id": f"minutes-{n}", "title": f"Minutes {n}", "text": text}) + "\n")
        out.write(json.dumps({"doc_id": "volcano", "title": "Iceland eruption", "text": NEW_ARTICLE}) + "\n")

    answers_during, failures = read_while_building(
        lambda: build_index(store, [SEEDS, feed], show_progress=False),
        lambda: assistant.ask("What does Turkey demand in Libya?"),
    )

    assert not failures, failures
    assert len(answers_during) >= 2, "the build finished before questions overlapped it"
    assert all(a.answered and "Sirte" in a.text for a in answers_during)
    after = assistant.ask("Which volcano erupted near Grindavik?")
    assert after.answered and "Fagradalsfjall" in after.text


def test_the_index_figures_are_read_while_builds_write_the_folder(embeddings, tmp_path: Path) -> None:
    """What the Articles tab and ``index stats`` show is read while the follower or an upload writes
    the embedded index's folder (the keyword index renames temporary files as it commits): it never fails."""
    store = ArticleStore.open(AssistantSettings(db_path=tmp_path / "db"), embeddings=embeddings)
    build_index(store, [SEEDS], show_progress=False)

    def build_one_at_a_time() -> None:
        for n in range(25):  # each build commits Chroma, the record manager and the keyword index
            article = tmp_path / f"minutes-{n}.txt"
            article.write_text(f"date 2024-03-{n + 1:02d}\nThe harbour board of Port {n} approved budget line {n}.")
            build_index(store, [article], show_progress=False)

    # store.stats() raised FileNotFoundError when a file went between listing and sizing
    readings, failures = read_while_building(build_one_at_a_time, store.stats)
    assert not failures, failures
    assert len(readings) > 25, "the readings overlapped the builds"
    final = store.stats()
    assert final["articles"] == len(list(SEEDS.glob("*.txt"))) + 25 and final["store_bytes"] > 0

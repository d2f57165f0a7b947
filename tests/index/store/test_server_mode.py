"""Chroma server mode: the chat and an indexing run in another process, at the same time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from assistant import Assistant
from assistant.retrieval import PassageRetriever
from assistant.settings import AssistantSettings
from index.build import build_index
from index.store import ArticleStore
from tests.conftest import ROOT, SEEDS

VOLCANO = "The Fagradalsfjall volcano erupted again on Monday, sending lava towards the town of Grindavik."


def test_an_article_indexed_by_another_process_is_answered_by_the_running_assistant(
    chroma_server: tuple[str, int], tmp_path: Path, embeddings
) -> None:
    """The chat keeps answering while another process indexes through the server, and answers the
    new article once that build has finished."""
    host, port = chroma_server
    server = {"chroma_host": host, "chroma_port": port, "collection": f"news-{uuid.uuid4().hex[:12]}"}
    # The chat's machine: its own folder for the local keyword index and records.
    chat_settings = AssistantSettings(db_path=tmp_path / "chat", keyword_sync_seconds=0, **server)
    chat = Assistant(chat_settings, store=ArticleStore.open(chat_settings, embeddings=embeddings))
    build_index(chat.store, [SEEDS], show_progress=False)
    assert not chat.ask("Which volcano erupted near Grindavik?").answered

    feed = tmp_path / "feed.jsonl"
    with feed.open("w") as out:
        for n in range(40):  # enough to keep the other build busy while the chat answers
            text = f"Council minutes {n}: the harbour board of Port {n} approved budget line {n} for road repairs."
            out.write(json.dumps({"doc_id": f"minutes-{n}", "title": f"Minutes {n}", "text": text}) + "\n")
        out.write(json.dumps({"doc_id": "volcano", "title": "Iceland eruption", "text": VOLCANO}) + "\n")
    environment = {
        **os.environ,
        "ASSISTANT_CHROMA_HOST": host,
        "ASSISTANT_CHROMA_PORT": str(port),
        "ASSISTANT_COLLECTION": server["collection"],
        "ASSISTANT_INDEX_BATCH_SIZE": "8",
    }
    indexer = subprocess.Popen(
        [sys.executable, "-m", "index", "build", str(feed), "--db", str(tmp_path / "indexer"), "--quiet"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    answers_during = []
    while indexer.poll() is None:
        answers_during.append(chat.ask("What does Turkey demand in Libya?"))
    out, err = indexer.communicate(timeout=300)
    assert indexer.returncode == 0, err
    assert "41 added" in out
    assert answers_during and all(a.answered and "Sirte" in a.text for a in answers_during)

    result = chat.ask("Which volcano erupted near Grindavik?")
    assert result.answered and "Fagradalsfjall" in result.text
    keyword_only = PassageRetriever.from_settings(chat.store, chat_settings, retrieval_mode="bm25")
    hits = keyword_only.search("Fagradalsfjall Grindavik")
    assert hits and hits[0].metadata["article_id"] == "volcano", "the chat's keyword index caught up"


def test_machines_sharing_a_record_manager_replace_each_others_articles(
    chroma_server: tuple[str, int], tmp_path: Path, embeddings
) -> None:
    """One machine indexes an article, another indexes its corrected version: with the record manager
    shared (``ASSISTANT_RECORD_MANAGER_URL``), the second build knows the first version's chunks and
    removes them, so the old wording is never retrieved again."""
    host, port = chroma_server
    shared = {
        "chroma_host": host,
        "chroma_port": port,
        "collection": f"news-{uuid.uuid4().hex[:12]}",
        "record_manager_url": f"sqlite:///{tmp_path / 'shared-records.sqlite'}",
    }
    first_version = "The Fagradalsfjall volcano erupted on Monday, sending lava towards the town of Vogar."
    for machine, text in (("first", first_version), ("second", VOLCANO)):
        feed = tmp_path / machine / "feed.jsonl"
        feed.parent.mkdir()
        feed.write_text(json.dumps({"doc_id": "volcano", "title": "Iceland eruption", "text": text}) + "\n")
        store = ArticleStore.open(AssistantSettings(db_path=tmp_path / machine, **shared), embeddings=embeddings)
        report = build_index(store, [feed], show_progress=False)

    assert (report.added, report.updated) == (0, 1), report.summary()
    assert store.count() == 1, "the first machine's chunk of the old version is gone"
    hits = PassageRetriever.from_settings(store, store.settings).search("Which town did the lava flow towards?")
    assert [hit.page_content for hit in hits] == [VOLCANO]

"""The Articles tab, served for real: upload files, see them listed and answered, remove one."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
from gradio_client import Client, handle_file

from index.sources.uploads import safe_name, save_uploads
from tests.conftest import serving

VOLCANO = "date 2024-01-15\nThe Fagradalsfjall volcano erupted again on Monday, sending lava towards Grindavik."
VOLCANO_QUESTION = "Which volcano erupted near Grindavik?"


def test_uploaded_articles_are_indexed_listed_answered_and_removable(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "db"
    shutil.copytree(seed_db, db)  # the session's seed index stays untouched
    uploads = tmp_path / "uploads"
    sent = tmp_path / "sent"
    sent.mkdir()
    (sent / "volcano.txt").write_text(VOLCANO)
    (sent / "holiday.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (sent / "huge.txt").write_text("date 2024-01-01\n" + "Long story. " * 2000)
    (sent / "broken.jsonl").write_text('{"doc_id": "x", "text": \n')
    env = {"ASSISTANT_UPLOAD_DIR": str(uploads), "ASSISTANT_MAX_UPLOAD_MB": "0.01"}  # 10 kB
    with serving(db, env) as url:
        client = Client(url, verbose=False)
        assert "not in the articles" in client.predict(VOLCANO_QUESTION, api_name="/chat")

        summary, stats, table = client.predict(
            [handle_file(str(sent / name)) for name in ("volcano.txt", "holiday.png", "huge.txt", "broken.jsonl")],
            "",
            api_name="/index_files",
        )
        assert "1 added" in summary
        assert "holiday.png" in summary and "not an article file" in summary
        assert "huge.txt" in summary and "over the 0.01 MB limit" in summary
        assert "broken.jsonl line 1" in summary and "invalid JSON" in summary
        assert "**2 articles**" in stats
        assert re.search(r"· 0 of [\d,]+ chunks have full vectors$", stats)  # the second speed: no fill yet
        assert sorted(p.name for p in uploads.iterdir()) == ["broken.jsonl", "volcano.txt"]
        titles = [row[0] for row in table["data"]]
        assert any("Fagradalsfjall" in title for title in titles)

        reply = client.predict(VOLCANO_QUESTION, api_name="/chat")
        assert "Fagradalsfjall" in reply and 'class="cite-chip"' in reply

        found = client.predict("fagradalsfjall", api_name="/search_articles")
        [row] = found["data"]
        message, stats, _ = client.predict(row[-1], "", api_name="/remove_article")
        assert "Removed" in message and "its uploaded file" in message
        assert not (uploads / "volcano.txt").exists() and "**1 article**" in stats
        assert "not in the articles" in client.predict(VOLCANO_QUESTION, api_name="/chat")


def test_upload_names_are_reduced_to_plain_file_names_inside_the_upload_folder(tmp_path: Path) -> None:
    assert safe_name("../../etc/cron.d/evil.txt") == "evil.txt"
    assert safe_name("C:\\Users\\ann\\news.md") == "news.md"
    assert safe_name(".hidden.txt") == "hidden.txt"
    assert safe_name("weird <name>|*.json") == "weird _name_.json"
    assert safe_name("..") is None
    source = tmp_path / "given.txt"
    source.write_text(VOLCANO)
    folder = tmp_path / "uploads"
    result = save_uploads([("../../outside.txt", source), ("/abs/path/ok.md", source)], folder, 10_000)
    assert [p.name for p in result.saved] == ["outside.txt", "ok.md"]
    assert all(p.parent == folder.resolve() for p in result.saved)
    assert not (tmp_path / "outside.txt").exists()


SECRET = "date 2024-02-02\nThe vault code of the Kestrelwick lighthouse is 4417, said the keeper on Friday."


def _call_index_files(url: str, paths: list[str]) -> list[str]:
    """The Articles tab's indexing call as a hostile client sends it (FileData naming server paths):
    the lines of the event stream it answers with."""
    files = [{"path": path, "orig_name": Path(path).name, "meta": {"_type": "gradio.FileData"}} for path in paths]
    started = httpx.post(f"{url}gradio_api/call/index_files", json={"data": [files, ""]}, timeout=30)
    started.raise_for_status()
    event = started.json()["event_id"]
    with httpx.stream("GET", f"{url}gradio_api/call/index_files/{event}", timeout=120) as events:
        return [line for line in events.iter_lines() if line.strip()]


def test_a_server_path_sent_to_the_indexing_call_is_refused_and_never_read(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "db"
    shutil.copytree(seed_db, db)
    uploads, cache, private = tmp_path / "uploads", tmp_path / "gradio", tmp_path / "private"
    for folder in (uploads, cache, private):
        folder.mkdir()
    secret = private / "keeper.txt"
    secret.write_text(SECRET)
    (cache / "sneaky.txt").symlink_to(secret)  # a link inside the upload folder that points out of it
    env = {"ASSISTANT_UPLOAD_DIR": str(uploads), "GRADIO_TEMP_DIR": str(cache)}
    with serving(db, env) as url:
        for path in (secret, cache / "sneaky.txt"):
            events = _call_index_files(url, [str(path)])
            assert "event: error" in events, events  # refused before anything is read
        found = httpx.post(f"{url}api/search", json={"query": "Kestrelwick lighthouse vault code"}, timeout=60).json()
        assert found["passages"] and not any("Kestrelwick" in p["passage"] for p in found["passages"])
        copies = [f for f in cache.rglob("*") if f.is_file() and not f.is_symlink() and "Kestrelwick" in f.read_text()]
        assert not copies and not list(uploads.iterdir())

        client = Client(url, verbose=False)  # a real upload through the same call still works
        (tmp_path / "volcano.txt").write_text(VOLCANO)
        summary, _, _ = client.predict([handle_file(str(tmp_path / "volcano.txt"))], "", api_name="/index_files")
        assert "1 added" in summary


def test_only_files_inside_the_folders_named_are_read_for_indexing(tmp_path: Path) -> None:
    inside, outside = tmp_path / "received", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (inside / "link.txt").symlink_to(outside / "secret.txt")
    (inside / "volcano.txt").write_text(VOLCANO)
    given = [
        ("secret.txt", outside / "secret.txt"),
        ("link.txt", inside / "link.txt"),
        ("v.txt", inside / "volcano.txt"),
    ]
    result = save_uploads(given, tmp_path / "uploads", 10_000, received_in=[inside])
    assert [p.name for p in result.saved] == ["v.txt"]
    assert [name for name, _ in result.refused] == ["secret.txt", "link.txt"]
    assert all("not a file this server received" in reason for _, reason in result.refused)

"""The command lines, run as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SEEDS, run_python


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return run_python(*args, cwd=cwd)


def test_index_build_summary_then_ask_json(tmp_path: Path) -> None:
    db = tmp_path / "db"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"doc_id": "ok", "text": "A volcano erupted in Iceland.", "publish_date": "2020/06/21"})
        + "\n{not json\n"
    )
    built = run("-m", "index", "build", str(SEEDS), str(feed), "--db", str(db), "--quiet")
    assert built.returncode == 0, built.stderr
    assert "2 added, 0 updated, 0 unchanged, 0 removed articles" in built.stdout
    assert f"skipped {feed}:2: invalid JSON" in built.stderr

    asked = run("-m", "assistant", "ask", "What does Turkey demand in Libya?", "--db", str(db), "--json")
    assert asked.returncode == 0, asked.stderr
    payload = json.loads(asked.stdout)
    assert set(payload) >= {"question", "answer", "answered", "citations"}
    assert payload["question"] == "What does Turkey demand in Libya?"
    assert payload["answered"] is True and "Sirte" in payload["answer"]
    citation = payload["citations"][0]
    assert set(citation) == {
        "n",
        "article_id",
        "title",
        "date",
        "source",
        "url",
        "passage",
        "score",
        "also_published_by",
        "language",
        "story",
        "story_outlets",
        "story_articles",
        "story_id",
    }
    assert citation["n"] == 1 and citation["date"] == "2020-06-20"
    assert payload["kind"] == "answer"

    briefed = run("-m", "assistant", "brief", "--since", "2020-06-01", "--until", "2020-06-30", "--db", str(db))
    assert briefed.returncode == 0, briefed.stderr
    assert briefed.stdout.startswith("The news, 1 June 2020 to 30 June 2020, most widely reported first:")
    as_json = run(
        "-m", "assistant", "brief", "--since", "2020-06-01", "--until", "2020-06-30", "--db", str(db), "--json"
    )
    items = json.loads(as_json.stdout)["items"]
    assert items and all(item["kind"] == "story" and item["sentences"] for item in items), as_json.stdout
    assert f"\n1. {items[0]['title']} (" in briefed.stdout and "[1]" in briefed.stdout and "**" not in briefed.stdout
    empty = run("-m", "assistant", "brief", "Libya", "--since", "2031-01-01", "--until", "2031-01-07", "--db", str(db))
    assert empty.returncode == 1 and "No indexed article on Libya is dated" in empty.stdout
    assert "The newest indexed article is from 2020-06-" in empty.stdout
    other = run(
        "-m",
        "assistant",
        "brief",
        "--since",
        "2020-06-01",
        "--until",
        "2020-06-30",
        "--source",
        "cnn.com",
        "--db",
        str(db),
    )
    assert other.returncode == 1 and "No indexed article from cnn.com is dated" in other.stdout, other.stderr

    stats = run("-m", "index", "stats", "--db", str(db), "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["articles"] == 2


def test_model_mismatch_exits_with_a_message_on_how_to_rebuild(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy"
    shutil.copytree(seed_db, db)
    env = dict(os.environ, ASSISTANT_EMBEDDING_MODEL="paraphrase-MiniLM-L3-v2")
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "anything", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert result.returncode != 0
    assert "python -m index build --rebuild" in result.stderr


def test_a_damaged_index_is_a_clear_error_and_rebuild_recovers_it_keeping_other_files(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.mkdir()
    (db / "chroma.sqlite3").write_bytes(os.urandom(40_000))
    (db / "my-notes.txt").write_text("not the index's")
    for command in (["-m", "index", "stats"], ["-m", "assistant", "ask", "What does Turkey demand?"], ["app.py"]):
        refused = run(*command, "--db", str(db))
        assert refused.returncode == 2, (command, refused.stderr[-2000:])
        assert "cannot be read" in refused.stderr and "python -m index build --rebuild" in refused.stderr
        assert "Traceback" not in refused.stderr

    rebuilt = run("-m", "index", "build", str(SEEDS), "--db", str(db), "--rebuild", "--quiet")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "1 added" in rebuilt.stdout and (db / "my-notes.txt").read_text() == "not the index's"
    asked = run("-m", "assistant", "ask", "What does Turkey demand in Libya?", "--db", str(db), "--json")
    assert json.loads(asked.stdout)["answered"] is True


def test_a_missing_seeds_folder_is_reported_and_the_build_still_completes(tmp_path: Path) -> None:
    built = run("-m", "index", "build", "--db", str(tmp_path / "db"), "--quiet", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "seeds: no such file or folder" in built.stderr and "0 added" in built.stdout

"""``python -m index improve``: the better encoder's vectors filled in behind the fast ones, resumably.

Real things throughout: a real index in a temp folder, the real wordllama and the real minilm-int8,
the real command in a subprocess where a user would run it (and where it can be killed).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from assistant.settings import AssistantSettings
from index.build import build_index
from index.improve import improve
from index.store import ArticleStore
from tests.conftest import ROOT, run_python

ARTICLES = 24
TOWNS = ["Aberdeen", "Bergen", "Cadiz", "Dresden", "Esbjerg", "Faro", "Galway", "Haarlem"]
_PROGRESS = re.compile(r"^([\d,]+) of ([\d,]+) chunks filled$")
_BOTH = "full vectors and sentence vectors"  # a chunk is filled when it has both (index.store.sentence_vectors)


def _write_corpus(path: Path) -> Path:
    """Articles of a few chunks each, every one about a council of its own."""
    with path.open("w", encoding="utf-8") as out:
        for n in range(ARTICLES):
            town = TOWNS[n % len(TOWNS)]
            sentences = [f"The council of {town} met on day {n} to discuss the harbour and the code word quill{n}."] + [
                f"Member {m} of the {town} council spoke about the budget line {m} for the year {2000 + n}."
                for m in range(22)
            ]
            record = {
                "doc_id": f"story-{n}",
                "title": f"{town} council {n}",
                "text": " ".join(sentences),
                "date": f"2020-{1 + n % 12:02d}-{1 + n:02d}",  # not in id order: the fill's order is by date
            }
            out.write(json.dumps(record) + "\n")
    return path


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_improve_fills_every_chunk_and_stats_says_so(tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path / "news.jsonl")
    db = tmp_path / "db"
    assert run_python("-m", "index", "build", str(corpus), "--db", str(db), "--quiet").returncode == 0
    before = run_python("-m", "index", "stats", "--db", str(db))
    chunks = _number(re.search(r"chunks\s+(\d+)", before.stdout).group(1))  # type: ignore[union-attr]
    assert f"0 of {chunks:,} chunks have full vectors" in before.stdout

    part = run_python("-m", "index", "improve", "--db", str(db), "--limit", "10")
    assert part.stdout.splitlines()[-1] == f"filled 10 chunks: 10 of {chunks:,} chunks have {_BOTH}"
    filled = run_python("-m", "index", "improve", "--db", str(db))
    assert filled.returncode == 0, filled.stderr
    summary = f"filled {chunks - 10:,} chunks: {chunks:,} of {chunks:,} chunks have {_BOTH}"
    assert filled.stdout.splitlines()[-1] == summary
    after = run_python("-m", "index", "stats", "--db", str(db))
    assert f"{chunks:,} of {chunks:,} chunks have full vectors" in after.stdout

    negative = run_python("-m", "index", "improve", "--db", str(db), "--limit", "-1")
    assert (negative.returncode, negative.stderr) == (2, "error: --limit must be 0 or more, not -1\n")
    again = run_python("-m", "index", "improve", "--db", str(db))
    assert again.stdout.splitlines()[-1].startswith("filled 0 chunks")  # nothing left, nothing redone


def test_improve_with_the_second_speed_off_is_one_line_and_exit_2(tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path / "news.jsonl")
    db = tmp_path / "db"
    assert run_python("-m", "index", "build", str(corpus), "--db", str(db), "--quiet").returncode == 0
    off = run_python("-m", "index", "improve", "--db", str(db), env={"ASSISTANT_FULL_EMBEDDING_MODEL": ""})
    assert off.returncode == 2
    assert off.stderr.startswith("error: There is no second speed") and off.stderr.count("\n") == 1
    stats = run_python("-m", "index", "stats", "--db", str(db), env={"ASSISTANT_FULL_EMBEDDING_MODEL": ""})
    assert "full vectors" not in stats.stdout


def _fill_stopped_after_its_first_batch(db: Path, stop: signal.Signals) -> tuple[subprocess.Popen[str], int, int]:
    """``index improve`` in a subprocess, sent ``stop`` once its first batch is written; the process,
    the chunks it said were filled then, and the index's chunks."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "index", "improve", "--db", str(db)],
        cwd=ROOT,
        env={**os.environ, "ASSISTANT_INDEX_BATCH_SIZE": "4"},  # many small batches: somewhere to stop in between
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    for line in worker.stdout:
        progress = _PROGRESS.match(line.strip())
        if progress and _number(progress.group(1)) > 0:
            worker.send_signal(stop)
            return worker, _number(progress.group(1)), _number(progress.group(2))
    raise AssertionError(f"the fill ended before its first batch was reported: {worker.wait()}")


def test_a_fill_killed_mid_way_resumes_without_redoing_finished_chunks(tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path / "news.jsonl")
    db = tmp_path / "db"
    assert run_python("-m", "index", "build", str(corpus), "--db", str(db), "--quiet").returncode == 0
    worker, seen, chunks = _fill_stopped_after_its_first_batch(db, signal.SIGKILL)  # without warning
    worker.wait(timeout=60)
    assert worker.returncode == -signal.SIGKILL and seen > 0

    resumed = run_python("-m", "index", "improve", "--db", str(db), env={"ASSISTANT_INDEX_BATCH_SIZE": "4"})
    assert resumed.returncode == 0, resumed.stderr
    lines = resumed.stdout.splitlines()
    start = _PROGRESS.match(lines[0])
    assert start is not None
    done_before = _number(start.group(1))
    assert seen <= done_before < chunks  # what was written survived the kill; some was left to do
    report = re.match(r"filled ([\d,]+) chunks: ([\d,]+) of ([\d,]+)", lines[-1])
    assert report is not None
    assert done_before + _number(report.group(1)) == chunks  # every chunk embedded once over both runs
    assert _number(report.group(2)) == chunks


def test_articles_removed_during_and_after_the_fill_leave_no_full_vectors(tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path / "news.jsonl")
    settings = AssistantSettings(db_path=tmp_path / "db", index_batch_size=4)
    store = ArticleStore.open(settings)
    build_index(store, [corpus], show_progress=False)
    removed: list[str] = []

    def remove_some(done: int, total: int) -> None:
        if done == 0 or removed:
            return
        have = store.full_vectors.all_ids()
        articles = [f"story-{n}" for n in range(ARTICLES)]
        filled = next(a for a in articles if store.chunk_keys_of(a) & have)  # some of its chunks done
        pending = next(a for a in articles if a != filled and not store.chunk_keys_of(a) <= have)  # some not
        removed.extend([filled, pending])
        store.remove_articles(removed)

    improve(store, on_progress=remove_some)
    assert len(removed) == 2
    assert store.full_vectors.all_ids() == store.chunk_ids()  # nothing of theirs, everything of the rest
    assert store.full_vectors.sentences is not None
    assert store.full_vectors.sentences.all_ids() == store.chunk_ids()  # the answerer's sentences alike

    gone = "story-0" if "story-0" not in removed else "story-1"
    assert store.chunk_keys_of(gone) <= store.full_vectors.all_ids()
    store.remove_articles([gone])
    assert store.full_vectors.all_ids() == store.chunk_ids()
    assert store.stats()["full_vectors"] == store.count()


def test_a_bounded_fill_takes_every_articles_lede_first_newest_first_and_the_next_one_goes_on(tmp_path: Path) -> None:
    """The follower's share between two cycles: ``limit`` chunks, every article's first chunk before any
    other (the better ranking reaches the whole archive soonest), the newest articles' first (what it
    has just fetched, and what most questions are about), then the rest on the next call."""
    corpus = _write_corpus(tmp_path / "news.jsonl")
    store = ArticleStore.open(AssistantSettings(db_path=tmp_path / "db", index_batch_size=4))
    build_index(store, [corpus], show_progress=False)
    chunks = len(store.chunk_ids())
    listed = store.collection.get(include=["metadatas"])
    meta = dict(zip(listed["ids"], listed["metadatas"] or [], strict=True))
    ledes = {key for key, about in meta.items() if about["chunk"] == 0}
    assert len(ledes) == ARTICLES < chunks
    first = improve(store, limit=5)
    assert (first.filled, store.full_vectors.count()) == (5, 5)
    filled = store.full_vectors.all_ids()
    assert filled <= ledes
    assert min(str(meta[key]["date"]) for key in filled) >= max(str(meta[key]["date"]) for key in ledes - filled)
    improve(store, limit=ARTICLES - 5)
    assert store.full_vectors.all_ids() == ledes
    rest = improve(store, limit=chunks)
    assert rest.filled == chunks - ARTICLES and store.full_vectors.all_ids() == store.chunk_ids()


def test_a_fill_stopped_with_ctrl_c_says_how_far_it_got_in_one_line_and_the_next_run_goes_on(tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path / "news.jsonl")
    db = tmp_path / "db"
    assert run_python("-m", "index", "build", str(corpus), "--db", str(db), "--quiet").returncode == 0
    worker, _, _ = _fill_stopped_after_its_first_batch(db, signal.SIGINT)  # as a person presses Ctrl-C
    _, stderr = worker.communicate(timeout=60)
    assert worker.returncode == 130, stderr
    said = r"interrupted \(Ctrl-C\): ([\d,]+) of ([\d,]+) chunks filled; run it again to go on\n"
    stopped = re.fullmatch(said, stderr)
    assert stopped is not None, stderr  # one line, no traceback
    done, chunks = _number(stopped.group(1)), _number(stopped.group(2))
    assert 0 < done < chunks

    resumed = run_python("-m", "index", "improve", "--db", str(db))
    assert resumed.returncode == 0, resumed.stderr
    start = _PROGRESS.match(resumed.stdout.splitlines()[0])
    assert start is not None and _number(start.group(1)) >= done  # what it said was filled, was kept
    assert resumed.stdout.splitlines()[-1].endswith(f"{chunks:,} of {chunks:,} chunks have {_BOTH}")

"""Followed questions: kept per owner, asked again after an index update, and a new source is noticed.

Real store, real encoder, articles written as files and indexed by the build, as a person adds them;
the command line is run as a user runs it.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from assistant.following.questions import FILE_NAME, FollowedQuestionError, FollowedQuestions, database_url
from assistant.service import Assistant
from assistant.settings import AssistantSettings
from assistant.types import Answer, Citation, Filters
from chat.panels.followed import NEW_LABEL, badge, choice_label, mark_new
from chat.render import render_answer
from index.build import build_index
from index.sources.files import file_article_id
from index.store import ArticleStore
from tests.conftest import SEEDS, run_python

QUESTION = "What is the latest on the Vellmar bridge?"
SEED_COUNT = len(list(SEEDS.glob("*.txt")))
CLOSED = (
    "date 2021-11-08\nThe Vellmar bridge over the Ostra river was closed to all traffic on Monday after engineers "
    "found deep cracks in two of its pillars. The city said buses would be diverted through the old town for "
    "several weeks.\n"
)
REOPENED = (
    "date 2021-11-12\nThe Vellmar bridge over the Ostra river reopened to cars on Friday after engineers repaired "
    "the cracked pillars, the city said. Lorries will stay banned from the Vellmar bridge until a load test in "
    "April.\n"
)


def write_bridge_articles(folder: Path) -> Path:
    """The seeds and the bridge's closure; the reopening is what a later update brings."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "vellmar-closed.txt").write_text(CLOSED, encoding="utf-8")
    return folder


def _answer(question: str, *article_ids: str) -> Answer:
    citations = [
        Citation(n, article_id, f"title {n}", "2024-03-04", "example.org", "", f"passage {n}", 0.5)
        for n, article_id in enumerate(article_ids, start=1)
    ]
    text = " ".join(f"Sentence {c.n}. [{c.n}]" for c in citations)
    return Answer(question=question, text=text, answered=bool(citations), citations=citations)


def test_questions_are_kept_per_owner_once_each_and_removed_by_number(tmp_path: Path) -> None:
    followed = FollowedQuestions.open(AssistantSettings(db_path=tmp_path / "db"))
    assert (tmp_path / "db" / FILE_NAME).exists()
    filters = Filters(since=date(2024, 3, 1), sources=("example.org",))
    mine = followed.follow("  What  happened to the dam? ", _answer("q", "a.txt"), "", filters)
    theirs = followed.follow("What happened to the dam?", _answer("q", "b.txt"), "ann")
    assert mine.question == "What happened to the dam?" and mine.filters == filters
    assert mine.seen == mine.latest and mine.seen.to_dict() == _answer("q", "a.txt").to_dict()  # kept whole
    assert [q.id for q in followed.questions("")] == [mine.id] and [q.id for q in followed.questions("ann")] == [
        theirs.id
    ]
    assert len(followed.questions()) == 2

    again = followed.follow("What happened to the dam?", _answer("q", "c.txt"), "", filters)
    assert again.id == mine.id and [c.article_id for c in again.seen.citations] == ["c.txt"]  # not twice
    assert not followed.unfollow(mine.id, "ann")  # another login's question stays
    assert followed.unfollow(mine.id, "") and followed.questions("") == []
    with pytest.raises(FollowedQuestionError, match=f"no followed question #{mine.id}"):
        followed.get(mine.id)


def test_the_shared_record_manager_database_holds_them_in_server_mode(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    assert database_url(AssistantSettings(db_path=tmp_path / "db", record_manager_url=url)) == url
    settings = AssistantSettings(db_path=tmp_path / "db")
    assert database_url(settings) == f"sqlite:///{(tmp_path / 'db' / FILE_NAME).resolve()}"
    one = FollowedQuestions.open(settings.model_copy(update={"collection": "news"}))
    other = FollowedQuestions.open(settings.model_copy(update={"collection": "other"}))
    one.follow("What happened to the dam?", _answer("q", "a.txt"))
    assert other.questions() == []  # another collection's index, other questions


def test_a_followed_question_gains_a_new_source_after_an_article_is_indexed(tmp_path: Path, embeddings) -> None:
    settings = AssistantSettings(db_path=tmp_path / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    articles = write_bridge_articles(tmp_path / "articles")
    assert build_index(store, [articles], show_progress=False).added == 1 + SEED_COUNT
    assistant = Assistant(settings, store=store)
    followed = FollowedQuestions.open(settings)
    seen = assistant.ask(QUESTION)
    closed_id = file_article_id(articles / "vellmar-closed.txt")
    assert seen.answered and {c.article_id for c in seen.citations} == {closed_id}
    question = followed.follow(QUESTION, seen)

    assert followed.refresh(assistant) == []  # nothing indexed since: nothing new
    (articles / "vellmar-reopened.txt").write_text(REOPENED, encoding="utf-8")
    assert build_index(store, [articles], show_progress=False).added == 1

    [change] = followed.refresh(assistant)
    reopened_id = file_article_id(articles / "vellmar-reopened.txt")
    assert [c.article_id for c in change.new] == [reopened_id] and change.gone == []
    assert "reopened to cars" in change.new[0].passage
    assert change.followed.id == question.id and change.followed.new_sources == 1
    assert followed.get(question.id).seen.to_dict() == seen.to_dict()  # still new until looked at
    assert len(followed.refresh(assistant)) == 1  # a second check still reports it: it was not seen

    looked = followed.mark_seen(question.id)
    assert looked.new_sources == 0 and not looked.changed
    assert looked.earlier is not None and looked.earlier.to_dict() == seen.to_dict()  # shown beside it
    assert followed.refresh(assistant) == []


def test_follow_from_the_command_line_add_check_list_remove(tmp_path: Path, embeddings) -> None:
    db = tmp_path / "db"
    articles = write_bridge_articles(tmp_path / "articles")
    store = ArticleStore.open(AssistantSettings(db_path=db), embeddings=embeddings)
    assert build_index(store, [articles], show_progress=False).added == 1 + SEED_COUNT

    nothing = run_python("-m", "assistant", "follow", "check", "--db", str(db))
    assert nothing.returncode == 0 and nothing.stdout.strip() == "no followed questions", nothing.stderr

    added = run_python("-m", "assistant", "follow", "add", QUESTION, "--db", str(db))
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == f"following #1: {QUESTION} (1 source cited now)"

    (articles / "vellmar-reopened.txt").write_text(REOPENED, encoding="utf-8")
    built = run_python("-m", "index", "build", str(articles), "--db", str(db), "--quiet")
    assert built.returncode == 0 and "1 added" in built.stdout, built.stderr

    kept = run_python("-m", "assistant", "follow", "check", "--db", str(db), "--keep-unseen")
    assert kept.returncode == 0, kept.stderr
    lines = kept.stdout.splitlines()
    assert lines[0] == f"#1 {QUESTION}: 1 new source"
    assert lines[1].startswith("  new [") and "2021-11-12" in lines[1]
    assert "reopened to cars" in lines[2]
    assert lines[-1] == "1 followed question checked, 1 with new sources"

    listed = run_python("-m", "assistant", "follow", "list", "--db", str(db), "--json")
    assert listed.returncode == 0, listed.stderr
    [entry] = json.loads(listed.stdout)
    assert entry["id"] == 1 and entry["question"] == QUESTION and entry["new_sources"] == 1

    seen = run_python("-m", "assistant", "follow", "check", "--db", str(db))  # printed, so seen
    assert seen.returncode == 0 and "1 new source" in seen.stdout, seen.stderr
    after = run_python("-m", "assistant", "follow", "list", "--db", str(db))
    assert after.stdout.startswith(f"#1 {QUESTION} (2 sources; checked ") and "new source" not in after.stdout

    missing = run_python("-m", "assistant", "follow", "remove", "999", "--db", str(db))
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.strip().splitlines() == [
        "error: no followed question #999: `python -m assistant follow list` shows their numbers"
    ]
    removed = run_python("-m", "assistant", "follow", "remove", "1", "--db", str(db))
    assert removed.returncode == 0 and removed.stdout.strip() == f"stopped following #1: {QUESTION}"
    empty = run_python("-m", "assistant", "follow", "list", "--db", str(db))
    assert empty.stdout.strip() == "no followed questions"


def test_the_chat_marks_only_the_new_citations_and_badges_what_is_new(tmp_path: Path) -> None:
    followed = FollowedQuestions.open(AssistantSettings(db_path=tmp_path / "db"))
    question = followed.follow(
        "What happened to the dam?", _answer("q", "a.txt"), filters=Filters(as_of=date(2024, 3, 8))
    )
    assert badge(question) == "" and choice_label(question) == "What happened to the dam? (as of 2024-03-08)"
    latest = _answer("q", "a.txt", "b.txt", "c.txt")
    new = {c.article_id for c in latest.citations} - {"a.txt"}
    assert badge(dataclasses.replace(question, latest=latest)) == "2 new sources"
    assert badge(dataclasses.replace(question, latest=_answer("q"))) == "sources changed"

    marked = mark_new(render_answer(latest, key="k"), latest, new, "k")
    assert marked.count(NEW_LABEL) == 2 and marked.count("cite-chip new-citation") == 2
    assert '<a class="cite-chip" href="#source-k-1"' in marked  # the source seen before is not marked
    assert f'<summary><span class="cite-chip">[2]</span> {NEW_LABEL}' in marked

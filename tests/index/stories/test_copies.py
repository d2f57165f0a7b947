"""The same story once: copies from other outlets, across builds, are recorded on the kept article
and shown with its citation; a different story is never merged."""

from __future__ import annotations

import json
from pathlib import Path

from assistant import Assistant
from index.build import build_index

PARAGRAPHS = [
    "Engineers in Rotterdam opened the new Maasvlakte storm barrier on Thursday after six years of work.",
    "The barrier, a pair of floating steel gates each longer than the Eiffel Tower is tall, can close the "
    "harbour mouth within ninety minutes when a storm surge is forecast.",
    "Officials said the gates would be tested twice a year and closed for real about once a decade.",
    "The project cost 1.4 billion euros, about a fifth more than planned, because of delays in steel deliveries.",
    "Residents of the low-lying Hoek district, flooded in 1953, watched the first closure from the dyke.",
    "The water board chair, Annelies Verbeek, said the barrier would protect two million people.",
    "Climate scientists warned that sea level rise could make closures far more frequent by 2100.",
    "The gates are driven by hydraulic arms built by a consortium of Dutch and German companies.",
    "A visitor centre beside the barrier will open to the public in the spring.",
    "Shipping traffic was halted for three hours during the ceremony.",
]
WIRE = "\n\n".join(PARAGRAPHS)
# Another outlet's copy: its own opening line and sign-off around the same wire text.
REPUBLISHED = "\n\n".join(
    ["ROTTERDAM (Reuters wire) - Here is the latest from the Netherlands.", *PARAGRAPHS, "Reporting by staff."]
)
# A follow-up days later: new reporting that repeats two background paragraphs.
FOLLOW_UP = "\n\n".join(
    [
        "The new Maasvlakte storm barrier closed for the first time in earnest on Monday night as a North "
        "Sea storm pushed water levels two metres above normal.",
        "Port authorities rerouted forty ships and the ferry to Harwich was cancelled.",
        "Engineers reported that one hydraulic arm moved slower than specified and would be inspected.",
        "By dawn the surge had passed and the gates were opened again without damage to the harbour.",
        PARAGRAPHS[1],
        PARAGRAPHS[5],
    ]
)


def feed(path: Path, *records: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def record(doc_id: str, text: str, source: str, url: str, date: str = "2024/11/07") -> dict:
    return {
        "doc_id": doc_id,
        "title": "Storm barrier opens",
        "text": text,
        "publish_date": date,
        "source": source,
        "url": url,
    }


def test_a_wire_copy_from_another_outlet_in_a_later_build_is_recorded_not_indexed(make_store, tmp_path: Path) -> None:
    store = make_store()
    first = build_index(
        store, [feed(tmp_path / "a" / "nos.jsonl", record("nos-1", WIRE, "nos.nl", "https://nos.nl/1"))]
    )
    assert first.added == 1
    chunks = store.count()

    later = build_index(
        store, [feed(tmp_path / "b" / "dw.jsonl", record("dw-9", REPUBLISHED, "dw.com", "https://dw.com/9"))]
    )

    assert later.added == 0 and later.copies == 1 and store.count() == chunks, "the copy was not indexed"
    [note] = later.copies_noted
    assert later.errors == [] and (note.article_id, note.kept_id, note.outlet) == ("dw-9", "nos-1", "dw.com")
    assert "the same story as nos-1" in str(note) and "dw.com" in str(note)
    [copy] = store.stories.copies_of(["nos-1"])["nos-1"]
    assert (copy.copy_id, copy.source, copy.url) == ("dw-9", "dw.com", "https://dw.com/9")
    hits = store.search("When can the storm barrier close the harbour?", k=5)
    assert {doc.metadata["article_id"] for doc, _ in hits} == {"nos-1"}


def test_a_follow_up_story_sharing_background_paragraphs_is_its_own_article(make_store, tmp_path: Path) -> None:
    store = make_store()
    build_index(store, [feed(tmp_path / "a" / "nos.jsonl", record("nos-1", WIRE, "nos.nl", "https://nos.nl/1"))])
    follow = build_index(
        store,
        [feed(tmp_path / "b" / "nos2.jsonl", record("nos-2", FOLLOW_UP, "nos.nl", "https://nos.nl/2", "2024/11/12"))],
    )
    assert follow.added == 1 and follow.copies == 0 and store.stories.copies_of(["nos-1"]) == {}


def test_the_same_url_under_another_id_is_the_same_article(make_store, tmp_path: Path) -> None:
    store = make_store()
    build_index(store, [feed(tmp_path / "a" / "one.jsonl", record("saved-1", WIRE, "nos.nl", "https://nos.nl/1"))])
    refetched = FOLLOW_UP  # the page changed completely, but it is the same address
    again = build_index(
        store, [feed(tmp_path / "b" / "two.jsonl", record("saved-2", refetched, "nos.nl", "https://nos.nl/1"))]
    )
    assert again.copies == 1 and again.copies_noted[0].reason == "same URL" and again.errors == []


def test_a_citation_says_who_else_published_the_story(make_store, tmp_path: Path) -> None:
    store = make_store()
    build_index(
        store,
        [
            feed(
                tmp_path / "a" / "news.jsonl",
                record("nos-1", WIRE, "nos.nl", "https://nos.nl/1"),
                record("dw-9", REPUBLISHED, "dw.com", "https://dw.com/9"),
            )
        ],
    )
    answer = Assistant(store.settings, store=store).ask("How quickly can the Maasvlakte barrier close?")
    assert answer.answered
    cited = {c.article_id: c for c in answer.citations}
    assert set(cited) == {"nos-1"}
    assert [copy.source for copy in cited["nos-1"].also_published_by] == ["dw.com"]
    assert answer.to_dict()["citations"][0]["also_published_by"][0]["url"] == "https://dw.com/9"


def test_removing_the_kept_article_lets_its_copy_be_indexed(make_store, tmp_path: Path) -> None:
    store = make_store()
    nos = feed(tmp_path / "a" / "nos.jsonl", record("nos-1", WIRE, "nos.nl", "https://nos.nl/1"))
    dw = feed(tmp_path / "b" / "dw.jsonl", record("dw-9", REPUBLISHED, "dw.com", "https://dw.com/9"))
    build_index(store, [nos, dw])
    assert store.remove_articles(["nos-1"]) > 0
    assert store.stories.copies_of(["nos-1"]) == {}
    rebuilt = build_index(store, [dw])
    assert rebuilt.added == 1 and rebuilt.copies == 0
    hits = store.search("When can the storm barrier close the harbour?", k=5)
    assert {doc.metadata["article_id"] for doc, _ in hits} == {"dw-9"}

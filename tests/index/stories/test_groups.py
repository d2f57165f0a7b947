"""Stories: one event told by several outlets over a few days is one story; other events, and the
same topic months later, are stories of their own; the grouping survives reopening, removal and
rebuilds. Real store, real encoder, articles written as files the way users add them."""

from __future__ import annotations

import json
from pathlib import Path

from index.build import build_index
from index.store import ArticleStore

# One event, three outlets, three days, each in its own words.
DAM = {
    "post-1": (
        "riverpost.com",
        "2024-03-04",
        "Kessel dam bursts in northern Moravia, villages evacuated",
        "The Kessel dam on the Ostrava river gave way early on Monday after days of heavy rain, sending a wall "
        "of water through three villages in northern Moravia. Rescue teams evacuated about 2,000 residents of "
        "Lipnik, Hranice and Bela. Regional governor Petra Novakova said two people were missing and that the "
        "army had been called in to help. The 60-year-old earth dam had been due for repairs next year.",
    ),
    "globe-7": (
        "dailyglobe.com",
        "2024-03-05",
        "Rescuers search for missing after Moravian dam failure",
        "Soldiers and firefighters searched flooded streets in Lipnik on Tuesday, a day after the Kessel dam "
        "collapsed and emptied its reservoir into the Ostrava valley. Governor Petra Novakova said one of the two "
        "people reported missing had been found alive on a rooftop. Thousands of evacuees from Hranice and Bela "
        "spent the night in school gyms as engineers warned that the remains of the dam were unstable.",
    ),
    "wire-3": (
        "eveningwire.com",
        "2024-03-06",
        "Inspectors had warned of cracks in Kessel dam, documents show",
        "Inspection reports seen by Evening Wire show that engineers flagged cracks and seepage in the Kessel "
        "dam in northern Moravia two years before it burst on Monday, flooding Lipnik, Hranice and Bela. The "
        "Ostrava river authority postponed the repairs for lack of money. Governor Petra Novakova ordered an "
        "inquiry into the collapse, which forced 2,000 people from their homes.",
    ),
}
# Other events the same week.
OTHERS = {
    "tech-1": (
        "chipwatch.com",
        "2024-03-05",
        "Veltronic unveils a smartphone chip made on a 2-nanometre process",
        "The Dutch-Korean chipmaker Veltronic presented on Tuesday its first processor built on a 2-nanometre "
        "process, promising phones whose batteries last two days. Chief executive Sun-hee Park said mass "
        "production would start in Eindhoven in the autumn, and that three handset makers had signed up.",
    ),
    "sport-4": (
        "dailyglobe.com",
        "2024-03-06",
        "Porto beat Sevilla 3-1 to lift the Iberian Cup",
        "Porto won the Iberian Cup final in Lisbon on Wednesday night, beating Sevilla 3-1 after extra time. "
        "Striker Tomas Almeida scored twice and coach Rui Barros dedicated the trophy to the club's fans, "
        "who had waited eleven years for a cup win.",
    ),
    "bank-2": (
        "riverpost.com",
        "2024-03-04",
        "Central bank raises interest rates to 5.25% to fight inflation",
        "The Federal Monetary Board raised its main interest rate by a quarter point to 5.25% on Monday, the "
        "third increase this year, as inflation stayed above 4%. Board chair Miriam Okafor said further rises "
        "were possible if wages kept climbing, and mortgage lenders said they would pass the increase on.",
    ),
}
# The same dam, months later: news of its own.
LATER = {
    "post-88": (
        "riverpost.com",
        "2024-08-20",
        "Rebuilt Kessel dam refilled five months after collapse",
        "Engineers began refilling the reservoir behind the rebuilt Kessel dam in northern Moravia on Tuesday, "
        "five months after the old dam burst and flooded Lipnik, Hranice and Bela. Governor Petra Novakova "
        "said the new concrete wall would withstand a thousand-year flood.",
    ),
}


def write(folder: Path, articles: dict[str, tuple[str, str, str, str]]) -> Path:
    """One JSON Lines file per article, so removing an article is deleting its file."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, (source, day, title, text) in articles.items():
        record = {"doc_id": doc_id, "source": source, "publish_date": day, "title": title, "text": text}
        (folder / f"{doc_id}.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return folder


def stories(store: ArticleStore, ids: list[str]) -> dict[str, str | None]:
    return {article_id: store.story_groups.story_of(article_id) for article_id in ids}


ALL = [*DAM, *OTHERS, *LATER]


def test_one_event_from_three_outlets_is_one_story_and_other_events_are_not(make_store, tmp_path: Path) -> None:
    store = make_store()
    report = build_index(store, [write(tmp_path / "articles", {**DAM, **OTHERS, **LATER})], show_progress=False)
    assert report.added == len(ALL) and not report.errors

    found = stories(store, ALL)
    dam = found["post-1"]
    assert dam is not None and found["globe-7"] == dam and found["wire-3"] == dam
    assert len({found[i] for i in ALL}) == len(ALL) - 2, "every other article is a story of its own"
    assert [(m.article_id, m.source, m.date) for m in store.story_groups.members(dam)] == [
        ("post-1", "riverpost.com", "2024-03-04"),
        ("globe-7", "dailyglobe.com", "2024-03-05"),
        ("wire-3", "eveningwire.com", "2024-03-06"),
    ]
    week = store.story_groups.stories_between("2024-03-01", "2024-03-07")
    members = {m.article_id for story in week for m in store.story_groups.members(story.story_id)}
    assert len(week) == 4 and "post-88" not in members
    top = week[0]
    assert (top.story_id, top.articles, top.outlets, top.first_date, top.last_date) == (
        dam,
        3,
        3,
        "2024-03-04",
        "2024-03-06",
    )


def test_a_wire_copy_belongs_to_the_story_of_the_article_it_repeats(make_store, tmp_path: Path) -> None:
    store = make_store()
    _, day, title, text = DAM["post-1"]
    copy = {"wire-copy-9": ("valleynews.com", day, title, f"{text} Reporting by the Moravian wire desk.")}
    report = build_index(store, [write(tmp_path / "articles", {**DAM, **copy})], show_progress=False)
    assert report.copies == 1
    assert store.story_groups.story_of("wire-copy-9") == store.story_groups.story_of("post-1") is not None
    [story] = store.story_groups.stories_between("2024-03-04", "2024-03-04")
    assert (story.articles, story.outlets) == (3, 4), "the copy's outlet counts, the copy is not a member"


def test_stories_survive_reopening_and_an_unchanged_rebuild(make_store, tmp_path: Path) -> None:
    articles = write(tmp_path / "articles", {**DAM, **OTHERS, **LATER})
    store = make_store()
    build_index(store, [articles], show_progress=False)
    before = stories(store, ALL)

    reopened = make_store()
    assert stories(reopened, ALL) == before
    again = build_index(reopened, [articles], show_progress=False)
    assert again.unchanged == len(ALL) and again.chunks_embedded == 0
    assert stories(reopened, ALL) == before


def test_removing_an_article_keeps_the_others_of_its_story_together(make_store, tmp_path: Path) -> None:
    articles = write(tmp_path / "articles", {**DAM, **OTHERS})
    store = make_store()
    build_index(store, [articles], show_progress=False)
    dam = store.story_groups.story_of("post-1")

    (articles / "globe-7.jsonl").unlink()
    (articles / "sport-4.jsonl").unlink()
    report = build_index(store, [articles], prune=True, show_progress=False)

    assert report.removed == 2
    assert store.story_groups.story_of("globe-7") is None and store.story_groups.story_of("sport-4") is None
    assert [m.article_id for m in store.story_groups.members(dam or "")] == ["post-1", "wire-3"]
    assert store.story_groups.story_of("wire-3") == dam
    assert len(store.story_groups.stories_between("2024-03-01", "2024-03-07")) == 3, "the emptied story is gone"


def test_an_index_built_before_stories_gets_them_from_an_unchanged_build(make_store, tmp_path: Path) -> None:
    articles = write(tmp_path / "articles", {**DAM, **OTHERS})
    store = make_store()
    build_index(store, [articles], show_progress=False)
    store.story_groups.clear()  # what an index built before this feature holds: no story rows
    assert stories(store, list(DAM)) == dict.fromkeys(DAM)

    report = build_index(store, [articles], show_progress=False)

    assert report.chunks_embedded == 0 and report.unchanged == len(DAM) + len(OTHERS)
    found = stories(store, [*DAM, *OTHERS])
    assert None not in found.values() and len(set(found.values())) == 1 + len(OTHERS)
    assert found["post-1"] == found["globe-7"] == found["wire-3"]


def test_an_article_rewritten_about_another_event_leaves_the_story(make_store, tmp_path: Path) -> None:
    articles = write(tmp_path / "articles", {**DAM, **OTHERS})
    store = make_store()
    build_index(store, [articles], show_progress=False)
    dam = store.story_groups.story_of("post-1")

    source, day, _, _ = DAM["globe-7"]
    museum = (
        "The Rijksmuseum in Amsterdam reopened its Asian pavilion on Tuesday after a three-year renovation, "
        "showing 400 lacquer screens and bronzes that had been in storage. Director Taco Dibbits said "
        "visitors could book free tours in March."
    )
    write(articles, {"globe-7": (source, day, "Rijksmuseum reopens its Asian pavilion", museum)})
    report = build_index(store, [articles], show_progress=False)

    assert report.updated == 1
    assert [m.article_id for m in store.story_groups.members(dam or "")] == ["post-1", "wire-3"]
    assert store.story_groups.story_of("globe-7") not in {None, dam}

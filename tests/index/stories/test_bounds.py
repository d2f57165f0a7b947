"""Stories stay stories: a topic reported for two months is many stories of two weeks at most, each
continuing the one before; an article that only resembles a story's newest articles, not the story,
starts its own; an index grouped before follow-ups were linked keeps working. Real store, real
encoder, articles written as files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import text

from index.build import build_index
from index.stories.rule import MAX_SPAN_DAYS
from tests.index.stories.test_groups import DAM, OTHERS, write
from tests.story_stream import stream, write_stream

# A chain, one hop every two days: a dock strike stops rail freight, which starves a car plant, whose
# maker cuts a line, then launches an electric car. Each article reads like the one before it; the
# last two are about the carmaker, no longer about the strike. (Files are read in name order: the
# numbers keep the days'.)
CHAIN = {
    "chain-1": (
        "harbourtimes.com",
        "2024-05-06",
        "Dockworkers strike at the port of Velsen over pay",
        "Dockworkers at the port of Velsen walked out on Monday after talks on a new pay deal collapsed, leaving "
        "container ships waiting at anchor. The Velsen dockers' union said its 3,000 members wanted a 9% rise; "
        "the port authority offered 4%.",
    ),
    "chain-2": (
        "harbourtimes.com",
        "2024-05-08",
        "Velsen port strike halts rail freight to the inland terminals",
        "The strike at the port of Velsen spread to rail freight on Wednesday, as freight trains carrying "
        "containers to the inland terminals stood idle. Union leader Maren Holt said the dockers and the rail "
        "freight drivers would stay out until the pay offer improved.",
    ),
    "chain-3": (
        "northgazette.com",
        "2024-05-10",
        "Rail freight standstill leaves Dalberg car plant short of parts",
        "The rail freight standstill that began with the Velsen port strike has left the Dalberg car plant "
        "short of engines and gearboxes. Carmaker Trevik said on Friday it would halt one of its two assembly "
        "lines at Dalberg if parts did not arrive by Monday.",
    ),
    "chain-4": (
        "northgazette.com",
        "2024-05-12",
        "Trevik halts Dalberg assembly line and warns of job cuts",
        "Carmaker Trevik stopped an assembly line at its Dalberg plant on Sunday, sending 1,200 workers home, "
        "and warned that its profits would fall this year. Chief executive Anja Rolfsen said Trevik might cut "
        "jobs at Dalberg if sales of its petrol models kept falling.",
    ),
    "chain-5": (
        "motorweekly.com",
        "2024-05-14",
        "Trevik unveils an electric hatchback, shares jump",
        "Carmaker Trevik unveiled its first electric hatchback on Tuesday, with a range of 500 kilometres and a "
        "price below 30,000 euros, and its shares jumped 8%. Chief executive Anja Rolfsen said the car would be "
        "built at Dalberg from next year and sold across Europe.",
    ),
}


LATE = (
    "valleynews.com",
    "2024-03-07",
    "Kessel dam evacuees allowed home as Ostrava river falls",
    "Residents of Lipnik, Hranice and Bela evacuated after the Kessel dam burst in northern Moravia were allowed "
    "back on Thursday as the Ostrava river fell. Governor Petra Novakova said engineers had shored up what was "
    "left of the dam and that the inquiry into its collapse would report within a month.",
)


def _span(days: list[str]) -> int:
    return (date.fromisoformat(max(days)) - date.fromisoformat(min(days))).days


def test_a_topic_reported_for_two_months_is_a_chain_of_stories_of_two_weeks_at_most(make_store, tmp_path) -> None:
    records = stream(articles=300, days=60)
    store = make_store()
    report = build_index(store, [write_stream(tmp_path / "feed", records)], show_progress=False)
    assert report.added + report.copies == len(records) and not report.errors

    groups = store.story_groups
    stories = groups.stories_between("2024-09-01", "2024-10-31")
    assert len(stories) >= 10, "one season of storms is many stories, not one"
    assert max(_span([s.first_date, s.last_date]) for s in stories) <= MAX_SPAN_DAYS
    bridge = sorted({groups.story_of(r["doc_id"]) for r in records if r["event"] == "bridge"} - {None})
    assert len(bridge) >= 4, "the bridge rebuilt all season is told in several stories"
    follows = groups.follows_of(bridge)
    first_days = {s.story_id: s.first_date for s in stories}
    chain = sorted(bridge, key=lambda story: first_days[story])
    assert all(follows.get(later) in bridge for later in chain[1:]), "each later bridge story follows an earlier one"
    assert chain[0] not in follows
    assert {s.story_id: s.follows for s in stories if s.story_id in bridge} == {s: follows.get(s, "") for s in bridge}


def test_an_article_resembling_only_the_newest_articles_of_a_story_starts_its_own(make_store, tmp_path) -> None:
    store = make_store()
    build_index(store, [write(tmp_path / "articles", CHAIN)], show_progress=False)

    story = {article_id: store.story_groups.story_of(article_id) for article_id in CHAIN}
    assert story["chain-1"] == story["chain-2"] == story["chain-3"], "the strike and what it stopped: one story"
    assert story["chain-4"] != story["chain-1"] and story["chain-5"] != story["chain-1"], "the carmaker's news is not"
    assert story["chain-4"] == story["chain-5"]


def test_an_index_grouped_before_follow_ups_were_linked_opens_and_groups_on(make_store, tmp_path: Path) -> None:
    articles = write(tmp_path / "articles", {**DAM, **OTHERS})
    store = make_store()
    build_index(store, [articles], show_progress=False)
    before = {article_id: store.story_groups.story_of(article_id) for article_id in [*DAM, *OTHERS]}
    with store.story_groups.engine.begin() as connection:  # what such an index holds: no links table
        connection.execute(text("DROP TABLE story_links"))

    reopened = make_store()
    write(articles, {"late-1": LATE})
    report = build_index(reopened, [articles], show_progress=False)

    assert report.unchanged == len(before) and report.added == 1 and not report.errors
    groups = reopened.story_groups
    assert {article_id: groups.story_of(article_id) for article_id in before} == before
    assert groups.story_of("late-1") == before["post-1"], "a new article still joins its story"
    week = groups.stories_between("2024-03-01", "2024-03-08")
    assert len(week) == 1 + len(OTHERS) and {story.follows for story in week} == {""}

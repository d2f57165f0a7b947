"""Briefings, timelines and comparisons of outlets, as a user reads them: the period's most widely
reported stories first, one cited entry per development in date order, what outlets say in common
and alone; each sentence an article's own, verbatim in the passage it cites. Real store, real
encoder, articles written as files the way users add them."""

from __future__ import annotations

import itertools
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from assistant.citations import citations_are_consistent
from assistant.news.items import NewsItem
from assistant.service import Assistant, answer, brief
from assistant.settings import AssistantSettings
from assistant.types import Answer, Citation, Filters
from index.build import build_index
from index.chunking import split_sentences
from index.store import ArticleStore
from tests.index.stories.test_groups import write

Articles = dict[str, tuple[str, str, str, str]]

# One story told over five days (Monday 6 to Friday 10 May 2024) by three outlets: on Monday and
# Thursday two outlets report the same development in their own words; on Wednesday the Harbour
# Times runs Tuesday's Newsline wire story again, nearly verbatim (a few words changed, so it is
# indexed as an article of its own, not caught as a copy).
STRIKE: Articles = {
    "ht-1": (
        "harbourtimes.com",
        "2024-05-06",
        "Dockworkers strike shuts the port of Valdmar",
        "About 4,000 dockworkers at the port of Valdmar walked off the job on Monday, halting container traffic "
        "at the country's busiest harbour. The Valdmar Dockers' Union said its members would stay out until the "
        "port operator, Meridian Terminals, restored the night-shift bonus it cut in April. Union leader Jonas "
        "Eklund said the strike would go on for as long as it took. Meridian Terminals said it regretted the walkout.",
    ),
    "ch-1": (
        "coastherald.com",
        "2024-05-06",
        "Valdmar harbour at a standstill as dockers walk out",
        "Cranes stood idle across Valdmar harbour on Monday as thousands of dock workers stopped work in a pay "
        "dispute with Meridian Terminals. The walkout, called by the Valdmar Dockers' Union after the operator "
        "scrapped a night-shift bonus, left dozens of container ships waiting to unload. Jonas Eklund, who leads "
        "the union, told reporters his members would not return until the bonus was restored.",
    ),
    "nl-2": (
        "newsline.com",
        "2024-05-07",
        "Ships queue off Valdmar as dock strike enters second day",
        "More than 40 container ships were anchored off Valdmar on Tuesday as a strike by dockworkers entered its "
        "second day, according to the harbour master's office. Supermarket chains warned that shelves of fresh "
        "fruit could run short by the weekend if the port stayed closed. Meridian Terminals said it had offered "
        "to meet the union but would not reinstate the bonus in full. The Valdmar Dockers' Union said the offer "
        "was not serious.",
    ),
    "ht-3": (
        "harbourtimes.com",
        "2024-05-08",
        "Ships queue off Valdmar as the dock strike drags on",
        "More than 40 container ships were anchored off Valdmar on Tuesday as the strike by dockworkers entered "
        "its second day, according to the harbour master. Supermarket chains warned that shelves of fresh fruit "
        "could run short by the weekend if the port stayed shut. Meridian Terminals said it had offered to meet "
        "the union but would not reinstate the bonus in full. The Valdmar Dockers' Union called the offer not "
        "serious.",
    ),
    "ch-3": (
        "coastherald.com",
        "2024-05-08",
        "Government appoints mediator in Valdmar port dispute",
        "Labour minister Ingrid Solberg appointed a mediator on Wednesday to end the strike at the port of "
        "Valdmar, as car makers said parts shortages would halt their assembly lines within a week. Former judge "
        "Henrik Dahl will chair talks between Meridian Terminals and the Valdmar Dockers' Union from Thursday.",
    ),
    "nl-4": (
        "newsline.com",
        "2024-05-09",
        "Tentative deal reached to end Valdmar dock strike",
        "Meridian Terminals and the Valdmar Dockers' Union reached a tentative agreement late on Thursday after "
        "nine hours of talks chaired by mediator Henrik Dahl, restoring most of the night-shift bonus. Union "
        "leader Jonas Eklund said members would vote on the deal on Friday morning.",
    ),
    "ht-4": (
        "harbourtimes.com",
        "2024-05-09",
        "Valdmar dockers and operator agree on a compromise after mediated talks",
        "After a marathon session under mediator Henrik Dahl, the union representing Valdmar's dockworkers and "
        "Meridian Terminals agreed on Thursday night to a compromise bringing back most of the night-shift "
        "bonus. Jonas Eklund said the union's members were to vote on the agreement on Friday.",
    ),
    "ch-5": (
        "coastherald.com",
        "2024-05-10",
        "Valdmar dockers vote to end strike as cranes move again",
        "Dockworkers at Valdmar voted by a large majority on Friday to accept the deal with Meridian Terminals, "
        "ending a five-day strike that had stranded more than 40 ships. The first cranes started moving at noon, "
        "and the harbour master said clearing the backlog would take about two weeks.",
    ),
}
# Another event carried by the same three outlets, on the Monday only.
TRAM: Articles = {
    "ht-tram": (
        "harbourtimes.com",
        "2024-05-06",
        "Osterby council approves a tram line to the university",
        "Osterby city council voted 31 to 14 on Monday to build a 9-kilometre tram line from the central station "
        "to the university campus, at a cost of 420 million crowns. Mayor Lena Brandt said construction would "
        "begin next spring and the first trams would run in 2028.",
    ),
    "ch-tram": (
        "coastherald.com",
        "2024-05-06",
        "Osterby gets its tram: council backs 420 million crown line",
        "Councillors in Osterby backed plans on Monday for a tram linking the central station with the "
        "university, ending a decade of debate. The 9-kilometre line will cost 420 million crowns, and Mayor "
        "Lena Brandt promised the first trams by 2028.",
    ),
    "nl-tram": (
        "newsline.com",
        "2024-05-06",
        "Osterby votes for university tram line",
        "The city of Osterby will build a tram line to its university after the council approved the "
        "420-million-crown project by 31 votes to 14 on Monday. Opposition councillors said buses would have "
        "served students just as well for a fraction of the price.",
    ),
}
# Single-outlet news of the same week, the week before, and two months later.
OTHERS: Articles = {
    "comet": (
        "coastherald.com",
        "2024-05-10",
        "Kiruna astronomers discover a comet heading for the inner solar system",
        "Astronomers at the Kiruna observatory have discovered a comet that will pass between Mars and the Sun "
        "next year, the observatory said on Friday. The comet, named Halvorsen after the student who spotted it, "
        "may be visible to the naked eye in the spring of 2025.",
    ),
    "chess": (
        "newsline.com",
        "2024-05-09",
        "Mira Lindqvist wins the national chess championship at 17",
        "Seventeen-year-old Mira Lindqvist won the national chess championship in Bergvik on Thursday, beating "
        "the defending champion Anders Holm in the final round. She is the youngest winner in the tournament's "
        "ninety-year history.",
    ),
    "quota": (
        "harbourtimes.com",
        "2024-04-29",
        "Fishing fleet protests new herring quota",
        "Trawler crews from Nordhavn sailed in protest along the coast on Monday after the fisheries agency cut "
        "next year's herring quota by a third. The agency said stocks in the northern sea had fallen to their "
        "lowest level in twenty years.",
    ),
}
# The same port two months later: another event, not a development of the strike.
LATER: Articles = {
    "cruise": (
        "harbourtimes.com",
        "2024-07-15",
        "Valdmar port opens a new cruise terminal",
        "The port of Valdmar opened a new cruise terminal on Monday, able to berth two of the largest passenger "
        "liners at once. Meridian Terminals, which runs the port, said it expected 300,000 cruise passengers a "
        "year and 200 new jobs in hotels and shops.",
    ),
}

# What each sentence of the two stories says (article, sentence number → its claims): two sentences
# sharing a claim say the same thing, however differently worded; a sentence not listed says
# something of its own. The truth no word count sees: two outlets' wordings of Monday's walkout
# share 10% of their content words, of Thursday's deal 35%, while Eklund's vow to strike on and
# his word that members will vote on the deal, two different things, share 31%.
CLAIMS: dict[tuple[str, int], set[str]] = {
    ("ht-1", 0): {"walkout"},
    ("ht-1", 1): {"out until the bonus is back", "bonus cut"},
    ("ch-1", 0): {"walkout"},
    ("ch-1", 1): {"bonus cut", "ships wait on Monday"},
    ("ch-1", 2): {"out until the bonus is back"},
    ("nl-2", 0): {"40 ships queue"},
    ("nl-2", 1): {"shortages"},
    ("nl-2", 2): {"offer"},
    ("nl-2", 3): {"offer rejected"},
    ("ht-3", 0): {"40 ships queue"},
    ("ht-3", 1): {"shortages"},
    ("ht-3", 2): {"offer"},
    ("ht-3", 3): {"offer rejected"},
    ("ch-3", 0): {"mediator"},
    ("ch-3", 1): {"Dahl chairs talks"},
    ("nl-4", 0): {"deal", "Dahl chairs talks"},
    ("nl-4", 1): {"vote on Friday"},
    ("ht-4", 0): {"deal", "Dahl chairs talks"},
    ("ht-4", 1): {"vote on Friday"},
    ("ch-5", 0): {"deal accepted"},
    ("ht-tram", 0): {"tram approved", "cost"},
    ("ht-tram", 1): {"first trams 2028"},
    ("ch-tram", 0): {"tram approved"},
    ("ch-tram", 1): {"cost", "first trams 2028"},
    ("nl-tram", 0): {"tram approved", "cost"},
}

FRIDAY = date(2024, 5, 10)  # the reference day of the week's briefings
SUMMER = date(2024, 7, 31)  # a reference day after everything: timelines and comparisons see it all
ALL = {**STRIKE, **TRAM, **OTHERS, **LATER}

_STOP = frozenset(
    """a an the and or but of to in on at for from by with as is are was were be been it its this that
    their his her he she they who which would could will had has have after before over off up than
    said says told more most""".split()
)


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Assistant:
    """Every article above, indexed once for the module (read-only: tests that remove build their own)."""
    root = tmp_path_factory.mktemp("news-answers")
    settings = AssistantSettings(db_path=root / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    report = build_index(store, [write(root / "articles", ALL)], show_progress=False)
    assert report.added == len(ALL) and not report.errors and report.copies == 0
    stories = store.story_groups.stories_of(list(ALL))
    assert len({stories[a] for a in STRIKE}) == 1 and len({stories[a] for a in TRAM}) == 1, "the stories are grouped"
    return Assistant(settings, store=store)


def ask(bot: Assistant, question: str, as_of: date) -> Answer:
    """The answer, checked for what every answer owes: each ``[n]`` one citation, each citation used."""
    answer = bot.ask(question, filters=Filters(as_of=as_of))
    assert citations_are_consistent(answer.text, answer.citations), answer.text
    if not answer.answered:
        assert not answer.citations
    return answer


# What a reader compares: sentences as their words (independent of the assistant's own measures).
def words(sentence: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", sentence.lower()) if w not in _STOP}


def shingles(sentence: str, size: int = 3) -> set[tuple[str, ...]]:
    tokens = re.findall(r"[a-z0-9]+", sentence.lower())
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def jaccard(one: set, other: set) -> float:
    return len(one & other) / len(one | other) if one | other else 0.0


def sentences_of(text: str) -> list[str]:
    return [" ".join(text[start:end].split()) for start, end in split_sentences(text)]


# Each sentence of the articles, with what it says (CLAIMS; else a claim of its own).
SAYS = {
    sentence: CLAIMS.get((article, n), {f"{article}:{n}"})
    for article, (_, _, _, text) in ALL.items()
    for n, sentence in enumerate(sentences_of(text))
}


def near_duplicates(one: str, other: str) -> bool:
    """The near-duplicate check: at least half their content words in common, or 30% of their 3-word
    shingles (Jaccard). On these articles the wire story and its rerun share 86% to 100% of their
    words (70% to 100% of their shingles, but for one short sentence), while sentences saying
    different things share at most 31% of their words and 13% of their shingles."""
    return jaccard(words(one), words(other)) >= 0.5 or jaccard(shingles(one), shingles(other)) >= 0.3


def say_the_same(one: str, other: str) -> bool:
    """Near-duplicates, or two wordings of one claim (CLAIMS)."""
    return near_duplicates(one, other) or bool(SAYS.get(one, {one}) & SAYS.get(other, {other}))


def assert_no_repeats(sentences: list[str]) -> None:
    for one, other in itertools.combinations(sentences, 2):
        assert not say_the_same(one, other), f"these say the same thing:\n  {one}\n  {other}"


def assert_verbatim(sentences: list[str], citations: list[Citation]) -> None:
    """Extractive: each sentence is its article's own, word for word in the first passage cited after it."""
    assert sentences and citations
    passage = " ".join(citations[0].passage.split())
    for sentence in sentences:
        assert sentence in passage, f"{sentence!r} is not in [{citations[0].n}] {citations[0].article_id}"


def story_of(bot: Assistant, citations: list[Citation]) -> set[str]:
    found = bot.store.story_groups.stories_of([c.article_id for c in citations])
    return {found[c.article_id] for c in citations}


def assert_shows_its_story(citation: Citation, removed: frozenset[str] = frozenset()) -> None:
    """A citation of the strike or the tram shows the story's three outlets, counts its other articles
    (but ``removed`` ones) and lists the first five."""
    for story in (STRIKE, TRAM):
        if citation.article_id in story:
            assert citation.story_outlets == 3
            others = set(story) - {citation.article_id} - removed
            assert citation.story_articles == len(others), "every other article is counted"
            listed = {m.article_id for m in citation.story}
            assert listed <= others and len(listed) == min(len(others), 5), "the first five are listed"


def item_groups(answer: Answer, item: NewsItem) -> list[tuple[list[str], list[Citation]]]:
    """An item's sentences in groups, each group with the citations its last sentence names: read
    from the item's data, as every consumer reads it (never from ``Answer.text``)."""
    by_n = {c.n: c for c in answer.citations}
    groups, pending = [], []
    for sentence in item.sentences:
        pending += sentences_of(sentence.text)
        if sentence.cites:
            groups.append((pending, [by_n[n] for n in sentence.cites]))
            pending = []
    assert not pending, f"sentences without a citation after them: {pending}"
    return groups


def items(answer: Answer) -> list[tuple[int, list[tuple[list[str], list[Citation]]]]]:
    """A briefing's items: the outlets each counts, and its sentences with their citations."""
    assert answer.items and all(item.kind == "story" and item.title for item in answer.items)
    numbered = [line for line in answer.text.splitlines() if re.match(r"\d+\. ", line)]
    assert len(numbered) == len(answer.items), "the plain text has a line per story"
    for item in answer.items:
        assert item.first_date <= item.last_date and len(item.outlets) == item.outlet_count
    return [(item.outlet_count, item_groups(answer, item)) for item in answer.items]


def assert_a_briefing(
    bot: Assistant, answer: Answer, start: str, end: str, removed: frozenset[str] = frozenset()
) -> list[set[str]]:
    """What every briefing owes: each item one story, told in one or two sentences quoted word for
    word from the passages they cite, all dated in the period, no story twice, nothing said twice;
    more widely reported stories first. Returns each item's cited articles."""
    assert answer.kind == "briefing" and answer.answered, answer.text
    told, stories, outlets, articles = [], [], [], []
    for count, groups in items(answer):
        item_citations = [c for _, citations in groups for c in citations]
        assert 1 <= sum(len(sentences) for sentences, _ in groups) <= 2, groups
        for sentences, citations in groups:
            assert_verbatim(sentences, citations)
            told += sentences
        assert len(story_of(bot, item_citations)) == 1, "an item tells one story"
        stories.append(story_of(bot, item_citations).pop())
        outlets.append(count)
        articles.append({c.article_id for c in item_citations})
    assert len(set(stories)) == len(stories), "no story is told twice"
    assert outlets == sorted(outlets, reverse=True), f"more widely reported first: {outlets}"
    assert all(start <= c.date <= end for c in answer.citations), [(c.article_id, c.date) for c in answer.citations]
    assert_no_repeats(told)
    for citation in answer.citations:
        assert_shows_its_story(citation, removed)
    return articles


def test_a_week_briefing_tells_the_week_s_stories_most_widely_reported_first(week: Assistant) -> None:
    answer = ask(week, "What happened this week?", FRIDAY)
    told = assert_a_briefing(week, answer, "2024-05-04", "2024-05-10")

    first_two = [articles <= set(STRIKE) or articles <= set(TRAM) for articles in told[:2]]
    assert first_two == [True, True], "the two stories three outlets carried come first"
    cited = {c.article_id for c in answer.citations}
    assert {"comet", "chess"} <= cited, "the week's single-outlet news follows"
    assert not cited & {"quota", "cruise"}, "articles of other weeks are not in this week's briefing"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What happened this week?", "briefing"),
        ("timeline of the Valdmar dock strike", "timeline"),
        ("How did outlets report the Valdmar dock strike?", "comparison"),
        ("How did outlets report the chess championship?", "comparison"),
    ],
)
def test_an_answer_with_items_round_trips_through_json_and_an_old_one_without_still_loads(
    week: Assistant, question: str, kind: str
) -> None:
    answer = ask(week, question, FRIDAY if kind == "briefing" else SUMMER)
    assert answer.kind == kind and answer.items and answer.heading, answer.text
    stored = json.loads(json.dumps(answer.to_dict()))  # as a conversation or a followed question keeps it
    assert Answer.from_dict(stored) == answer

    old = {key: value for key, value in stored.items() if key not in ("items", "heading")}  # stored before items
    loaded = Answer.from_dict(old)
    assert (loaded.items, loaded.heading, loaded.text, loaded.kind) == ((), "", answer.text, kind)
    assert loaded.citations == answer.citations


def test_a_briefing_on_a_topic_since_a_weekday_keeps_only_that_topic_in_that_period(week: Assistant) -> None:
    answer = ask(week, "Brief me on the dock strike since Wednesday", FRIDAY)
    told = assert_a_briefing(week, answer, "2024-05-08", "2024-05-10")

    assert len(told) == 1 and told[0] <= set(STRIKE), "only the strike, the week's one story on the topic"
    assert "8 May 2024 to 10 May 2024" in answer.text


def test_the_news_of_one_day_is_that_day_s_articles(week: Assistant) -> None:
    answer = ask(week, "the news of 9 May 2024", SUMMER)
    told = assert_a_briefing(week, answer, "2024-05-09", "2024-05-09")

    assert len(told) == 2 and told[0] <= {"nl-4", "ht-4"} and told[1] == {"chess"}


def test_a_period_without_articles_says_so_and_when_the_newest_article_is_from(week: Assistant) -> None:
    answer = ask(week, "the news of 1 June 2024", SUMMER)

    assert answer.kind == "briefing" and not answer.answered
    assert "1 June 2024" in answer.text and "2024-07-15" in answer.text, answer.text


def test_an_empty_index_says_no_article_is_indexed(make_store) -> None:
    answer = ask(Assistant(store=make_store("empty")), "What happened this week?", FRIDAY)

    assert answer.kind == "briefing" and not answer.answered
    assert "No article is indexed" in answer.text, answer.text


def entries(answer: Answer) -> list[tuple[date, list[str], list[Citation]]]:
    """A timeline's entries: the day, the sentence(s) and the citations."""
    found = []
    for item in answer.items:
        assert item.kind == "entry" and item.first_date == item.last_date and item.outlets
        [(sentences, citations)] = item_groups(answer, item)
        assert set(item.outlets) == {c.source for c in citations}
        found.append((date.fromisoformat(item.first_date), sentences, citations))
    assert len(found) == len(answer.items) == answer.text.count("\n- "), answer.text
    return found


def assert_a_timeline(answer: Answer) -> list[tuple[date, list[str], list[Citation]]]:
    """Dated entries in date order, each quoted word for word from the passage it cites first (of
    that day), none saying what another says."""
    assert answer.kind == "timeline" and answer.answered, answer.text
    found = entries(answer)
    assert found, answer.text
    days = [day for day, _, _ in found]
    assert days == sorted(days), "entries are in date order"
    for day, sentences, citations in found:
        assert_verbatim(sentences, citations)
        assert citations[0].date == day.isoformat()
    assert_no_repeats([sentence for _, sentences, _ in found for sentence in sentences])
    return found


def test_a_timeline_tells_a_five_day_story_once_per_development_in_date_order(week: Assistant) -> None:
    answer = ask(week, "How did the Valdmar dock strike develop?", SUMMER)
    found = assert_a_timeline(answer)

    cited = [{c.article_id for c in citations} for _, _, citations in found]
    assert set().union(*cited) == set(STRIKE), "every article of the strike is cited, and nothing else"
    assert "cruise" not in answer.text and all(day <= FRIDAY for day, _, _ in found), "the cruise terminal is not"
    by_day = {day: articles for (day, _, _), articles in zip(found, cited, strict=True)}
    assert len(by_day) == len(found) == 5, "one entry per development: five days, five developments"
    assert by_day[date(2024, 5, 6)] == {"ht-1", "ch-1"}, "Monday's walkout, told twice, is one entry citing both"
    assert by_day[date(2024, 5, 9)] == {"nl-4", "ht-4"}, "Thursday's deal, told twice, is one entry citing both"
    assert by_day[date(2024, 5, 7)] == {"nl-2", "ht-3"}, "Wednesday's rerun of Tuesday's wire story joins its entry"
    for citation in answer.citations:
        assert_shows_its_story(citation)


def test_a_timeline_as_of_a_day_ends_there_through_answer(week: Assistant) -> None:
    as_of = date(2024, 5, 6)
    result = answer("timeline of the Valdmar dock strike", db=week.settings.db_path, as_of=as_of)
    assert citations_are_consistent(result.text, result.citations)
    assert result.to_dict()["kind"] == "timeline"
    found = assert_a_timeline(result)

    last = as_of + timedelta(days=week.settings.future_grace_days)  # as_of's grace: see assistant.types.Filters
    assert found[0][0] == date(2024, 5, 6) and all(day <= last for day, _, _ in found), result.text
    assert not {c.article_id for c in result.citations} & {"ch-5", "cruise"}


def comparison(answer: Answer) -> tuple[list[tuple[list[str], list[Citation], str]], dict[str, list]]:
    """A comparison's claims in common (sentences, citations, outlets named) and each outlet's own."""
    common: list[tuple[list[str], list[Citation], str]] = []
    own: dict[str, list[tuple[list[str], list[Citation]]]] = {}
    for item in answer.items:
        if item.kind == "shared":
            [(sentences, citations)] = item_groups(answer, item)
            common.append((sentences, citations, ", ".join(item.outlets)))
        else:
            assert item.kind == "only" and len(item.outlets) == 1
            own.setdefault(item.outlets[0], []).extend(item_groups(answer, item))
    return common, own


def test_a_comparison_says_what_outlets_report_in_common_and_what_only_one_reports(week: Assistant) -> None:
    answer = ask(week, "How did outlets report the Valdmar dock strike?", SUMMER)
    assert answer.kind == "comparison" and answer.answered, answer.text
    assert answer.text.startswith("How 3 outlets reported")
    common, own = comparison(answer)

    assert common and own, answer.text
    told = []
    for sentences, citations, named in common:
        assert_verbatim(sentences, citations)
        outlets = {c.source for c in citations}
        assert len(outlets) >= 2 and outlets <= set(named.split(", ")), "in common: cited from two outlets or more"
        for citation in citations[1:]:
            says = sentences_of(citation.passage)
            assert any(say_the_same(mine, theirs) for mine in sentences for theirs in says), (
                f"[{citation.n}] {citation.article_id} does not say {sentences}"
            )
        told += sentences
    for outlet, groups in own.items():
        for sentences, citations in groups:
            assert_verbatim(sentences, citations)
            assert {c.source for c in citations} == {outlet}, "an outlet's own claim cites that outlet"
            others_say = [s for source, _, _, text in ALL.values() if source != outlet for s in sentences_of(text)]
            assert not any(say_the_same(mine, theirs) for mine in sentences for theirs in others_say)
            told += sentences
    assert_no_repeats(told)
    assert {c.article_id for c in answer.citations} <= set(STRIKE)
    for citation in answer.citations:
        assert_shows_its_story(citation)


def test_a_story_one_outlet_reported_is_said_to_be_that_outlet_s_alone(week: Assistant) -> None:
    answer = ask(week, "How did outlets report the chess championship?", SUMMER)

    assert answer.kind == "comparison" and answer.answered, answer.text
    assert answer.text.startswith("Only newsline.com reported"), answer.text
    assert [c.article_id for c in answer.citations] == ["chess"] and answer.citations[0].story_outlets == 1
    [item] = answer.items
    assert (item.kind, item.outlets) == ("account", ("newsline.com",))
    [(sentences, citations)] = item_groups(answer, item)
    assert_verbatim(sentences, citations)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What happened this week?", "briefing"),
        ("How did the Valdmar dock strike develop?", "timeline"),
        ("How did outlets report the Osterby tram line?", "comparison"),
    ],
)
def test_answer_as_of_a_day_gives_each_shape_its_kind(week: Assistant, question: str, kind: str) -> None:
    result = answer(question, db=week.settings.db_path, as_of=FRIDAY)
    shown = result.to_dict()

    assert (shown["kind"], shown["answered"]) == (kind, True), result.text
    assert citations_are_consistent(result.text, result.citations)
    last = FRIDAY + timedelta(days=week.settings.future_grace_days)  # as_of's grace: see assistant.types.Filters
    assert all(c["date"] <= last.isoformat() for c in shown["citations"]), "nothing from after the day asked about"


def test_a_removed_article_leaves_briefings_and_timelines(make_store, tmp_path: Path) -> None:
    store = make_store()
    build_index(store, [write(tmp_path / "articles", {**STRIKE, **OTHERS})], show_progress=False)
    bot = Assistant(store.settings, store=store)
    timeline_question, briefing_question = "How did the Valdmar dock strike develop?", "What happened this week?"
    assert "ch-3" in {c.article_id for c in ask(bot, timeline_question, SUMMER).citations}
    assert "comet" in {c.article_id for c in ask(bot, briefing_question, FRIDAY).citations}

    store.remove_articles(["ch-3", "comet"])

    timeline = ask(bot, timeline_question, SUMMER)
    found = assert_a_timeline(timeline)
    assert date(2024, 5, 8) not in {day for day, _, _ in found}, "Wednesday's only development is gone"
    briefing = ask(bot, briefing_question, FRIDAY)
    assert_a_briefing(bot, briefing, "2024-05-04", "2024-05-10", removed=frozenset({"ch-3", "comet"}))
    for result in (timeline, briefing):
        shown = {c.article_id for c in result.citations} | {m.article_id for c in result.citations for m in c.story}
        assert not shown & {"ch-3", "comet"}, result.text


# The chosen sources, honoured by every kind of answer (issue 26: briefings, timelines and
# comparisons used to keep the dates of the filters and drop their sources).
@pytest.mark.parametrize("outlet", ["harbourtimes.com", "newsline.com"])
def test_a_briefing_from_one_outlet_tells_only_that_outlet_s_stories(week: Assistant, outlet: str) -> None:
    asked = brief(db=week.settings.db_path, as_of=FRIDAY, sources=[outlet])
    told = assert_a_briefing(week, asked, "2024-05-04", "2024-05-10")

    mine = {doc_id for doc_id, (source, *_) in ALL.items() if source == outlet}
    assert told and set().union(*told) <= mine and {c.source for c in asked.citations} == {outlet}, asked.text
    assert all(count == 1 for count, _ in items(asked)), "the outlets counted are the ones asked for"
    in_words = week.ask("What happened this week?", filters=Filters(as_of=FRIDAY, sources=(outlet,)))
    assert {c.source for c in in_words.citations} == {outlet}, "asked in words (the chat), the same sources"


@pytest.mark.parametrize("kind", ["timeline", "comparison"])
def test_a_timeline_or_comparison_from_chosen_outlets_cites_only_them(week: Assistant, kind: str) -> None:
    one = brief("Valdmar dock strike", kind=kind, db=week.settings.db_path, as_of=SUMMER, sources=["coastherald.com"])
    assert one.kind == kind and one.answered and citations_are_consistent(one.text, one.citations), one.text
    assert {c.article_id for c in one.citations} <= {"ch-1", "ch-3", "ch-5"} and one.citations, one.text
    if kind == "comparison":
        assert "of the sources asked for (coastherald.com)" in one.text, "not “only it reported” of all outlets"

    two = week.shaped(kind, "Valdmar dock strike", Filters(as_of=SUMMER, sources=("coastherald.com", "newsline.com")))
    assert two.answered and {c.source for c in two.citations} <= {"coastherald.com", "newsline.com"}, two.text
    assert {c.source for c in two.citations} == {"coastherald.com", "newsline.com"}, two.text
    if kind == "comparison":
        assert two.text.startswith("How 2 outlets reported"), two.text


@pytest.mark.parametrize("kind", ["briefing", "timeline", "comparison"])
def test_a_source_with_nothing_on_the_topic_says_so_naming_it(week: Assistant, kind: str) -> None:
    result = week.shaped(kind, "chess", Filters(as_of=FRIDAY, sources=("harbourtimes.com",)))  # chess: newsline's

    assert result.kind == kind and not result.answered and not result.citations, result.text
    assert "from harbourtimes.com" in result.text, result.text
    if kind == "briefing":
        nowhere = brief(db=week.settings.db_path, as_of=FRIDAY, sources=["nowhere.example"])
        assert not nowhere.answered and "No indexed article from nowhere.example is dated 4 May" in nowhere.text

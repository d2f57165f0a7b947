"""Unit tests of the evaluation metrics and of date handling, on tiny hand-made inputs."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.dates import DateWindow, last_day_as_of, recency_prior, window_from_question
from assistant.evaluation.metrics import (
    QuestionResult,
    article_ranking,
    by_tier,
    contains_answer,
    first_hit_rank,
    percentile,
    short_answer_matches,
    summarise,
)
from assistant.types import Filters
from index.errors import BadDateError


def result(rank: int | None, tier: str = "gold", cited: bool = False, text: bool = False, s: float = 0.1):
    return QuestionResult(tier, rank, cited, text, s, s / 2)


def test_articles_count_once_at_their_best_passage() -> None:
    passages = ["a", "a", "b", "a", "c", "b"]
    assert article_ranking(passages) == ["a", "b", "c"]
    assert first_hit_rank(article_ranking(passages), {"c", "x"}) == 3
    assert first_hit_rank(["a", "b"], {"z"}) is None


def test_hits_and_mrr_on_a_hand_made_ranking() -> None:
    summary = summarise([result(1), result(3), result(7), result(None)])
    assert summary["n"] == 4
    assert summary["hit@1"] == 0.25
    assert summary["hit@5"] == 0.5
    assert summary["hit@10"] == 0.75
    assert summary["mrr@10"] == pytest.approx((1 + 1 / 3 + 1 / 7) / 4, abs=1e-4)


def test_mrr_at_10_ignores_ranks_beyond_10() -> None:
    assert summarise([result(11)])["mrr@10"] == 0.0


def test_tiers_are_reported_apart_and_together() -> None:
    report = by_tier([result(1, "gold", cited=True), result(None, "silver", text=True)])
    assert report["all"]["n"] == 2 and report["gold"]["n"] == 1 and report["silver"]["n"] == 1
    assert report["gold"]["answer_in_citations"] == 1.0 and report["silver"]["answer_in_citations"] == 0.0
    assert report["silver"]["answer_in_text"] == 1.0
    assert by_tier([result(1)])["silver"] == {"n": 0}


def test_answer_matching_normalises_case_punctuation_and_spaces_but_not_partial_words() -> None:
    assert contains_answer("The U.S.  sent $1,000 to\nKyiv.", "u.s. sent $1,000")
    assert contains_answer("Heavy snowfall stranded drivers", "heavy  SNOWFALL")
    assert not contains_answer("Snowfalls were heavy", "snowfall")
    assert not contains_answer("anything", "  ")


def test_a_short_answer_matches_only_the_whole_gold_answer() -> None:
    assert short_answer_matches("Emmanuel  Macron", "emmanuel macron")
    assert short_answer_matches("$9,000", "9,000")
    assert not short_answer_matches("Macron", "Emmanuel Macron")
    assert not short_answer_matches(None, "Emmanuel Macron")


def test_percentiles_use_the_nearest_rank() -> None:
    values = [0.1 * n for n in range(1, 21)]
    assert percentile(values, 0.5) == pytest.approx(1.0)
    assert percentile(values, 0.95) == pytest.approx(1.9)
    assert percentile([], 0.5) == 0.0


REFERENCE = date(2023, 5, 17)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who won the election in 2022?", DateWindow(date(2022, 1, 1), date(2022, 12, 31))),
        ("Who was named person of the year for 2022?", DateWindow(date(2022, 1, 1), date(2022, 12, 31))),
        ("When is the first debate of 2024?", DateWindow(date(2024, 1, 1), date(2024, 12, 31))),
        ("What happened in March 2021?", DateWindow(date(2021, 3, 1), date(2021, 3, 31))),
        ("What did the court rule in Sept. 2020?", DateWindow(date(2020, 9, 1), date(2020, 9, 30))),
        ("Which bills passed since 2021?", DateWindow(date(2021, 1, 1), None)),
        ("Which bills passed before 2021?", DateWindow(None, date(2020, 12, 31))),
        ("Which country won the vote this week?", DateWindow(date(2023, 5, 7), date(2023, 5, 20))),
        ("What was announced yesterday?", DateWindow(date(2023, 5, 13), date(2023, 5, 17))),
        ("Who resigned last month?", DateWindow(date(2023, 3, 13), date(2023, 4, 22))),
        ("What does Turkey demand in Libya?", None),
    ],
)
def test_dates_named_in_questions(question: str, expected: DateWindow | None) -> None:
    assert window_from_question(question, REFERENCE) == expected


def test_recency_prior_favours_recent_articles_and_rules_out_the_future() -> None:
    def prior(day: date | None) -> float:
        return recency_prior(day, REFERENCE, half_life_days=14, grace_days=3)

    assert prior(REFERENCE) == 1.0
    assert prior(date(2023, 5, 3)) == pytest.approx(0.5)
    assert prior(date(2023, 5, 3)) > prior(date(2023, 4, 1)) > prior(date(2020, 1, 1)) > 0
    assert prior(date(2023, 5, 20)) == 1.0, "a few days after as_of still counts"
    assert prior(date(2023, 5, 21)) == -1.0
    assert prior(None) == 0.0


def test_typed_filters_read_every_door_s_dates_one_way_and_name_the_field_as_shown() -> None:
    typed = Filters.typed("2024-03-08", "", "2024-03-07", ["a.com"], names=("--as-of", "--since", "--until"))
    assert typed == Filters(as_of=date(2024, 3, 8), until=date(2024, 3, 7), sources=("a.com",))
    assert Filters.typed() == Filters()
    with pytest.raises(BadDateError, match="From: “8 March” is not a date"):
        Filters.typed(since="8 March", names=("As of", "From", "Until"))
    with pytest.raises(BadDateError, match="until: 9999-12-31 is out of range"):
        Filters.typed(until="9999-12-31")


def test_the_as_of_grace_is_one_day_count_for_the_cut_and_the_prior() -> None:
    last = last_day_as_of(date(2024, 3, 8), 3)
    assert last == date(2024, 3, 11)
    prior = {
        day: recency_prior(day, date(2024, 3, 8), half_life_days=14, grace_days=3) for day in (last, date(2024, 3, 12))
    }
    assert prior[last] > 0 and prior[date(2024, 3, 12)] == -1.0, "the future starts the day after the grace"

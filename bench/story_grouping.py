"""How well articles about one event are grouped into one story (index/stories/groups.py), on RealTimeQA.

Usage::

    python bench/story_grouping.py [--db DIR] [--others 100] [--weeks N] [--no-sweep] [--whole-corpus] [--largest N]
    ASSISTANT_EMBEDDING_MODEL=wordllama python bench/story_grouping.py   # 100x faster encoder

Data (read at run time from ``../shared/eval/``, never copied): the dev questions whose evidence
articles come from two outlets or more, every other question asked in the same weeks, their
evidence articles, and ``--others`` articles that are no question's evidence but dated within three
days of one (the hard distractors: same days, often the same topics), indexed into ``--db`` with
``index.build.build_index`` (incrementally: a second run embeds nothing). ``--whole-corpus`` groups
every article of the corpus instead (8,097 for the eval corpus; point ``--db`` at a copy of an index of
it and nothing is embedded), all the distractors of the same days; ``--largest N`` lists the
N largest stories the build row made.

Figures, per grouping rule, over article pairs the labels speak for:

- **pair recall**: pairs of one question's evidence articles from different outlets, the share
  in one story; "clean" leaves out digests ("5 things to know", daily briefings, quizzes, podcasts,
  untitled pages), which cover several events and so can only belong to one of them;
- **separation**: pairs of evidence articles of different questions asked the same week (and never
  evidence of one question together), the share in different stories. Some such pairs truly are one
  event (two questions about one announcement), so 1.0 is not reachable;
- **precision**: among grouped pairs of evidence articles, the share that are one question's evidence
  (the rest being the pairs of the separation figure).

The ``build`` row is the store itself, grouped by :func:`index.build.group_stories` with the
default rule; the others re-group the same articles, in the same order, in an in-memory database.
Asserts nothing.

Measured (568 articles: 485 evidence of 227 questions, 100 distractors, 17 of them wire copies;
244 cross-outlet pairs, 3,532 apart), average link, name weight 0.25, score 0.40:

| encoder, rule | pair recall | recall (no digests) | separation | precision | precision (no digests) |
| --- | --- | --- | --- | --- | --- |
| minilm, the last 4 days' members scored (before issue 27) | 0.840 | 0.927 | 0.970 | 0.826 | 0.901 |
| wordllama (default), the same | 0.799 | 0.881 | 0.975 | 0.843 | 0.903 |
| wordllama, every member scored, 14 days at most (2026-12-05) | 0.803 | 0.881 | 0.975 | 0.845 | 0.913 |

With ``--whole-corpus`` (the 8,097 articles of the eval corpus, wordllama, 2026-12-05): before, recall
0.758, precision 0.864, largest story 26 articles over 19 days; after, 0.787 and 0.870, largest 32
articles over 10 days (the 2024 election's result and transition), none longer than 14 days.

Single link reached the same recall only with lower precision (minilm 0.844 recall at 0.809
precision): daily digests chained unrelated stories. Grouping costs a few ms per article (2-6 ms
measured on 2 shared cores under load, the same before and after issue 27).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine

from assistant.settings import AssistantSettings
from index.articles import Article, parse_date
from index.build import build_index, first_chunk_vectors, group_stories
from index.sources.files import iter_articles
from index.store import ArticleStore
from index.stories.groups import GroupingRule, StoryGroups

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
DIGEST = re.compile(r"things to know|briefing|quiz of the week|50 states|podcast|^\s*$", re.IGNORECASE)
Pair = tuple[str, str]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=EVAL / "realtimeqa_eval_corpus.jsonl.gz")
    parser.add_argument("--questions", type=Path, default=EVAL / "realtimeqa_dev_questions.jsonl")
    parser.add_argument("--db", type=Path, default=None, help="index folder (default: a folder in the temp dir)")
    parser.add_argument("--others", type=int, default=100, help="distractors dated near the evidence")
    parser.add_argument("--weeks", type=int, default=None, help="only the first N question weeks")
    parser.add_argument("--no-sweep", action="store_true", help="only the default rule")
    parser.add_argument("--whole-corpus", action="store_true", help="group every article of the corpus")
    parser.add_argument("--largest", type=int, default=0, help="list the N largest stories of the build row")
    args = parser.parse_args()

    settings = AssistantSettings()
    db = args.db or Path(tempfile.gettempdir()) / f"story-bench-{settings.embedding_model.replace('/', '_')}"
    questions = [json.loads(line) for line in args.questions.open(encoding="utf-8") if line.strip()]
    light = {a.id: a for a in iter_articles([args.corpus], [])}  # the whole corpus, to choose from
    chosen_questions = _questions(questions, light, args.weeks)
    evidence = {d for q in chosen_questions for d in q["evidence_doc_ids"] if d in light}
    chosen = set(light) if args.whole_corpus else evidence | _distractors(light, evidence, args.others)
    print(
        f"{len(chosen_questions)} questions, {len(evidence)} evidence articles, {len(chosen)} articles", file=sys.stderr
    )

    store = ArticleStore.open(settings.model_copy(update={"db_path": db}))
    report = build_index(store, [args.corpus], keep=lambda a: a.id in chosen, show_progress=True)
    print(f"index ({settings.embedding_model}): {report.summary()}", file=sys.stderr)
    articles = [a for a in iter_articles([args.corpus], []) if a.id in chosen]  # the build's order
    kept_for = store.stories.kept_for(sorted(chosen))
    indexed = [a for a in articles if a.id not in kept_for]
    vectors = first_chunk_vectors(store, indexed)

    started = time.perf_counter()
    store.story_groups.clear()
    group_stories(store, indexed)
    per_article = (time.perf_counter() - started) / max(1, len(indexed))
    labels = _labels(chosen_questions, light, chosen)
    built = store.story_groups.stories_of(sorted(chosen))
    rows = [("build", store.story_groups.rule, _figures(built, kept_for, labels, light))]
    if not args.no_sweep:
        for linkage, weight, score in itertools.product(
            ("single", "average"), (0.0, 0.25, 0.5, 1.0), [round(0.3 + 0.05 * i, 2) for i in range(10)]
        ):
            rule = GroupingRule(min_score=score, name_weight=weight, linkage=linkage)
            groups = StoryGroups(create_engine("sqlite://"), "bench", rule)
            for article in indexed:
                if article.id in vectors:
                    groups.assign(article, vectors[article.id])
            rows.append(("sweep", rule, _figures(groups.stories_of(sorted(chosen)), kept_for, labels, light)))
    _print(rows, settings.embedding_model, per_article, labels)
    _print_largest(built, light, args.largest)


def _questions(questions: list[dict[str, Any]], corpus: dict[str, Article], weeks: int | None) -> list[dict[str, Any]]:
    """Every question asked in a week that has a question with evidence from two outlets or more."""
    multi = {_week(q) for q in questions if len({corpus[d].source for d in q["evidence_doc_ids"] if d in corpus}) >= 2}
    kept_weeks = sorted(multi)[:weeks] if weeks else multi
    return [q for q in questions if _week(q) in kept_weeks]


def _distractors(corpus: dict[str, Article], evidence: set[str], count: int) -> set[str]:
    days = {date.fromisoformat(corpus[d].date or "1900-01-01").toordinal() for d in evidence}
    near = {day + shift for day in days for shift in range(-3, 4)}
    found = [
        a.id
        for a in corpus.values()
        if a.id not in evidence and a.date and date.fromisoformat(a.date).toordinal() in near
    ]
    return set(found[:count])


def _week(question: dict[str, Any]) -> tuple[int, int]:
    year, week, _ = date.fromisoformat(parse_date(question["question_date"]) or "1900-01-01").isocalendar()
    return year, week


def _labels(questions: list[dict[str, Any]], corpus: dict[str, Article], chosen: set[str]) -> dict[str, set[Pair]]:
    evidence = [[d for d in q["evidence_doc_ids"] if d in chosen] for q in questions]
    together = {_pair(x, y) for ids in evidence for x, y in itertools.combinations(ids, 2) if x != y}
    outlets = {
        _pair(x, y)
        for ids in evidence
        for x, y in itertools.combinations(ids, 2)
        if corpus[x].source != corpus[y].source
    }
    digests = {a for a in chosen if DIGEST.search(corpus[a].title or "")}
    by_week: dict[tuple[int, int], list[list[str]]] = defaultdict(list)
    for question, ids in zip(questions, evidence, strict=True):
        by_week[_week(question)].append(ids)
    apart = {
        _pair(x, y)
        for weekly in by_week.values()
        for first, second in itertools.combinations(weekly, 2)
        for x in first
        for y in second
        if x != y and _pair(x, y) not in together
    }
    clean = {p for p in outlets if not set(p) & digests}
    return {
        "together": together,
        "outlets": outlets,
        "clean": clean,
        "apart": apart,
        "together_clean": {p for p in together if not set(p) & digests},
        "apart_clean": {p for p in apart if not set(p) & digests},
    }


def _pair(x: str, y: str) -> Pair:
    return (x, y) if x < y else (y, x)


def _figures(
    story: dict[str, str], kept_for: dict[str, str], labels: dict[str, set[Pair]], corpus: dict[str, Article]
) -> dict[str, float]:
    def of(article_id: str) -> str | None:
        return story.get(kept_for.get(article_id, article_id))

    def grouped(pairs: Iterable[Pair]) -> list[Pair]:
        return [p for p in pairs if of(p[0]) is not None and of(p[0]) == of(p[1])]

    sizes: dict[str, int] = defaultdict(int)
    days: dict[str, list[str]] = defaultdict(list)
    for article_id, value in story.items():
        sizes[value] += 1
        days[value].append(corpus[article_id].date or "")
    right, wrong = len(grouped(labels["together"])), len(grouped(labels["apart"]))
    right_clean, wrong_clean = len(grouped(labels["together_clean"])), len(grouped(labels["apart_clean"]))
    return {
        "recall": len(grouped(labels["outlets"])) / max(1, len(labels["outlets"])),
        "recall_clean": len(grouped(labels["clean"])) / max(1, len(labels["clean"])),
        "separation": 1 - wrong / max(1, len(labels["apart"])),
        "precision": right / max(1, right + wrong),
        "precision_clean": right_clean / max(1, right_clean + wrong_clean),
        "stories": len(sizes),
        "largest": max(sizes.values(), default=0),
        "longest": max((_days(min(got), max(got)) for got in days.values() if all(got)), default=0),
    }


def _print(
    rows: list[tuple[str, GroupingRule, dict[str, float]]], model: str, per_article: float, labels: dict
) -> None:
    print(
        f"encoder {model}; pairs: {len(labels['outlets'])} cross-outlet ({len(labels['clean'])} without digests), "
        f"{len(labels['apart'])} apart, {len(labels['together'])} together; "
        f"grouping {per_article * 1000:.1f} ms per article"
    )
    columns = ["row", "linkage", "name weight", "min score", "pair recall", "recall (no digests)", "separation"]
    columns += ["precision", "precision (no digests)", "stories", "largest", "longest (days)"]
    print("| " + " | ".join(columns) + " |")
    print("|" + " --- |" * len(columns))
    for label, rule, f in rows:
        print(
            f"| {label} | {rule.linkage} | {rule.name_weight} | {rule.min_score} | {f['recall']:.3f} | "
            f"{f['recall_clean']:.3f} | {f['separation']:.3f} | {f['precision']:.3f} | "
            f"{f['precision_clean']:.3f} | {f['stories']:.0f} | {f['largest']:.0f} | {f['longest']:.0f} |"
        )


def _days(first: str, last: str) -> int:
    return (date.fromisoformat(last) - date.fromisoformat(first)).days


def _print_largest(story: dict[str, str], corpus: dict[str, Article], count: int) -> None:
    """The ``count`` largest stories: their size, their span and their first titles."""
    members: dict[str, list[Article]] = defaultdict(list)
    for article_id, value in sorted(story.items()):
        members[value].append(corpus[article_id])
    for got in sorted(members.values(), key=len, reverse=True)[:count]:
        dated = sorted(got, key=lambda a: a.date or "")
        span = _days(dated[0].date, dated[-1].date) if dated[0].date and dated[-1].date else 0
        titles = "; ".join(f"{a.date} {a.title[:60]}" for a in dated[:: max(1, len(dated) // 4)][:4])
        print(f"- {len(got)} articles over {span} days: {titles}")


if __name__ == "__main__":
    main()

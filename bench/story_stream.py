"""Does one topic reported for two months stay many stories? Story grouping on a made-up stream.

Usage::

    python bench/story_stream.py [--articles 300] [--days 60] [--db DIR]

The stream (``tests/story_stream.py``): a season of storms in an invented country, ~75 events each
told by two to six outlets over up to four days from shared templates, plus one town's bridge
rebuilt in the news every three days all season. It is indexed into ``--db`` with
:func:`index.build.build_index` (the store's own grouping: the ``build`` row), then regrouped in an
in-memory database with each rule of a small sweep, the articles in the same order.

Figures: **stories**, the **largest** (articles) and the **longest** (days from its first article
to its last); **pair recall**, the share of pairs of one event's articles in one story (the bridge
left out: no story of two weeks can hold a season); **precision**, the share of grouped pairs that
are one event's; **follow-ups**, stories that follow an earlier one. Asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine

from assistant.settings import AssistantSettings
from index.articles import Article
from index.build import build_index, first_chunk_vectors
from index.sources.files import iter_articles
from index.store import ArticleStore
from index.stories.groups import GroupingRule, StoryGroups
from tests.story_stream import stream, write_stream


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--db", type=Path, default=None, help="index folder (default: a new temp folder)")
    args = parser.parse_args()

    records = stream(args.articles, args.days)
    event = {r["doc_id"]: r["event"] for r in records}
    scratch = Path(tempfile.mkdtemp(prefix="story-stream-"))
    path = write_stream(scratch, records)
    settings = AssistantSettings()
    store = ArticleStore.open(settings.model_copy(update={"db_path": args.db or scratch / "db"}))
    report = build_index(store, [path], show_progress=False)
    print(f"{len(records)} articles, {len(set(event.values()))} events; {report.summary()}", file=sys.stderr)
    vectors = first_chunk_vectors(store, list(iter_articles([path], [])))
    articles = [a for a in iter_articles([path], []) if a.id in vectors]  # wire copies are no story's members

    rows = [("build", store.story_groups.rule, _figures(store.story_groups, articles, event))]
    for scope, span, score in itertools.product(("window", "story"), (14, 10_000), (0.4, 0.5)):
        rule = GroupingRule(min_score=score, max_span_days=span, scope=scope)
        groups = StoryGroups(create_engine("sqlite://"), "bench", rule)
        groups.assign_many([(a, vectors[a.id]) for a in articles])
        rows.append(("sweep", rule, _figures(groups, articles, event)))
    print(f"encoder {settings.embedding_model}")
    columns = ["row", "scored on", "max span", "min score", "stories", "largest", "longest (days)", "pair recall"]
    columns.append("precision")
    print("| " + " | ".join([*columns, "follow-ups"]) + " |")
    print("|" + " --- |" * (len(columns) + 1))
    for label, rule, f in rows:
        print(
            f"| {label} | {rule.scope} | {rule.max_span_days} | {rule.min_score} | {f['stories']} | {f['largest']} | "
            f"{f['longest']} | "
            f"{f['recall']:.3f} | {f['precision']:.3f} | {f['follow_ups']} |"
        )


def _figures(groups: StoryGroups, articles: list[Article], event: dict[str, str]) -> dict[str, float]:
    story = groups.stories_of([a.id for a in articles])
    members: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        members[story[article.id]].append(article)
    spans = [
        (date.fromisoformat(max(a.date or "" for a in got)) - date.fromisoformat(min(a.date or "" for a in got))).days
        for got in members.values()
    ]
    pairs = list(itertools.combinations([a.id for a in articles], 2))
    same = [p for p in pairs if event[p[0]] == event[p[1]] and event[p[0]] != "bridge"]
    grouped = [p for p in pairs if story[p[0]] == story[p[1]]]
    right = sum(event[x] == event[y] for x, y in grouped)
    follows = groups.follows_of(sorted(members))
    return {
        "stories": len(members),
        "largest": max(len(got) for got in members.values()),
        "longest": max(spans),
        "recall": sum(story[x] == story[y] for x, y in same) / max(1, len(same)),
        "precision": right / max(1, len(grouped)),
        "follow_ups": sum(1 for value in follows.values() if value),
    }


if __name__ == "__main__":
    main()

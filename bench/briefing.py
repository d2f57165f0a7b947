"""Briefing coverage on RealTimeQA: does a week's briefing hold the answers to that week's news quiz?

Usage::

    ASSISTANT_EMBEDDING_MODEL=wordllama python bench/briefing.py --db data/enc/full-wordllama [--limit N]
        [--json out.json] [--corpus ../shared/eval/realtimeqa_full_corpus.jsonl.gz] [--before]

The quizzes (CNN, USA Today, The Week) ask about each week's top news, so a good briefing of the
week should hold many of their answers. For each quiz date of the dev questions (read at run time
from ``../shared/eval/``, never copied), the bench asks the index (``--db``, built beforehand,
opened with the environment's settings) for the briefing of the week up to that date with at most
10 items (:func:`assistant.news.briefing.brief` on a :class:`assistant.news.dispatch.NewsAnswerer`'s
context, as ``bot.news.answer`` calls it; no story writer: the extractive briefing), and counts,
over that date's questions, the share whose gold answer appears
(:func:`assistant.evaluation.metrics.contains_answer`: whole words, case and punctuation normalised)

- in the briefing's **text**: its items' titles and sentences (the heading, item numbers, the
  "(3 outlets, dates)" notes and ``[n]`` markers are left out: "10." or "3 outlets" would match
  numeric answers such as "10" or "3");
- in its **cited passages**: the citations' passage texts, joined.

Two baselines over the same index and period, measured the same way, each told by its articles'
first two quotable lead sentences (:func:`assistant.news.story_text.lead_sentences` over the first two
chunks; text = those sentences, cited = the passages they come from):

- **newest**: the period's 10 newest articles (same day: by article id);
- **centroid**: the period's 10 articles whose first-chunk vector is closest (cosine) to the mean
  of all the period's first-chunk vectors (unit-normalised): the week's "average" news.

Target: cited-passage coverage at least 1.5x the better baseline's. Also timed: each briefing call
(p50/p95/max; the target is under 2 s for a week of the eval corpus, the full corpus holds about
three times as many articles a week).

The period: the 7 days ending on the quiz date, the quiz date included (quiz date - 6 to quiz
date), which is what the assistant reads "What happened this week?" as on that day. The evidence
article nearest each question's date is dated the quiz day itself for 111 of the 715 questions and
1 to 6 days before for 556 (7 days before: 14; after: 18), so leaving the quiz day out would lose
a sixth of the answers. ``--before`` measures the 7 days before it instead (quiz date - 7 to - 1).

Diagnostics, per question, to tell ranking misses from telling misses: whether an evidence article
(or the article indexed in place of its wire copy; with ``--corpus``, also of its same-text
duplicate) is dated in the period; the rank of its story among the period's stories in the
briefing's own order (and whether the briefing listed it); whether the answer is in the first two
chunks of an evidence article (what a lead-based item can quote) or of any article of the period
(the ceiling of every method here); the outlets and sizes of the stories chosen against those of
the evidence stories; the share of questions whose evidence story would be among the first 10 in
other orders (by outlets then articles, by articles in the period, by closeness to the week's mean
vector). Prints figures; asserts nothing.

Measured on ``data/enc/full-wordllama`` (the full corpus, 26,760 articles, wordllama; every evidence
article indexed, 43 as another's wire copy), all 273 quiz dates, 715 questions (12 min; the
briefings timed while other benchmarks ran on the machine's 2 cores):

| tier | n | briefing text | briefing cited | newest text | newest cited | centroid text | centroid cited |
| --- | --- | --- | --- | --- | --- | --- | --- |
| all | 715 | 0.310 | 0.369 | 0.166 | 0.220 | 0.173 | 0.234 |
| gold | 242 | 0.223 | 0.256 | 0.087 | 0.141 | 0.120 | 0.161 |
| silver | 473 | 0.355 | 0.427 | 0.207 | 0.260 | 0.201 | 0.271 |

Briefing cited / best baseline (centroid) cited: 1.58 (target 1.5 met). Seconds per briefing: p50
0.64, p95 0.99, max 1.65 (a median 71 articles and 44 stories a week). The ceiling (answer in the
first two chunks of any article of the week) is 0.880; the evidence story is among the 10 listed
for 0.496 of the questions (articles counted in the period only: 0.543), and when it is listed the
answer is cited for 0.662 (it is in the evidence article's first two chunks for 0.873).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.documents import Document
from tqdm import tqdm

from assistant.dates import DateWindow
from assistant.evaluation.harness import load_questions, with_copies_as_evidence
from assistant.evaluation.metrics import contains_answer, percentile
from assistant.news.briefing import MAX_ITEMS, _ranked_stories, _read_first, brief
from assistant.news.context import Period, in_period
from assistant.news.dispatch import NewsAnswerer
from assistant.news.requests import NewsRequest
from assistant.news.story_text import lead_sentences
from assistant.settings import AssistantSettings
from assistant.types import Answer
from index.articles import date_as_int, parse_date
from index.store import ArticleStore
from index.stories.groups import Story

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
DAYS = 7
LEAD_CHUNKS = 2  # as the briefing reads its articles (assistant.news.context.LEAD_CHUNKS)
LEAD_SENTENCES = 2  # a baseline article's sentences
METHODS = ("briefing", "newest", "centroid")
TARGET_RATIO = 1.5
# One briefing item: "3. **Title** (2 outlets, 2023-03-01 to 2023-03-02): Sentence. [1][2] Sentence. [3]"
_ITEM = re.compile(r"^\d+\. \*\*(?P<title>.*?)\*\* \((?P<coverage>[^)]*)\): (?P<body>.*)$")
_MARKERS = re.compile(r"\[\d+\]")


@dataclass(slots=True)
class Told:
    """What one method told of a period: what a reader reads and the passages it cites."""

    text: str
    cited: str
    body: str = ""  # the briefing's sentences without its titles, to tell hits that only a title holds
    articles: list[str] = field(default_factory=list)  # the articles it quotes (cited), in order
    sources: list[str] = field(default_factory=list)  # their outlets
    passages: int = 0


@dataclass(slots=True)
class PeriodArticles:
    """The period's indexed articles: their dates, outlets, first-chunk vectors and first chunks."""

    ids: list[str]
    dates: dict[str, str]
    sources: dict[str, str]
    vectors: np.ndarray
    leads: dict[str, list[Document]]  # the first LEAD_CHUNKS chunks of each, in reading order

    def lead_passages(self, store: ArticleStore, article_ids: Sequence[str]) -> list[Document]:
        """What ``store.article_passages(article_ids, first_chunks=LEAD_CHUNKS)`` returns, read from
        the period's chunks (the store is asked only for articles outside the period)."""
        ids = list(dict.fromkeys(article_ids))
        fetched = store.article_passages([a for a in ids if a not in self.leads], first_chunks=LEAD_CHUNKS)
        outside: dict[str, list[Document]] = defaultdict(list)
        for passage in fetched:
            outside[str(passage.metadata.get("article_id", ""))].append(passage)
        return [p for a in ids for p in (self.leads[a] if a in self.leads else outside.get(a, []))]

    def lead_text(self, article_id: str) -> str:
        return "\n".join(passage.page_content for passage in self.leads.get(article_id, []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="a built index (default: the settings' db_path)")
    parser.add_argument("--questions", type=Path, default=EVAL / "realtimeqa_dev_questions.jsonl")
    parser.add_argument("--limit", type=int, default=None, help="only N quiz dates, evenly spread")
    parser.add_argument("--items", type=int, default=MAX_ITEMS, help="briefing items and baseline articles")
    parser.add_argument("--before", action="store_true", help="the 7 days before the quiz date, not through it")
    parser.add_argument("--corpus", type=Path, default=None, help="widen evidence with same-text duplicates")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    settings = AssistantSettings() if args.db is None else AssistantSettings(db_path=args.db)
    questions = load_questions(args.questions)
    if args.corpus:
        questions = with_copies_as_evidence(questions, args.corpus)
    by_date: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for question in questions:
        by_date[date.fromisoformat(parse_date(question["question_date"]) or "")].append(question)
    quiz_dates = sorted(by_date)
    if args.limit and args.limit < len(quiz_dates):  # spread over the years, not the first weeks
        quiz_dates = [quiz_dates[n * len(quiz_dates) // args.limit] for n in range(args.limit)]

    store = ArticleStore.open(settings)
    news = NewsAnswerer(store, settings, min_relevance=0.0)  # no topic: the floor is never used
    print(f"{settings.embedding_model}, {store.count():,d} chunks in {store.location}", file=sys.stderr)
    rows: list[dict[str, Any]] = []
    seconds: list[float] = []
    chosen_outlets: Counter[int] = Counter()
    for quiz in tqdm(quiz_dates, desc="quiz dates", unit=" dates"):
        end = quiz - timedelta(days=1) if args.before else quiz
        start = end - timedelta(days=DAYS - 1)
        started = time.perf_counter()
        # What NewsAnswerer.answer does for a briefing request (bot.news.answer), with --items passed on.
        answer = brief(news.context, NewsRequest("briefing", "", DateWindow(start, end)), end, max_items=args.items)
        seconds.append(time.perf_counter() - started)
        period = _period_articles(store, start, end)
        told = {
            "briefing": _briefing_told(answer),
            "newest": _leads_told(period.lead_passages(store, _newest(period, args.items))),
            "centroid": _leads_told(period.lead_passages(store, _central(period, args.items))),
        }
        ranked = _ranked_stories(news.context, "", Period(start, end))
        chosen_outlets.update(story.outlets for story in ranked[: args.items])
        orders = _orders(store, period, ranked)
        listed = _listed_leads(store, ranked[: args.items], Period(start, end), period)
        rows += _question_rows(
            store,
            by_date[quiz],
            quiz=quiz,
            period=period,
            told=told,
            ranked=ranked,
            orders=orders,
            listed=listed,
            items=args.items,
        )

    report = _report(rows, seconds, dates=len(quiz_dates), chosen_outlets=chosen_outlets, settings=settings, args=args)
    _print(report)
    if args.json:
        args.json.write_text(json.dumps({**report, "questions": rows}, indent=2))


def _period_articles(store: ArticleStore, start: date, end: date) -> PeriodArticles:
    """Every article dated ``start``..``end`` with its first chunks and first-chunk vector (one Chroma query)."""
    where: Any = {
        "$and": [
            {"chunk": {"$lt": LEAD_CHUNKS}},
            {"date_int": {"$gte": date_as_int(start.isoformat())}},
            {"date_int": {"$lte": date_as_int(end.isoformat())}},
        ]
    }
    found = store.collection.get(where=where, include=["documents", "metadatas", "embeddings"])
    embeddings = [] if found["embeddings"] is None else list(found["embeddings"])
    leads: dict[str, list[Document]] = defaultdict(list)
    first: dict[str, np.ndarray] = {}
    for chunk_id, text, metadata, vector in zip(
        found["ids"], found["documents"] or [], found["metadatas"] or [], embeddings, strict=True
    ):
        passage = Document(id=chunk_id, page_content=text or "", metadata=dict(metadata or {}))
        article_id = str(passage.metadata.get("article_id", ""))
        leads[article_id].append(passage)
        if passage.metadata.get("chunk") == 0:
            first[article_id] = np.asarray(vector, dtype=np.float32)
    ids = sorted(first)
    for passages in leads.values():
        passages.sort(key=lambda passage: int(passage.metadata.get("chunk") or 0))
    return PeriodArticles(
        ids=ids,
        dates={a: str(leads[a][0].metadata.get("date", "")) for a in ids},
        sources={a: str(leads[a][0].metadata.get("source", "")) for a in ids},
        vectors=np.vstack([first[a] for a in ids]) if ids else np.zeros((0, 1), dtype=np.float32),
        leads=dict(leads),
    )


def _newest(period: PeriodArticles, count: int) -> list[str]:
    """The ``count`` newest articles (one day: by article id, a stable order)."""
    return sorted(period.ids, key=lambda article_id: (-date_as_int(period.dates[article_id]), article_id))[:count]


def _central(period: PeriodArticles, count: int) -> list[str]:
    """The ``count`` articles closest to the period's mean first-chunk vector."""
    if not period.ids:
        return []
    units = period.vectors / np.maximum(np.linalg.norm(period.vectors, axis=1, keepdims=True), 1e-12)
    centre = units.mean(axis=0)
    centre /= float(np.linalg.norm(centre)) or 1.0
    order = np.argsort(-(units @ centre), kind="stable")
    return [period.ids[i] for i in order[:count]]


def _leads_told(leads: list[Document]) -> Told:
    """The first ``LEAD_SENTENCES`` quotable sentences of each article of ``leads`` (their first chunks,
    in reading order) and the passages holding them."""
    sentences = lead_sentences(leads, LEAD_SENTENCES)
    passages: dict[str, Document] = {}
    for sentence in sentences:
        passages.setdefault(str(sentence.passage.id), sentence.passage)
    return Told(
        text=" ".join(sentence.text for sentence in sentences),
        cited="\n\n".join(passage.page_content for passage in passages.values()),
        articles=list(dict.fromkeys(sentence.article_id for sentence in sentences)),
        passages=len(passages),
    )


def _briefing_told(answer: Answer) -> Told:
    """The briefing's titles and sentences (no heading, numbers, coverage notes or markers) and citations."""
    titles, bodies = [], []
    for line in answer.text.splitlines()[2:]:  # after the heading and its blank line
        if match := _ITEM.match(line.strip()):
            titles.append(match["title"])
            bodies.append(" ".join(_MARKERS.sub(" ", match["body"]).split()))
        elif line.strip():  # not an item as briefings write them today: count its words, not its number
            titles.append("")
            bodies.append(" ".join(_MARKERS.sub(" ", re.sub(r"^\d+\.\s*", "", line.strip())).split()))
    return Told(
        text="\n".join(f"{title}. {body}" for title, body in zip(titles, bodies, strict=True)),
        cited="\n\n".join(citation.passage for citation in answer.citations),
        body="\n".join(bodies),
        articles=list(dict.fromkeys(citation.article_id for citation in answer.citations)),
        sources=list({citation.article_id: citation.source for citation in answer.citations}.values()),
        passages=len(answer.citations),
    )


def _orders(store: ArticleStore, period: PeriodArticles, ranked: Sequence[Story]) -> dict[str, dict[str, int]]:
    """The rank (from 1) of each of the period's stories in the briefing's order and in other orders it
    could use: by outlets then articles (:meth:`~index.stories.groups.StoryGroups.stories_between`), by
    articles in the period, and by closeness of the story's mean first-chunk vector to the period's."""
    story_of = store.story_groups.stories_of(period.ids)
    members: dict[str, list[int]] = defaultdict(list)
    for n, article_id in enumerate(period.ids):
        if article_id in story_of:
            members[story_of[article_id]].append(n)
    units = period.vectors / np.maximum(np.linalg.norm(period.vectors, axis=1, keepdims=True), 1e-12)
    centre = units.mean(axis=0) if len(units) else units.sum(axis=0)
    centre /= float(np.linalg.norm(centre)) or 1.0

    def closeness(story: Story) -> float:
        rows = members.get(story.story_id)
        if not rows:
            return -1.0
        mean = units[rows].mean(axis=0)
        return float(mean @ centre) / (float(np.linalg.norm(mean)) or 1.0)

    keys: dict[str, Any] = {
        "outlets": lambda story: (-story.outlets, -story.articles, story.first_date, story.story_id),
        "articles_in_period": lambda story: (-len(members.get(story.story_id, [])), -story.outlets, story.story_id),
        "centroid": lambda story: (-closeness(story), story.story_id),
    }
    orders = {"importance": {story.story_id: n for n, story in enumerate(ranked, start=1)}}
    for name, key in keys.items():
        orders[name] = {story.story_id: n for n, story in enumerate(sorted(ranked, key=key), start=1)}
    orders["in_period"] = {story: len(rows) for story, rows in members.items()}  # not an order: sizes
    return orders


def _listed_leads(
    store: ArticleStore, listed: Sequence[Story], period: Period, articles: PeriodArticles
) -> dict[str, str]:
    """The first chunks of the articles the briefing reads for its listed stories (what more sentences
    per item could quote), and of all their articles in the period, as two texts."""
    members = store.story_groups.members_of_stories([story.story_id for story in listed])
    read = [m.article_id for story in listed for m in _read_first(members[story.story_id], period)]
    every = [m.article_id for story in listed for m in members[story.story_id] if in_period(m.date, period)]
    text: dict[str, str] = {}
    passages = articles.lead_passages(store, every + read)
    for passage in passages:
        article_id = str(passage.metadata.get("article_id", ""))
        text[article_id] = text.get(article_id, "") + "\n" + passage.page_content
    return {
        "read": "\n".join(text.get(a, "") for a in dict.fromkeys(read)),
        "every": "\n".join(text.get(a, "") for a in dict.fromkeys(every)),
    }


def _question_rows(
    store: ArticleStore,
    questions: list[dict[str, Any]],
    *,
    quiz: date,
    period: PeriodArticles,
    told: dict[str, Told],
    ranked: Sequence[Story],
    orders: dict[str, dict[str, int]],
    listed: dict[str, str],
    items: int,
) -> list[dict[str, Any]]:
    """Per question: the three methods' hits and where the answer was (see the module docstring)."""
    evidence = {d for q in questions for d in q["evidence_doc_ids"]}
    kept_for = store.stories.kept_for(sorted(evidence))
    period_ids = set(period.ids)
    lead_text = {article_id: period.lead_text(article_id) for article_id in period.ids}
    stories = {story.story_id: story for story in ranked}
    rows = []
    for question in questions:
        answer = str(question["answer"])
        given = question["evidence_doc_ids"]
        dated = [d for d in dict.fromkeys([*given, *(kept_for[d] for d in given if d in kept_for)]) if d in period_ids]
        evidence_stories = set(store.story_groups.stories_of(dated).values())
        best = min(evidence_stories, key=lambda s: orders["importance"].get(s, 10**9), default=None)
        row: dict[str, Any] = {
            "question_id": question["question_id"],
            "quiz_date": quiz.isoformat(),
            "tier": question.get("tier", ""),
            "answer": answer,
            "evidence_in_period": bool(dated),
            "evidence_sources": sorted({period.sources[d] for d in dated}),
            "evidence_story_outlets": stories[best].outlets if best in stories else None,
            "evidence_story_articles": stories[best].articles if best in stories else None,
            "evidence_story_in_period": orders["in_period"].get(best or "", None),
            "stories_in_period": len(ranked),
            "articles_in_period": len(period.ids),
            "answer_in_evidence_lead": any(contains_answer(lead_text.get(d, ""), answer) for d in dated),
            "answer_in_period_leads": any(contains_answer(text, answer) for text in lead_text.values()),
            "answer_in_listed_reads": contains_answer(listed["read"], answer),
            "answer_in_listed_leads": contains_answer(listed["every"], answer),
            "evidence_cited_by_briefing": bool(set(dated) & set(told["briefing"].articles)),
            "briefing_sentences": contains_answer(told["briefing"].body, answer),
            "briefing_cited_sources": told["briefing"].sources,
        }
        for name, order in orders.items():
            if name != "in_period":
                ranks = [order[s] for s in evidence_stories if s in order]
                row[f"rank_{name}"] = min(ranks) if ranks else None
        row["evidence_story_rank"] = row["rank_importance"]
        row["evidence_story_listed"] = row["rank_importance"] is not None and row["rank_importance"] <= items
        for method, what in told.items():
            row[f"{method}_text"] = contains_answer(what.text, answer)
            row[f"{method}_cited"] = contains_answer(what.cited, answer)
            row[f"{method}_passages"] = what.passages
            row[f"{method}_cited_chars"] = len(what.cited)
            row[f"{method}_text_chars"] = len(what.text)
        rows.append(row)
    return rows


def _share(rows: Sequence[dict[str, Any]], key: str) -> float:
    return round(sum(bool(row[key]) for row in rows) / len(rows), 4) if rows else 0.0


def _report(
    rows: list[dict[str, Any]],
    seconds: list[float],
    *,
    dates: int,
    chosen_outlets: Counter[int],
    settings: AssistantSettings,
    args: argparse.Namespace,
) -> dict[str, Any]:
    tiers = {
        "all": rows,
        "gold": [r for r in rows if r["tier"] == "gold"],
        "silver": [r for r in rows if r["tier"] == "silver"],
    }
    coverage = {
        tier: {
            "n": len(subset),
            **{f"{m}_{what}": _share(subset, f"{m}_{what}") for m in METHODS for what in ("text", "cited")},
        }
        for tier, subset in tiers.items()
    }
    best = max(coverage["all"]["newest_cited"], coverage["all"]["centroid_cited"])
    ranks = [r["evidence_story_rank"] for r in rows if r["evidence_story_rank"] is not None]
    listed = [r for r in rows if r["evidence_story_listed"]]
    missed = [r for r in rows if not r["briefing_cited"]]
    diagnosis = {
        "evidence_in_period": _share(rows, "evidence_in_period"),
        "answer_in_evidence_lead": _share(rows, "answer_in_evidence_lead"),
        "answer_in_period_leads": _share(rows, "answer_in_period_leads"),
        "evidence_story_listed": _share(rows, "evidence_story_listed"),
        "evidence_cited_by_briefing": _share(rows, "evidence_cited_by_briefing"),
        "evidence_story_rank_median": statistics.median(ranks) if ranks else None,
        "evidence_story_rank_within": {
            str(k): round(sum(rank <= k for rank in ranks) / max(1, len(rows)), 4) for k in (10, 20, 50, 100)
        },
        "stories_in_period_median": statistics.median(r["stories_in_period"] for r in rows) if rows else None,
        "articles_in_period_median": statistics.median(r["articles_in_period"] for r in rows) if rows else None,
        "listed_and_answer_in_cited": _share(listed, "briefing_cited"),
        "answer_in_listed_reads": _share(rows, "answer_in_listed_reads"),
        "answer_in_listed_leads": _share(rows, "answer_in_listed_leads"),
        "listed_within_items_by_order": {
            name: round(
                sum(r[f"rank_{name}"] is not None and r[f"rank_{name}"] <= args.items for r in rows) / len(rows), 4
            )
            for name in ("importance", "outlets", "articles_in_period", "centroid")
        }
        if rows
        else {},
        "evidence_story_in_period_median": statistics.median(
            r["evidence_story_in_period"] for r in rows if r["evidence_story_in_period"] is not None
        )
        if ranks
        else None,
        "listed_and_answer_in_evidence_lead": _share(listed, "answer_in_evidence_lead"),
        "briefing_text_only_in_titles": round(
            sum(r["briefing_text"] and not r["briefing_sentences"] for r in rows) / max(1, len(rows)), 4
        ),
        "missed": {
            "evidence_not_in_period": sum(not r["evidence_in_period"] for r in missed),
            "story_not_listed": sum(r["evidence_in_period"] and not r["evidence_story_listed"] for r in missed),
            "listed_not_told": sum(r["evidence_story_listed"] for r in missed),
        },
        "evidence_story_outlets": dict(Counter(r["evidence_story_outlets"] for r in rows if r["evidence_in_period"])),
        "evidence_story_articles_median": statistics.median(
            r["evidence_story_articles"] for r in rows if r["evidence_story_articles"] is not None
        )
        if ranks
        else None,
        "listed_story_outlets": dict(chosen_outlets),
        "evidence_sources": dict(Counter(s for r in rows for s in r["evidence_sources"])),
        "briefing_cited_sources": dict(Counter(s for r in _one_per_date(rows) for s in r["briefing_cited_sources"])),
        "passages_median": {m: statistics.median(r[f"{m}_passages"] for r in rows) for m in METHODS} if rows else {},
        "cited_chars_median": {m: statistics.median(r[f"{m}_cited_chars"] for r in rows) for m in METHODS}
        if rows
        else {},
        "text_chars_median": {m: statistics.median(r[f"{m}_text_chars"] for r in rows) for m in METHODS}
        if rows
        else {},
    }
    return {
        "encoder": settings.embedding_model,
        "db": str(settings.db_path),
        "period": "7 days before the quiz date" if args.before else "the 7 days through the quiz date",
        "items": args.items,
        "quiz_dates": dates,
        "coverage": coverage,
        "ratio_cited": round(coverage["all"]["briefing_cited"] / best, 3) if best else None,
        "target_ratio": TARGET_RATIO,
        "seconds": {
            "p50": round(percentile(seconds, 0.5), 4),
            "p95": round(percentile(seconds, 0.95), 4),
            "max": round(max(seconds, default=0.0), 4),
        },
        "diagnosis": diagnosis,
    }


def _one_per_date(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list({row["quiz_date"]: row for row in rows}.values())


def _print(report: dict[str, Any]) -> None:
    all_ = report["coverage"]["all"]
    print(
        f"{report['encoder']} index {report['db']}: {report['quiz_dates']} quiz dates, {all_['n']} questions; "
        f"period {report['period']}; {report['items']} items"
    )
    print("| tier | n | " + " | ".join(f"{m} text | {m} cited" for m in METHODS) + " |")
    print("|" + " --- |" * (2 + 2 * len(METHODS)))
    for tier, c in report["coverage"].items():
        cells = " | ".join(f"{c[f'{m}_text']:.3f} | {c[f'{m}_cited']:.3f}" for m in METHODS)
        print(f"| {tier} | {c['n']} | {cells} |")
    ratio = report["ratio_cited"]
    print(
        f"briefing cited / best baseline cited: {ratio if ratio is not None else 'n/a'} "
        f"(target {report['target_ratio']}x: {'met' if ratio and ratio >= report['target_ratio'] else 'not met'})"
    )
    s = report["seconds"]
    print(f"briefing seconds: p50 {s['p50']:.3f}, p95 {s['p95']:.3f}, max {s['max']:.3f}")
    d = report["diagnosis"]
    within = ", ".join(f"<={k} {v:.3f}" for k, v in d["evidence_story_rank_within"].items())
    print(
        f"evidence dated in the period {d['evidence_in_period']:.3f}; answer in an evidence article's first "
        f"{LEAD_CHUNKS} chunks {d['answer_in_evidence_lead']:.3f}, in any period article's (ceiling) "
        f"{d['answer_in_period_leads']:.3f}"
    )
    print(
        f"evidence story listed {d['evidence_story_listed']:.3f} (rank {within}; median rank "
        f"{d['evidence_story_rank_median']} of a median {d['stories_in_period_median']} stories, "
        f"{d['articles_in_period_median']} articles); evidence article cited {d['evidence_cited_by_briefing']:.3f}"
    )
    print(
        f"when listed: answer in cited {d['listed_and_answer_in_cited']:.3f}, in the evidence lead "
        f"{d['listed_and_answer_in_evidence_lead']:.3f}; "
        f"text hits only in a title {d['briefing_text_only_in_titles']:.3f}"
    )
    print(
        f"answer in the first {LEAD_CHUNKS} chunks of the articles the briefing reads for its items "
        f"{d['answer_in_listed_reads']:.3f}, of all its items' articles in the period {d['answer_in_listed_leads']:.3f}"
    )
    orders = ", ".join(f"{name} {share:.3f}" for name, share in d["listed_within_items_by_order"].items())
    print(
        f"evidence story within the first {report['items']} stories, by order: {orders}; its articles in the "
        f"period: median {d['evidence_story_in_period_median']}"
    )
    missed = d["missed"]
    print(
        f"briefing misses (cited): evidence not in period {missed['evidence_not_in_period']}, story not listed "
        f"{missed['story_not_listed']}, listed but answer not told {missed['listed_not_told']}"
    )
    print(
        f"outlets of listed stories {_sorted(d['listed_story_outlets'])}; of evidence stories "
        f"{_sorted(d['evidence_story_outlets'])}; evidence sources {d['evidence_sources']}; "
        f"briefing cites {d['briefing_cited_sources']}"
    )
    for key in ("passages_median", "cited_chars_median", "text_chars_median"):
        print(f"{key.replace('_', ' ')}: " + ", ".join(f"{m} {v:g}" for m, v in d[key].items()))


def _sorted(counts: dict[Any, int]) -> str:
    return (
        "{"
        + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))
        + "}"
    )


if __name__ == "__main__":
    main()

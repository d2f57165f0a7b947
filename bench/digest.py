"""Time to build a daily digest over a day of real news (RealTimeQA's eval corpus).

    python bench/digest.py [--day 2022/11/02] [--before 6] [--followed 3] [--runs 5] [--db /tmp/digest-bench-db]

The day's articles (2022/11/02, the corpus's busiest day, 24 articles, by default) and those of the
``--before`` days before it (the stories the day's articles continue) are read from
``../shared/eval/realtimeqa_eval_corpus.jsonl.gz`` at run time and indexed into a small index of
their own (``--db``, built when missing; the default encoder, wordllama). ``--followed`` dev
questions whose evidence is among that day's articles are followed as if asked the day before (their
seen answer cites nothing), so each digest re-asks them and carries their new sources, as a daily
digest of a person following the news does. Each run builds the digest as ``digest send`` does
(:func:`assistant.deliveries.build.build_digest`: the briefing of the day, the followed questions
asked again) into a fresh in-memory outbox, so every run builds the whole digest; then renders its
HTML and plain text (:mod:`assistant.deliveries.render`). The first run follows the model and index
loading (timed apart). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.deliveries.build import build_digest
from assistant.deliveries.digest import Subscription
from assistant.deliveries.outbox import Outbox
from assistant.deliveries.render import digest_html, digest_text
from assistant.following.questions import FollowedQuestions
from assistant.service import Assistant
from assistant.settings import AssistantSettings
from assistant.types import not_in_articles
from index.build import build_index
from index.store import ArticleStore
from index.store.sql import sql_engine

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


def articles_of(corpus: Path, days: set[str]) -> list[dict[str, object]]:
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        return [article for line in lines if (article := json.loads(line)).get("publish_date") in days]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", default="2022/11/02", help="publication day, as the corpus writes it")
    parser.add_argument("--corpus", type=Path, default=EVAL / "realtimeqa_eval_corpus.jsonl.gz")
    parser.add_argument("--questions", type=Path, default=EVAL / "realtimeqa_dev_questions.jsonl")
    parser.add_argument("--before", type=int, default=6, help="days before it indexed too (not in the digest)")
    parser.add_argument("--followed", type=int, default=3, help="dev questions followed")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, default=Path("/tmp/digest-bench-db"))
    args = parser.parse_args()

    day = datetime.strptime(args.day, "%Y/%m/%d").date()
    days = {f"{day - timedelta(days=n):%Y/%m/%d}" for n in range(args.before + 1)}
    indexed = articles_of(args.corpus, days)
    articles = [article for article in indexed if article["publish_date"] == args.day]
    settings = AssistantSettings(db_path=args.db)
    if not args.db.exists():
        folder = args.db.parent / f"{args.db.name}-articles"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "days.jsonl").write_text("".join(json.dumps(a) + "\n" for a in indexed), encoding="utf-8")
        started = time.perf_counter()
        report = build_index(ArticleStore.open(settings), [folder], show_progress=False)
        print(f"indexed {report.added} articles of {len(days)} days in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    assistant = Assistant(settings)
    print(f"assistant loaded in {time.perf_counter() - started:.1f} s")

    ids = {str(article["doc_id"]) for article in articles}
    with args.questions.open(encoding="utf-8") as lines:
        dev = [json.loads(line) for line in lines]
    chosen = [q["question"] for q in dev if ids & set(q["evidence_doc_ids"])][: args.followed]
    followed = FollowedQuestions.open(settings)
    for question in followed.questions():
        followed.unfollow(question.id)
    for question in chosen:
        followed.follow(question, not_in_articles(question))

    times, renders = [], []
    digest = None
    for run in range(args.runs):
        for question in followed.questions():  # each run starts from "asked yesterday, nothing cited"
            followed.follow(question.question, not_in_articles(question.question))
        outbox = Outbox(sql_engine("sqlite://"))
        started = time.perf_counter()
        digest = build_digest(assistant, outbox, followed, Subscription("email", "bench@example.org"))
        times.append(time.perf_counter() - started)
        started = time.perf_counter()
        if digest is not None:
            digest_html(digest), digest_text(digest)
        renders.append(time.perf_counter() - started)
        print(f"run {run + 1}: built in {times[-1]:.2f} s, rendered in {renders[-1] * 1000:.1f} ms")
    if digest is None:
        print("nothing new: no digest")
        return
    print(
        f"{args.day}: {len(articles)} articles, {digest.stories} stories told, {len(digest.followed)} of "
        f"{len(chosen)} followed questions with {digest.new_sources} new sources"
    )
    print(
        f"build: first {times[0]:.2f} s, then median {statistics.median(times[1:] or times):.2f} s, "
        f"max {max(times[1:] or times):.2f} s over {len(times) - 1 or 1} runs; render median "
        f"{statistics.median(renders) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()

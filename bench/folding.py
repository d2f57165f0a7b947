"""Names however they are typed: the dev figures and off-topic refusals with and without folded encoder input.

    python bench/folding.py --encoder-fold off -- --corpus ../shared/eval/realtimeqa_eval_corpus.jsonl.gz \\
        --questions ../shared/eval/realtimeqa_dev_questions.jsonl --articles 1500 --db /tmp/fold-off \\
        --modes dense,bm25,hybrid-rerank --quiet

Why: whether the encoders should read folded text (index/folding.py) is a measurement, per encoder:
``--encoder-fold on|off`` sets ``fold_input`` for every encoder class of ours (retrieval's and the
answerer's; ``default`` leaves each its own) before ``python -m assistant.eval`` runs with the
arguments after ``--`` (a fresh ``--db`` per setting: the vectors differ). Then the off-topic
questions of ``bench/thresholds.py`` are asked on the same index with the default settings, and
the share refused is printed (the relevance gate's name rule must not let them through).
``--encoder`` names the retrieval encoder (``ASSISTANT_EMBEDDING_MODEL``). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant import Filters
from assistant.evaluation import harness
from assistant.extractive import extractive_answerer
from assistant.retrieval import PassageRetriever
from assistant.settings import AssistantSettings
from bench.thresholds import OFF_TOPIC
from index.encoders.registry import Encoder
from index.store import ArticleStore


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder-fold", choices=["on", "off", "default"], required=True)
    parser.add_argument("--encoder", help="the retrieval encoder (ASSISTANT_EMBEDDING_MODEL)")
    parser.add_argument("eval", nargs=argparse.REMAINDER, help="-- then python -m assistant.eval's arguments")
    args = parser.parse_args()
    if args.encoder_fold != "default":  # default: each encoder's own choice (Encoder.fold_input)
        encoder_classes: list[Any] = [Encoder, *Encoder.__subclasses__()]
        for encoder_class in encoder_classes:
            encoder_class.fold_input = args.encoder_fold == "on"
    if args.encoder:
        os.environ["ASSISTANT_EMBEDDING_MODEL"] = args.encoder
    argv = [a for a in args.eval if a != "--"]
    status = harness.main(argv)
    if status:
        return status
    db = Path(argv[argv.index("--db") + 1])
    settings = AssistantSettings(db_path=db)
    store = ArticleStore.open(settings)
    retriever = PassageRetriever.from_settings(store, settings)
    answerer = extractive_answerer(store, settings)
    answered = [
        q for q in OFF_TOPIC if answerer.invoke({"question": q, "passages": retriever.search(q, Filters())}).answered
    ]
    print(f"off-topic refused: {len(OFF_TOPIC) - len(answered)} of {len(OFF_TOPIC)}; answered: {answered}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

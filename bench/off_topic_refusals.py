"""Off-topic questions refused, with answers kept to one story and without (the answerer before).

    python bench/off_topic_refusals.py --db data/eval-chroma

Asks ``bench/thresholds.py``'s off-topic questions (cooking, science, sport, places far from the
news) without a date, at the default settings, over an existing index, twice on the same
passages: as the assistant does (each passage carries its story, the answer is told from the lead
story, :mod:`assistant.lead_story`) and with the passages' stories hidden (every relevant passage
may be quoted, as before issue 27). Keeping to the lead story must not refuse fewer of them.
Prints one line per question and the two counts; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's modules, bench's too
from assistant.extractive import extractive_answerer
from assistant.lead_story import STORY_KEY
from assistant.retrieval import PassageRetriever
from assistant.settings import AssistantSettings
from assistant.types import Filters
from bench.thresholds import OFF_TOPIC
from index.store import ArticleStore


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="an index folder (e.g. the eval index)")
    args = parser.parse_args()
    settings = AssistantSettings(db_path=args.db)
    store = ArticleStore.open(settings)
    retriever = PassageRetriever.from_settings(store, settings)
    answerer = extractive_answerer(store, settings)
    refused = {"one story": 0, "stories hidden": 0}
    for question in OFF_TOPIC:
        passages = retriever.search(question, Filters())
        one_story = answerer.invoke({"question": question, "passages": passages})
        for passage in passages:
            passage.metadata.pop(STORY_KEY, None)
        hidden = answerer.invoke({"question": question, "passages": passages})
        refused["one story"] += not one_story.answered
        refused["stories hidden"] += not hidden.answered
        before, after = ("answered" if a.answered else "refused" for a in (hidden, one_story))
        print(f"{before} -> {after}: {question}")
    print(", ".join(f"{name}: {count}/{len(OFF_TOPIC)} refused" for name, count in refused.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

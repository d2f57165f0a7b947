"""A small made-up news corpus for retrieval and harness tests (no shared data is copied).

Twenty-three cargo stories that read alike ("shipment QR-1107 contained ...") and one storm story
that mentions the code "ZX-4471" in passing: asked "What did shipment ZX-4471 contain?", a dense
search prefers the look-alike cargo stories, while a keyword search matches the rare code.
"""

from __future__ import annotations

import json
from pathlib import Path

GOODS = [
    "bananas",
    "copper wire",
    "winter coats",
    "laptops",
    "olive oil",
    "medical masks",
    "car parts",
    "coffee beans",
    "steel beams",
    "children's toys",
    "solar panels",
    "rice",
    "printer ink",
    "bicycle frames",
    "cotton",
    "tea",
    "glass bottles",
    "paper",
    "tyres",
    "sugar",
    "cement",
    "wool",
    "fertiliser",
    "timber",
]
PORTS = ["Rotterdam", "Antwerp", "Hamburg", "Valencia", "Genoa", "Piraeus"]


def cargo_articles() -> list[dict[str, str]]:
    """``doc_id``-keyed articles in the RealTimeQA format; ``cargo-07`` holds the rare code."""
    articles = []
    for number, goods in enumerate(GOODS):
        port = PORTS[number % len(PORTS)]
        title = f"Customs officers inspect a container at the port of {port}"
        text = (
            f"Customs officers at the port of {port} opened a container on Tuesday after a routine check. "
            f"Officials said shipment QR-{1100 + number * 7} contained {goods}, as its papers had declared. "
            "The inspection took several hours and the container was released the same evening."
        )
        if number == 7:  # about the weather; only the code ties it to the question
            title = f"Storm closes the port of {port} for two days"
            text = (
                f"Gale-force winds closed the port of {port} for two days and ferries stayed in harbour. "
                f"Pilots said the freighter with ZX-4471 and its {goods} rode out the storm at anchor. "
                "Forecasters expect calmer weather by the weekend."
            )
        articles.append(
            {
                "doc_id": f"cargo-{number:02d}",
                "title": title,
                "text": text,
                "publish_date": f"2023/03/{number + 1:02d}",
                "source": "cnn.com" if number % 2 else "usatoday.com",
                "url": f"https://example.org/cargo-{number:02d}",
            }
        )
    return articles


QUESTIONS = [
    {
        "question_id": "q-code",
        "question_date": "2023/03/10",
        "question": "What did shipment ZX-4471 contain?",
        "answer": "coffee beans",
        "evidence_doc_ids": ["cargo-07"],
        "tier": "gold",
    },
    {
        "question_id": "q-port",
        "question_date": "2023/03/25",
        "question": "Which goods were found in the container opened at the port of Piraeus on March 24?",
        "answer": "fertiliser",
        "evidence_doc_ids": ["cargo-22", "cargo-23"],
        "tier": "silver",
    },
]


def write_corpus(folder: Path) -> tuple[Path, Path]:
    corpus, questions = folder / "corpus.jsonl", folder / "questions.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in cargo_articles()))
    questions.write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS))
    return corpus, questions

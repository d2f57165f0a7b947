"""Articles written for the one-story-per-answer tests (invented towns, no shared data).

- Two floods of the River Tessel in Marlowe a year apart (2023: 300 homes, 2024: 120 homes), each
  told by two outlets: two stories of the same kind.
- Two warehouse fires the same week in two towns (Dunmore, Kelby), and the Dunmore fire's
  follow-up two days later (its cause found): two similar events in different places.
- Two walkouts in Velna a week apart (bus drivers over pay, dock workers over night shifts).
"""

from __future__ import annotations

import json
from pathlib import Path


def art(doc_id: str, day: str, title: str, source: str, text: str) -> dict[str, object]:
    """An article in the RealTimeQA line format the indexer reads."""
    return {
        "doc_id": doc_id,
        "url": f"https://{source}.example/{doc_id}",
        "title": title,
        "publish_date": day,
        "authors": [],
        "source": source,
        "text": text,
    }


ARTICLES = [
    art(
        "flood-2023-a",
        "2023/03/10",
        "River Tessel floods Marlowe",
        "valley-post",
        "The River Tessel burst its banks in Marlowe on Thursday night and flooded 300 homes in the old town. "
        "Mayor Ada Quint said the emergency shelters at the Marlowe sports hall would stay open all week. "
        "Firefighters rescued 40 people by boat from the streets along the river.",
    ),
    art(
        "flood-2023-b",
        "2023/03/11",
        "Marlowe counts the cost of the Tessel flood",
        "river-times",
        "Residents of Marlowe began clearing mud from 300 flooded homes after the River Tessel receded on Friday. "
        "Mayor Ada Quint said the town would ask the region for help with the repairs. "
        "Insurers said the damage in Marlowe could reach several million euros.",
    ),
    art(
        "flood-2024-a",
        "2024/03/12",
        "River Tessel floods Marlowe again",
        "valley-post",
        "The River Tessel flooded Marlowe again on Monday, a year after the last flood: 120 homes were under water. "
        "Mayor Ada Quint said the new flood barrier had held on the east bank but the west bank was overwhelmed. "
        "Volunteers filled sandbags at the Marlowe sports hall through the night.",
    ),
    art(
        "flood-2024-b",
        "2024/03/13",
        "Tessel flood: 120 homes hit in Marlowe",
        "river-times",
        "In Marlowe, 120 homes were flooded when the River Tessel rose on Monday, officials said on Tuesday. "
        "Mayor Ada Quint said the west bank would get a barrier like the east bank's before next winter. "
        "Schools in the old town will reopen on Thursday.",
    ),
    art(
        "fire-dunmore",
        "2024/06/03",
        "Fire destroys a furniture warehouse in Dunmore",
        "north-news",
        "A fire destroyed a furniture warehouse in the Dunmore industrial park on Sunday night. "
        "Fire chief Owen Hale said an electrical fault in a forklift charging station started the blaze. "
        "Nobody was hurt, but 60 workers of the Brandt furniture company cannot work this month.",
    ),
    art(
        "fire-dunmore-cause",
        "2024/06/05",
        "Dunmore warehouse fire: forklift charger to blame",
        "north-news",
        "Investigators confirmed on Tuesday that the Dunmore warehouse fire began at a forklift charging station. "
        "Fire chief Owen Hale said the charger had been recalled by its maker last year. "
        "The Brandt furniture company said its Dunmore workers would be paid while the warehouse is rebuilt.",
    ),
    art(
        "fire-kelby",
        "2024/06/04",
        "Smoke closes Kelby beaches as harbour warehouse burns",
        "coast-daily",
        "Lifeguards closed the Kelby beaches on Monday as black smoke drifted over the sand from the harbour front, "
        "where a paper warehouse burned down. "
        "Investigators in Kelby said a discarded cigarette near bales of cardboard caused the fire. "
        "Surfers and families were sent home and the beaches reopen on Wednesday.",
    ),
    art(
        "strike-velna",
        "2024/05/02",
        "Velna dock workers strike over night shifts",
        "harbour-herald",
        "Dock workers at the port of Velna walked out on Wednesday over new night shift rotas. "
        "Union leader Mira Tosk said the dockers would not accept twelve-hour night shifts without extra rest days. "
        "Ships waiting to unload in Velna were diverted to other ports.",
    ),
    art(
        "buses-velna",
        "2024/04/26",
        "Velna bus drivers strike over pay",
        "city-courier",
        "Bus drivers in Velna walked out on Friday in a dispute over pay. "
        "Their union said the drivers would stay out for two weeks unless the city offered a rise of six percent. "
        "Commuters in Velna crowded onto trams and bicycles.",
    ),
]


def write_stories_corpus(folder: Path) -> Path:
    """The articles as one JSON-lines file in ``folder``; its path."""
    path = folder / "stories.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES))
    return path

"""The seed article plus a distractor about France, for follow-up questions.

Alone, "And what did it say about France?" finds the wine-export article (it is all about France);
after "What does Turkey demand in Libya?" it must find what Turkey said about France.
"""

from __future__ import annotations

import shutil
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FIRST_QUESTION = "What does Turkey demand in Libya?"
FOLLOW_UP = "And what did it say about France?"
DISTRACTOR_NAME = "france_wine.txt"
DISTRACTOR = """date 2020-06-19
France said on Friday that its wine exports fell by a third this spring as restaurants closed around the world.

The French agriculture ministry said it would pay growers to distil unsold wine into hand sanitiser.

Producers in Bordeaux and Burgundy said the aid came too late and asked France to cut the taxes on their land.
"""


def write_followup_corpus(folder: Path) -> Path:
    """Copy the seeds and write the distractor into ``folder``; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    (folder / DISTRACTOR_NAME).write_text(DISTRACTOR, encoding="utf-8")
    return folder

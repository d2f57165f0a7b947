"""What a digest tells: only what is new since the last one. A story left untold because others
mattered more is not told later unless it gains an article; asking twice is one digest. Real index,
real encoder, the outbox in SQLite; digests built as ``digest send`` builds them, two stories at most."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from assistant.deliveries.build import build_digest
from assistant.deliveries.digest import Digest, Subscription
from assistant.deliveries.outbox import Outbox
from assistant.deliveries.render import digest_html, digest_text
from assistant.service import Assistant
from assistant.settings import AssistantSettings
from index.build import build_index
from index.store import ArticleStore
from index.store.sql import sql_engine
from tests.index.stories.test_groups import DAM, OTHERS, write

# A second outlet's report of each of the week's other stories, on the week's last day.
FOLLOW_UPS = {
    "tech-1": (
        "gadgetdaily.com",
        "2024-03-06",
        "Veltronic's 2-nanometre phone chip: three handset makers sign up",
        "Three handset makers have signed up for Veltronic's first 2-nanometre smartphone processor, the Dutch-Korean "
        "chipmaker said on Wednesday, a day after unveiling the chip. Chief executive Sun-hee Park said mass "
        "production in Eindhoven would start in the autumn and that batteries would last two days.",
    ),
    "sport-4": (
        "sportsdesk.com",
        "2024-03-06",
        "Almeida double wins Porto the Iberian Cup against Sevilla",
        "Tomas Almeida scored twice as Porto beat Sevilla 3-1 after extra time in the Iberian Cup final in Lisbon. "
        "Coach Rui Barros dedicated the trophy to the fans, who had waited eleven years for a cup.",
    ),
    "bank-2": (
        "moneywire.com",
        "2024-03-06",
        "Mortgage lenders pass on the central bank's rise to 5.25%",
        "Mortgage lenders said on Wednesday they would pass on the Federal Monetary Board's quarter-point rise to "
        "5.25%, the third this year. Board chair Miriam Okafor had warned further rises were possible as inflation "
        "stayed above 4%.",
    ),
}
TO = Subscription("email", "ann@example.org")
WEEK = date(2024, 3, 4)


def cited(digest: Digest) -> list[set[str]]:
    """The articles each story of the digest cites."""
    assert digest.briefing is not None
    return [set(item.articles) for item in digest.items() if item.kind == "story"]


def test_a_digest_tells_only_stories_with_something_new_since_the_last(tmp_path: Path, embeddings) -> None:
    settings = AssistantSettings(db_path=tmp_path / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    build_index(store, [write(tmp_path / "week", {**DAM, **OTHERS})], show_progress=False)
    assistant = Assistant(settings, store=store)
    outbox = Outbox(sql_engine(f"sqlite:///{tmp_path / 'outbox.sqlite'}"))

    first = build_digest(assistant, outbox, None, TO, since=WEEK, stories=2)
    assert first is not None and first.stories == 2 and outbox.record(first)
    told = set().union(*cited(first))
    untold = [doc_id for doc_id in OTHERS if doc_id not in told]
    assert len(untold) == 2 and set(first.covered) == set(DAM) | set(OTHERS), "the week is covered, told or not"

    assert build_digest(assistant, outbox, None, TO, since=WEEK, stories=2) is None, "asked again: nothing new"

    grown, still = untold
    build_index(store, [write(tmp_path / "more", {f"{grown}-b": FOLLOW_UPS[grown]})], show_progress=False)
    second = build_digest(assistant, outbox, None, TO, since=WEEK, stories=2)
    assert second is not None and [f"{grown}-b" in articles for articles in cited(second)] == [True]
    assert still not in set().union(*cited(second)), "the story that gained nothing stays untold"
    assert second.left_out >= 2 and second.id != first.id
    kept = Digest.from_dict(json.loads(json.dumps(second.to_dict())))  # as the outbox keeps it
    assert (digest_html(kept), digest_text(kept)) == (digest_html(second), digest_text(second)), "resent unchanged"

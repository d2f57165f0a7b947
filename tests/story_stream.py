"""A made-up stream of one topic reported for two months: many events, each told by a few outlets.

The issue's soak grouped 130 articles built from shared templates about invented places into one
story. This stream is of that kind, on purpose: a season of storms in an invented country, every
article written from the same few templates, so articles of different events read alike (the same
words, the same regions and agencies) and only the town, the river, the official and the figures
tell the events apart. Each event is reported by two to six articles from different outlets over
up to four days (the first report, then follow-ups in other words); one town's bridge is rebuilt in
the news all season, an article every few days, which no story of ~2 weeks can hold whole.

Deterministic (a seeded ``random.Random``): the tests and ``bench/story_stream.py`` read the same
stream. Each article is a RealTimeQA-style record with its event as ``event`` (the truth to score
grouping against; the build ignores unknown fields).
"""

from __future__ import annotations

import itertools
import json
import random
from datetime import date, timedelta
from pathlib import Path

OUTLETS = ["valleypost.com", "northernherald.com", "coastwire.com", "dailyledger.com", "stormdesk.net"]
REGIONS = ["Arvenland", "Kestria", "Low Marren", "Ostvald"]
FIRST = (
    "Ilse Tomas Marit Jonas Greta Pavel Lena Oskar Vera Anton Nadia Emil Rosa Henrik Agnes Milan Sofie Karel".split()
)
_FAMILY = (
    ["Brand", "Sol", "Lind", "Hal", "Du", "Kam", "Mor", "Ok", "Ev"],
    ["vik", "berg", "qvist", "loran", "fresne", "inski"],
)
_ONSET, _MIDDLE, _END = (
    ["Kel", "Var", "Brun", "Hal", "Mor", "Tis", "Ved", "Lom", "Sar", "Ek"],
    ["", "en", "ar", "is"],
    [
        "brook",
        "holt",
        "mere",
        "stad",
        "wick",
        "dal",
        "by",
        "field",
    ],
)

# Per kind: the first report in three outlets' words, then follow-ups. Slots: {town} {river} {region}
# {official} {people} {dead} {day} {count}.
KINDS: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "flood": (
        [
            (
                "Floods force {people} from their homes in {town}",
                "The {river} burst its banks in {town} on {day} after two days of rain, flooding the old town "
                "and forcing {people} residents to leave their homes. Mayor {official} said {dead} people had "
                "died and that the army was helping to evacuate the {region} villages downstream.",
            ),
            (
                "{river} river floods {town}, {dead} dead",
                "Floodwater from the {river} swept through {town} in {region} on {day}. Rescue teams in boats "
                "took {people} people to shelters, and mayor {official} confirmed {dead} deaths.",
            ),
            (
                "State of emergency in {town} as the {river} rises",
                "Authorities in {region} declared a state of emergency in {town} on {day} as the {river} rose "
                "above its record level. About {people} people were evacuated; {official}, the town's mayor, "
                "said {dead} bodies had been recovered.",
            ),
        ],
        [
            (
                "Clean-up begins in {town} as the {river} recedes",
                "Residents of {town} began shovelling mud out of their homes on {day} as the {river} fell back. "
                "Mayor {official} said {count} houses were damaged and asked {region} for emergency funds.",
            ),
            (
                "{town} counts the cost of the {river} flood",
                "Insurers estimated the damage in {town} at {count} million crowns on {day}. Mayor {official} "
                "said the {river} defences had failed in three places.",
            ),
        ],
    ),
    "fire": (
        [
            (
                "Wildfire forces {people} to flee near {town}",
                "A wildfire driven by storm winds spread through the forests around {town} in {region} on "
                "{day}, forcing {people} people to flee. Fire chief {official} said {dead} firefighters were "
                "injured and that the blaze had burned {count} hectares.",
            ),
            (
                "Fire crews battle blaze outside {town}",
                "Hundreds of firefighters fought a forest fire outside {town} on {day} as gusts fanned the "
                "flames across {count} hectares of {region}. {official}, who leads the fire service, ordered "
                "{people} residents out.",
            ),
        ],
        [
            (
                "Fire near {town} contained, {official} says",
                "The wildfire that burned {count} hectares around {town} was contained on {day}, fire chief "
                "{official} said, and the {people} evacuated residents could start going home.",
            ),
        ],
    ),
    "storm": (
        [
            (
                "Storm cuts power to {people} homes in {town}",
                "Hurricane-force winds tore roofs off houses in {town} on {day} and cut power to {people} homes "
                "across {region}. Mayor {official} said {dead} people were killed by falling trees.",
            ),
            (
                "{dead} killed as storm hits {town}",
                "A storm with gusts of up to {count} km/h hit {town} on {day}, killing {dead} people and "
                "leaving {people} homes without electricity. The town's mayor, {official}, asked {region} for "
                "generators.",
            ),
            (
                "Trees down and roofs gone after storm in {town}",
                "Residents of {town} woke on {day} to streets blocked by fallen trees after a night storm swept "
                "across {region}. Mayor {official} said {people} homes had no power and {dead} people had died.",
            ),
        ],
        [
            (
                "Power returns to {town} days after storm",
                "Engineers restored electricity to most of the {people} homes in {town} on {day}. Mayor "
                "{official} thanked crews from across {region} and said {count} roofs still needed repair.",
            ),
        ],
    ),
    "landslide": (
        [
            (
                "Landslide buries road above {town}",
                "Heavy rain set off a landslide above {town} on {day}, burying the road along the {river} "
                "valley and cutting off {people} people. Mayor {official} said {dead} drivers were missing.",
            ),
            (
                "{town} cut off after hillside collapses",
                "A hillside collapsed onto the only road into {town} in {region} on {day}. {official}, the "
                "mayor, said {people} residents were cut off and {dead} people were feared buried.",
            ),
        ],
        [
            (
                "Road to {town} reopens after landslide",
                "Diggers cleared the last of the mud from the {river} valley road on {day}, reconnecting "
                "{town}. Mayor {official} said the {people} cut-off residents had been supplied by helicopter.",
            ),
        ],
    ),
}
BRIDGE = [
    (
        "{town} bridge rebuild reaches {count} per cent",
        "Engineers rebuilding the {river} bridge in {town}, swept away by floods in the spring, said on {day} "
        "the work was {count} per cent done. Mayor {official} said the crossing would reopen before winter.",
    ),
    (
        "New delay for the {town} bridge",
        "The rebuilding of {town}'s bridge over the {river} slipped again on {day}, mayor {official} said, "
        "blaming steel deliveries; {region} promised more money for the {count}-metre span.",
    ),
]


def _towns(rng: random.Random, count: int) -> list[str]:
    found: list[str] = []
    while len(found) < count:
        town = rng.choice(_ONSET) + rng.choice(_MIDDLE) + rng.choice(_END)
        if town not in found:
            found.append(town)
    return found


def stream(articles: int = 300, days: int = 60, seed: int = 27, start: date = date(2024, 9, 1)) -> list[dict]:
    """``articles`` records (about that many) over ``days`` days, oldest first; ``event`` is the truth."""
    rng = random.Random(seed)
    towns = _towns(rng, 120)
    records: list[dict] = []
    bridge_town = towns.pop()
    bridge = {"town": bridge_town, "river": "Ostra", "region": REGIONS[0], "official": "Ilse Brandvik"}
    for n, offset in enumerate(range(1, days, 3)):  # the season-long bridge: every three days
        title, text = BRIDGE[n % len(BRIDGE)]
        slots = {**bridge, "count": str(10 + n * 4), "day": _weekday(start + timedelta(offset))}
        records.append(
            _record(f"bridge-{n:02d}", "bridge", OUTLETS[n % 2], start + timedelta(offset), (title, text), **slots)
        )
    event = 0
    while len(records) < articles:
        kind = rng.choice(sorted(KINDS))
        first, follow = KINDS[kind]
        day = start + timedelta(rng.randrange(days - 3))
        slots = {
            "town": towns[event % len(towns)],
            "river": rng.choice(_ONSET) + rng.choice(["a", "e", "o", "ava", "ina"]),
            "region": rng.choice(REGIONS),
            "official": f"{rng.choice(FIRST)} {rng.choice(_FAMILY[0])}{rng.choice(_FAMILY[1])}",
            "people": f"{rng.randrange(2, 60) * 100:,}",
            "dead": str(rng.randrange(2, 12)),
            "count": str(rng.randrange(15, 900)),
        }
        outlets = rng.sample(OUTLETS, rng.randrange(2, 6))
        for n, outlet in enumerate(outlets):
            later = 0 if n < 2 else rng.randrange(1, 4)  # two first reports, then follow-ups
            template = first[n % len(first)] if later == 0 else rng.choice(follow)
            published = day + timedelta(later)
            slots_then = {**slots, "day": _weekday(published)}
            records.append(_record(f"e{event:03d}-{n}", f"e{event:03d}", outlet, published, template, **slots_then))
        event += 1
    return sorted(records, key=lambda r: (r["publish_date"], r["doc_id"]))


def _weekday(day: date) -> str:
    return f"{day:%A}"


def _record(doc_id: str, event: str, outlet: str, published: date, template: tuple[str, str], **slots: str) -> dict:
    title, text = template
    return {
        "doc_id": doc_id,
        "event": event,
        "source": outlet,
        "publish_date": published.isoformat(),
        "title": title.format(**slots),
        "text": text.format(**slots),
        "url": f"https://{outlet}/{doc_id}",
    }


def write_stream(folder: Path, records: list[dict]) -> Path:
    """The records as one JSON Lines file, in publication order (a follower indexes them so)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "stream.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# One event told by many outlets over three days, each in its own title and a mix of sentences: a
# story far bigger than a citation lists or a briefing reads.
_BIG_TITLES = [
    "Kessel dam bursts in northern Moravia, villages evacuated",
    "Rescuers search for missing after Moravian dam failure",
    "Inspectors had warned of cracks in Kessel dam, documents show",
    "Thousands spend the night in school gyms after Kessel dam collapse",
    "Army called in as Ostrava river floods Lipnik",
    "Governor Novakova orders inquiry into Kessel dam failure",
    "Kessel dam: what we know about the collapse",
    "Two missing after wall of water sweeps through Moravian villages",
    "Engineers warn remains of Kessel dam are unstable",
    "Lipnik, Hranice and Bela count the damage after dam burst",
    "Insurers brace for claims after Kessel dam flood",
    "Kessel dam repairs had been postponed for lack of money",
    "Moravian flood: evacuees wait to go home",
    "Kessel dam collapse: a timeline of the first three days",
]
_BIG_SENTENCES = [
    "The Kessel dam on the Ostrava river gave way early on Monday after days of heavy rain.",
    "A wall of water swept through Lipnik, Hranice and Bela in northern Moravia.",
    "Rescue teams evacuated about 2,000 residents from the three villages.",
    "Regional governor Petra Novakova said two people were missing.",
    "Soldiers and firefighters searched the flooded streets of Lipnik for survivors.",
    "Engineers warned that what was left of the 60-year-old earth dam was unstable.",
    "Inspection reports show that cracks and seepage were flagged two years before the collapse.",
    "The Ostrava river authority had postponed the repairs for lack of money.",
    "Evacuees from Hranice and Bela spent the night in school gyms.",
    "Governor Novakova ordered an inquiry into the collapse of the Kessel dam.",
    "One of the two people reported missing was found alive on a rooftop in Lipnik.",
    "Insurers estimated the damage at several hundred million crowns.",
    "The army brought pumps and field kitchens to the three villages.",
    "Residents were told they could not go home until the river fell.",
]
_BIG_THREES = list(itertools.combinations(_BIG_SENTENCES[2:], 3))
BIG_OUTLETS = [
    f"{name}.com"
    for name in "riverpost dailyglobe eveningwire valleynews moravianherald northstar "
    "ledgerdaily citybeacon morningpress rapidreport heartlandtimes weekendmirror courierone tribune".split()
]


def big_story(count: int = 14) -> dict[str, tuple[str, str, str, str]]:
    """``count`` articles (at most 14) about one dam burst from as many outlets over three days, in
    the ``{id: (source, date, title, text)}`` shape of ``tests.index.stories.test_groups.write``."""
    found = {}
    for n in range(count):
        # each opens with one of the two lead sentences, then three others, a different three each
        picked = [_BIG_SENTENCES[n % 2], *_BIG_THREES[n * 17 % len(_BIG_THREES)]]
        found[f"dam-{n:02d}"] = (BIG_OUTLETS[n], f"2024-03-0{4 + n % 3}", _BIG_TITLES[n], " ".join(picked))
    return found

"""What sits inside a story's markup but is not the story (index/sources/clutter.py): pages written here
with a hover card, captions, a ticker, "Related" links, a bold sub-heading and a site-suffixed title,
extracted directly, and once fetched from a real loopback server into the real index and asked."""

from __future__ import annotations

import json

import pytest

from assistant import Assistant
from assistant.settings import AssistantSettings
from index.sources.extract import ExtractedPage, extract_article
from index.sources.follower import Follower
from index.store import ArticleStore
from tests.web_server import Route, WebServer

HEADLINE = "Governor defends the ferry subsidy"
STORY = [
    "Northern Isles Gov. Marta Lind (I) is defending the ferry subsidy against critics in the capital, who say"
    " the islands' boats cost the mainland too much.",
    "The subsidy pays for four crossings a day to each of the outer islands, and for the crews who keep the"
    " boats running through the winter storms.",
    "Opposition members said on Tuesday that the money would be better spent on a fixed link, a bridge the"
    " governor has called too expensive to build before 2040.",
    "A vote on next year's budget, which holds the subsidy at 31 million crowns, is expected before the end"
    " of the month.",
]
# Each kind of clutter as a site writes it, and what of it must not reach the text.
CLUTTER = {
    "hover card": (
        '<p>Northern Isles Gov. <span class="rollover-people-block"><a href="/people/marta-lind"'
        ' class="rollover-people-link">Marta Lind</a><span class="rollover-people"><span class="rollover-people-name">'
        'Marta Elise Lind</span><a href="/news/9">Isles governor doubles down on ferry plan</a> <a href="/people/'
        'marta-lind">MORE</a></span></span> (I) is defending the ferry subsidy against critics in the capital, who'
        " say the islands' boats cost the mainland too much.</p>",
        ["Marta Elise Lind", "doubles down", "MORE"],
    ),
    "tooltip": (
        '<p>Northern Isles Gov. <a href="/people/marta-lind" class="has-tooltip">Marta Lind</a><span class="tooltip"'
        ' role="tooltip">Governor since 2019, former harbour master of Kirkwall</span> (I) is defending the ferry'
        " subsidy against critics in the capital, who say the islands' boats cost the mainland too much.</p>",
        ["Governor since 2019", "harbour master"],
    ),
    "inline link preview": (
        '<p>Northern Isles Gov. Marta Lind (I) is defending the <a href="/ferry">ferry subsidy</a><span'
        ' class="link-preview"><img src="/ferry.jpg" alt=""><span>Ferry subsidy explained: who pays for the'
        " boats</span></span> against critics in the capital, who say the islands' boats cost the mainland too"
        " much.</p>",
        ["explained", "who pays"],
    ),
    "video caption": (
        f"<p>{STORY[0]}</p>"
        '<figure class="video"><iframe src="/embed/ferry"></iframe><figcaption>Watch: the night ferry crosses the'
        " strait in a gale</figcaption></figure>",
        ["Watch", "gale"],
    ),
    "video player with a paragraph": (
        f'<p>{STORY[0]}</p><div class="player-box"><div class="player"><iframe src="/embed/ferry"></iframe></div>'
        "<p>The night ferry crosses the strait in a gale on Monday, seen from the bridge.</p></div>",
        ["gale", "seen from the bridge"],
    ),
    "photo caption in a layout table": (
        f'<p>{STORY[0]}</p><table><tr><td><img src="/lind.jpg" alt="Marta Lind"><div class="info">Marta Lind at'
        " the quay in Kirkwall on Monday. (Photo: Island News/Jo Lund)</div></td></tr></table>",
        ["at the quay", "Jo Lund"],
    ),
    "ticker strip": (
        f'<p>{STORY[0]}</p><ul class="stock-ticker"><li>ISLEFERRY 12.40 +0.35 (2.9%)</li><li>NORTHBANK 88.10'
        " -1.20 (1.3%)</li></ul>",
        ["ISLEFERRY", "NORTHBANK"],
    ),
    "quote table": (
        f"<p>{STORY[0]}</p><table><tr><th>Symbol</th><th>Price</th><th>Change</th></tr><tr><td>ISLEFERRY</td>"
        "<td>12.40</td><td>+0.35 (2.9%)</td></tr><tr><td>NORTHBANK</td><td>88.10</td><td>-1.20 (1.3%)</td></tr>"
        "</table>",
        ["ISLEFERRY", "NORTHBANK", "Symbol"],
    ),
    "related label and link": (
        f'<p>{STORY[0]}</p><p><strong>Related: </strong><a href="/fares"><u>Ferry fares rise again next month'
        "</u></a></p>",
        ["Related", "fares rise"],
    ),
    "see also in brackets": (
        f'<p>{STORY[0]}</p><p><b>[See also: <a href="/fares">Ferry fares rise again next month</a>]</b></p>',
        ["See also", "fares rise"],
    ),
    "read more heading and its links": (
        f'<p>{STORY[0]}</p><h3>Read more</h3><ul><li><a href="/fares">Ferry fares rise again next month</a></li>'
        '<li><a href="/storm">Storm closes the northern harbour</a></li></ul>',
        ["Read more", "fares rise", "Storm closes"],
    ),
    "a bare list of links": (
        f'<p>{STORY[0]}</p><ul><li><a href="/fares">Ferry fares rise again next month</a></li><li><a href="/storm">'
        "Storm closes the northern harbour</a></li></ul>",
        ["fares rise", "Storm closes"],
    ),
}


def story_page(first: str, *, head: str = "", h1: str = f"<h1>{HEADLINE}</h1>", title: str = HEADLINE) -> str:
    """The story with ``first`` in place of its first paragraph, inside a page's usual furniture."""
    rest = "".join(f"<p>{paragraph}</p>" for paragraph in STORY[1:])
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>'
        '<nav><a href="/">Home</a> <a href="/politics">Politics</a></nav>'
        f"<main><article>{h1}{first}{rest}</article></main><footer>Island News</footer></body></html>"
    )


def extracted(html: str, url: str | None = None) -> ExtractedPage:
    page = extract_article(html, url)
    assert page is not None
    return page


@pytest.mark.parametrize("kind", CLUTTER)
def test_the_story_is_extracted_without_the_clutter_inside_it(kind: str) -> None:
    markup, unwanted = CLUTTER[kind]
    page = extracted(story_page(markup))
    paragraphs = page.text.split("\n\n")
    for paragraph in STORY:
        assert paragraph in paragraphs, f"{kind}: a sentence of the story was changed or lost"
    for phrase in unwanted:
        assert phrase not in page.text, f"{kind}: {phrase!r} is quoted as if it were the story"


def test_a_bold_sub_heading_is_its_own_paragraph_and_a_dateline_stays_in_its_sentence() -> None:
    first = (
        "<p><b>KIRKWALL</b> — Northern Isles Gov. Marta Lind (I) is defending the ferry subsidy.</p>"
        "<p><strong>What the subsidy pays for</strong> The subsidy pays for four crossings a day.</p>"
    )
    paragraphs = extracted(story_page(first)).text.split("\n\n")
    assert "KIRKWALL — Northern Isles Gov. Marta Lind (I) is defending the ferry subsidy." in paragraphs
    assert "What the subsidy pays for" in paragraphs
    assert "The subsidy pays for four crossings a day." in paragraphs


def test_a_table_of_the_story_and_a_linked_name_stay() -> None:
    results = (
        "<table><tr><th>Island</th><th>Crossings</th><th>Cost</th></tr><tr><td>Hoy</td><td>4</td><td>9.5</td></tr>"
        "<tr><td>Westray</td><td>3</td><td>7.25</td></tr></table>"
    )
    linked = STORY[0].replace("Marta Lind", '<a href="/people/marta-lind" class="has-tooltip">Marta Lind</a>')
    page = extracted(story_page(f"<p>{linked}</p>{results}"))
    assert STORY[0] in page.text.split("\n\n")
    assert "Hoy | 4 | 9.5" in page.text and "Westray | 3 | 7.25" in page.text


def test_the_headline_is_the_title_not_the_first_paragraph() -> None:
    page = extracted(story_page(f"<p>{STORY[0]}</p>", h1="<h1>Lind stands by the ferries</h1>"))
    assert page.text.split("\n\n")[0] == STORY[0]


def jsonld(headline: str, publisher: str) -> str:
    data = {"@type": "NewsArticle", "headline": headline, "publisher": {"@type": "Organization", "name": publisher}}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


@pytest.mark.parametrize(
    ("title", "head", "url", "expected"),
    [
        (f"{HEADLINE} | TheHill", '<meta property="og:site_name" content="TheHill">', None, HEADLINE),
        ("Home", f'<meta property="og:title" content="{HEADLINE} - Digg">', "https://digg.com/politics/1", HEADLINE),
        ("Home", jsonld(f"{HEADLINE} — Reuters", "Reuters"), None, HEADLINE),
        (f"The Hill - {HEADLINE}", '<meta property="og:site_name" content="The Hill">', None, HEADLINE),
        (
            "Spider-Man - Far From Home review: a ferry | Island News",
            '<meta property="og:site_name" content="Island News">',
            None,
            "Spider-Man - Far From Home review: a ferry",
        ),
        (
            "Home",
            '<meta property="og:title" content="Opinion | The ferries are worth it">',
            None,
            "Opinion | The ferries are worth it",
        ),
        ("Island News", '<meta property="og:site_name" content="Island News">', None, "Island News"),
    ],
)
def test_the_title_loses_the_site_name_and_keeps_its_own_parts(
    title: str, head: str, url: str | None, expected: str | None
) -> None:
    page = extracted(story_page(f"<p>{STORY[0]}</p>", head=head, h1="", title=title), url)
    assert page.title == (expected or title)


def test_a_fetched_page_is_indexed_and_answered_without_its_clutter(
    settings: AssistantSettings, embeddings, web: WebServer
) -> None:
    first = CLUTTER["hover card"][0] + CLUTTER["video caption"][0].removeprefix(f"<p>{STORY[0]}</p>")
    first += CLUTTER["quote table"][0].removeprefix(f"<p>{STORY[0]}</p>")
    head = (
        '<meta property="og:site_name" content="Island News">'
        '<meta property="article:published_time" content="2024-03-05T08:00:00Z">'
        f'<meta property="og:title" content="{HEADLINE} | Island News">'
    )
    html = story_page(first, head=head, h1="", title=f"{HEADLINE} | Island News")
    web.routes["/news/ferry"] = Route(body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"})
    store = ArticleStore.open(settings, embeddings=embeddings)
    follower = Follower(store, settings)
    follower.follow_list.add(web.url("/news/ferry"))
    [report] = follower.cycle()
    assert report.new_articles == 1, report.line()

    answer = Assistant(settings, store=store).ask("Who is defending the ferry subsidy?")

    assert answer.answered and "Marta Lind (I) is defending the ferry subsidy" in answer.text
    unwanted = [phrase for kind in ("hover card", "video caption", "quote table") for phrase in CLUTTER[kind][1]]
    quoted = [answer.text, *(citation.passage for citation in answer.citations)]
    assert not [phrase for phrase in unwanted if any(phrase in text for text in quoted)]
    assert {citation.title for citation in answer.citations} == {HEADLINE}

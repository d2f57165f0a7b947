"""What sits inside a story's markup but is not the story: hover cards and inline link previews, photo
and video captions, market tickers, "Related" / "Read more" links, a bold sub-heading run into the
next sentence, and the site's name in the title (issue 27).

trafilatura drops a page's menus, banners and comment threads, but these sit *inside* the story's
container, where it keeps them, and a hover card is even glued into the sentence that names the
person ("Gov. Kristi NoemKristi Lynn NoemSouth Dakota governor doubles down … MORE (R) is
defending"). They are removed from a copy of the parsed page before trafilatura reads it, by what
the markup says a block is (class names, ``role``, ``hidden``, ``<figcaption>``) and by a block's
shape (a label and links, a caption beside a picture, a table of prices and their changes), never
by rewriting the extracted text.
Each rule was measured on the article-extraction pages (``bench/extraction.py``; docs/lab-notes.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.html import HtmlElement

# A person's or a link's card, shown on hover: a tooltip, a popover, The Hill's "rollover". What names
# the wrapper of the name *and* its card ("rollover-people-block"), or the link that opens a card
# ("has-tooltip", "popover-trigger"), is not the card: the name stays in the sentence.
_CARD = re.compile(r"tooltip|popover|hover-?card|rollover|link-preview|preview-card")
_CARD_HOLDER = re.compile(r"has-|trigger|toggle|block|wrap|container")
# Market data that is page furniture: a ticker strip, a quote box beside a business story.
_TICKER = re.compile(r"ticker|stock-?quote|quotes?-(?:table|strip)|market-data")
# Captions and credits of photos and videos; a video player's own title and description.
_CAPTION = re.compile(r"caption|cutline|credit|(?:photo|image|media|video)-desc|video-title")
_CAPTION_NAMED = ("div", "p", "span")
# "Related: <a>…</a>", "Read more", "See also": the words of a label before links to other stories, in
# English and the commonest of French, German, Portuguese, Spanish and Italian; lower case, no punctuation.
_LINK_LABEL = re.compile(
    r"(?:related(?: \w+)?|read (?:more|also|next)|also read|see (?:also|more)"
    r"|more(?: on this| from \w+| news| stories)?|watch(?: more| now)?|recommended(?: \w+)?"
    r"|further reading|you may also like|don t miss|trending(?: now)?"
    r"|lire aussi|à lire aussi|lesen sie auch|mehr zum thema|leia também|lee también|leggi anche)",
)
_NOT_WORD = re.compile(r"[\W_]+")
_BLOCKS = ("p", "div", "li", "h2", "h3", "h4", "h5", "h6", "section", "aside")
_LABEL_CHARS = 40
_LABEL_BLOCK_CHARS = 300
_CAPTION_TAGS = ("p", "div", "span", "small", "em", "i", "figcaption")
# A row of a market-quote table holds a price (two decimals or more: "12.40", "28,004.89") and a signed
# change ("+0.35", "-1.3%", "▲ 2.1", "+0.35 (2.9%)"). A table of the story's own figures rarely does:
# an election's shares and swings have one decimal, its seat changes none.
_PRICE = re.compile(r"^[$€£¥]?\d{1,3}(?:,\d{3})*\.\d{2,4}$|^[$€£¥]?\d+\.\d{2,4}$")
_PRICE_CHANGE = re.compile(r"(?:^|[\s(])[+\-−▲▼]\s?\d[\d.,]*%?(?=$|[\s)])")
_MEDIA = ("img", "picture", "video", "iframe", "audio")
# A caption is a sentence or three; a picture beside a longer text is illustrating the story itself.
_CAPTION_WORDS = 60
_LINK_SHARE = 0.8
_WORD = re.compile(r"\w+")
_END_PUNCTUATION = tuple(".:;!?,—–-\"'”’)")


def remove_clutter(tree: HtmlElement) -> None:
    """Remove, in place, the blocks whose shape says they are not the story (see the module's doc)."""
    body = tree.find(".//body")
    root = body if body is not None else tree
    _remove_named_clutter(root)
    _remove_link_blocks(root)
    _remove_link_lists(root)
    _remove_quote_tables(root)
    _remove_captions_beside_media(root)
    _split_bold_lead_ins(root)


def _remove_named_clutter(root: HtmlElement) -> None:
    """Blocks whose class or id says what they are: cards, tickers, captions; and what the page hides
    (``hidden``, ``role="tooltip"``). One pass in Python: the same tests as ``prune_xpath`` XPaths
    (``contains(translate(@class, …))`` per token) cost trafilatura ~100 ms a page."""
    doomed = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "figcaption" or element.get("hidden") is not None:
            doomed.append(element)
            continue
        if element.get("role") == "tooltip" or element.get("itemprop") == "caption":
            doomed.append(element)
            continue
        names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
        if not names.strip():
            continue
        card = element.tag != "a" and _CARD.search(names) and not _CARD_HOLDER.search(element.get("class") or "")
        caption = element.tag in _CAPTION_NAMED and _CAPTION.search(names)
        if card or caption or _TICKER.search(names):
            doomed.append(element)
    for element in doomed:
        _drop(element)


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _label(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def _link_text(element: HtmlElement) -> str:
    return " ".join(_text(link) for link in element.iter("a"))


def _outside_links(element: HtmlElement) -> str:
    """The element's text without its links' text."""
    return " ".join(" ".join(element.xpath(".//text()[not(ancestor::a)]")).split())


def _is_label(text: str) -> bool:
    return bool(_LINK_LABEL.fullmatch(_label(text)))


def _mostly_links(element: HtmlElement) -> bool:
    text = _text(element)
    return bool(text) and len(_link_text(element)) >= _LINK_SHARE * len(text)


def _remove_link_blocks(root: HtmlElement) -> None:
    """A block that is a label and links ("Related: <a>Ferry fares rise</a>"), and a label alone
    ("Read more") followed by a block of links: both go. Found from the labels' own text, so that
    no block's whole text is read more than once or twice."""
    for string in root.xpath(".//text()[not(ancestor::a)]"):
        if len(string) > _LABEL_CHARS or not _is_label(string):
            continue
        block = string.getparent()
        while block is not None and block.tag not in _BLOCKS:
            block = block.getparent()
        if block is None or block.getparent() is None or len(_text(block)) > _LABEL_BLOCK_CHARS:
            continue
        if block.find(".//a") is not None and _is_label(_outside_links(block)):
            _drop(block)
        elif _is_label(_text(block)):
            following = block.getnext()
            if following is not None and following.find(".//a") is not None and _mostly_links(following):
                _drop(following)
                _drop(block)


def _remove_link_lists(root: HtmlElement) -> None:
    """A list whose every item (two or more) is one link and nothing else is a list of other pages
    (more stories, tags), with or without a "Related" label before it."""
    for listing in list(root.iter("ul", "ol")):
        items = [item for item in listing if item.tag == "li"]
        if len(items) >= 2 and all(_is_one_link(item) for item in items):
            _drop(listing)


def _is_one_link(item: HtmlElement) -> bool:
    links = item.findall(".//a")
    return len(links) == 1 and _text(links[0]) != "" and _text(links[0]) == _text(item)


def _remove_quote_tables(root: HtmlElement) -> None:
    """A table of short cells whose every row (but a header) holds a price and its change is a
    market-quote box."""
    for table in list(root.iter("table")):
        rows = [[_text(cell) for cell in row.iter("td", "th")] for row in table.iter("tr")]
        data = [row for row in rows if sum(bool(cell) for cell in row) >= 2]
        if len(data) < 2 or any(len(_WORD.findall(cell)) > 5 for row in data for cell in row):
            continue
        quotes = sum(
            any(_PRICE.match(cell) for cell in row) and any(_PRICE_CHANGE.search(cell) for cell in row) for row in data
        )
        if quotes >= max(2, len(data) - 1):
            _drop(table)


def _remove_captions_beside_media(root: HtmlElement) -> None:
    """A short block of text that, with a picture or a video, is all its parent holds is its caption.
    Found from the pictures: the nearest of their (three) parents that holds any text is looked at."""
    for media in list(root.iter(*_MEDIA)):
        holder = media.getparent()
        for _ in range(3):
            if holder is None or holder.tag in ("body", "article", "main") or _text(holder):
                break
            holder = holder.getparent()
        if holder is None or holder.tag in ("body", "article", "main"):
            continue
        text = _text(holder)
        if not text or len(_WORD.findall(text)) > _CAPTION_WORDS:
            continue
        captions = [child for child in holder if _text(child) == text and media not in child.iter(*_MEDIA)]
        if captions and captions[0].tag in _CAPTION_TAGS and not (holder.text or "").strip():
            _drop(captions[0])


def _split_bold_lead_ins(root: HtmlElement) -> None:
    """``<p><b>What happens next</b> The board will…</p>``: a bold lead-in without end punctuation
    before a new sentence is a sub-heading; a line break keeps it out of that sentence."""
    for paragraph in root.iter("p"):
        first = paragraph[0] if len(paragraph) else None
        if first is None or first.tag not in ("b", "strong") or (paragraph.text or "").strip():
            continue
        lead, tail = _text(first), (first.tail or "").lstrip()
        if (
            _WORD.search(lead)
            and not lead.endswith(_END_PUNCTUATION)
            and tail[:1].isupper()
            and len(_WORD.findall(tail)) >= 4
        ):
            first.addnext(first.makeelement("br"))
            first.getnext().tail, first.tail = first.tail, None


def _drop(element: HtmlElement) -> None:
    """Remove ``element`` and its text, keeping the text after it (its tail)."""
    if element.getparent() is not None:
        element.drop_tree()


def strip_site_name(title: str, site_names: Iterable[str], page_title: str = "") -> str:
    """``title`` without a leading or trailing part that is the site's name ("… | TheHill",
    "… - Digg", "Reuters — …"); a part that is not the site's name stays ("Spider-Man - Far From Home").
    A title that *is* the site's name (trafilatura takes the first half of "The Hill - Headline") gives
    way to the page's ``<title>`` without that name."""
    names = {_site_key(name) for name in site_names} - {""}
    stripped = _without_names(title, names)
    if _site_key(stripped) in names and page_title:
        return _without_names(page_title, names)
    return stripped


def _without_names(title: str, names: set[str]) -> str:
    parts = _TITLE_PARTS.split(title)
    while len(parts) > 1 and _site_key(parts[-1]) in names:
        parts = parts[:-2]
    while len(parts) > 1 and _site_key(parts[0]) in names:
        parts = parts[2:]
    return "".join(parts).strip() or title


# A title's parts: separated by | • · — – ~ » « / : or a spaced hyphen, kept so the title reads as it did.
_TITLE_PARTS = re.compile(r"(\s*[|•·—–~»«/:]\s*|\s+-\s+)")


def _site_key(name: str) -> str:
    """A site's name for comparing: lower case, letters and digits only, no leading "the" or "www"."""
    key = _NOT_WORD.sub("", name.casefold())
    return key.removeprefix("www").removeprefix("the")


def site_names(*names: str, host: str = "") -> list[str]:
    """The names a site goes by: the ones given (og:site_name, the publisher) and its host's labels
    ("thehill.com" → "thehill", "edition.cnn.com" → "edition", "cnn"), the last label, short ones and
    numbers left out."""
    labels = [
        label for label in host.lower().removeprefix("www.").split(".")[:-1] if len(label) >= 3 and not label.isdigit()
    ]
    return [name for name in (*names, *labels) if name]

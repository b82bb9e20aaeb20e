"""What the review's text-scanning rules look for in a page, found once when the page is read.

Spelling variants, American terms, currency marks, colour-only cues, raw HTML tags and `check: ignore`
comments depend on the page's own text alone, so, like its prose measures (prosestats.py), they are
found in the page reader (in worker processes for a large course) and kept in the page cache (the hot
part of its entry): reviewing an unchanged page scans none of its text again, nor decodes its words.
The rules (check/consistency.py, check/access.py, check/housekeeping.py, check/__init__.py) judge what
was found against the course as a whole; scenario lines, which are not pages, are scanned the same
way when the review runs.
"""
from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from courseforge.model import PageText

# A word is a run of ASCII letters: r"[A-Za-z]+" (tests/test_reading_equivalence.py checks the ways
# below find the same). Everything but letters becomes a space, so str.split() finds the words:
# not_letters() for any text, or, at C speed, on bytes: text encoded with "?" for each character
# beyond ASCII, then every byte but an ASCII letter made a space; that is not_letters() too for a
# text with nothing from U+2100 on (which not_letters() keeps).
LETTER_RUNS = bytes(code if chr(code).isascii() and chr(code).isalpha() else ord(" ") for code in range(256))
LOWER_LETTER_RUNS = bytes(ord(chr(code).lower()) if chr(code).isascii() and chr(code).isalpha() else ord(" ")
                          for code in range(256))
# Words both variants use in some sense: a computer program, to license, a tyre pressure meter.
BOTH = frozenset("program programs practice practices license licensed licenses licensing meter meters tire tires "
                 "tired draft drafts drafting disk disks install installs installing installed ax story stories "
                 "check checks inquiry inquiries enroll curb curbs judgment judgments".split())
# breame also lists spellings British English has dropped ("connexion"): never suggest those.
ARCHAIC = re.compile(r"xions?$")
# British terms for American ones, flagged only in British-spelling courses.
US_TERMS = {"deductible": "excess", "zip code": "postcode", "cell phone": "mobile phone", "sidewalk": "pavement",
            "gasoline": "petrol", "parking lot": "car park", "checking account": "current account"}
# The only letters outside ASCII that an IGNORECASE pattern matches to ASCII ones (İ ı ſ and the Kelvin sign).
CASELESS_ASCII = "\u0130\u0131\u017f\u212a"
US_TERM = re.compile(r"\b(" + "|".join(US_TERMS) + r")\b", re.IGNORECASE)
TO_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def us_term_key(found: str) -> str:
    """The US_TERMS key of what US_TERM matched ("ſidewalk" and "SİDEWALK" match; lower() alone
    would not make them "sidewalk")."""
    return found.translate(TO_ASCII).lower()
CURRENCY = re.compile(r"[$£€¥₹]|\b(?:USD|GBP|EUR|JPY|INR)\b")
CODES = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "INR": "₹"}
CURRENCY_MARKS = (*CODES, *CODES.values())
# What a page's letter runs must hold for each scan to find something (see scan()).
TERM_WORDS = frozenset(term.split()[0] for term in US_TERMS)
CODE_WORDS = frozenset(code.lower() for code in CODES)
SYMBOLS = tuple(symbol for symbol in CODES.values() if symbol != "$")
COLOURS = "red|green|blue|yellow|orange|purple|pink|grey|gray|brown|black|white"
COLOUR_NAMES = COLOURS.split("|")
COLOUR_WORDS = frozenset(COLOUR_NAMES)
COLOUR_CUE = re.compile(rf"\b(?:the|in|marked|highlighted|shown|coloured|colored)\s+(?:in\s+)?({COLOURS})\b"
                        r"(?:\s+(?:one|ones|option|options|button|buttons|box|boxes|text|item|items|answer|answers|"
                        r"icon|icons|line|lines|area|areas|word|words|column|row|cells?|parts?))?", re.IGNORECASE)
# "the red option" and "shown in green" point by colour; "the red shoes" describes one.
NOUNS = re.compile(r"\b(one|ones|option|options|button|buttons|box|boxes|text|item|items|answer|answers|icon|icons|"
                   r"line|lines|area|areas|word|words|column|row|cells?|parts?)$", re.IGNORECASE)
POINTING = ("in", "marked", "highlighted", "shown", "coloured", "colored")
# An HTML tag as authors paste them (<br>, </u>, <iframe src="…">); not an autolink (<https://…>, <a@b.c>),
# a comparison ("a < b") nor a comment (<!-- check: ignore … -->). Code spans are taken out first: HTML
# shown as code is meant, and so is a tag whose "<" the author escaped (\<b>, shown as <b>). Markdown
# escapes raw HTML (README, "Raw HTML and files"): the learner sees it.
HTML_TAG = re.compile(r"(?<!\\)</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
CODE_SPAN = re.compile(r"(`+).*?\1")
SHOWN_TAG = 40  # characters of a tag a finding shows; a longer one is cut to 38 and "…>"
# Names or none: a comment naming none is kept too, so the review says so at its line (check/ignores.py).
IGNORE_COMMENT = re.compile(r"check:\s*ignore(?![A-Za-z0-9_])([A-Za-z0-9_, -]*)")


@dataclass(frozen=True, slots=True)
class TextMarks:
    """Each as (line, text as written), in the order the page's blocks (then questions) hold them."""

    spellings: tuple[tuple[int, str], ...] = ()  # words of one spelling variant only (breame's lists)
    us_terms: tuple[tuple[int, str], ...] = ()  # American terms with a British one (US_TERMS)
    currencies: tuple[tuple[int, str], ...] = ()  # currency symbols, codes as their symbol
    colour_cues: tuple[tuple[int, str], ...] = ()  # words that point by colour alone
    ignores: tuple[tuple[int, tuple[str, ...]], ...] = ()  # lines of the source naming rules to ignore
    raw_html: tuple[tuple[int, str], ...] = ()  # the first HTML tag of a line, as a finding shows it


NO_MARKS = TextMarks()  # what most pages hold: one made once (frozen, so shared)


def spelling_lists() -> tuple[dict, dict]:
    """(American spelling → British, British → American), breame's lists."""
    return _spellings()[:2]


@functools.cache
def _spellings() -> tuple[dict, dict, frozenset, frozenset]:
    """(American → British, British → American, every word of both, those a page is flagged for)."""
    from breame.spelling import AMERICAN_ENGLISH_SPELLINGS as US, BRITISH_ENGLISH_SPELLINGS as GB

    listed = frozenset(US.keys() | GB.keys())
    return US, GB, listed, frozenset(word for word in listed if word not in BOTH and not ARCHAIC.search(US.get(word, "")))


@functools.cache
def _page_words() -> frozenset[bytes]:
    """Every word a page-wide test of scan() looks for among the page's runs, as bytes."""
    return frozenset(word.encode("ascii") for words in (_spellings()[2], TERM_WORDS, CODE_WORDS, COLOUR_WORDS)
                     for word in words)


@functools.cache
def not_letters() -> dict[int, str]:
    """str.translate's table for the words of any text: made when a text needs it, not by every build
    that imports this module (8 000 entries)."""
    return {code: " " for code in range(0x2100) if not chr(code).isalpha() or not chr(code).isascii()}


def _letter_runs(text: str) -> list[str]:
    """The words of `text`, in order."""
    return text.encode("ascii", "replace").translate(LETTER_RUNS).decode("ascii").split()


def scan(blocks, ignores: tuple = (), raw_html: tuple = ()) -> TextMarks:
    """The marks of `blocks` (model.Block, in reading order); `ignores` and `raw_html` are kept as given."""
    us, gb, listed, _ = _spellings()
    blocks = list(blocks)
    # Most pages name no colour, currency or variant word at all: one test of the whole page settles
    # each scan (no mark spans two blocks: "\n" joins them and none holds one).
    whole = "\n".join(block.text for block in blocks)
    plain = whole.isascii()
    caseless = not plain and any(letter in whole for letter in CASELESS_ASCII)
    # Without those four, lower() makes no letter beyond ASCII an ASCII one: the runs of the text
    # lowered are those of the text, lowered by the table that finds them.
    if caseless:
        runs = set(_letter_runs(whole.lower()))
    else:
        letters = whole.encode("ascii", "replace").translate(LOWER_LETTER_RUNS).split()
        # Most pages hold none of the words below: one test of the runs as they are settles it (no set
        # of them to make, nor each test of it); a page that does holds one early, mostly.
        runs = () if _page_words().isdisjoint(letters) else set(map(bytes.decode, letters))
    # Each test holds wherever a block's scan finds something: a term, a code or a colour that its
    # pattern matches is a whole run of ASCII letters in the text lowered, unless the text holds a
    # letter that IGNORECASE takes for an ASCII one. Set lookups, not a search of the page for each.
    # The listed words on the page: a block's test finds one of them, if any (each a run of its text lowered).
    hits = listed.intersection(runs)
    scans = (bool(hits),  # finds every word the blocks' test does
             caseless or not TERM_WORDS.isdisjoint(runs),
             "$" in whole or not CODE_WORDS.isdisjoint(runs) or (not plain and any(s in whole for s in SYMBOLS)),
             caseless or not COLOUR_WORDS.isdisjoint(runs))
    if not any(scans):
        return TextMarks(ignores=ignores, raw_html=raw_html) if ignores or raw_html else NO_MARKS
    found: tuple[list, list, list, list] = ([], [], [], [])
    if caseless:  # lower() may make a character two, and the blocks' tests find more: each block asked
        asked = [(scanner, into, range(len(blocks))) for scanner, wanted, into in zip(SCANNERS, scans, found) if wanted]
    else:
        # Each scanner finds nothing in a block where its own first test, a search of the block (lowered,
        # but for currencies) for one of a few words, fails: search the page for them instead, and ask
        # only the blocks holding one. lower() keeps each character where it is: a word (ASCII letters
        # and spaces, or a currency mark) found in the page lowered is in the block lowered there.
        lower = whole.lower()
        starts = list(accumulate((len(block.text) + 1 for block in blocks), initial=0))
        asked = [(scanner, into, _holding(text, starts, words))
                 for scanner, wanted, into, text, words in zip(SCANNERS, scans, found, (lower, lower, whole, lower),
                                                               (hits, US_TERMS, CURRENCY_MARKS, COLOUR_NAMES))
                 if wanted]
    for number, block in enumerate(blocks):
        for scanner, into, holding in asked:
            if number in holding:
                into += scanner(block, us, gb, hits)
    return TextMarks(*map(tuple, found), ignores, raw_html)


def _holding(text: str, starts: list[int], words) -> set[int]:
    """The blocks (each starting at starts[number] in `text`) where one of `words` is found."""
    holding = set()
    for word in words:
        at = text.find(word)
        while at >= 0:
            number = bisect_right(starts, at) - 1
            holding.add(number)
            at = text.find(word, starts[number + 1])  # on from the next block
    return holding


def _spellings_in(block, us: dict, gb: dict, listed: frozenset) -> list:
    """The words of `block` of one variant only, given `listed`: breame's words, or those of them its
    page holds (scan())."""
    text = block.text
    lower = text.lower()
    # A word the test below finds is a run of ASCII letters of `lower`: where none of the page's
    # listed words is even part of it, the block holds none (most blocks of a page that holds some).
    if len(listed) <= FEW_LISTED and not any(word in lower for word in listed):
        return []
    beyond = lower and max(lower) >= "\u2100"  # a character not_letters() keeps
    if listed.isdisjoint(lower.translate(not_letters()).split() if beyond else _letter_runs(lower)):
        return []  # settled at C speed
    flagged = _spellings()[3]
    return [(block.line + number, word) for number, line in enumerate(text.split("\n"))
            for word in _letter_runs(line) if word.lower() in flagged]


def _terms_in(block, *lists) -> list:
    text = block.text
    if not _may_hold_term(text, text.lower()):
        return []
    return [(_line(block, match), match.group(0)) for match in US_TERM.finditer(text)]


def _may_hold_term(text: str, lower: str) -> bool:
    return any(term in lower for term in US_TERMS) or any(letter in text for letter in CASELESS_ASCII)


def _currencies_in(block, *lists) -> list:
    if not any(mark in block.text for mark in CURRENCY_MARKS):
        return []
    return [(_line(block, m), CODES.get(m.group(0), m.group(0))) for m in CURRENCY.finditer(block.text)]


def _colours_in(block, *lists) -> list:
    lower = block.text.lower()
    if not any(colour in lower for colour in COLOUR_NAMES):  # skip the slower pattern
        return []
    return [(_line(block, match), match.group(0)) for match in COLOUR_CUE.finditer(block.text)
            if match.group(0).lower().split()[0] in POINTING or NOUNS.search(match.group(0))]


FEW_LISTED = 64  # listed words to look for in a block one by one before its words are split
SCANNERS = (_spellings_in, _terms_in, _currencies_in, _colours_in)


def page_marks(text: PageText, source: str) -> TextMarks:
    """A page's marks; `source` is its text as read (sourcetext.read_source)."""
    named = "check:" in source and IGNORE_COMMENT.search(source)  # the plain test first: most pages have none
    blocks = (*text.blocks, *text.questions)
    tags = raw_html_lines(blocks, source) if "<" in source else ()  # most pages hold no "<" at all
    return scan(blocks, ignore_lines(source) if named else (), tags)


def raw_html_lines(blocks, source: str) -> tuple[tuple[int, str], ...]:
    """(line, tag as shown) for each line of the blocks' source holding an HTML tag outside code spans,
    at its first, once a line; a line is read only if its block's text holds a "<" (fenced and indented
    code is no block). `source` is the page as read, numbered as its blocks are."""
    lines, found, seen = None, [], set()
    for block in blocks:
        if "<" not in block.text:
            continue
        lines = lines if lines is not None else source.split("\n")
        for number in range(block.line, min(block.line + block.text.count("\n"), len(lines)) + 1):
            tag = HTML_TAG.search(CODE_SPAN.sub("", lines[number - 1])) if number not in seen else None
            if tag:
                _add_tag(found, seen, number, tag.group(0))
    return tuple(found)


def scalar_raw_html(nodes, lines: list[str]) -> tuple[tuple[int, str], ...]:
    """raw_html_lines() of a YAML file's texts: (line, tag as shown) for each line holding an HTML tag
    outside code spans in one of `nodes` (scalar nodes in file order), at its first, once a line.
    `lines`: the file's lines, as its nodes number them. A text holds a tag as the learner sees it (its
    lines joined by spaces, as the script's reader joins them); a tag is placed on the line of the text
    where it is written, or, cut in two by a line end (or written with a quoted text's escapes), on the
    text's first line."""
    found, seen = [], set()
    for node in nodes:
        if "<" not in node.value:
            continue
        first = HTML_TAG.search(CODE_SPAN.sub("", " ".join(node.value.split())))
        if first is None:
            continue
        start, end = node.start_mark, node.end_mark
        # A block scalar's text starts on the line after its `|` or `>` (where a comment may follow).
        top = start.line + 1 if node.style in ("|", ">") else start.line
        placed = False
        for index in range(top, min(end.line + 1, len(lines))):
            text = lines[index]
            if index == end.line:
                text = text[:end.column]  # not the comment after a quoted or plain text
            if index == start.line:
                text = text[start.column:]  # not the key before it
            if node.style == "'":
                text = text.replace("''", "'")  # a single-quoted text's one escape: shown as the learner sees it
            tag = HTML_TAG.search(CODE_SPAN.sub("", text))
            if tag:
                placed = True
                _add_tag(found, seen, index + 1, tag.group(0))
        if not placed:
            _add_tag(found, seen, min(top, end.line) + 1, first.group(0))
    return tuple(sorted(found, key=lambda item: item[0]))


def _add_tag(found: list, seen: set, number: int, shown: str) -> None:
    """(line, tag as shown, cut to SHOWN_TAG) once a line."""
    if number not in seen:
        seen.add(number)
        found.append((number, shown if len(shown) <= SHOWN_TAG else shown[:SHOWN_TAG - 2] + "…>"))


def ignore_lines(source: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """(line, rules) for each line of `source` (a page as read: LF lines only) with a `check: ignore`
    comment, numbered as its blocks are and as an editor shows them. The file read again and split
    by str.splitlines() put a comment after a form feed or U+2028 a line below its finding."""
    found = []
    for number, text in enumerate(source.split("\n"), start=1):
        named: set[str] = set()
        for match in IGNORE_COMMENT.finditer(text):
            named |= ignored_names(match)
        if named:
            found.append((number, tuple(sorted(named))))
    return tuple(found)


def ignored_names(match: re.Match) -> set[str]:
    """The names an IGNORE_COMMENT match gives, in lower case (they are matched whatever their case);
    {""} for none."""
    return set(re.split(r"[\s,]+", match.group(1).strip().lower()))


def _line(block, match: re.Match) -> int:
    return block.line + block.text.count("\n", 0, match.start())

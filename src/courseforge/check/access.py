"""Accessibility of the content itself: alt text, heading order, table headers, link text, and
colour as the only cue. (The player's own markup is checked by axe-core in the end-to-end tests.)"""
from __future__ import annotations

import re

from courseforge.check.findings import Finding, finding
from courseforge.check.review import Review

ALT_FILLER = re.compile(r"^\s*(an? )?(image|picture|photo|photograph|graphic|screenshot|icon)( of\b|\s*$)", re.IGNORECASE)
VAGUE_LINKS = frozenset({"click here", "here", "this link", "link", "read more", "more", "this", "click",
                         "this page", "learn more", "go"})
COLOURS = "red|green|blue|yellow|orange|purple|pink|grey|gray|brown|black|white"
COLOUR_NAMES = COLOURS.split("|")
COLOUR_CUE = re.compile(rf"\b(?:the|in|marked|highlighted|shown|coloured|colored)\s+(?:in\s+)?({COLOURS})\b"
                        r"(?:\s+(?:one|ones|option|options|button|buttons|box|boxes|text|item|items|answer|answers|"
                        r"icon|icons|line|lines|area|areas|word|words|column|row|cells?|parts?))?", re.IGNORECASE)
# "the red option" and "shown in green" point by colour; "the red shoes" describes one.
NOUNS = re.compile(r"\b(one|ones|option|options|button|buttons|box|boxes|text|item|items|answer|answers|icon|icons|"
                   r"line|lines|area|areas|word|words|column|row|cells?|parts?)$", re.IGNORECASE)


def image_alt(review: Review) -> list[Finding]:
    found = []
    for path, page in review.pages.items():
        for line, alt, src in page.images:
            if not alt.strip():
                found.append(finding("image-alt", path, line, f"image {src} has no alt text",
                                     "write what the image shows or means in ![…](…); a decorative image "
                                     "belongs in the theme, not the lesson"))
            elif ALT_FILLER.match(alt):
                found.append(finding("image-alt", path, line, f'the alt text of {src} starts "{alt[:30]}"',
                                     "screen readers already say it is an image: describe what it shows"))
    return found


def heading_skip(review: Review) -> list[Finding]:
    found = []
    for path, page in review.pages.items():
        level = 1  # the page title
        for line, heading, text in page.headings:
            if heading > level + 1:
                found.append(finding("heading-skip", path, line,
                                     f'heading "{text}" is level {heading} right after level {level}',
                                     f"use {'#' * (level + 1)} here (the page title is level 1; `#` and `##` both give level 2)"))
            level = heading
    return found


def table_header(review: Review) -> list[Finding]:
    return [finding("table-header", path, line, "this table's header row is empty",
                    "name each column in the first row: screen readers read it before every cell")
            for path, page in review.pages.items() for line, cells in page.tables if not any(cells)]


def link_text(review: Review) -> list[Finding]:
    return [finding("link-text", path, line, f'link text "{text}" says nothing about where it leads',
                    'name the destination, e.g. "the returns policy (PDF)"')
            for path, page in review.pages.items() for line, text, _ in page.links
            if text.lower().strip(" .!:") in VAGUE_LINKS]


def colour_only(review: Review) -> list[Finding]:
    found = []
    for path, block in review.texts():
        lower = block.text.lower()
        if not any(colour in lower for colour in COLOUR_NAMES):
            continue  # most text names no colour: skip the slower pattern
        for match in COLOUR_CUE.finditer(block.text):
            pointing = match.group(0).lower().split()[0] in ("in", "marked", "highlighted", "shown", "coloured", "colored")
            if pointing or NOUNS.search(match.group(0)):
                found.append(finding("colour-only", path, block.line + block.text.count("\n", 0, match.start()),
                                     f'"{match.group(0)}" points by colour alone',
                                     "add a cue that survives colour blindness and greyscale: a label, position or icon"))
    return found


RULES = {"image-alt": image_alt, "heading-skip": heading_skip, "table-header": table_header,
         "link-text": link_text, "colour-only": colour_only}

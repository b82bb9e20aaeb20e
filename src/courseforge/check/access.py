"""Accessibility of the content itself: alt text, heading order, table headers, link text, and
colour as the only cue. (The player's own markup is checked by axe-core in the end-to-end tests.)"""
from __future__ import annotations

import re

from courseforge.check.findings import Finding, finding
from courseforge.check.review import Review

ALT_FILLER = re.compile(r"^\s*(an? )?(image|picture|photo|photograph|graphic|screenshot|icon)( of\b|\s*$)", re.IGNORECASE)
VAGUE_LINKS = frozenset({"click here", "here", "this link", "link", "read more", "more", "this", "click",
                         "this page", "learn more", "go"})


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
    return [finding("colour-only", path, line, f'"{cue}" points by colour alone',
                    "add a cue that survives colour blindness and greyscale: a label, position or icon")
            for path, marks in review.marks() for line, cue in marks.colour_cues]


RULES = {"image-alt": image_alt, "heading-skip": heading_skip, "table-header": table_header,
         "link-text": link_text, "colour-only": colour_only}

"""Accessibility of the content itself: alt text, heading order, table headers, link text, and
colour as the only cue. (The player's own markup is checked by axe-core in the end-to-end tests.)"""
from __future__ import annotations

import re

from courseforge.check.findings import Finding, finding
from courseforge.check.review import Review

ALT_FILLER = re.compile(r"^\s*(an? )?(image|picture|photo|photograph|graphic|screenshot|icon)( of\b|\s*$)", re.IGNORECASE)
VAGUE_LINKS = frozenset({"click here", "here", "this link", "link", "read more", "more", "this", "click",
                         "this page", "learn more", "go"})


def image_alt(review: Review, page) -> list[Finding]:
    found = []
    for line, alt, src in review.page(page).images:
        if not alt.strip():
            found.append(finding("image-alt", page.source, line, f"image {src} has no alt text",
                                 "write what the image shows or means in ![…](…); a decorative image "
                                 "belongs in the theme, not the lesson"))
        elif ALT_FILLER.match(alt):
            found.append(finding("image-alt", page.source, line, f'the alt text of {src} starts "{alt[:30]}"',
                                 "screen readers already say it is an image: describe what it shows"))
    return found


def heading_skip(review: Review, page) -> list[Finding]:
    found = []
    level = 1  # the page title
    for line, heading, text in review.page(page).headings:
        if heading > level + 1:
            found.append(finding("heading-skip", page.source, line,
                                 f'heading "{text}" is level {heading} right after level {level}',
                                 f"use {'#' * (level + 1)} here (the page title is level 1; `#` and `##` both give level 2)"))
        level = heading
    return found


def table_header(review: Review, page) -> list[Finding]:
    return [finding("table-header", page.source, line, "this table's header row is empty",
                    "name each column in the first row: screen readers read it before every cell")
            for line, cells in review.page(page).tables if not any(cells)]


def link_text(review: Review, page) -> list[Finding]:
    return [finding("link-text", page.source, line, f'link text "{text}" says nothing about where it leads',
                    'name the destination, e.g. "the returns policy (PDF)"')
            for line, text, _ in review.page(page).links if text.lower().strip(" .!:") in VAGUE_LINKS]


def colour_only(review: Review, page) -> list[Finding]:
    return _colour_cues(page.source, review.page_marks(page))


def colour_only_in_scenarios(review: Review) -> list[Finding]:
    return [found for path, marks in review.scenario_marks() for found in _colour_cues(path, marks)]


def _colour_cues(path, marks) -> list[Finding]:
    return [finding("colour-only", path, line, f'"{cue}" points by colour alone',
                    "add a cue that survives colour blindness and greyscale: a label, position or icon")
            for line, cue in marks.colour_cues]


# Each a finding about one page from that page alone (kept between builds, see kept.py) …
PAGE_RULES = {"image-alt": image_alt, "heading-skip": heading_skip, "table-header": table_header,
              "link-text": link_text, "colour-only": colour_only}
# … and what the course has besides its pages.
RULES = {"colour-only": colour_only_in_scenarios}

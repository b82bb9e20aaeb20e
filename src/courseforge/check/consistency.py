"""Consistency: one spelling variant (en-GB or en-US, breame's word lists), one currency, and each
glossary term written one way.

The variant is the course's `language` (en-GB, en-AU, en-NZ, en-IE, en-ZA, en-IN write British
spelling; en-US American); any other English tag (`en`, en-CA) is held to the variant most of its
words already use. A glossary is a page
whose id is `glossary`; its terms are the `**Term**` that starts a line or list item, or a line
followed by a `: definition` line (definition-list style).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from courseforge.check.findings import Finding, finding
from courseforge.check.review import Review
from courseforge.textmarks import US_TERMS, spelling_lists, us_term_key

WORD = re.compile(r"[A-Za-z]+")
GLOSSARY_BOLD = re.compile(r"^\s*(?:[-*+]\s+)?\*\*([^*]{2,60}?)\*\*")
GLOSSARY_ID = "glossary"
# Other English tags (en, en-CA: British and American spelling side by side) follow the majority.
VARIANTS = {"en-us": "us", **{tag: "gb" for tag in ("en-gb", "en-au", "en-nz", "en-ie", "en-za", "en-in")}}


def _variant(review: Review, counts: Counter) -> str | None:
    language = review.course.config.language.lower()
    if language.split("-")[0] != "en":
        return None
    if language in VARIANTS:
        return VARIANTS[language]
    if counts["gb"] == counts["us"]:
        return None
    return "gb" if counts["gb"] > counts["us"] else "us"


def spelling_variant(review: Review) -> list[Finding]:
    words = [(path, line, word) for path, marks in review.marks() for line, word in marks.spellings]
    us, gb = spelling_lists() if words else ({}, {})  # no word of either variant: no lists to load
    hits = [(path, line, "us" if word.lower() in us else "gb", word, us.get(word.lower()) or gb.get(word.lower()))
            for path, line, word in words]
    variant = _variant(review, Counter(kind for _, _, kind, _, _ in hits))
    if variant is None:
        return []
    name = {"gb": "British", "us": "American"}
    found = [finding("spelling-variant", path, line, f'"{word}" is {name[kind]} spelling; the course writes {name[variant]}',
                     f'write "{other}" (or set `language:` in course.yml to the variant you mean)')
             for path, line, kind, word, other in hits if kind != variant]
    return found + (_us_terms(review) if variant == "gb" else [])


def _us_terms(review: Review) -> list[Finding]:
    return [finding("spelling-variant", path, line, f'"{term}" is the American term; the course writes British',
                    f'write "{US_TERMS[us_term_key(term)]}"')
            for path, marks in review.marks() for line, term in marks.us_terms]


def currency_mixed(review: Review) -> list[Finding]:
    hits = [(path, line, symbol) for path, marks in review.marks() for line, symbol in marks.currencies]
    counts = Counter(symbol for _, _, symbol in hits)
    if len(counts) < 2:
        return []
    main = counts.most_common(1)[0][0]
    return [finding("currency-mixed", path, line, f"{symbol} amid a course that mostly uses {main}",
                    f"use {main} throughout, unless the story really crosses a border")
            for path, line, symbol in hits if symbol != main]


def glossary_terms(lines: list[str]) -> list[str]:
    terms = []
    for index, line in enumerate(lines):
        bold = GLOSSARY_BOLD.match(line)
        if bold:
            terms.append(bold.group(1).strip().rstrip(":"))
        elif line.strip() and index + 1 < len(lines) and lines[index + 1].startswith(": "):
            terms.append(line.strip())
    return terms


@dataclass(frozen=True)
class Glossary:
    terms: dict[str, str]  # a term's letters in lower case → the term as the glossary writes it
    prefixes: frozenset[str]  # every beginning of a key: a run of words that is none can stop growing at once
    longest: int  # words in the longest term, plus one for a hyphen or space written apart


def glossary(review: Review) -> Glossary | None:
    """The course's glossary page's terms, read once; None when the course has no glossary."""
    if "glossary" not in review.memo:
        page = next((page for page in review.course.pages if page.id == GLOSSARY_ID), None)
        terms = {_key(term): term for term in glossary_terms(review.lines(page.source))} if page else None
        review.memo["glossary"] = None if terms is None else Glossary(
            terms, frozenset(key[:end] for key in terms for end in range(1, len(key) + 1)),
            max((len(WORD.findall(term)) for term in terms.values()), default=0) + 1)
    return review.memo["glossary"]


def glossary_context(review: Review) -> str:
    """What glossary-variant reads besides a page: the glossary's terms (kept findings are keyed by it)."""
    found = glossary(review)
    return json.dumps(list(found.terms.values())) if found else ""


def glossary_variant(review: Review, page) -> list[Finding]:
    found = glossary(review)
    if found is None or page.id == GLOSSARY_ID:  # one page is the glossary: the course's ids are unique
        return []
    return [hit for block in review.page_texts(page) for hit in _variants_in(page.source, block, found)]


def glossary_variant_in_scenarios(review: Review) -> list[Finding]:
    found = glossary(review)
    if found is None:
        return []
    return [hit for path, block in review.scenario_texts() for hit in _variants_in(path, block, found)]


def _variants_in(path: Path, block, listed: Glossary) -> list[Finding]:
    """Runs of up to `longest` words joined by single spaces or hyphens whose letters spell a glossary
    term (any case, any joining) but are written otherwise."""
    terms, prefixes, longest = listed.terms, listed.prefixes, listed.longest
    text = block.text
    tokens = [match.span() for match in WORD.finditer(text)]
    found = []
    for i, (start, _) in enumerate(tokens):
        key = ""
        for j in range(i, min(i + longest, len(tokens))):
            begin, end = tokens[j]
            if j > i and text[tokens[j - 1][1]:begin] not in (" ", "-"):
                break
            key += text[begin:end].lower()
            if key not in prefixes:
                break
            term = terms.get(key)
            span = text[start:end]
            if term and span.lower() != term.lower():
                line = block.line + text.count("\n", 0, start)
                found.append(finding("glossary-variant", path, line, f'"{span}" is written "{term}" in the glossary',
                                     f'write "{term}" everywhere, or change the glossary'))
    return found


def _key(text: str) -> str:
    return "".join(WORD.findall(text)).lower()


RULES = {"spelling-variant": spelling_variant, "currency-mixed": currency_mixed,
         "glossary-variant": glossary_variant_in_scenarios}
PAGE_RULES = {"glossary-variant": glossary_variant}  # keyed also by glossary_context()

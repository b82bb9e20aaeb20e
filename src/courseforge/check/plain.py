"""Plain language: a readability grade per page, long sentences, and the share of sentences in the
passive voice, judged against the thresholds of `check:` in course.yml. The page's measures come
with it from the reader (prosestats.py), computed once and cached.
"""
from __future__ import annotations

from courseforge.check.findings import Finding, finding
from courseforge.check.review import Review
from courseforge.prosestats import LONG_FROM
from courseforge.prosestats import long_sentences as long_sentences_in

MIN_SENTENCES = 10


def readability(review: Review, page) -> list[Finding]:
    stats = review.page(page).stats
    if stats.grade is None or stats.grade <= review.settings.max_grade:
        return []
    return [finding("readability", page.source, stats.first_line,
                    f'"{page.id}" reads at grade {stats.grade:.1f} (Coleman–Liau), above the '
                    f"course's {review.settings.max_grade}",
                    "use shorter sentences and everyday words, or raise `check: max_grade`")]


def long_sentences(review: Review, page) -> list[Finding]:
    limit = review.settings.max_sentence_words
    return [finding("long-sentence", page.source, s.line, f'a sentence of {s.words} words: "{s.opening}"',
                    f"split it: aim for at most {limit} words")
            for s in _long(review.page(page), limit)]


def _long(text, limit: int):
    if limit + 1 >= LONG_FROM:
        return [s for s in text.stats.long if s.words > limit]
    return long_sentences_in([block for block in text.blocks if block.kind == "paragraph"], limit)


def passive_voice(review: Review, page) -> list[Finding]:
    stats = review.page(page).stats
    passive, total = sorted(stats.passive, key=lambda s: s.line), stats.sentence_count
    if total < MIN_SENTENCES or 100 * len(passive) <= review.settings.max_passive_percent * total:
        return []
    return [finding("passive-voice", page.source, passive[0].line,
                    f'{len(passive)} of {total} sentences of "{page.id}" are passive '
                    f'({100 * len(passive) // total}%), e.g. "{passive[0].opening}"',
                    f"say who does what (at most {review.settings.max_passive_percent}% passive)")]


PAGE_RULES = {"readability": readability, "long-sentence": long_sentences, "passive-voice": passive_voice}
RULES: dict = {}

"""Plain language: a readability grade per page (textstat's Coleman–Liau index, a US school grade
computed from letters per word and words per sentence: no syllable dictionary to load), long sentences,
and the share of sentences in the passive voice. Thresholds come from `check:` in course.yml.

Passive voice is spotted the way style checkers do: a form of "be" or "get", an optional -ly word,
then a past participle (a regular -ed word or a common irregular one); -ed words that mostly work as
adjectives of feeling ("worried", "tired") are not counted.
"""
from __future__ import annotations

import re

from courseforge.model import Block
from courseforge.pagetext import sentences, words
from courseforge.check.findings import Finding, finding
from courseforge.check.review import Review

MIN_WORDS = 100  # a grade of a shorter page says little
MIN_SENTENCES = 10
IRREGULAR = ("known shown given taken made done seen written told found kept left sent paid held brought bought "
             "thought caught taught built heard meant put set said won lost hurt cut chosen spoken broken driven "
             "forgotten forgiven hidden stolen thrown worn begun drawn grown understood led met sold run read "
             "felt spent lent struck dealt")
FEELINGS = frozenset("""tired worried excited interested bored frustrated annoyed pleased surprised confused
concerned disappointed embarrassed relieved satisfied scared stressed used supposed based related involved
married qualified experienced skilled detailed limited advanced exhausted overwhelmed upset delighted
determined prepared committed engaged focused motivated""".split())
PASSIVE = re.compile(r"\b(?:am|is|are|was|were|be|been|being|get|gets|got|gotten|getting)\s+(?:\w+ly\s+)?"
                     rf"(\w+ed|{'|'.join(IRREGULAR.split())})\b", re.IGNORECASE)


def is_passive(sentence: str) -> bool:
    return any(match.group(1).lower() not in FEELINGS for match in PASSIVE.finditer(sentence))


def _prose(review: Review, page) -> list[Block]:
    return [block for block in review.page(page).blocks if block.kind == "paragraph"]


def _sentences(review: Review, page) -> list[tuple[int, str, bool]]:
    """(line, sentence, whether its block has a passive at all) for the page's prose; two rules use it."""
    key = ("sentences", page.source)
    if key not in review.memo:
        found = review.memo[key] = []
        for block in _prose(review, page):
            maybe = PASSIVE.search(block.text) is not None
            found += [(line, sentence, maybe) for line, sentence in sentences(block)]
    return review.memo[key]


def _may_be_passive(review: Review, page) -> bool:
    return any(PASSIVE.search(block.text) for block in _prose(review, page))


def readability(review: Review) -> list[Finding]:
    import textstat  # heavy: only when the rule runs

    found = []
    for page in review.course.pages:
        blocks = _prose(review, page)
        text = "\n".join(b.text if b.text.rstrip()[-1:] in ".!?…:" else b.text + "." for b in blocks)
        if len(words(text)) < MIN_WORDS:
            continue
        grade = round(textstat.coleman_liau_index(text), 1)  # as shown: 10.04 is not "above 10"
        if grade > review.settings.max_grade:
            found.append(finding("readability", page.source, blocks[0].line,
                                 f'"{page.id}" reads at grade {grade:.1f} (Coleman–Liau), above the '
                                 f"course's {review.settings.max_grade}",
                                 "use shorter sentences and everyday words, or raise `check: max_grade`"))
    return found


def long_sentences(review: Review) -> list[Finding]:
    limit = review.settings.max_sentence_words
    found = []
    for page in review.course.pages:
        long_blocks = (block for block in _prose(review, page) if len(words(block.text)) > limit)
        for line, sentence in (pair for block in long_blocks for pair in sentences(block)):
            count = len(words(sentence))
            if count > limit:
                found.append(finding("long-sentence", page.source, line,
                                     f"a sentence of {count} words: \"{' '.join(sentence.split()[:8])} …\"",
                                     f"split it: aim for at most {limit} words"))
    return found


def passive_voice(review: Review) -> list[Finding]:
    found = []
    for page in (page for page in review.course.pages if _may_be_passive(review, page)):
        prose = _sentences(review, page)
        passive = [(line, s) for line, s, maybe in prose if maybe and is_passive(s)]
        if len(prose) < MIN_SENTENCES or 100 * len(passive) <= review.settings.max_passive_percent * len(prose):
            continue
        line, example = passive[0]
        found.append(finding("passive-voice", page.source, line,
                             f'{len(passive)} of {len(prose)} sentences of "{page.id}" are passive '
                             f'({100 * len(passive) // len(prose)}%), e.g. "{example[:80]}"',
                             f"say who does what (at most {review.settings.max_passive_percent}% passive)"))
    return found


RULES = {"readability": readability, "long-sentence": long_sentences, "passive-voice": passive_voice}

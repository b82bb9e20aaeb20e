"""Measures of a page's prose, taken once when the page is read: its words, its readability grade
(textstat's Coleman–Liau index: letters per word and words per sentence, no syllable dictionary to
load), and each sentence with its length and whether it is in the passive voice.

They depend on the text alone, so they are computed in the page reader (in worker processes for a
large course) and kept in the page cache: reviewing an unchanged page costs nothing. The review
(check/plain.py, check/timing.py) compares them with the course's thresholds.

Passive voice is spotted the way style checkers do: a form of "be" or "get", an optional -ly word,
then a past participle (a regular -ed word or a common irregular one); -ed words that mostly work as
adjectives of feeling ("worried", "tired") are not counted.
"""
from __future__ import annotations

import re
from string import ascii_letters

from courseforge.model import PageStats, PageText, Sentence
from courseforge.pagetext import sentences, words

MIN_WORDS = 100  # a grade of a shorter page says little
OPENING_WORDS = 8  # of a sentence, to name it in a message
# Sentences this long are kept with the measures: the long-sentence rule's limit is rarely lower
# (30 by default), and keeping every sentence would cost a large course its memory.
LONG_FROM = 20
IRREGULAR = ("known shown given taken made done seen written told found kept left sent paid held brought bought "
             "thought caught taught built heard meant put set said won lost hurt cut chosen spoken broken driven "
             "forgotten forgiven hidden stolen thrown worn begun drawn grown understood led met sold run read "
             "felt spent lent struck dealt")
FEELINGS = frozenset("""tired worried excited interested bored frustrated annoyed pleased surprised confused
concerned disappointed embarrassed relieved satisfied scared stressed used supposed based related involved
married qualified experienced skilled detailed limited advanced exhausted overwhelmed upset delighted
determined prepared committed engaged focused motivated""".split())
# am|is|are|was|were|be|been|being|get|gets|got|gotten|getting, factored: half the time to search
# (only one of them can be followed by a space at any one place, so the matches are the same).
PASSIVE = re.compile(r"\b(?:a(?:m|re)|is|w(?:as|ere)|be(?:en|ing)?|g(?:et(?:s|ting)?|ot(?:ten)?))\s+(?:\w+ly\s+)?"
                     rf"(\w+ed|{'|'.join(IRREGULAR.split())})\b", re.IGNORECASE)


def is_passive(sentence: str) -> bool:
    return any(match.group(1).lower() not in FEELINGS for match in PASSIVE.finditer(sentence))


def measure(text: PageText) -> PageStats:
    prose = [block for block in text.blocks if block.kind == "paragraph"]
    # Joined by a line break, which no WORD match crosses: one pass each instead of one a block.
    prose_words = len(words("\n".join(block.text for block in prose)))
    others = [block.text for block in (*text.blocks, *text.questions) if block.kind != "paragraph"]
    reading = prose_words + len(words("\n".join(others)))
    counted, passive, long = 0, [], []
    for line, sentence, is_long, maybe in _sentences(prose):
        counted += 1
        if is_long or (maybe and is_passive(sentence)):
            said = sentence.split()
            found = Sentence(line, len(words(sentence)), maybe and is_passive(sentence),
                             " ".join(said[:OPENING_WORDS]) + (" …" if len(said) > OPENING_WORDS else ""))
            (long if is_long else passive).append(found)
            if is_long and found.passive:
                passive.append(found)
    return PageStats(reading, _grade(prose, prose_words), prose[0].line if prose else None, counted, tuple(passive),
                     tuple(long))


def long_sentences(prose, limit: int) -> list[Sentence]:
    """Sentences over `limit` words, for a course whose limit is below LONG_FROM (not kept in the stats)."""
    return [Sentence(line, len(words(s)), False, " ".join(s.split()[:OPENING_WORDS]) + " …")
            for line, s, _, _ in _sentences(prose) if len(words(s)) > limit]


def _sentences(prose):
    """(line, sentence, has LONG_FROM words or more, its paragraph holds a passive at all)."""
    # Most pages have no passive at all: one search of them all (which finds at least what a search of
    # each paragraph does) spares each paragraph's; most paragraphs have none: skip their sentences' test.
    anywhere = PASSIVE.search("\n".join(block.text for block in prose)) is not None
    for block in prose:
        maybe = anywhere and PASSIVE.search(block.text) is not None
        for line, sentence in sentences(block):
            yield line, sentence, sentence.count(" ") + 1 >= LONG_FROM and len(words(sentence)) >= LONG_FROM, maybe


def _grade(prose, count: int) -> float | None:
    """`count`: the words of `prose` (the full stops added here add none)."""
    if count < MIN_WORDS:
        return None
    joined = "\n".join(b.text if b.text.rstrip()[-1:] in ".!?…:" else b.text + "." for b in prose)
    return round(coleman_liau(joined), 1)  # as shown: 10.04 is not "above 10"


# textstat 0.7.8's Coleman–Liau index, step for step and float operation for float operation (so
# the grade is the same to the last bit; tests/test_prosestats.py compares them), without its
# per-call caches and layers: it was a tenth of the time of reading a page.
_NOT_CONTRACTION = re.compile(r"\'(?!(?:[tsd]|ve|ll|re))")
_PUNCTUATION = re.compile(r"[^\w\s\']")
_NOT_LETTER = re.compile(r"[^\w]")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")


def _word_count(text: str) -> int:
    return len(_PUNCTUATION.sub("", _NOT_CONTRACTION.sub("", text)).split())


def _short(sentence: str) -> bool:
    """_word_count(sentence) <= 2, mostly without its two passes: removing punctuation deletes no
    space and no letter, so a piece starting with a letter stays a word."""
    pieces = sentence.split()
    if len(pieces) <= 2:
        return True
    sure = 0
    for piece in pieces:
        if piece[0] in ascii_letters:
            sure += 1
            if sure == 3:
                return False
    return _word_count(sentence) <= 2


def coleman_liau(text: str) -> float:
    count = _word_count(text)
    letters = len(_NOT_LETTER.sub("", text)) / count * 100 if count else 0.0
    if not text:
        sentences = 0
    else:
        found = _SENTENCE.findall(text)
        sentences = max(1, len(found) - sum(1 for sentence in found if _short(sentence)))
    per_word = sentences / count * 100 if count else 0.0
    if letters == 0 or per_word == 0:
        return 0.0
    return (0.058 * letters) - (0.296 * per_word) - 15.8

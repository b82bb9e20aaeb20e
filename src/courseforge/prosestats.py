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
from bisect import bisect_right
from itertools import accumulate, chain, compress

from courseforge.model import PageStats, PageText, Sentence
from courseforge.pagetext import (_AS_WORD_MARKS, LETTER_BEYOND_ASCII, script_word_count, sentence_spans,
                                  sentences, word_count, words)

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


# PASSIVE as the reader runs it: on the text lowered, with the only letters beyond ASCII that IGNORECASE
# takes for ASCII ones (İ ı ſ, the Kelvin sign) made those first. That maps each character to one of
# the same class (word, space, other; checked for every code point) and an ASCII letter of either case
# to its small one, so matches fall where PASSIVE's do; case-sensitive, with each opening letter found
# before the word boundary is checked, the search is three times faster.
CASELESS_ASCII = "\u0130\u0131\u017f\u212a"
TO_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
PASSIVE_LOWERED = re.compile(r"(?:a(?<!\wa)(?:m|re)|i(?<!\wi)s|w(?<!\ww)(?:as|ere)|b(?<!\wb)e(?:en|ing)?|"
                             r"g(?<!\wg)(?:et(?:s|ting)?|ot(?:ten)?))\s+(?:\w+ly\s+)?"
                             rf"(\w+ed|{'|'.join(IRREGULAR.split())})\b")


def lowered(text: str) -> str:
    """`text` for PASSIVE_LOWERED: each character where it was."""
    if any(letter in text for letter in CASELESS_ASCII):
        text = text.translate(TO_ASCII)
    return text.lower()


# Where PASSIVE_LOWERED may match: a form of "be" or "get" after a character that is not a word's (or
# at the start) and before a space of any kind. Found on the text as bytes, every byte but an ASCII
# letter (made small), digit or "_" a space (a character beyond ASCII is one byte, "?", first), behind a
# space: the search skips from space to space, where PASSIVE_LOWERED tries at every a, b, g, i and w.
_WORD_OR_SPACE = bytes(ord(chr(code).lower()) if chr(code).isascii() and (chr(code).isalnum() or chr(code) == "_")
                       else ord(" ") for code in range(256))
BE_OR_GET = re.compile(rb" (?:a(?:m|re)|is|w(?:as|ere)|be(?:en|ing)?|g(?:et(?:s|ting)?|ot(?:ten)?))(?= )")


def has_passive(text: str) -> bool:
    """PASSIVE.search(text) is not None."""
    if any(letter in text for letter in CASELESS_ASCII):
        text = text.translate(TO_ASCII)
    # Now lower() makes no other character an ASCII letter, nor two of one: `text`, its bytes and
    # lowered(text) hold each character at the same place.
    return _passive_at(text, b" " + text.encode("ascii", "replace").translate(_WORD_OR_SPACE))


def _passive_at(text: str, spaced: bytes) -> bool:
    """PASSIVE.search(text) is not None, given `spaced`: b" " and a byte a character of `text`, the
    character as _WORD_OR_SPACE makes it once TO_ASCII has made İ ı ſ K ASCII letters."""
    found = BE_OR_GET.finditer(spaced)
    first = next(found, None)
    if first is None:  # no form of be or get at all: settled without lowering the text
        return False
    low = lowered(text)
    # A match starts where one of these does: a space at `start` in `spaced`, its word at `start` in `low`.
    return any(PASSIVE_LOWERED.match(low, place.start()) for place in chain((first,), found))


def is_passive(sentence: str) -> bool:
    return any(sentence[match.start(1):match.end(1)].lower() not in FEELINGS
               for match in PASSIVE_LOWERED.finditer(lowered(sentence)))


def measure(text: PageText) -> PageStats:
    prose = [block for block in text.blocks if block.kind == "paragraph"]
    texts = [block.text for block in prose]
    # Joined by a sentence break of its own between NULs, which no WORD match, passive or other sentence
    # break takes in (nor any \s, \b or lookahead of theirs sees past): what each finds in `apart` is
    # what it finds in the blocks, and one WORD ("A") and one break more for each join.
    apart = JOIN.join(texts)
    joins = max(len(texts) - 1, 0)
    marked = _marked(apart)  # one encoding of the prose for the three passes below
    word_marks = marked.translate(_AS_WORD_MARKS, _CONNECTORS)  # as pagetext.word_count() makes them
    prose_words = word_marks.count(b" x") + word_marks.startswith(b"x") - joins
    others = [block.text for block in (*text.blocks, *text.questions) if block.kind != "paragraph"]
    other_text = "\n".join(others)
    # WORD counts what SCRIPT_WORD does unless a letter or digit beyond ASCII is there: in the prose,
    # one of the marks _marked() gives them (a byte search, not a pass over the text).
    if any(mark in marked for mark in _LETTER_MARKS) or (not other_text.isascii() and
                                                       LETTER_BEYOND_ASCII.search(other_text)):
        reading = script_word_count("\n".join(texts)) + script_word_count(other_text)
    else:
        reading = prose_words + word_count(other_text)
    # Most pages have no passive at all: one search of them all (which finds exactly what a search of
    # each paragraph does) spares each paragraph's; most paragraphs have none: skip their sentences' test.
    anywhere = _passive_at(apart, b" " + marked.translate(_PASSIVE_MARKS))
    counted, to_read = _sentences_to_read(prose, texts, apart, marked, anywhere)
    passive, long = [], []
    for block, spans, maybe in to_read:
        text_of = block.text
        # Only a sentence long enough or in a passive paragraph is looked at closer (what
        # pagetext.sentences gives, without making every sentence's line and spacing).
        for start, end in spans:
            said = text_of[start:end].split()
            if said and (maybe or len(said) >= LONG_FROM):
                sentence = " ".join(said)
                count = word_count(sentence)  # len(words(sentence)), at C speed
                is_long = len(said) >= LONG_FROM and count >= LONG_FROM
                in_passive = maybe and is_passive(sentence)
                if is_long or in_passive:
                    found = Sentence(block.line + text_of.count("\n", 0, start), count, in_passive,
                                     " ".join(said[:OPENING_WORDS]) + (" …" if len(said) > OPENING_WORDS else ""))
                    (long if is_long else passive).append(found)
                    if is_long and found.passive:
                        passive.append(found)
    if prose_words < MIN_WORDS:
        grade = None
    elif apart.count("\0") == 2 * joins:  # the paragraphs' marks are those between JOINs'
        grade = _grade_of_marks(texts, marked.split(_JOIN_MARKED))
    else:
        grade = _grade(prose, prose_words)
    return PageStats(reading, grade, prose[0].line if prose else None, counted, tuple(passive), tuple(long))


# The prose as bytes, one a character, for the passes of measure(): ASCII as it is, and each character
# beyond it as a byte of what it is to every pass (the sentence breaks' pattern, WORD, PASSIVE, str.split):
# a space " " (any str.isspace() one, the same as \s), a closing quote ")" (” ; ’ is also part of a
# WORD: 0x80), an opening one "(" (“ ‘), a full stop "…" 0x81, one of the letters IGNORECASE takes
# for ASCII ones (İ ı ſ K) 0x82 to 0x85, another letter or digit 0x86, anything else "#".
_BEYOND_MARKS = {"’": 0x80, "…": 0x81, "\u0130": 0x82, "\u0131": 0x83, "\u017f": 0x84, "\u212a": 0x85, "”": 41,
                 "“": 40, "‘": 40}


def _mark_of(char: str) -> int:
    known = _BEYOND_MARKS.get(char)
    if known is not None:
        return known
    return 32 if char.isspace() else 0x86 if char.isalnum() else 35


MARKED_PLACES = 64  # characters beyond ASCII marked one by one (FEW_PLACES for _as_classes())


def _marked(text: str) -> bytes:
    return _bytes_of(text, _mark_of, MARKED_PLACES)


def _bytes_of(text: str, mark_of, one_by_one: int) -> bytes:
    """`text` as bytes, one a character: ASCII as it is, each character beyond it as mark_of(it). Most
    texts hold a few (dashes, curly quotes), each a "?" at its own place once encoded: up to `one_by_one`
    of them are marked where they are, not found by a search of the whole text."""
    data = text.encode("ascii", "replace")
    if text.isascii():
        return data
    places = data.count(b"?")
    if places <= one_by_one:
        marked, at = bytearray(data), 0
        for _ in range(places):
            at = data.index(b"?", at)
            char = text[at]
            if char != "?":
                marked[at] = mark_of(char)
            at += 1
        return bytes(marked)
    kinds = {char: chr(mark_of(char)) for char in set(_BEYOND_ASCII.findall(text))}
    if len(kinds) > FEW_KINDS:
        text = text.translate(str.maketrans(kinds))
    else:
        for char, kind in kinds.items():
            text = text.replace(char, kind)
    return text.encode("latin-1")


_LETTER_MARKS = (b"\x86", b"\x82", b"\x83", b"\x84", b"\x85")  # a letter or digit beyond ASCII
# Each pass's view of them. WORD: a letter or digit "x", a connector (' - ’) gone, anything else a space.
_CONNECTORS = b"'-\x80"
# PASSIVE (has_passive()): İ ı ſ K the ASCII letters TO_ASCII makes them, anything else beyond ASCII a space.
_PASSIVE_MARKS = bytes(b"iisk"[code - 0x82] if 0x82 <= code <= 0x85 else _WORD_OR_SPACE[code] for code in range(256))
# pagetext.SENTENCE_BREAK, r"[.!?…][\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])": each of its sets is a union of these
# marks: a full stop ".", '"' (closing or opening), ")" closing only, "(" opening only, a space " ", "A" a
# capital or a digit, NUL (in none of them, kept to find JOIN), "x" anything else. A match in the marks is
# one in the text, where it is.
_SENTENCE_MARKS = bytes(ord("." if char in ".!?\x81" else char if char in '\0")(' else ")" if char == "\x80" else
                            " " if char.isspace() and char.isascii() else
                            "A" if char.isascii() and (char.isupper() or char.isdigit()) else "x")
                        for char in map(chr, range(256)))
# Its stop first, as a literal: the search skips to the stops, twice as fast as from the set of four;
# split() gives what is between breaks and, in turn, each break but its stop.
_BREAK = re.compile(rb'\.([)"]* +)(?=["(]?A)')

JOIN = "\0. A\0"
_JOIN_MARKED = JOIN.encode("ascii")
# What is between breaks, one "|" apart, with only its spaces kept: a sentence of n words (str.split())
# holds n - 1 spaces at least (str.isspace(), " " here), so none is long where no stretch between
# breaks (a sentence, and next to a JOIN its NUL or its "A" and NUL) holds LONG_FROM - 1.
_NOT_SPACE_OR_BAR = bytes(code for code in range(256) if code not in b" |")
_LONG_SPACES = b" " * (LONG_FROM - 1)
_MAY_BE_LONG = (LONG_FROM - 2).__lt__  # for a count of spaces


def _sentences_to_read(prose, texts: list[str], apart: str, marked: bytes, anywhere: bool):
    """(How many sentences `prose` holds, [(block, the (start, end) of its sentences to look at, whether
    its paragraph holds a passive)]): every sentence of a paragraph with a passive, and of the others
    those which may hold LONG_FROM words; `apart` is the texts of `prose` joined by JOIN, `marked` it marked."""
    parts = _BREAK.split(marked.translate(_SENTENCE_MARKS))  # a piece, a break but its stop, a piece...
    joins = max(len(texts) - 1, 0)
    # A paragraph's sentences are the stretches between its breaks, and none is blank: each but the last
    # ends with its stop, the last starts with the capital, digit or quote the break looked ahead to.
    counted = len(parts) // 2 - joins + len(texts) - sum(map(str.isspace, texts)) - texts.count("")
    to_read = {number: (sentence_spans(text), True) for number, text in enumerate(texts) if has_passive(text)} \
        if anywhere else {}
    spaces = b"|".join(parts[::2]).translate(None, _NOT_SPACE_OR_BAR)
    if _LONG_SPACES not in spaces:  # no sentence is long
        return counted, [(prose[number], *to_read[number]) for number in sorted(to_read)]
    if apart.count("\0") != 2 * joins:  # a NUL of their own: every sentence of every paragraph
        for number, text in enumerate(texts):
            to_read.setdefault(number, (sentence_spans(text), False))
    else:
        offsets = list(accumulate(map(len, parts), initial=0))  # of each part, but for the stops between pieces
        starts = list(accumulate((len(text) + len(JOIN) for text in texts), initial=0))  # of each paragraph
        for piece in compress(range(len(parts)), map(_MAY_BE_LONG, map(len, spaces.split(b"|")))):
            # In `apart`, from its first character to its stop (or the end).
            start = offsets[2 * piece] + piece
            end = min(offsets[2 * piece + 1] + piece + 1, len(apart))
            # Its paragraph: it starts there, or at the "A" of the JOIN before it.
            number = bisect_right(starts, start + 2) - 1
            at = starts[number]
            spans, passive_in = to_read.setdefault(number, ([], False))
            if not passive_in:
                spans.append((max(start - at, 0), min(end - at, len(texts[number]))))
    return counted, [(prose[number], *to_read[number]) for number in sorted(to_read)]


def long_sentences(prose, limit: int) -> list[Sentence]:
    """Sentences over `limit` words, for a course whose limit is below LONG_FROM (not kept in the stats)."""
    return [Sentence(line, len(words(s)), False, " ".join(s.split()[:OPENING_WORDS]) + " …")
            for block in prose for line, s in sentences(block) if len(words(s)) > limit]


def _grade(prose, count: int) -> float | None:
    """`count`: the words of `prose` (the full stops added here add none)."""
    if count < MIN_WORDS:
        return None
    joined = "\n".join(b.text if b.text.rstrip()[-1:] in ".!?…:" else b.text + "." for b in prose)
    return round(coleman_liau(joined), 1)  # as shown: 10.04 is not "above 10"


# textstat 0.7.8's Coleman–Liau index, float operation for float operation (so the grade is the same
# to the last bit; tests/test_prosestats.py compares them), without its per-call caches and layers.
# Its counts run on bytes, at C speed: each character becomes one byte of its class in textstat's
# patterns (\w, \s, one of .!?, anything else), which keeps every count and every match: ASCII stays,
# beyond it a word character becomes "a", a space " ", anything else "#". Then (with every space,
# \x1c-\x1f too, made " " and every word character "x"), as textstat counts them:
#   words: it removes apostrophes (but in contractions) and punctuation, then splits at spaces. Neither
#     removes a space or a word character, and a kept apostrophe is followed by a letter: a piece
#     between spaces stays a word exactly when it holds a word character.
#   letters: the word characters.
#   sentences: the pieces of r"\b[^.!?]+[.!?]*" but those of two words or fewer. A piece starts at the
#     first word of a stretch between runs of stops and takes the run after it: as many pieces of three
#     words or more as such stretches.
_NOT_WORD = bytes(code for code in range(128) if not (chr(code).isalnum() or chr(code) == "_"))
_SPACE = bytes(code for code in range(128) if chr(code).isspace())
_SPACES = bytes.maketrans(_SPACE, b" " * len(_SPACE))
_BEYOND_ASCII = re.compile(r"[^\x00-\x7f]")
FEW_KINDS = 16  # characters beyond ASCII a text may hold for str.replace() to beat str.translate()
# Word characters to "x", spaces to " "; other characters go, but for the stops when sentences are counted.
_WORDS = bytes.maketrans(bytes(code for code in range(128) if code not in _NOT_WORD), b"x" * (128 - len(_NOT_WORD)))
_WORDS = _WORDS.translate(_SPACES)
_NOT_WORD_OR_SPACE = bytes(code for code in _NOT_WORD if code not in _SPACE)
_NOT_WORD_SPACE_OR_STOP = bytes(code for code in _NOT_WORD_OR_SPACE if code not in b".!?")
# And with each stop made ".", a pattern of possessive runs and one stop: the same pieces, found twice as
# fast (a run of x or of spaces given back never lets the pattern go on).
_WORDS_AND_STOP = _WORDS.translate(bytes.maketrans(b"!?", b".."))
_THREE_WORDS = re.compile(rb"x++ ++x++ ++x[^.]*+")
# The same on _as_classes() and on _marked() (beyond ASCII: ’ and … neither, İ ı ſ K and other letters
# and digits word characters).
_CLASSED_WORDS = (_WORDS, _NOT_WORD_OR_SPACE)
_CLASSED_WORDS_AND_STOP = (_WORDS_AND_STOP, _NOT_WORD_SPACE_OR_STOP)
_MARKED_WORDS = (_WORDS[:0x82] + b"x" * 5 + _WORDS[0x87:], _NOT_WORD_OR_SPACE + b"\x80\x81")
_MARKED_WORDS_AND_STOP = (_WORDS_AND_STOP[:0x82] + b"x" * 5 + _WORDS_AND_STOP[0x87:],
                          _NOT_WORD_SPACE_OR_STOP + b"\x80\x81")
FEW_PLACES = 24  # "?" a text may hold (its own, or characters beyond ASCII encoded) to be classed one by one


def _as_classes(text: str) -> bytes:
    return _bytes_of(text, _class_of, FEW_PLACES)


def _class_of(char: str) -> int:
    return 97 if char.isalnum() else 32 if char.isspace() else 35  # "a", " " or "#"


def _grade_of_marks(texts: list[str], marks: list[bytes]) -> float:
    """_grade() of paragraphs of MIN_WORDS or more, given each one's text and marks (_marked())."""
    joined = b"\n".join(mark if text.rstrip()[-1:] in ".!?…:" else mark + b"." for text, mark in zip(texts, marks))
    return round(_coleman_liau(joined, _MARKED_WORDS, _MARKED_WORDS_AND_STOP), 1)


def coleman_liau(text: str) -> float:
    return _coleman_liau(_as_classes(text), _CLASSED_WORDS, _CLASSED_WORDS_AND_STOP) if text else 0.0


def _coleman_liau(data: bytes, words: tuple[bytes, bytes], words_and_stop: tuple[bytes, bytes]) -> float:
    """coleman_liau() of a text not empty, given as `data` and translate()'s arguments for its words and for
    its words and stops."""
    marks = data.translate(*words)  # "x" a word character, " " a space
    count = marks.count(b" x") + marks.startswith(b"x")
    letters = marks.count(b"x") / count * 100 if count else 0.0
    sentences = max(1, len(_THREE_WORDS.findall(data.translate(*words_and_stop))))
    per_word = sentences / count * 100 if count else 0.0
    if letters == 0 or per_word == 0:
        return 0.0
    return (0.058 * letters) - (0.296 * per_word) - 15.8

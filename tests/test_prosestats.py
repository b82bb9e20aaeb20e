"""The readability grade is textstat's Coleman–Liau index, computed without textstat, to the last bit."""
import random

import textstat

from courseforge.prosestats import coleman_liau

PIECES = [*"abcdefghij klmnop ABC '’-.,!?;:\n\t…é ß İ 0123 _ \"()", "don't", "it's", "we've", " rock'n'roll ",
          "I'd", "''", "...", "e.g.", " Mr. ", "Call the customer back. ", "Listen first! ", "Why? "]


def test_the_grade_is_textstats_for_any_text():
    rng = random.Random(7)
    texts = ["", " ", ".", "a", "Hi.", "Two words. Then three more words."]
    texts += ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 400))) for _ in range(3000)]
    for text in texts:
        assert coleman_liau(text) == textstat.coleman_liau_index(text), repr(text)


def test_the_grade_is_textstats_for_text_with_a_few_characters_beyond_ascii():
    # Up to prosestats.FEW_PLACES "?" (its own, or characters beyond ASCII encoded) are classed where
    # they stand, more the other way: both ways give textstat's grade, around that number too.
    from courseforge.prosestats import FEW_PLACES

    rng = random.Random(8)
    beyond = ["é", "—", "…", "’", "“", "\u00a0", "\u2003", "\u3000", "\U0001f600", "\ud800", "٣", "İ", "?", "? "]
    words = ["Call", "the", "customer", "back.", "Listen", "first!", "Why", "ok", " ", " ", " ", "\n"]
    for _ in range(3000):
        pieces = [rng.choice(words) for _ in range(rng.randint(0, 60))]
        for _ in range(rng.randint(0, FEW_PLACES + 4)):
            pieces.insert(rng.randint(0, len(pieces)), rng.choice(beyond))
        text = "".join(pieces)
        assert coleman_liau(text) == textstat.coleman_liau_index(text), repr(text)


def test_the_factored_passive_pattern_finds_what_the_plain_one_does():
    import re

    from courseforge.prosestats import IRREGULAR, PASSIVE

    plain = re.compile(r"\b(?:am|is|are|was|were|be|been|being|get|gets|got|gotten|getting)\s+(?:\w+ly\s+)?"
                       rf"(\w+ed|{'|'.join(IRREGULAR.split())})\b", re.IGNORECASE)
    rng = random.Random(3)
    pieces = ["am", "is", "are", "was", "were", "be", "been", "being", "get", "gets", "got", "gotten", "getting",
              "Been", "GOT", "ſ", "ı", "really", "quickly", "asked", "known", "seen", "begun", "bed", " ", "  ", "\n",
              ".", "-", "x", "ly", "ed", "this", "agreed"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces + [" "] * 8) for _ in range(rng.randint(0, 40)))
        found = [(m.span(), m.group(1)) for m in PASSIVE.finditer(text)]
        assert found == [(m.span(), m.group(1)) for m in plain.finditer(text)], repr(text)

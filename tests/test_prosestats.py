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

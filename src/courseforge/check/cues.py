"""Answer cues: what gives a key away without knowing the subject.

Across single-answer questions: how often the key is the longest option, and how often it sits in
the same position (pages with `shuffle: true` reorder options, so they are left out). Per question:
a key far longer than the other options, "all/none of the above", and stem words only the key repeats.
"""
from __future__ import annotations

import html
import re
from collections import Counter

from courseforge.check.findings import Finding, finding
from courseforge.check.review import Review
from courseforge.model import Question

LONGEST_SHARE = 0.4  # by chance the key is longest in 1 of 3–4 questions
POSITION_SHARE = 0.5
MIN_QUESTIONS = 4  # fewer single-answer questions say nothing about a habit
KEY_LENGTH_RATIO = 1.5
ABOVE = re.compile(r"\b(all|none|both|neither) of (the )?(above|these)\b", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")
STOPWORDS = frozenset("""about above after again also because been before being between both could does doing
during each from have having here into just more most much other over same should some such than that their
them then there these they this those through under until very what when where which while with would your
yours customer customers""".split())


def _plain(text: str) -> str:
    return re.sub(r"[*_`]", "", text).strip()


def _singles(review: Review, shuffled_too: bool = True) -> list[Question]:
    pages = [*review.course.lessons, *(q for q in review.course.quizzes if shuffled_too or not q.shuffle)]
    return [q for page in pages for q in _singles_of(page)]


def _singles_of(page) -> list[Question]:
    return [q for q in page.questions if q.type == "single" and len(q.options) >= 2]


def _key_is_longest(question: Question) -> bool:
    lengths = [(len(_plain(o.text)), o.correct) for o in question.options]
    key = next(length for length, correct in lengths if correct)
    return all(key > length for length, correct in lengths if not correct)


def key_longest(review: Review) -> list[Finding]:
    questions = _singles(review)
    longest = [q for q in questions if _key_is_longest(q)]
    if len(questions) < MIN_QUESTIONS or len(longest) / len(questions) <= LONGEST_SHARE:
        return []
    first = longest[0]
    return [finding("key-longest", first.source, first.line,
                    f"the key is the longest option in {len(longest)} of {len(questions)} single-answer questions "
                    f"({', '.join(q.id for q in longest[:6])}{', …' if len(longest) > 6 else ''})",
                    "test-wise learners pick the longest option: shorten keys or give distractors the same detail")]


def key_position(review: Review) -> list[Finding]:
    questions = _singles(review, shuffled_too=False)
    positions = Counter(next(i for i, o in enumerate(q.options) if o.correct) for q in questions)
    if len(questions) < MIN_QUESTIONS:
        return []
    position, count = positions.most_common(1)[0]
    if count / len(questions) <= POSITION_SHARE:
        return []
    first = next(q for q in questions if q.options[position].correct)
    return [finding("key-position", first.source, first.line,
                    f"the key is option {position + 1} in {count} of {len(questions)} single-answer questions "
                    "that are not shuffled", "move keys around so every position is used about equally, "
                    "or set `shuffle: true` on the assessment")]


def key_length(review: Review, page) -> list[Finding]:
    found = []
    for question in _singles_of(page):
        lengths = [len(_plain(o.text)) for o in question.options]
        key = next(len(_plain(o.text)) for o in question.options if o.correct)
        median = _median(lengths)
        if median and key > KEY_LENGTH_RATIO * median:
            found.append(finding("key-length", question.source, question.line,
                                 f'the key of "{question.id}" is {key / median:.1f}× the median option length',
                                 "trim the key or add the same detail to the distractors"))
    return found


def _median(values: list[int]) -> float:
    """statistics.median of a question's option lengths, without importing statistics (and with it
    fractions and decimal: 2 ms) in every build that reviews a page."""
    ordered, middle = sorted(values), len(values) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def all_none_of_the_above(review: Review, page) -> list[Finding]:
    found = []
    for question in page.questions:
        for option in question.options:
            match = ABOVE.search(option.text) if question.type in ("single", "multiple") else None
            if match:
                found.append(finding("all-none-of-the-above", question.source, question.line,
                                     f'"{question.id}" offers "{match.group(0)}"',
                                     "write a real option: these reward partial knowledge and break when options are shuffled"))
    return found


def _content_words(text: str) -> dict[str, str]:
    """Content words by a crude singular (parcels → parcel, never process → proces), each with the
    form first written; hyphenated words count as their parts (a twelve-hour shift echoes "hour")."""
    words = {}
    for word in re.findall(r"[a-z][a-z']{3,}", text.lower()):
        if word not in STOPWORDS:
            plain = word[:-1] if word.endswith("s") and not word.endswith(("ss", "us", "is")) else word
            words.setdefault(plain, word)
    return words


def stem_echo(review: Review, page) -> list[Finding]:
    found = []
    for question in _singles_of(page):
        stem = _content_words(html.unescape(TAG.sub(" ", question.prompt_html + question.scenario_html)))
        others = set().union(*[_content_words(o.text) for o in question.options if not o.correct])
        key = _content_words(next(o for o in question.options if o.correct).text)
        echoed = sorted(key[word] for word in (key.keys() & stem.keys()) - others)
        if echoed:
            found.append(finding("stem-echo", question.source, question.line,
                                 f'only the key of "{question.id}" repeats words of the question: {", ".join(echoed)}',
                                 "reword the key, or use the same words in a distractor"))
    return found


RULES = {"key-longest": key_longest, "key-position": key_position}  # habits across the course
PAGE_RULES = {"key-length": key_length, "all-none-of-the-above": all_none_of_the_above, "stem-echo": stem_echo}

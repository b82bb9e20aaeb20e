"""A cached page's hot part (pageentry.py), made by hand: what a rebuild decodes of every unchanged page.

pageentry.py's generic makers read the schema field by field, a few small calls a field; these do the
same checks written out for the hot part's classes, in the same order and failing with the same
errors. tests/test_pageentry.py decodes good and damaged entries both ways and requires the same
pages or the same misses, and each maker refuses at import a SCHEMA it no longer fits.
"""
from __future__ import annotations

from pathlib import Path

from courseforge.model import Lesson, Option, PageStats, PageText, Question, Quiz, Sentence
from courseforge.pagecold import CachedLesson
from courseforge.pageentry import (B, DATA, I, ITEM_LINES, LINES, N, NAMES, PATH, SCHEMA, Items, Row, S, _blank,
                                   _fail, _shapes)
from courseforge.textmarks import TextMarks
from courseforge.yamltext import Mapping


# A rebuild decodes every unchanged page's hot part (5 000 at 5 000 lessons), and the generic makers
# spent most of it in small calls, a few per field. These do not test again a JSON type a shape test
# proved, and the classes a page holds one or more of test each field's type by name, in less than half
# the time of looking up the set of shapes (as the others do). The cold part, read far less, is decoded by
# the generic makers.
_STR, _INT = {str}, {int}
_new = object.__new__


def _written_for(cls, **kinds) -> set[tuple]:
    """The shapes of `cls`, whose fields a maker below unpacks and checks as `kinds`, in their order."""
    if list(SCHEMA[cls].items()) != list(kinds.items()):
        raise TypeError(f"the maker of {cls.__name__} no longer fits its SCHEMA")
    return _shapes(cls)


def _setters(cls) -> list:
    """The setters of the slots of a frozen class's fields. Its __init__ sets each field through
    object.__setattr__, twice their time: a page's PageStats and Sentences are made with these."""
    if not cls.__dataclass_params__.frozen or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} is made by its __init__ alone")  # which the setters would skip
    return [vars(cls)[name].__set__ for name in NAMES[cls]]


def _named(path: str, at) -> Path:
    """_path of a value the shape test proved text."""
    source, named = at
    return source if path == named else Path(path)


def _strings(data: list) -> tuple:
    """Items(S) of a value the shape test proved a list."""
    if not _STR.issuperset(map(type, data)):
        _fail(data)
    return tuple(data)


def _lesson_maker(cls):
    _written_for(Lesson, id=S, title=S, number=I, source=PATH, html=S, objectives=Items(S), minutes=(I, N),
                 questions=[Question], page_text=PageText)

    def lesson(data, at):
        if type(data) is not list:
            if data is None:
                return None
            raise ValueError("not a Lesson")
        id_, title, number, source, html, objectives, minutes, questions, text = data  # or ValueError, as a shape
        if (type(id_) is not str or type(title) is not str or type(number) is not int or type(source) is not str
                or type(html) is not str or type(objectives) is not list
                or type(minutes) is not int and minutes is not None
                or type(questions) is not list or type(text) is not list and text is not None):
            raise ValueError("not a Lesson")
        return cls(id_, title, number, _named(source, at), html, _strings(objectives), minutes,
                   [_question(item, at) for item in questions] if questions else [], _light(text, at))
    return lesson


_QUIZ = _written_for(Quiz, id=S, title=S, number=I, source=PATH, intro_html=S, questions=[Question], graded=B,
                     draw=(I, N), attempts=(I, N), passing_score=(I, N), shuffle=B, show_answers=B, page_text=PageText)


def _quiz(data, at):
    if type(data) is not list or tuple(map(type, data)) not in _QUIZ:
        if data is None:
            return None
        raise ValueError("not a Quiz")
    id_, title, number, source, intro, questions, graded, draw, attempts, passing, shuffle, show, text = data
    return Quiz(id_, title, number, _named(source, at), intro, [_question(item, at) for item in questions] if questions
                else [], graded, draw, attempts, passing, shuffle, show, _light(text, at))


_QUESTION = _written_for(Question, id=S, type=S, prompt_html=S, source=PATH, line=I, scenario_html=S,
                         options=(Option,), targets=(Option,), answers=Items(S), case_sensitive=B, explanation_html=S,
                         points=I, objectives=Items(S))


def _question(data, at):
    if type(data) is not list or tuple(map(type, data)) not in _QUESTION:
        if data is None:
            return None  # as the generic maker has it: a stored class may be absent
        raise ValueError("not a Question")
    id_, kind, prompt, source, line, scenario, options, targets, answers, case, explanation, points, objectives = data
    return Question(id_, kind, prompt, _named(source, at), line, scenario,
                    tuple([_option(item) for item in options]) if options else (),
                    tuple([_option(item) for item in targets]) if targets else (),
                    _strings(answers), case, explanation, points, _strings(objectives))


_OPTION = _written_for(Option, key=S, html=S, text=S, correct=B, feedback_html=S)


def _option(data):
    if type(data) is not list or tuple(map(type, data)) not in _OPTION:
        raise ValueError("not an Option")
    return Option(*data)


def _light(data, at) -> list:
    """A PageText's LIGHT values (decode() makes the PageText of them and the bulk)."""
    if type(data) is not list or len(data) != 3:
        _fail(data)
    front, stats, marks = data
    return [_mapping(front), _stats(stats), _marks(marks)]


_written_for(Mapping, data=DATA, key_lines=LINES, item_lines=ITEM_LINES, first_line=I, duplicates=[Row(S, I)])


def _mapping(data):
    if type(data) is not list:
        if data is None:
            return None
        raise ValueError("not a Mapping")
    values, key_lines, item_lines, first_line, duplicates = data
    if (type(values) is not dict or type(key_lines) is not dict or type(item_lines) is not dict
            or type(first_line) is not int or type(duplicates) is not list):
        raise ValueError("not a Mapping")
    if not _INT.issuperset(map(type, key_lines.values())):
        _fail(key_lines)
    for lines in item_lines.values():
        if type(lines) is not list or not _INT.issuperset(map(type, lines)):
            _fail(lines)
    return Mapping(values, key_lines, item_lines, first_line, [_pair(row, str, int) for row in duplicates] if duplicates
                   else [])


_written_for(PageStats, reading_words=I, grade=(float, N), first_line=(I, N), sentence_count=I, passive=(Sentence,),
             long=(Sentence,))
_SET_READING_WORDS, _SET_GRADE, _SET_FIRST_LINE, _SET_SENTENCE_COUNT, _SET_PASSIVE, _SET_LONG = _setters(PageStats)


def _stats(data):
    if type(data) is not list:
        if data is None:
            return None
        raise ValueError("not a PageStats")
    words, grade, first_line, count, passive, long = data
    if (type(words) is not int or type(grade) is not float and grade is not None
            or type(first_line) is not int and first_line is not None or type(count) is not int
            or type(passive) is not list or type(long) is not list):
        raise ValueError("not a PageStats")
    passive = tuple(map(_sentence, passive)) if passive else ()
    long = tuple(map(_sentence, long)) if long else ()
    stats = _new(PageStats)
    _SET_READING_WORDS(stats, words)
    _SET_GRADE(stats, grade)
    _SET_FIRST_LINE(stats, first_line)
    _SET_SENTENCE_COUNT(stats, count)
    _SET_PASSIVE(stats, passive)
    _SET_LONG(stats, long)
    return stats


_written_for(Sentence, line=I, words=I, passive=B, opening=S)
_SET_LINE, _SET_WORDS, _SET_IS_PASSIVE, _SET_OPENING = _setters(Sentence)


def _sentence(data):
    if type(data) is not list:
        raise ValueError("not a Sentence")
    line, words, passive, opening = data  # or ValueError, as a shape
    if type(line) is not int or type(words) is not int or type(passive) is not bool or type(opening) is not str:
        raise ValueError("not a Sentence")
    sentence = _new(Sentence)
    _SET_LINE(sentence, line)
    _SET_WORDS(sentence, words)
    _SET_IS_PASSIVE(sentence, passive)
    _SET_OPENING(sentence, opening)
    return sentence


_written_for(TextMarks, spellings=(Row(I, S),), us_terms=(Row(I, S),), currencies=(Row(I, S),),
             colour_cues=(Row(I, S),), ignores=(Row(I, Items(S)),), raw_html=(Row(I, S),))
_NO_MARKS_JSON, _NO_MARKS = _blank(TextMarks)


def _marks(data):
    if data == _NO_MARKS_JSON:
        return _NO_MARKS
    if type(data) is not list:
        if data is None:
            return None
        raise ValueError("not a TextMarks")
    spellings, us_terms, currencies, colour_cues, ignores, raw_html = data  # or ValueError, as a shape
    if (type(spellings) is not list or type(us_terms) is not list or type(currencies) is not list
            or type(colour_cues) is not list or type(ignores) is not list or type(raw_html) is not list):
        raise ValueError("not a TextMarks")
    return TextMarks(_marked(spellings), _marked(us_terms), _marked(currencies), _marked(colour_cues),
                     tuple([_ignore(row) for row in ignores]) if ignores else (), _marked(raw_html))


def _marked(rows: list) -> tuple:
    return tuple([_pair(row, int, str) for row in rows]) if rows else ()


def _pair(data, first: type, second: type) -> tuple:
    """Row(first, second) of JSON values: a key written twice and its line, a line and its marked text."""
    if type(data) is not list or len(data) != 2:
        _fail(data)
    one, two = data
    if type(one) is not first or type(two) is not second:
        _fail(data)
    return one, two


def _ignore(data) -> tuple:
    if type(data) is not list or len(data) != 2:
        _fail(data)
    line, rules = data
    if type(line) is not int or type(rules) is not list:
        _fail(data)
    return line, _strings(rules)


MAKERS = {"lesson": _lesson_maker(Lesson), "quiz": _quiz}
LAZY_MAKERS = {**MAKERS, "lesson": _lesson_maker(CachedLesson)}

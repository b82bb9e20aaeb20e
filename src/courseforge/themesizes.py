"""How large what one operation of a project's own template would make is, known before it is made.

The sandbox (themesandbox.py) asks here before an operator, a filter or a string's method runs: one
step, from values small enough to pass every other check, can ask for terabytes. A list holding one
text of a million characters ten million times takes 80 MB, and written out (`{{ list }}`, `~`,
`|string`, `|tojson`, a format's `%s`) is ten trillion characters; `("{0}" * 10**6).format(text)`,
`text.replace("x", text)`, `text.expandtabs(10**6)` and `text.translate({120: text})` are as large.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from jinja2.sandbox import SecurityError
from jinja2.utils import Namespace

MAX_SIZE = 10_000_000  # characters or items one operator may make
MAX_NUMBER = 1_000_000  # a width, a count or a repeat given to a filter or a method
MAX_BITS = 100_000  # an integer's size: 10**10**9 would take minutes to compute
FORMAT_WIDTH = re.compile(r"\d{7,}")  # a width in a format string ("%999999999s", "{:>999999999}")
NUMBERS = re.compile(r"\d+")

# Filters that turn the whole value they are given into text: given a list, its text is measured first.
STRINGIFYING = frozenset({
    "soft_str", "do_tojson", "do_pprint", "escape", "do_forceescape", "do_mark_safe", "do_urlencode", "do_center",
    "do_capitalize", "do_lower", "do_upper", "do_title", "do_trim", "do_striptags", "do_truncate", "do_wordcount",
    "do_wordwrap", "do_indent", "do_replace", "do_urlize", "do_xmlattr", "fill"})

# Filters that walk every item of what they are given, whatever it is: they take it item by item
# (|join measures its items whole first, GROWERS).
WALKING = frozenset({"do_unique", "do_sort", "do_min", "do_max", "do_groupby", "do_map", "do_select", "do_reject",
                     "do_selectattr", "do_rejectattr", "do_batch", "do_list", "do_sum"})
LOWERING = frozenset({"do_unique", "do_sort", "do_min", "do_max", "do_groupby"})  # unless case_sensitive


def text_size(value, limit: int = MAX_SIZE) -> int:
    """About len(str(value)), without making it: past `limit`, some size past it."""
    if isinstance(value, str):
        return len(value)
    if value is None or isinstance(value, (bool, float, range)):
        return 25
    if isinstance(value, int):
        return value.bit_length() // 3 + 2
    if isinstance(value, Namespace):  # shown as its dict of values
        value = object.__getattribute__(value, "_Namespace__attrs")
    if isinstance(value, Collection):  # a list, a dict, a set, a dict's items…
        size = 2
        for item in (value.items() if isinstance(value, Mapping) else value):
            size += text_size(item, limit - size) + 4  # a text's quotes, the comma and space after it
            if size > limit:
                break
        return size
    return len(str(value))  # a page's field, a loop or a namespace: as Python shows it, made by the course


def check_text(value, what: str) -> None:
    if not isinstance(value, (str, int, float)) and text_size(value) > MAX_SIZE:
        raise too_large(what)


def check_arguments(args: tuple, kwargs: dict) -> None:
    for value in (*args, *kwargs.values()):
        if type(value) is int and abs(value) > MAX_NUMBER:
            raise too_large(f"the number {value}")


def check_format(text: str) -> None:
    if FORMAT_WIDTH.search(text):
        raise too_large(f"the format {text[:40]!r}, whose width")


def check_formatted(text: str, values) -> None:
    """`text` % values, or text.format(*values): each of its places may take the largest value, as wide
    as the widest number in it."""
    check_format(text)
    places = text.count("%") + text.count("{")
    if places:
        widest = max(map(int, NUMBERS.findall(text)), default=0)
        largest = max((text_size(value) for value in values), default=0)
        if len(text) + places * (largest + widest) > MAX_SIZE:
            raise too_large(f"the format {text[:40]!r} filled in")


def check_product(left, right) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_BITS:
            raise too_large("a product of such numbers")
        return
    count, sized = (right, left) if isinstance(right, int) else (left, right)
    if isinstance(count, int) and length(sized) * count > MAX_SIZE:
        raise too_large(f"a value repeated {count} times")


def checked_method(text: str, name: str, args: tuple, kwargs: dict) -> tuple:
    """The arguments of text.<name>(…), checked; a generator joined is handed on as the list it was read into."""
    if name == "replace" and len(args) >= 2:
        _check_replaced(text, str(args[0]), str(args[1]))
    elif name == "join" and args:
        items = list(args[0])
        if sum(text_size(item) for item in items) + len(text) * max(0, len(items) - 1) > MAX_SIZE:
            raise too_large("a list joined")
        args = (items, *args[1:])
    elif name == "expandtabs":
        tab = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(tab, int) and len(text) + text.count("\t") * tab > MAX_SIZE:
            raise too_large("a value whose tabs are expanded")
    elif name == "translate" and args and isinstance(args[0], dict):
        if len(text) * max((text_size(value) for value in args[0].values()), default=0) > MAX_SIZE:
            raise too_large("a value translated")
    return args


def length(value) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


def too_large(what: str) -> SecurityError:
    return SecurityError(f"{what} would make more than a theme needs (at most {MAX_SIZE} characters, "
                         f"numbers up to {MAX_NUMBER})")


def _check_replaced(text: str, old: str, new: str) -> None:
    if len(text) + (text.count(old) if old else len(text) + 1) * max(0, len(new) - len(old)) > MAX_SIZE:
        raise too_large("a value replaced in")


# Filters whose text can be far longer than what they are given, with small arguments:
# `{{ ([a] * 100000) | join }}`, `|replace("x", long)`, `|indent(long)`, `|wordwrap(1, wrapstring=long)`.
# Each checks the length it would make before making it (and hands on what it had to read to know).
def _option(args: tuple, at: int, kwargs: dict, name: str, default):
    return args[at] if len(args) > at else kwargs.get(name, default)


def _attributes(args: tuple, at: int, kwargs: dict, items: list) -> list:
    attribute = _option(args, at + 2, kwargs, "attribute", None)
    if attribute is None:
        return items
    from jinja2.filters import make_attrgetter
    return list(map(make_attrgetter(args[0], attribute), items))


def _join_grows(args: tuple, at: int, kwargs: dict) -> tuple:
    items = list(args[at])
    separator = _option(args, at + 1, kwargs, "d", "")
    values = _attributes((args[0].environment, *args[1:]), at, kwargs, items)
    if sum(text_size(value) for value in values) + len(str(separator)) * max(0, len(items) - 1) > MAX_SIZE:
        raise too_large("a list joined")
    return (*args[:at], items, *args[at + 1:])


def _sum_grows(args: tuple, at: int, kwargs: dict) -> tuple:
    # sum() of lists copies what it has so far at every item: what it copies in all is counted.
    items = list(args[at])
    running = copied = length(_option(args, at + 2, kwargs, "start", 0))
    for value in _attributes(args, at - 1, kwargs, items):
        running += length(value)
        copied += running
        if copied > MAX_SIZE:
            raise too_large("a sum of lists")
    return (*args[:at], items, *args[at + 1:])


def _replace_grows(args: tuple, at: int, kwargs: dict) -> tuple:
    _check_replaced(*(str(_option(args, at + k, kwargs, name, "")) for k, name in enumerate(("s", "old", "new"))))
    return args


def _indent_grows(args: tuple, at: int, kwargs: dict) -> tuple:
    text, width = str(args[at]), _option(args, at + 1, kwargs, "width", 4)
    if len(text) + (text.count("\n") + 1) * (len(width) if isinstance(width, str) else width) > MAX_SIZE:
        raise too_large("a value indented")
    return args


def _wordwrap_grows(args: tuple, at: int, kwargs: dict) -> tuple:
    text, width = str(args[at]), _option(args, at + 1, kwargs, "width", 79)
    wrap = _option(args, at + 3, kwargs, "wrapstring", None) or "\n"
    if len(text) + (len(text) // max(1, width) + text.count("\n") + 1) * len(str(wrap)) > MAX_SIZE:
        raise too_large("a value wrapped")
    return args


def _format_grows(args: tuple, at: int, kwargs: dict) -> tuple:
    if isinstance(args[at], str):
        check_formatted(args[at], (*args[at + 1:], *kwargs.values()))
    return args


def _fill_grows(args: tuple, at: int, kwargs: dict) -> tuple:  # theme.fill: "{name}" places of a string
    if isinstance(args[at], str):
        places, largest = args[at].count("{"), max((text_size(value) for value in kwargs.values()), default=0)
        if len(args[at]) + places * largest > MAX_SIZE:
            raise too_large(f"the string {args[at][:40]!r} filled in")
    return args


GROWERS = {"do_join": _join_grows, "do_sum": _sum_grows, "do_replace": _replace_grows, "do_indent": _indent_grows,
           "do_wordwrap": _wordwrap_grows, "do_format": _format_grows, "fill": _fill_grows}

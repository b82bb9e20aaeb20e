"""YAML that remembers where each key came from, so errors can name a line."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from courseforge.sourcetext import unfit_name

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSyntaxError(Exception):
    """YAML we cannot read: `hint` is set when the caller's usual advice (indentation, quoting) is wrong."""

    def __init__(self, line: int | None, problem: str, hint: str | None = None):
        super().__init__(problem)
        self.line = line
        self.problem = problem
        self.hint = hint


@dataclass(slots=True)
class Mapping:
    """A parsed top-level mapping with the 1-based line of each key and list item."""

    data: dict
    key_lines: dict = field(default_factory=dict)
    item_lines: dict = field(default_factory=dict)
    first_line: int = 1
    duplicates: list = field(default_factory=list)

    def line(self, key: str, index: int | None = None) -> int:
        if index is not None and key in self.item_lines:
            lines = self.item_lines[key]
            if index < len(lines):
                return lines[index]
        return self.key_lines.get(key, self.first_line)


def _syntax_error(exc: yaml.YAMLError, line_offset: int, text: str) -> YamlSyntaxError:
    if isinstance(exc, yaml.MarkedYAMLError):
        if exc.context_mark and "quoted scalar" in (exc.context or "") and "end of stream" in (exc.problem or ""):
            # The end of the file is where the parser gave up; the author's mistake is where the quote opened.
            return YamlSyntaxError(exc.context_mark.line + 1 + line_offset,
                                   "a quoted value starts on this line and its quote is never closed",
                                   "end the value with the same quote mark it starts with")
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        return YamlSyntaxError(line, exc.problem or str(exc), _tab_hint(text, mark.line) if mark else None)
    return YamlSyntaxError(None, str(exc))


def _tab_hint(text: str, index: int) -> str | None:
    # An editor shows a tab as aligned indentation, so "check indentation" alone leaves the author
    # looking at a line that seems right.
    lines = text.split("\n")
    written = lines[index] if index < len(lines) else ""
    indent = written[:len(written) - len(written.lstrip())]
    return "indent with spaces: YAML does not allow tabs in indentation" if "\t" in indent else None


# Aliases let a script reuse a decision; nested ones also expand a few hundred bytes into gigabytes
# (a "billion laughs"). A course file never needs more values than this, expanded.
MAX_EXPANDED_VALUES = 20_000


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many values `node` stands for once every alias is written out (shared nodes counted each
    time they are used), computed once per node so that the count itself stays cheap."""
    known = memo.get(id(node))
    if known is not None:
        return known
    memo[id(node)] = MAX_EXPANDED_VALUES + 1  # a cycle (a recursive alias) counts as too large
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    else:
        size = 1
    memo[id(node)] = size = min(size, MAX_EXPANDED_VALUES + 1)
    return size


def _bound_aliases(node: yaml.Node | None, text: str, line_offset: int) -> None:
    if node is None or "*" not in text or _expanded_size(node, {}) <= MAX_EXPANDED_VALUES:
        return
    raise YamlSyntaxError(_first_alias_line(text, line_offset),
                          f"its aliases (*name) expand to more than {MAX_EXPANDED_VALUES} values",
                          "write the repeated values out, or reuse fewer and smaller blocks")


# Course files nest a few levels; libyaml's composer recurses per level and crashes the interpreter
# (a segmentation fault, not an exception) somewhere past 20 000, so depth is checked on the events first.
MAX_DEPTH = 100


def _check_depth(text: str, line_offset: int) -> None:
    if len(text) < 2 * MAX_DEPTH:
        return  # every level takes at least two characters
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlSyntaxError(event.start_mark.line + 1 + line_offset,
                                          f"values are nested more than {MAX_DEPTH} levels deep",
                                          "a course file needs a few levels: check the brackets and indentation")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, line_offset, text) from None
    finally:
        loader.dispose()


def _first_alias_line(text: str, line_offset: int) -> int | None:
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line + 1 + line_offset
    finally:
        loader.dispose()
    return None


def compose(text: str) -> yaml.Node | None:
    """The node tree of `text` (None when empty). Nested files read it instead of the loaded data:
    every node keeps its line, and scalars stay as written (`No` is the word, not False)."""
    _check_depth(text, 0)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, 0, text) from None
    finally:
        loader.dispose()
    _bound_aliases(node, text, 0)
    _refuse_unfit(node, text, 0)
    return node


# What no package can carry (sourcetext.py refuses it in a file): here, what a double-quoted value's
# escapes make of the text (\x01, \v, \uFFFE, half of a surrogate pair…).
_UNFIT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _refuse_unfit(node: yaml.Node | None, text: str, line_offset: int) -> None:
    if node is None or "\\" not in text:  # no escape, nothing made: the file itself was checked
        return
    seen, todo = set(), [node]
    while todo:  # each node once: an alias shares its anchor's
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            found = _UNFIT.search(node.value)
            if found is not None:
                raise YamlSyntaxError(node.start_mark.line + 1 + line_offset,
                                      f"a quoted value makes {unfit_name(found.group())}, which no package can carry",
                                      "remove the escape that makes it, such as \\x01 or \\u0001")
        elif isinstance(node, yaml.SequenceNode):
            todo += node.value
        elif isinstance(node, yaml.MappingNode):
            todo += [part for pair in node.value for part in pair]


def key_nodes(text: str) -> dict[str, yaml.Node]:
    """The value node of each top-level key of `text` (a mapping): it keeps its line, the lines of its
    own keys, and a scalar's spelling (`1.10` as written, where the loaded value is the number 1.1)."""
    node = compose(text)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def indented_keys(text: str, known: tuple[str, ...], line_offset: int = 0,
                  nodes: dict[str, yaml.Node] | None = None) -> list[tuple[int, str, str]]:
    """(line, the line as written, the key whose value holds it) of each line of a top-level folded or
    literal value (`description: >-`) that reads as a `known` key: indented with the text above it,
    a setting is read as more of that text and does nothing. `nodes`: key_nodes(text), if made."""
    if ">" not in text and "|" not in text:
        return []  # no block value: most files, decided without a search
    indented = re.compile(rf"[ \t]+(?:{'|'.join(map(re.escape, known))})[ \t]*:(?:[ \t]|$)")
    lines = text.split("\n")
    if not any(indented.match(line) for line in lines):
        return []
    found = []
    for key, node in (key_nodes(text) if nodes is None else nodes).items():
        if type(node) is yaml.ScalarNode and node.style in ("|", ">"):
            # The block's lines follow its indicator's; its end is the start of the next key's line.
            for index in range(node.start_mark.line + 1, min(node.end_mark.line + 1, len(lines))):
                if indented.match(lines[index]):
                    found.append((index + 1 + line_offset, lines[index].strip(), key))
    return found


def key_lines(node: yaml.Node | None) -> dict[str, int]:
    """The 1-based line of each key of a mapping node: a problem under `check:` is named at its own line."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): key.start_mark.line + 1 for key, _ in node.value if isinstance(key, yaml.ScalarNode)}


def item_lines(node: yaml.Node | None, key: str) -> list[int]:
    """The 1-based line of each item of the list under `key` in a mapping node (`check: ignore: [...]`)."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for name, value in node.value:
        if isinstance(name, yaml.ScalarNode) and name.value == key and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


# Tags whose constructors are plain functions of a scalar (no generator, no state): a front matter's.
_SCALAR_TAGS = frozenset("tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp"))
_MAP_TAG, _SEQ_TAG = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def _is_scalar(node: yaml.Node) -> bool:
    return type(node) is yaml.ScalarNode and node.tag in _SCALAR_TAGS


def _scalars(loader, node: yaml.Node, text: str) -> dict | None:
    """What construct_document() makes of a mapping of scalars and lists of scalars (a page's front
    matter), without its generators and their bookkeeping; None for anything else (merge keys,
    aliases, other tags, nested mappings): construct_document() reads those. The only errors the
    constructors of these tags raise are ValueErrors, whichever scalar raises one first."""
    if type(node) is not yaml.MappingNode or node.tag != _MAP_TAG or not node.value or "*" in text:
        return None
    for key_node, value_node in node.value:
        if not _is_scalar(key_node) or not (_is_scalar(value_node) or type(value_node) is yaml.SequenceNode
                                             and value_node.tag == _SEQ_TAG and all(map(_is_scalar, value_node.value))):
            return None
    made = loader.yaml_constructors
    return {made[key.tag](loader, key): made[value.tag](loader, value) if type(value) is yaml.ScalarNode
            else [made[item.tag](loader, item) for item in value.value] for key, value in node.value}


# A front matter as most pages write it: `key: value` lines, and `key:` lines each followed by `  - item`
# lines, each key, value and item plain ASCII words (no quotes, colons, hashes, tabs, blank lines or
# comments). Read line by line with libyaml's own resolver and constructors (a CSafeLoader is a C parser
# and these two): the same data, lines and duplicates (tests/test_front_matter.py compares them);
# anything else is libyaml's to read.
_PLAIN = r"[A-Za-z0-9](?:[A-Za-z0-9 ,.()/+-]*[A-Za-z0-9,.()/+-])?"
_PLAIN_LINE = re.compile(rf"([A-Za-z_][A-Za-z0-9_-]*):(?: +({_PLAIN}))?|  - ({_PLAIN})")
_RESOLVER, _CONSTRUCTOR = Resolver(), SafeConstructor()
_STR_TAG = "tag:yaml.org,2002:str"


class _NotPlain(Exception):
    """A scalar the plain reading leaves to libyaml."""


# First characters none of the resolver's patterns start with: a scalar starting with one is a string
# without a try (most keys and values), as resolve() would find after trying none.
_STRING_FIRST = frozenset() if None in _RESOLVER.yaml_implicit_resolvers or _RESOLVER.yaml_path_resolvers else \
    frozenset(map(chr, range(128))) - frozenset(_RESOLVER.yaml_implicit_resolvers)


def _plain_scalar(text: str):
    if text[:1] in _STRING_FIRST:
        return text
    # Every page writes `minutes: 5`: a short scalar's value (immutable: a number, date, bool or None)
    # is made once a process; what a scalar that raises would make is never kept.
    return _made_once(text) if len(text) <= SHORT_SCALAR else _made(text)


def _made(text: str):
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR_TAG:
        return text  # construct_yaml_str gives the value itself
    if tag not in _SCALAR_TAGS:
        raise _NotPlain(text)
    return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, text))


SHORT_SCALAR = 40  # characters of a scalar whose value is kept: a course's values are a few hundred at most
_made_once = functools.lru_cache(maxsize=512)(_made)


def _plain_mapping(text: str, line_offset: int) -> Mapping | None:
    """load_mapping(text, line_offset) of a front matter as most pages write it; None for any other,
    and for one holding a value its constructor refuses (libyaml reads the whole first, and says so)."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    data: dict = {}
    mapping, key, name, items = Mapping(data, first_line=1 + line_offset), None, None, None
    try:
        for number, line in enumerate(lines, start=1 + line_offset):
            found = _PLAIN_LINE.fullmatch(line)
            if found is None:
                return None
            written, value, item = found.groups()
            if item is not None:
                if key is None:
                    return None  # not under a `key:` line
                if items is None:
                    items = data[key] = []
                    mapping.item_lines[name] = []
                items.append(_plain_scalar(item))
                mapping.item_lines[name].append(number)
                continue
            if written in mapping.key_lines:
                mapping.duplicates.append((written, number))
            mapping.key_lines[written] = number
            made = _plain_scalar(written)
            data[made] = None if value is None else _plain_scalar(value)  # `key:` alone is null, or a list
            key, name, items = made if value is None else None, written, None
    except (_NotPlain, ValueError):
        return None
    return mapping if data else None


def load_mapping(text: str, line_offset: int = 0) -> Mapping:
    """Parse `text` as a YAML mapping (course.yml, a front matter: no aliases); `line_offset` shifts
    lines (front matter inside a file)."""
    return _plain_mapping(text, line_offset) or _mapping(text, line_offset)


def _refuse_aliases(text: str, line_offset: int) -> None:
    """course.yml and front matter hold no aliases: they have no block worth reusing, and an alias
    that stays is one a bomb can hide behind. Scenarios reuse decisions, their aliases bounded."""
    line = _first_alias_line(text, line_offset) if "*" in text else None
    if line is not None:
        raise YamlSyntaxError(line, "it uses an alias (*name), which course.yml and front matter do not take",
                              "write the value out where the alias stands; only scenario files may reuse a block")


def _mapping(text: str, line_offset: int) -> Mapping:
    """load_mapping() by libyaml."""
    _check_depth(text, line_offset)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        _refuse_aliases(text, line_offset)  # once the text is known to parse
        _refuse_unfit(node, text, line_offset)
        data = None if node is None else _scalars(loader, node, text) or loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, line_offset, text) from None
    except ValueError:  # Python refuses to convert integers of thousands of digits
        raise YamlSyntaxError(1 + line_offset, "a number in it has thousands of digits",
                              "write numbers with a few digits; quote a value that is meant as text") from None
    finally:
        loader.dispose()
    if data is None:
        return Mapping({}, first_line=1 + line_offset)
    if not isinstance(data, dict):
        raise YamlSyntaxError(node.start_mark.line + 1 + line_offset, "expected a mapping of `key: value` lines")
    mapping = Mapping(data, first_line=node.start_mark.line + 1 + line_offset)
    for key_node, value_node in node.value:
        key = key_node.value
        line = key_node.start_mark.line + 1 + line_offset
        if key in mapping.key_lines:
            # PyYAML keeps the last value silently; an author almost never means that.
            mapping.duplicates.append((key, line))
        mapping.key_lines[key] = line
        if isinstance(value_node, yaml.SequenceNode):
            mapping.item_lines[key] = [n.start_mark.line + 1 + line_offset for n in value_node.value]
    return mapping

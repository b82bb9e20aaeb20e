"""Checks shared by course.yml and lesson front matter: known keys, types, did-you-mean."""
from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable
from pathlib import Path

import yaml

from courseforge.errors import Problems
from courseforge.yamltext import Mapping, indented_keys, key_nodes

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def check_keys(mapping: Mapping, allowed: tuple[str, ...], path: Path, problems: Problems) -> None:
    for key, line in mapping.duplicates:
        problems.error(path, line, f'key "{key}" appears twice', "keep one of them")
    for key in mapping.data:
        if key not in allowed:
            problems.error(path, mapping.line(key), f'unknown key "{key}"', unknown_key_hint(key, allowed))


LINE_UP = "line it up with the other keys, at the beginning of the line"


def check_indented_keys(text: str, allowed: tuple[str, ...], path: Path, problems: Problems,
                        line_offset: int = 0, nodes: dict | None = None) -> set[str]:
    """Name each setting an author indented into a `>-` or `|` value above it; the keys so lost."""
    lost = set()
    for line, written, key in indented_keys(text, allowed, line_offset, nodes):
        problems.error(path, line, f'"{written}" is indented, so it is read as part of the {key}', LINE_UP)
        lost.add(written.split(":", 1)[0].strip())
    return lost


def check_nested_keys(mapping: Mapping, text: str, allowed: tuple[str, ...], path: Path, problems: Problems,
                      line_offset: int = 0, nodes: dict | None = None, blocks: tuple[str, ...] = ()) -> set[str]:
    """Name each setting an author indented under a key with nothing after its colon (`title:`, then
    `  passing_score: 80`): YAML reads the two as one setting whose value is the other. The keys so
    lost (said here, so not missing too). A key that holds only such settings is left empty, as the
    author wrote it, rather than refused as not a text. `blocks`: the keys whose value is `key: value`
    lines (course.yml's `check:`…); under an unknown key, that key is the mistake (check_keys says so)."""
    holders = [key for key, value in mapping.data.items()
               if type(value) is dict and key in allowed and key not in blocks]
    if not holders:
        return set()  # no value is a mapping: every front matter, decided without composing it
    nodes = key_nodes(text) if nodes is None else nodes
    lines = text.split("\n")
    lost = set()
    for holder in holders:
        node = nodes.get(str(holder))
        if type(node) is not yaml.MappingNode or node.flow_style:  # `title: {passing_score: 80}` is no indent
            continue
        names = [key.value if type(key) is yaml.ScalarNode else None for key, _ in node.value]
        for name, (key, _) in zip(names, node.value):
            if name in allowed:
                problems.error(path, key.start_mark.line + 1 + line_offset,
                               f'"{lines[key.start_mark.line].strip()}" is indented, so it is read as part of the '
                               f"{holder}", LINE_UP)
                lost.add(name)
        if all(name in allowed for name in names):
            mapping.data[holder] = None
    return lost


# A top-level `key:` line, and a line that indents a setting's `key:` (filled in with the known keys).
_TOP_KEY = re.compile(r"([^\s:#'\"-][^:#]*?)[ \t]*:(?:[ \t]|$)")
_INDENTED_KEY = r" +({})[ \t]*:(?:[ \t]|$)"


def indented_key_problem(text: str, line: int | None, allowed: tuple[str, ...], line_offset: int = 0,
                         blocks: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """(problem, hint) for a YAML syntax error at `line` that indents a setting under the one above
    (`title: Check`, then `  passing_score: 80`), which YAML tried to read as more of its value; None
    for any other. `blocks`: the keys whose value is `key: value` lines, where an indent is right."""
    index = line - 1 - line_offset if line is not None else -1
    lines = text.split("\n")
    if not 0 <= index < len(lines):
        return None
    found = re.match(_INDENTED_KEY.format("|".join(map(re.escape, allowed))), lines[index])
    if found is None:
        return None
    holder = next((top.group(1) for top in map(_TOP_KEY.match, reversed(lines[:index])) if top), None)
    if holder is None or holder in blocks:
        return None
    return f'"{lines[index].strip()}" is indented, so it is read as part of the {holder}', LINE_UP


def unknown_key_hint(key: object, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(key), allowed, n=1)
    hint = f'did you mean "{close[0]}"?' if close else "remove it"
    return f"{hint} (allowed: {', '.join(allowed)})"


# `key: value` on one line, the value plain (no quote, no comment): where a number or date was written.
_PLAIN_VALUE = re.compile(r"[ \t]*([^\s:#'\"][^:#]*?)[ \t]*:[ \t]+([^\s#'\"&*!|>{\[](?:[^#]*[^\s#])?)[ \t]*(?:[ \t]#.*)?$")

# YAML 1.1's words for true and false (PyYAML's resolver): `language: no` (Norwegian) is False.
_YES_NO = re.compile(r"(?<![^\s:])(yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE)"
                     r"[ \t]*(?:#.*)?$")


def yes_no_problem(key: str, value: bool, source: str | None, line: int | None) -> tuple[str, str]:
    """(problem, hint) for a text setting YAML read as true or false, quoting the word as the author
    wrote it on `line` of `source` (`No`, `off`…) when it is there to read."""
    written = _written_line(source, line)
    found = _YES_NO.search(written) if written is not None else None
    word = found.group(1) if found else str(value).lower()
    return _quote_it(word, f'{key}: "{word}"')


def _quote_it(word: str, to_write: str) -> tuple[str, str]:
    read = "true/false" if word.lower() in ("true", "false") else "yes/no"
    return f'"{word}" is read as {read} in YAML', f"put it in quotes: {to_write}"


def _written_line(source: str | None, line: int | None) -> str | None:
    """Line `line` (1-based) of `source` as the author wrote it, if both are known."""
    if source is None or line is None or line < 1:
        return None
    lines = source.split("\n", line)
    return lines[line - 1] if line <= len(lines) else None


class FieldReader:
    """Reads typed values out of a Mapping, recording a located error for each bad one. `source`: the
    text of the file (its lines numbered as the mapping's), to quote a value as the author wrote it."""

    def __init__(self, mapping: Mapping, path: Path, problems: Problems, source: str | None = None,
                 nodes: dict[str, yaml.Node] | Callable[[], dict[str, yaml.Node]] | None = None):
        """`nodes`: key_nodes() of the mapping's YAML, or a function that makes it; read only for a list
        item YAML did not take as a text (rare), to quote it as written."""
        self.mapping, self.path, self.problems, self.source = mapping, path, problems, source
        self._nodes = nodes

    def _bad(self, key: str, problem: str, hint: str, index: int | None = None) -> None:
        self.problems.error(self.path, self.mapping.line(key, index), problem, hint)

    def text(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        value = self.mapping.data.get(key)
        if value is None:
            if required:
                self._bad(key, f'"{key}" is missing', f'add a line `{key}: ...`')
            return default
        if isinstance(value, (int, float, datetime.date)) and not isinstance(value, bool):
            return self._as_written(key, value)
        if isinstance(value, bool):
            self._bad(key, *yes_no_problem(key, value, self.source, self.mapping.key_lines.get(key)))
            return default
        if not isinstance(value, str) or not value.strip():
            self._bad(key, f'"{key}" must be a non-empty text', f'write `{key}: some text`')
            return default
        return value.strip()

    def _as_written(self, key: str, value) -> str:
        """A text YAML read as a number or a date, as the author wrote it: `title: 12:30` is 750 to
        YAML 1.1 and `1.10` is 1.1; a date is no text at all. The spelling on the key's line is
        taken only when YAML reads it as the very value (else str(value), as before)."""
        written = _written_line(self.source, self.mapping.key_lines.get(key))
        found = _PLAIN_VALUE.match(written) if written is not None else None
        if found is not None and found.group(1) == key:
            try:
                read = yaml.safe_load(found.group(2))
            except yaml.YAMLError:
                read = None
            if type(read) is type(value) and read == value:
                return found.group(2)
        return str(value)

    def slug(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        value = self.text(key, default, required)
        if value is not None and not SLUG.match(value):
            self._bad(key, f'"{key}" is "{value}", not a valid id',
                      "use lowercase letters, digits and hyphens, starting with a letter or digit (e.g. why-empathy)")
            return default
        return value

    def text_list(self, key: str, allow_single: bool = False) -> tuple[str, ...] | None:
        value = self.mapping.data.get(key)
        if value is None:
            return None
        if allow_single and isinstance(value, (bool, int, float, datetime.date)):
            one = self.text(key)  # `authors: No` or `authors: 1984`, as text() reads a setting
            return None if one is None else (one,)
        if allow_single and isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self._bad(key, f'"{key}" must be a list', f"write one `- item` per line under `{key}:`")
            return None
        items = []
        for index, item in enumerate(value):
            if isinstance(item, bool):
                self._bad(key, *self._yes_no_item(key, index, item), index)
                continue
            if isinstance(item, (int, float, datetime.date)):
                items.append(self._item_as_written(key, index, item))
                continue
            if not isinstance(item, str) or not item.strip():
                self._bad(key, f'item {index + 1} of "{key}" is not a text', "write `- some text`", index)
                continue
            items.append(item.strip())
        return tuple(items)

    def _item_node(self, key: str, index: int) -> tuple[yaml.ScalarNode | None, bool]:
        """The node of item `index` of the list under `key`, if it is a plain scalar (the spelling YAML
        read a number, date or yes/no word from), and whether the list is a `[...]` one."""
        nodes = self._nodes() if callable(self._nodes) else self._nodes
        found = (nodes or {}).get(key)
        if type(found) is not yaml.SequenceNode or index >= len(found.value):
            return None, False
        item = found.value[index]
        plain = type(item) is yaml.ScalarNode and not item.style  # None, or '' from libyaml
        return (item if plain else None), bool(found.flow_style)

    def _yes_no_item(self, key: str, index: int, value: bool) -> tuple[str, str]:
        """As a setting (yes_no_problem): `- No` is a surname to the author and False to YAML 1.1."""
        node, flow = self._item_node(key, index)
        word = node.value if node is not None else str(value).lower()
        return _quote_it(word, f'"{word}"' if flow else f'- "{word}"')

    def _item_as_written(self, key: str, index: int, value) -> str:
        """An item YAML read as a number or a date, as the author wrote it (`- 1.10`, not 1.1), as
        _as_written() keeps a setting."""
        node, _ = self._item_node(key, index)
        return node.value if node is not None else str(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.mapping.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self._bad(key, f'"{key}" is {value!r}, not true or false', f"write `{key}: true` or `{key}: false`")
            return default
        return value

    def integer(self, key: str, low: int, high: int) -> int | None:
        value = self.mapping.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self._bad(key, f'"{key}" is {value!r}, not a whole number from {low} to {high}',
                      f"write e.g. `{key}: {high if high <= 100 else low}`")
            return None
        return value

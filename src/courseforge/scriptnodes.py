"""Reading a YAML node tree with a located problem for every mistake (the scenario scripts).

The tree, not the loaded data: every node keeps its line, and every text stays as typed
(`- sam: No` is the word "No", not False). Each reader returns None (or a default) after recording why.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

from courseforge.errors import Problems
from courseforge.fields import unknown_key_hint

Node = yaml.Node
# Every text of a script is drawn on a frame, and a line is spoken: a megabyte of it in one line kept
# espeak-ng speaking for hours, into more audio than memory holds. A sentence or two is a few hundred.
MAX_TEXT = 1000


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def is_null(node: Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and (node.tag.endswith(":null") or not node.value.strip())


def did_you_mean(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1)
    return f'did you mean "{close[0]}"? ' if close else ""


class NodeReader:
    """Reads the nodes of one file, recording a located problem for everything wrong in them."""

    def __init__(self, path: Path, problems: Problems):
        self.path, self.problems = path, problems

    def error(self, where: Node | int, problem: str, hint: str) -> None:
        self.problems.error(self.path, where if isinstance(where, int) else line_of(where), problem, hint)

    def fields(self, node: Node, allowed: tuple[str, ...], what: str) -> dict[str, tuple[Node, Node]] | None:
        """A mapping's (key node, value node) by key, after reporting duplicate and unknown keys."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be `key: value` lines", f"write indented lines such as `{allowed[0]}: ...`")
            return None
        found: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            if key in found:
                self.error(key_node, f'key "{key}" appears twice in {what}', "keep one of them")
            elif key not in allowed:
                self.error(key_node, f'unknown key "{key}" in {what}', unknown_key_hint(key, allowed))
            else:
                found[key] = (key_node, value_node)
        return found

    def text(self, fields: dict, key: str, what: str, owner: Node | int, required: bool = True) -> str | None:
        if key not in fields:
            if required:
                self.error(owner, f'{what} has no "{key}"', f"add a line `{key}: ...`")
            return None
        return self.scalar(fields[key][1], f'"{key}" of {what}', f"write `{key}: some text`")

    def scalar(self, node: Node, what: str, hint: str) -> str | None:
        if isinstance(node, yaml.ScalarNode) and not is_null(node):
            text = " ".join(node.value.split())
            if len(text) > MAX_TEXT:
                self.error(node, f"{what} is {len(text)} characters long, over the {MAX_TEXT} a scenario's text may be",
                           "shorten it (a long line can be split into several)")
                return None
            return text
        self.error(node, f"{what} must be a non-empty text", hint)
        return None

    def choice_of(self, fields: dict, key: str, allowed: tuple[str, ...], what: str, default: str) -> str:
        value = self.text(fields, key, what, 1, required=False)
        if value is None or value in allowed:
            return value or default
        self.error(fields[key][1], f'"{key}" of {what} is "{value}"',
                   f"{did_you_mean(value, list(allowed))}use one of: {', '.join(allowed)}")
        return default

    def integer(self, fields: dict, key: str, what: str, low: int, high: int, default: int) -> int:
        if key not in fields:
            return default
        node = fields[key][1]
        value = node.value if isinstance(node, yaml.ScalarNode) else ""
        if not re.fullmatch(r"\d+", value) or not low <= int(value) <= high:
            self.error(node, f'"{key}" of {what} is "{value}", not a whole number from {low} to {high}',
                       f"write e.g. `{key}: {default}`")
            return default
        return int(value)


    def entries(self, node: Node, what: str, hint: str) -> list[tuple[Node, Node]]:
        """The entries of a mapping keyed by names (characters, scenes), reporting duplicates."""
        if is_null(node) or (isinstance(node, yaml.MappingNode) and not node.value):
            self.error(node, f"{what} is empty", hint)
            return []
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be named entries, not a list or a text", hint)
            return []
        names: set[str] = set()
        unique = []
        for key_node, value_node in node.value:
            if key_node.value in names:
                self.error(key_node, f'"{key_node.value}" appears twice in {what}', "give each one its own name")
                continue
            names.add(key_node.value)
            unique.append((key_node, value_node))
        return unique

"""YAML that remembers where each key came from, so errors can name a line."""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSyntaxError(Exception):
    """YAML we cannot read: `hint` is set when the caller's usual advice (indentation, quoting) is wrong."""

    def __init__(self, line: int | None, problem: str, hint: str | None = None):
        super().__init__(problem)
        self.line = line
        self.problem = problem
        self.hint = hint


@dataclass
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


def _syntax_error(exc: yaml.YAMLError, line_offset: int) -> YamlSyntaxError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        return YamlSyntaxError(line, exc.problem or str(exc))
    return YamlSyntaxError(None, str(exc))


def _refuse_aliases(text: str, line_offset: int) -> None:
    """Course files never need anchors and aliases, and a few hundred bytes of nested aliases expand
    to gigabytes (a "billion laughs"): refuse them before anything is built from the document."""
    if "*" not in text:
        return
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                raise YamlSyntaxError(event.start_mark.line + 1 + line_offset,
                                      f"the alias *{event.anchor[:40]} repeats a value from elsewhere in the file",
                                      "course files do not allow YAML anchors and aliases: write the value out in full")
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, line_offset) from None
    finally:
        loader.dispose()


def compose(text: str) -> yaml.Node | None:
    """The node tree of `text` (None when empty). Nested files read it instead of the loaded data:
    every node keeps its line, and scalars stay as written (`No` is the word, not False)."""
    _refuse_aliases(text, 0)
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, 0) from None
    finally:
        loader.dispose()


def load_mapping(text: str, line_offset: int = 0) -> Mapping:
    """Parse `text` as a YAML mapping; `line_offset` shifts lines (front matter inside a file)."""
    _refuse_aliases(text, line_offset)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, line_offset) from None
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

"""YAML that remembers where each key came from, so errors can name a line."""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSyntaxError(Exception):
    def __init__(self, line: int | None, problem: str):
        super().__init__(problem)
        self.line = line
        self.problem = problem


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


def compose(text: str) -> yaml.Node | None:
    """The node tree of `text` (None when empty). Nested files read it instead of the loaded data:
    every node keeps its line, and scalars stay as written (`No` is the word, not False)."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, 0) from None
    finally:
        loader.dispose()


def load_mapping(text: str, line_offset: int = 0) -> Mapping:
    """Parse `text` as a YAML mapping; `line_offset` shifts lines (front matter inside a file)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, line_offset) from None
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

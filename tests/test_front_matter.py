"""yamltext reads a front matter as most pages write it (`key: value`, `key:` and `  - item` lines of
plain ASCII words) without libyaml: the same data (types included), key and item lines, duplicates
and first line as libyaml's reading, and anything else (or near it) left to libyaml."""
import random

import pytest

from courseforge import yamltext

KEYS = ["id", "title", "objectives", "minutes", "yes", "No", "null", "on", "_x", "a-b", "key2", "True", "y"]
VALUES = ["lesson-1", "Lesson 1", "Do thing 1", "5", "05", "0x1F", "0o17", "012", "1.5", "1.0.0", "1e3", "6.5e+3", "yes",
          "No", "off", "null", "Null", "true", "2024-01-31", "2023-02-30", "2001-12-14 21:59:43", "12345678901234567890",
          "9" * 5000, "a - b", "a -b", "a, b", "a  b", "x (y)", "end.", "end-", "a+b/c", "190", "0", "1_000", "-5", ".5"]
NEAR = ["key:v", "key:  v", " key: v", "key: v ", "- item", "   - item", "", "# c", "key: 'q'", "key: a # c", "key: a: b",
        "key: [1, 2]", "key: {a: 1}", "key: &a x", "key: *a", "key: !!str 5", "<<: x", "=: x", "key: café", "key:\tv",
        "key: |", "  more text", "---", "...", "key: ~", "? key", "2: x", "key: :x"]


def _line(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return f"{rng.choice(KEYS)}: {rng.choice(VALUES)}"
    if roll < 0.6:
        return f"{rng.choice(KEYS)}:"
    if roll < 0.9:
        return f"  - {rng.choice(VALUES)}"
    return rng.choice(NEAR)


def _outcome(read, text: str, offset: int):
    try:
        mapping = read(text, offset)
    except yamltext.YamlSyntaxError as exc:
        return ("error", exc.line, exc.problem, exc.hint)
    return (repr(mapping.data), mapping.key_lines, mapping.item_lines, mapping.first_line, mapping.duplicates)


def test_a_plain_front_matter_reads_as_libyaml_reads_it():
    rng = random.Random(25)
    plain = 0
    for _ in range(6000):
        text = "\n".join(_line(rng) for _ in range(rng.randint(1, 6))) + rng.choice(["", "\n"])
        offset = rng.randint(0, 3)
        ours = yamltext._plain_mapping(text, offset)
        if ours is not None:
            plain += 1
            assert _outcome(lambda *_: ours, text, offset) == _outcome(yamltext._mapping, text, offset), repr(text)
        assert _outcome(yamltext.load_mapping, text, offset) == _outcome(yamltext._mapping, text, offset), repr(text)
    assert plain > 1000  # most of them took the plain way


@pytest.mark.parametrize("text", ["id: a\n  - b", "a: 2023-02-30\nb: 'open", "  - x", "a:\n  - 9" + "9" * 5000, ""])
def test_what_the_plain_reading_leaves_is_libyamls(text):
    assert yamltext._plain_mapping(text, 0) is None


@pytest.mark.parametrize("text", ["a:\n  - x\nb: 1\na:\n  - y\n  - z", "a:\n  - x\na: 2", "a: 2\na:\n  - x", "yes: 1\nYes: 2",
                                  "a:\nb:\n  - 1\n  - 2024-01-31", "No:\n  - on\n  - off", "id: x\nid: y\nid:"])
def test_repeated_keys_and_lists_read_as_libyaml_reads_them(text):
    assert yamltext._plain_mapping(text, 4) is not None
    assert _outcome(yamltext.load_mapping, text, 4) == _outcome(yamltext._mapping, text, 4)


def test_a_scalar_whose_first_character_starts_no_resolver_pattern_is_the_resolvers_string():
    # _plain_scalar takes it as a string without resolve(): what resolve() and the constructor make.
    import yaml

    def resolved(text):
        tag = yamltext._RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
        return tag, yamltext._CONSTRUCTOR.yaml_constructors[tag](yamltext._CONSTRUCTOR, yaml.ScalarNode(tag, text))

    assert yamltext._STRING_FIRST and len(yamltext._STRING_FIRST) < 128
    for first in map(chr, range(32, 127)):
        for rest in ("", "es", "ull", "rue", "ff", "n", "0", "1:2", ".5", "-1", "_0", " x", "aN", "nf"):
            text = first + rest
            if first in yamltext._STRING_FIRST:
                assert resolved(text) == ("tag:yaml.org,2002:str", text) == ("tag:yaml.org,2002:str",
                                                                             yamltext._plain_scalar(text))

"""simpleblocks.py gives markdown-it's own block tokens, or leaves the page to markdown-it: on pages built
from the shapes it reads and the near misses of each, and on the shipped course."""
import random
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lines of the shapes simpleblocks reads, with their near misses; and lines it must leave to markdown-it.
SHAPES = [
    "", "", "", "   ", "Plain words here.", "Plain words here.", "More *words* and **bold** text", "text  ",
    "\u00a0", "\u2003 spaced", "x\u00a0", "<div>raw</div>", "[a link](to.md)", "![an image](i.png)",
    "# Heading", "## Heading two", "###### Six", "#", "## ", "# a | b", "Title", "...", "*em* start", "-x",
    "- item", "- item", "-  two spaces", "+ plus", "* star", "1. one", "1. one", "2. two", "10) ten", "01. zero one",
    "1.x", "3) three", "123456789. nine digits",
    "::: tip A tip", "::: story", "::: question q1 single", ":::", ":::", "::: tip A tip", ":::", "::",
    "::: question q2 multiple", "> A situation", "  feedback: Yes.", "- [x] Right", "objective: 1",
    "| a | b |", "| a | b |", "|---|---|", "|---|---|", "| a |", "| x \\| y | z |", "a | b", "|", "| |",
    "| 1 | 2 | 3 |", "| - |",
]
NEAR = ["####### Seven", "#Not", "# Closed #", "# Ends in a#", "-     code", "- ", "-", "***", "* * *", "- - -",
        "- # heading in item", "- > quote", "- ::: tip x", "- | a |", "- 1. nested", "- - nested", "1.", "2. ",
        "1234567890. long", "**", "--", "|---", "|-", "|---|", "|:-|-:|", "| :-: | --- |", "::::", "::: ", ":::x", "--|--", ":-|-:", "  indented", "    code", "\tx", "> quote",
        "```", "~~~", "``", "===", "---", "___", "[a]: /x", "   # spaced heading", "  - lazy item"]
FRONT = ["---\ntitle: T\n---", "---\ntitle: T\nobjectives:\n  - Do\n---", "---\n---", "", ""] * 4 + [
    "---\ntitle: T", "----\nx: 1\n---", "---\nx: 1\n...", "---\nx: 1\n  ---", "--- \nx: 1\n---", "---\nx: 1\n----"]


def _page(rng: random.Random) -> str:
    lines = [rng.choice(NEAR if rng.random() < 0.06 else SHAPES) for _ in range(rng.randint(0, 14))]
    front = rng.choice(FRONT)
    text = "\n".join(([front] if front else []) + lines)
    return text + rng.choice(["\n", "", "\n\n", "\n  "])


def _built(rng: random.Random, front: bool = True) -> str:
    """A page of whole blocks (callouts of blocks, lists, tables of each alignment and row length),
    set apart by blank lines or none (a block interrupting another), a line of it at times a near miss."""
    def words() -> str:
        return rng.choice(["Words here.", "*em* and **strong**", "x | y", "a\u00a0", "1. not first", "2) two",
                           "Text  ", "[l](u.md)", "-x"])

    def block(depth: int) -> list[str]:
        shape = rng.choice(["paragraph", "paragraph", "heading", "list", "list", "table", "table", "callout",
                            "question"])
        if shape == "question":
            inside = ["> A situation.", "Pick one.", "objective: 1", "- [x] Right", "  feedback: Yes.", "- [ ] Wrong",
                      "    code", "\t", "---", "# h", "| a |", "|---|", "", "explanation: Because.", "::: tip T",
                      "  :::", "::::", "::: end", "> :::", "\u00a0:::"]
            return [f"::: {rng.choice(['question q1 single', 'question  q2 true-false', 'questions x', 'Question'])}",
                    *(rng.choice(inside[:14] if rng.random() < 0.9 else inside) for _ in range(rng.randint(0, 8))),
                    *([":::"] if rng.random() < 0.95 else [])]
        if shape == "paragraph":
            return [words() for _ in range(rng.randint(1, 3))]
        if shape == "heading":
            return ["#" * rng.randint(1, 6) + rng.choice([" Title", "", " ", " a #b"])]
        if shape == "list":
            marker = rng.choice(["-", "*", "+", "1.", "1)", "3.", "09."])
            items = []
            for number in range(rng.randint(1, 4)):
                mark = marker if not marker[0].isdigit() else f"{int(marker[:-1]) + number}{marker[-1]}"
                items += [f"{mark}{' ' * rng.choice([1, 1, 2, 4])}{words()}"] + \
                    [words() for _ in range(rng.choice([0, 0, 1]))] + [""] * rng.choice([0, 0, 1])
            return items
        if shape == "table":
            columns = rng.randint(1, 3)
            head = "|" + "|".join(rng.choice([" a ", "b", " *c* ", " x \\| y "]) for _ in range(columns)) + \
                rng.choice(["|", "|", ""])
            delimiter = "|" + "|".join(rng.choice(["---", ":--", "--:", ":-:", " - "]) for _ in range(columns)) + "|"
            rows = ["|" + "|".join(rng.choice([" 1 ", "", "2", " *3* "]) for _ in range(rng.randint(0, columns + 1)))
                    + rng.choice(["|", ""]) for _ in range(rng.randint(0, 3))]
            return [head, delimiter, *rows]
        if depth:
            return [words()]
        inner = []
        for _ in range(rng.randint(0, 3)):
            inner += block(depth + 1) + [""] * rng.choice([0, 1, 1])
        return [f"::: {rng.choice(['tip', 'story', 'note'])}{rng.choice([' A title', ''])}", *inner, ":::"]

    lines = [rng.choice(FRONT[:3])] if front and rng.random() < 0.7 else []
    for _ in range(rng.randint(1, 6)):
        lines += block(0) + [""] * rng.choice([0, 1, 1, 2])
    if rng.random() < 0.2:
        lines[rng.randrange(len(lines))] = rng.choice(NEAR + SHAPES)
    return "\n".join(lines) + rng.choice(["\n", ""])


def _asking(rng: random.Random) -> str:
    """A page of knowledge checks, as lessons hold them, between blocks of other shapes; at times one
    with a mistake (left open, closed twice, a block opened inside) or a near miss."""
    def question() -> list[str]:
        lines = [f"::: question {rng.choice(['q1', 'q2', 'q1'])} {rng.choice(['single', 'multiple', 'true-false'])}",
                 *(["> A customer calls about a *late* parcel."] if rng.random() < 0.5 else []), "What helps most?",
                 "objective: 1"]
        for number in range(rng.randint(1, 4)):
            lines += [f"- [{rng.choice(['x', ' '])}] Option {number} with **bold**",
                      *(["  feedback: Because <!-- check: ignore long-sentence -->."] if rng.random() < 0.7 else [])]
        lines += [*(["explanation: It shows care."] if rng.random() < 0.5 else []), ":::"]
        if rng.random() < 0.1:
            lines[rng.randrange(1, len(lines))] = rng.choice([":::", "::: tip T", "  :::", "::: end", "", "---"])
        return lines

    lines = ["---", "title: T", "---", ""] if rng.random() < 0.8 else []
    for _ in range(rng.randint(1, 5)):
        lines += (question() if rng.random() < 0.5 else _built(rng, front=False).split("\n")) + [""] * rng.choice([0, 1])
    return "\n".join(lines) + "\n"


def _fields(token) -> tuple:
    return (token.type, token.tag, token.nesting, token.attrs, token.map, token.level, token.children,
            token.content, token.markup, token.info, token.meta, token.block, token.hidden)


def _markdown_its(text: str) -> list:
    from courseforge.markdown import create

    md = create()
    return md.block.parse(text, md, {}, []) or []


def _without_question_insides(tokens: list) -> list:
    """The tokens but those inside `::: question` blocks, which simpleblocks does not make."""
    kept, depth = [], 0  # depth: of containers inside the question being left out
    for token in tokens:
        if depth:
            depth += token.nesting if token.type.startswith("container_") else 0
            if not depth:
                kept.append(token)
            continue
        kept.append(token)
        if token.type == "container_callout_open" and token.info.strip().partition(" ")[0] == "question":
            depth = 1
    return kept


@pytest.fixture(scope="module")
def markdown_it():
    from courseforge.markdown import create

    md = create()
    return lambda text: _without_question_insides(md.block.parse(text, md, {}, []) or [])


def test_the_tokens_are_markdown_its_or_the_page_is_left_to_it(markdown_it):
    from courseforge.simpleblocks import block_tokens

    rng = random.Random(7)
    read = 0
    for _ in range(12000):
        text = _page(rng)
        tokens = block_tokens(text)
        if tokens is not None:
            read += 1
            assert list(map(_fields, tokens)) == list(map(_fields, markdown_it(text))), repr(text)
    assert read > 2000  # many pages of every shape were read here, not all left to markdown-it


def test_the_tokens_of_pages_built_of_blocks_are_markdown_its(markdown_it):
    from courseforge.simpleblocks import block_tokens

    rng = random.Random(3)
    read, tables, questions = 0, 0, 0
    for _ in range(6000):
        text = _built(rng)
        tokens = block_tokens(text)
        if tokens is not None:
            read += 1
            tables += sum(token.type == "table_open" for token in tokens)
            questions += sum(token.info.startswith(" question") for token in tokens)
            assert list(map(_fields, tokens)) == list(map(_fields, markdown_it(text))), repr(text)
    assert read > 1500 and tables > 500 and questions > 300


def test_pages_of_each_shape_are_read_here(markdown_it):
    # Each shape alone and in the company of others; the page of the speed benchmark; every one the same.
    from courseforge.simpleblocks import block_tokens

    pages = [
        "---\ntitle: T\n---\n\n## Part 1\n\nWords.\n\n::: story A story\nMore words.\n:::\n\n"
        "| cue | meaning |\n|---|---|\n| *wait* | **time** |\n\nWords.\n\n- One item.\n- Two.\n\n::: reflection\nThink.\n:::\n",
        "Para one\nstill one\n# Heading cuts it\nPara\n- item cuts it\n- and\nlazy line\n\n- loose\n\n- list\n",
        "Para\n2. does not cut it\n1. but one does\n3. and goes on\n\n5) starts at five\n6) six\n7. another list\n",
        "::: tip Title\n- a\n- b\n\n| x | y |\n|:--|--:|\n| 1 |\n| 1 | 2 | 3 |\n:::\nAfter\n",
        "| a |\n|---|\n", "# A\n| h |\n| :-: |\n| c |\n\nText\n::: note N\nT\n:::\n", "- a\n* b\n+ c\n1. d\n1) e\n",
        "---\n---\nBody", "", "\n\n", "Just text", "# H\n## H2 ##x\n",
        "Text\n::: question q1 single\n> A situation.\nPick.\n- [x] A\n  feedback: Yes.\n---\n\n:::\n- after\n",
    ]
    for text in pages:
        tokens = block_tokens(text)
        assert tokens is not None, repr(text)
        assert list(map(_fields, tokens)) == list(map(_fields, markdown_it(text))), repr(text)


@pytest.mark.parametrize("text", [
    "  indented\n", "a\n\tb\n", "> quote\n", "```\ncode\n```\n", "Title\n===\n", "Title\n---\n", "***\n",
    "[a]: /x\n", "- \n", "Para\n| a |\n|---|\n", "| a |\n|---|\nno pipe\n", "::: tip\nnever closed\n", ":::\n",
    "::: a A\n::: b B\n:::\n:::\n", "::::\n", "---\ntitle: T\n", "- # h\n", "-     code\n", "# a #\n",
    "::: question q\nA\n", "::: question q\n::: tip T\n:::\n", "::: question q\n  :::\n", "::: tip T\n::: question q\n:::\n",
    "1234567890. long\n", "| a |\n|---|\n|---|\n", "Text\n::: tip T\n:::\n:::\n",
])
def test_shapes_it_is_not_sure_of_go_to_markdown_it(text):
    from courseforge.simpleblocks import block_tokens

    assert block_tokens(text) is None


def test_lessons_parse_and_render_the_same_with_and_without_it(monkeypatch):
    # The whole of reading a page: tokens after the core rules, problems, questions and html, on the
    # shipped course's pages and on built ones.
    from courseforge import simpleblocks
    from courseforge.markdown import LessonMarkdown

    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "content").rglob("*.md"))]
    rng = random.Random(11)
    texts += [_page(rng) for _ in range(1500)] + [_built(rng) for _ in range(1500)]
    rng = random.Random(12)
    asked = [_asking(rng) for _ in range(1500)]
    assert sum(simpleblocks.block_tokens(text) is not None for text in asked) > 300  # many read here
    texts += asked
    ours = LessonMarkdown()
    theirs = [(ours.parse(text), ours.render(ours.parse(text), lambda *a: None)) for text in texts]
    monkeypatch.setattr(simpleblocks, "block_tokens", lambda src: None)
    plain = LessonMarkdown()
    for text, (parsed, html) in zip(texts, theirs):
        again = plain.parse(text)
        assert [t.as_dict() for t in parsed.tokens] == [t.as_dict() for t in again.tokens], repr(text)
        assert (parsed.front_matter, parsed.front_matter_line, parsed.problems, parsed.questions) == \
            (again.front_matter, again.front_matter_line, again.problems, again.questions), repr(text)
        assert html == plain.render(again, lambda *a: None), repr(text)


def test_a_parser_with_rules_it_does_not_know_reads_with_markdown_it():
    from courseforge.simpleblocks import rules_known

    assert rules_known(["front_matter", "list", "paragraph", "table"], {})
    assert not rules_known(["front_matter", "list", "paragraph", "html_block"], {})
    assert not rules_known(["front_matter", "paragraph"], {})
    assert not rules_known(["front_matter", "list", "paragraph"], {"tasklists": True})


def test_the_commonmark_spec_examples_read_here_give_markdown_its_tokens(markdown_it):
    # Each of the spec's 652 examples (tests/fixtures/commonmark/PROVENANCE.md) that simpleblocks reads
    # gives markdown-it's tokens, and each span of stars alone that starred() takes, markdown-it's.
    import json

    from markdown_it.rules_core.normalize import NEWLINES_RE, NULL_RE

    from courseforge.markdown import create
    from courseforge.markdownrules import starred
    from courseforge.simpleblocks import block_tokens

    md = create()
    examples = json.loads((ROOT / "tests" / "fixtures" / "commonmark" / "spec-examples.json").read_text("utf-8"))
    read = spans = 0
    for example in examples:
        text = NULL_RE.sub("\ufffd", NEWLINES_RE.sub("\n", example["markdown"]))  # as markdown.py normalizes
        tokens = block_tokens(text)
        if tokens is not None:
            read += 1
            assert list(map(_fields, tokens)) == list(map(_fields, markdown_it(text))), example["example"]
        for token in md.block.parse(text, md, {}, []) or []:
            made = starred(token.content) if token.type == "inline" else None
            if made is not None and not any(mark in token.content for mark in "\n_\\`[!<&~:"):
                spans += 1
                assert [t.as_dict() for t in made] == [t.as_dict() for t in md.inline.parse(token.content, md, {}, [])]
    assert len(examples) == 652 and read > 300 and spans > 5

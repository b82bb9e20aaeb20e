"""The page reader's own passes around markdown-it give what they gave before they were made faster
(tests/reading_before.py, markdown-it's own rules and renderer): the same tokens, problems, questions,
page text, html and links asked for, on thousands of generated pages holding every construct a lesson
may (callouts, questions of each kind, tables, lists tight and loose, code, quotes, headings, images,
links, entities, raw HTML, CR, NUL, tabs, blocks left open, stray `:::`, `check:` comments), on the
shipped course, and on token streams no parse makes."""
import random
from pathlib import Path

import pytest
import reading_before as before
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core.inline import inline as markdown_its_inline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from courseforge import markdown, pagetext
from courseforge.markdown import LessonMarkdown
from courseforge.markdownrules import BARE_TAGS, LessonRenderer

CONTENT = Path(__file__).resolve().parents[1] / "content"
FRONTS = ["---\ntitle: T\n---\n", "---\nid: a\ntitle: T\nobjectives:\n  - Do\n---\n\n", "---\ntitle: T\n", "",
          "---\r\nt: x\r\n---\r\n", "---\ntitle: T\n...\n"]
PIECES = [
    "Word", "two words.", "Next sentence", " ", "  ", "\n", "\n", "\n", "\n\n", "\n\n", "\t", "    code\n", "\u00a0",
    "é", "—",
    "# ", "## ", "### ", "####### x", "#x", "Title\n===\n", "Sub\n---\n", "---\n", "***\n", "* * *\n", "___\n",
    "- ", "- ", "* ", "1. ", "3) ", "  - nested", "- [x] A\n", "- [ ] B\n", "> ", "> q\n", ">\n", "> - e\n", "- > f\n",
    "*em*", "**strong**", "_u_", "__s__", "`code`", "``", "```\nx\n```\n", "~~~py\ny\n~~~\n", "```", "~~s~~",
    "[link](a.md)", "[**bold** link](u)", "[r]", "[a]: /u\n", "[a]", "<http://x.org>", "<a@b.c>",
    "![alt](p.png)", "![a b](my pic.png)", "! [x](y.png)", "![i] (p.png)", "![t](p.png \"T\")", "!",
    "&amp;", "&#35;", "&copy;", "&", "<b>raw</b>", "<div>\nblock\n</div>\n", "<", ">", "\\*", "\\", "\\\n", "  \n",
    "'q'", '"q"', 'a"b', "(c)", "--", "...", "don't", "x -> y",
    "| a | b |\n|---|---|\n| c | d |\n", "| a | b |\n|:--|--:|\n| c |\n", "|", "a | b", "|---|",
    "::: tip Title\n", "::: story\n", "::: note A *note*\n", "::: warning\n", "::: example <x> & \"y\"\n",
    "::: reflection\n", "::: oddity\n", "::: tip\n", "::: tip Other\n", "::: tip  Title \n", ":::\n", ":::\n", "::::\n",
    "::: \n", "::\n", ":::: tip Outer\n", "> ::: tip\n",
    "::: question q1 single\nPick one.\n- [x] Right\n  feedback: Yes.\n- [ ] Wrong\nexplanation: Because.\n",
    "::: question q2 multiple\nPick.\n- [x] A\n- [x] B\n- [ ] C\n",
    "::: question q3 true-false\nTrue?\n- [x] True\n- [ ] False\n", "::: question q4 fill-in\nSay it.\n= Hello\n= hi\n",
    "::: question q5 matching\nMatch.\n- Red -> Stop\n- Green -> Go\n",
    "::: question q6 ordering\nOrder.\n1. First\n2. Second\n", "::: question q7 likert\nAgree?\nscale: 5\n",
    "::: question q8 reflection\nThink.\n", "::: question\n", "> Situation line.\n",
    "<!-- check: ignore x -->", "!<!-- check: ignore y -->[i](p.png)", ":<!-- check: ignore z -->::\n",
    "<!-- check: ignore w -->\n", "<!-- plain -->", "\r\n", "\r", "\0", "\x0b",
]


def _page(rng: random.Random) -> str:
    return rng.choice(FRONTS) + "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40))) + \
        rng.choice(["", "", "\n", ">", "> ", ":::", "a"])


def _pages(seed: int, count: int):
    rng = random.Random(seed)
    shipped = sorted(CONTENT.glob("**/*.md"))
    yield from (path.read_text(encoding="utf-8") for path in shipped)
    for _ in range(count):
        yield _page(rng)


def _former_renderer(md) -> RendererHTML:
    """markdown-it's own renderer with md's rules, but the heading and callout rules as they were."""
    plain = RendererHTML(md)
    for name, rule in md.renderer.rules.items():
        if getattr(rule, "__self__", None) is md.renderer:
            plain.rules[name] = rule.__func__.__get__(plain)
    plain.rules["heading_open"] = before.render_heading_open.__get__(plain)
    for name in ("container_callout_open", "container_callout_close"):
        plain.rules[name] = before.render_callout.__get__(plain)
    return plain


class Former(LessonMarkdown):
    """LessonMarkdown as it was: markdown-it's whole parser and its own inline rule, the former rule for
    `check:` comments, lift of questions and page render, and markdown-it's own renderer."""

    def __init__(self):
        super().__init__()
        self.md.core.ruler.at("inline", markdown_its_inline)
        self.md.core.ruler.at("check_comments", before.drop_check_comments)
        self.md.renderer = _former_renderer(self.md)
        self._parser = lambda text: self.md

    _lift_questions = staticmethod(before.lift_questions)
    render = before.render_page


def _recording(asked: list):
    return lambda url, line, is_image: asked.append((url, line, is_image)) or (f"moved/{url}" if line % 2 else None)


def _tokens(tokens):
    return [token.as_dict() for token in tokens]


def test_pages_read_and_render_as_they_did():
    ours, former = LessonMarkdown(), Former()
    ours.most_parsers = 10 ** 6
    lifted = problems = 0
    for text in _pages(31, 4000):
        new, old = ours.parse(text), former.parse(text)
        assert _tokens(new.tokens) == _tokens(old.tokens), repr(text)
        assert (new.front_matter, new.front_matter_line, new.problems, new.questions, new.linked) == \
            (old.front_matter, old.front_matter_line, old.problems, old.questions, old.linked), repr(text)
        lifted += len(new.questions)
        problems += len(new.problems)
        assert pagetext.page_text(new, None) == before.page_text(old, None), repr(text)
        ours_asked, former_asked = [], []
        assert ours.render(new, _recording(ours_asked)) == former.render(old, _recording(former_asked)), repr(text)
        assert ours_asked == former_asked, repr(text)
        assert _tokens(new.tokens) == _tokens(old.tokens), repr(text)  # rendering changed them alike
        for block in new.questions[:2]:
            fragment = "\n".join(block.lines)
            assert ours.render_fragment(fragment, _recording(ours_asked), 3) == \
                former.render_fragment(fragment, _recording(former_asked), 3), repr(fragment)
            assert ours.render_inline(fragment, _recording(ours_asked), 3) == \
                former.render_inline(fragment, _recording(former_asked), 3), repr(fragment)
            assert ours_asked == former_asked, repr(fragment)
    assert lifted > 2000 and problems > 2000  # the pages were full of both


def test_a_page_without_marks_keeps_its_tokens_as_parsed():
    # No `:::`, `![` nor comment: no token is looked at, and the list is the parser's.
    ours = LessonMarkdown()
    text = "---\ntitle: T\n---\n\nPlain *words*: a: b! [c] < d\n\n- one\n- two\n"
    assert _tokens(ours.parse(text).tokens) == _tokens(Former().parse(text).tokens)


KINDS = [*BARE_TAGS, "heading_open", "list_item_open", "inline", "text", "softbreak", "hardbreak", "image",
         "code_inline", "code_block", "fence", "html_block", "html_inline", "link_open", "link_close",
         "container_callout_open", "container_callout_close", "table_open", "table_close", "s_open", "s_close", "made_up",
         "math_inline"]


def _token(rng: random.Random, kinds=KINDS, depth: int = 0) -> Token:
    kind = rng.choice(kinds)
    nesting = 1 if kind.endswith("_open") else -1 if kind.endswith("_close") else rng.choice([0, 0, 1, -1])
    tag = rng.choice(["p", "li", "ul", "em", "td", "h1", "h2", "div", "", "img", "code"])
    token = Token(kind, tag, nesting, block=rng.random() < 0.6, hidden=rng.random() < 0.2,
                  attrs=rng.choice([{}, {}, {}, {"style": "x"}, {"src": "a<b>.png", "alt": ""}, {"class": "c"}]),
                  content=rng.choice(["", "x", "a & b < \"c\" > 'd'", "Line\nnext", "a\"b", "x>y", "a<b", "&"]),
                  info=rng.choice(["", "tip T", "story", "py"]), markup=rng.choice(["", "#", "==", "-"]),
                  meta=rng.choice([{}, {}, {"checked": True}, {"checked": False}, None]))
    if kind in ("inline", "image") and depth == 0:
        token.children = [_token(rng, [k for k in KINDS if k != "inline"] + ["text"] * 8, 1)
                          for _ in range(rng.randint(0, 6))] if rng.random() < 0.9 else None
    return token


def _outcome(render, tokens, options):
    """What rendering a copy of `tokens` gives (or raises: a heading open last has no close to rename),
    and the tokens after it."""
    tokens = _copy(tokens)
    try:
        return render(tokens, options, {}), _tokens(tokens)
    except IndexError as error:
        return type(error), _tokens(tokens)


def _copy(tokens):
    return [Token(**{**token.as_dict(children=False), "attrs": dict(token.attrs),
                     "meta": None if token.meta is None else dict(token.meta),
                     "map": token.map and list(token.map),
                     "children": None if token.children is None else _copy(token.children)}) for token in tokens]


@pytest.mark.parametrize("xhtml", [True, False])
def test_the_renderer_writes_any_token_stream_as_markdown_its_own(xhtml):
    # Token streams no parse makes: every kind with attributes or not, hidden or not, block or inline, at
    # every place (first, last, after a hidden token, before its own close), task list items, children
    # of many kinds, rules changed, and markdown-it's options.
    md = markdown.create()
    former = _former_renderer(md)
    options = OptionsDict(dict(md.options))
    options["xhtmlOut"] = xhtml
    options["breaks"] = not xhtml
    rng = random.Random(32 + xhtml)
    for _ in range(6000):
        tokens = [_token(rng) for _ in range(rng.randint(0, 8))]
        assert _outcome(md.renderer.render, tokens, options) == _outcome(former.render, tokens, options), tokens
        children = tokens[0].children if tokens and tokens[0].children else tokens
        assert _outcome(md.renderer.renderInline, children, options) == \
            _outcome(former.renderInline, children, options), children
    # A rule changed after the renderer was made is the one used, for tags, text and list items alike.
    for kind in ["paragraph_open", "text", "list_item_open", "em_close"]:
        md = markdown.create()
        md.add_render_rule(kind, lambda self, tokens, idx, options, env: f"[{tokens[idx].type}]")
        former = _former_renderer(md)
        for _ in range(300):
            tokens = [_token(rng) for _ in range(rng.randint(0, 8))]
            assert _outcome(md.renderer.render, tokens, options) == _outcome(former.render, tokens, options), tokens
    del md.renderer.rules["paragraph_open"]  # none at all: renderToken's
    former = _former_renderer(md)
    tokens = [Token("paragraph_open", "p", 1, block=True), Token("inline", "", 0, children=[]),
              Token("paragraph_close", "p", -1)]
    assert md.renderer.render(tokens, options, {}) == former.render(tokens, options, {}) == "<p></p>"
    assert isinstance(markdown.create().renderer, LessonRenderer)

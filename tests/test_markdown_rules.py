"""markdownrules.py's ways give what markdown-it's own do: a page parsed without the rules whose marks
it lacks, and tags written without renderToken, on pages full of each mark and of near misses."""
import itertools
import random


def _recording(asked: list):
    """A link resolver that notes what it was asked and moves every address (markdown.Resolver)."""
    return lambda url, line, is_image: asked.append((url, line, is_image)) or f"moved/{url}"


def test_markdown_without_the_rules_a_page_cannot_use_is_markdown_with_them():
    # A page without a rule's marks (markdown.RULE_MARKS) is parsed without the rule: the same tokens,
    # problems, questions and html, on pages holding each mark or nearly (two backticks, three spaces),
    # and marks a `check:` comment's removal brings together.
    from courseforge.markdown import LessonMarkdown
    from courseforge.markdownrules import RULE_MARKS, unused_rules

    ours, full = LessonMarkdown(), LessonMarkdown()
    ours.most_parsers = 10 ** 6
    full._parser = lambda text: full.md
    pieces = ["```", "~~~", "``", "~~", "`c`", "~", "[x]", "[a]: /u", "[b]:/v", "[a]", "]", " >", "> q", ">",
              "   ", "  ", "    x", "\t", " \t", "\tx", "|", "a | b", "|---|", "---|---", "| - |", "# h", "#",
              "####### x", "#x", "- item", "1. item", "1)     code", "-     code", "* ", "  - nested", "::: tip T\n",
              "::: question q1 single\n", "::", ":: note\n", "::::\n", ":::\n", "\n", "\n", "\n\n", "text",
              "Word. Next", "---\n", "title: T\n", "===", "---", "***", "<http://x>", "<a@b.c>", "&amp;", "&#35;", "&",
              "\\", "\\*", "\\\n", "\u00a0", "é", "*em*", "![i](p.png)", "!", "don't", "'q'", '"q"', "(c)", "--",
              "<!-- check: ignore x -->", "!<!-- check: ignore y -->[i](p.png)", "[l](u)", "[r]", "`"]
    rng = random.Random(22)
    for _ in range(4000):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", "\n"]) for _ in range(rng.randint(0, 30)))
        new, old = ours.parse(text), full.parse(text)
        assert [t.as_dict() for t in new.tokens] == [t.as_dict() for t in old.tokens], repr(text)
        assert (new.front_matter, new.front_matter_line, new.problems, new.questions) == \
            (old.front_matter, old.front_matter_line, old.problems, old.questions), repr(text)
        old.linked = True  # every inline token looked at for links, as render() did for any page
        ours_asked, full_asked = [], []
        assert ours.render(new, _recording(ours_asked)) == full.render(old, _recording(full_asked)), repr(text)
        assert ours_asked == full_asked, repr(text)
        assert tuple(rule for rule in unused_rules(text) if rule in RULE_MARKS) == \
            tuple(rule for rule, marks in RULE_MARKS.items() if not any(mark in text for mark in marks)), repr(text)
    assert len(ours._without) > 500  # many ways of lacking marks were met


def test_markdown_without_thematic_breaks_and_underlines_where_none_can_be_is_markdown_with_them():
    # Pages whose only lines ending in a dash are their front matter's fences are parsed without the
    # hr and lheading rules: the same tokens as with them, for front matter closed or not, by `...`, by
    # more dashes or indented ones, and bodies with breaks, underlines and lines nearly one.
    from courseforge.markdown import LessonMarkdown
    from courseforge.markdownrules import unused_rules

    ours, full = LessonMarkdown(), LessonMarkdown()
    ours.most_parsers = 10 ** 6
    full._parser = lambda text: full.md
    openers = ["---\n", "---\n", "---\n", "----\n", "--- \n", "- - -\n", ""]
    fronts = ["title: T\n", "id: a-b\n", "objectives:\n  - Do\n", "list: -\n", "x: a -\n", "...: x\n", "\n", "...\n",
              "... \n"]
    closers = ["---\n", "---\n", "---\n", "----\n", "--\n", "  ---\n", "--- \n", "...\n", "---", ""]
    body = ["text\n", "Word. Next\n", "\n", "\n", "***\n", "* * *\n", "___\n", "- - -\n", "---\n", "Title\n===\n",
            "Title\n-\n", "Title\n  --\n", "text  \n", "a -\n", "x=\n", "y*\n", "z_\n", "...\n", "- item\n", "  - b\n",
            "> q\n", "> ---\n", "- ***\n", "| a | b |\n|---|---|\n", "::: tip T\n", ":::\n", "a\r\n---\r\n", "\t-\n",
            "**bold**\n", "-\tx\n", "=\n", "end -"]
    rng = random.Random(24)
    trimmed = 0
    for text in ["T\r\n---\r\n", "---\r\nt: x\r\n---\r\nT\r\n===\r\n", "T\r---\r", "---\nt: x\n---\nT\n==="]:
        assert [t.as_dict() for t in ours.parse(text).tokens] == [t.as_dict() for t in full.parse(text).tokens]
    for _ in range(4000):
        pieces = body[:4] if rng.random() < 0.4 else body[:4] * 6 + body  # some pages hold no break at all
        text = rng.choice(openers) + "".join(rng.choice(fronts) for _ in range(rng.randint(0, 3))) + \
            rng.choice(closers) + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) + \
            rng.choice(["", "", "", "", "", "", "Title\n=== ", "Title\n---\t", "* * *", "a"])  # a last line, no break
        trimmed += "lheading" in unused_rules(text)
        new, old = ours.parse(text), full.parse(text)
        assert [t.as_dict() for t in new.tokens] == [t.as_dict() for t in old.tokens], repr(text)
        assert (new.front_matter, new.front_matter_line, new.problems) == \
            (old.front_matter, old.front_matter_line, old.problems), repr(text)
    assert 100 < trimmed < 3900  # both ways


def test_bare_tags_render_as_markdown_its_own_renderer_renders_them():
    # markdown.py writes the tags of paragraphs, lists, quotes, emphasis and tables itself: what
    # renderToken writes, in tight and loose lists, quotes, callouts, questions and tables (aligned
    # cells have attributes), before and after hidden paragraphs, and empty ones.
    from markdown_it.token import Token

    from courseforge.markdown import LessonMarkdown
    from courseforge.markdownrules import BARE_TAGS

    ours, plain = LessonMarkdown(), LessonMarkdown()
    for bare in BARE_TAGS:
        del plain.md.renderer.rules[bare]
    pieces = ["- a\n", "- b\n", "  - c\n", "1. d\n", "3) e\n", "\n", "\n", "> q\n", ">\n", "> - e\n", "- > f\n",
              "text\n", "::: tip T\n", ":::\n", "| a | b |\n|---|---|\n| c | d |\n", "| a | b |\n|:--|--:|\n| c |\n",
              "# h\n", "---\n", "***\n", "    code\n", "```\nx\n```\n", "- \n", "-\n", "  text\n", "\u00a0\n",
              "<!-- check: ignore x -->\n", "*em* **strong** [l](u)\n", "::: question q1 single\n", "Title\n===\n"]
    rng = random.Random(23)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        parsed = ours.parse(text)
        assert ours.render(parsed, lambda *a: None) == plain.render(parsed, lambda *a: None), repr(text)
    # And every neighbourhood such a tag may have, parsed or not: hidden, with attributes, inline or
    # block, after a hidden token, before inline text, a hidden token, its own close or another.
    neighbours = [None, Token("inline", "", 0), Token("paragraph_open", "p", 1, block=True, hidden=True),
                  Token("paragraph_close", "p", -1, block=True), Token("list_item_close", "li", -1, block=True),
                  Token("bullet_list_open", "ul", 1, block=True), Token("em_close", "em", -1)]
    for kind in BARE_TAGS:
        nesting = 1 if kind.endswith("_open") else -1 if kind.endswith("_close") else 0
        tag = {"paragraph": "p", "bullet_list": "ul", "ordered_list": "ol", "list_item": "li", "em": "em"}.get(
            kind.rsplit("_", 1)[0], "hr" if kind == "hr" else "td")
        for block, hidden, attrs in itertools.product((True, False), (False, True), ({}, {"style": "x"})):
            for before, after in itertools.product(neighbours, neighbours):
                token = Token(kind, tag, nesting, block=block, hidden=hidden, attrs=dict(attrs))
                tokens = [one for one in (before, token, after) if one]
                at = tokens.index(token)
                assert ours.md.renderer.rules[kind](tokens, at, ours.md.options, {}) == \
                    plain.md.renderer.renderToken(tokens, at, plain.md.options, {}), (tokens, at)
        for neighbour in neighbours[3:]:  # an open tag before its own close
            tokens = [Token(kind, neighbour.tag, 1, block=True), neighbour]
            assert ours.md.renderer.rules[kind](tokens, 0, ours.md.options, {}) == \
                plain.md.renderer.renderToken(tokens, 0, plain.md.options, {})


def _with_and_without_our_inline_rule():
    """Two LessonMarkdowns, the second parsing each page with markdown-it's own "inline" core rule in
    place of markdownrules.plain_inline; each keeps a parser for every ruleset a page may need."""
    from markdown_it.rules_core.inline import inline as markdown_its_inline

    from courseforge.markdown import LessonMarkdown

    ours, theirs = LessonMarkdown(), LessonMarkdown()
    ours.most_parsers = theirs.most_parsers = 10 ** 6
    made = theirs._parser

    def without_shortcut(text):
        md = made(text)
        md.core.ruler.at("inline", markdown_its_inline)
        return md

    theirs._parser = without_shortcut
    return ours, theirs


def test_spans_no_inline_rule_acts_in_are_parsed_as_markdown_its_own_inline_rule_parses_them():
    # markdownrules.plain_inline gives a span without any enabled inline rule's character its one text
    # token: the same tokens and html as markdown-it's own "inline" core rule, with every ruleset a page
    # may be parsed with (so with the rules whose characters it lacks off), on text of each character
    # an inline rule starts at, those of none (`-`, `:`, `#`, `.`, quotes for the typographer after it),
    # no-break spaces, escapes and line ends.
    from courseforge.markdownrules import INLINE_MARKS

    ours, theirs = _with_and_without_our_inline_rule()
    marks = "".join(INLINE_MARKS.values())
    pieces = [*marks, "word", "Two words.", " ", "  ", "-", "--", ":", "#", "|", "'", '"', "(c)", "...", "\u00a0", "é",
              "*em*", "__s__", "`c`", "[l](u)", "![i](p.png)", "<http://x>", "&amp;", "\\*", "~~s~~", "a\nb",
              "\n\n", "- item\n", "# h\n", "> q\n", "::: tip T\n", ":::\n", "| a | b |\n|---|---|\n| c | d |\n"]
    rng = random.Random(24)
    shortcut_taken = 0
    for _ in range(5000):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", "\n"]) for _ in range(rng.randint(0, 20)))
        new, old = ours.parse(text), theirs.parse(text)
        assert [t.as_dict() for t in new.tokens] == [t.as_dict() for t in old.tokens], repr(text)
        assert ours.render(new, lambda *a: None) == theirs.render(old, lambda *a: None), repr(text)
        shortcut_taken += any(t.type == "inline" and t.content and not set(t.content) & set(marks) for t in new.tokens)
    assert shortcut_taken > 1000


def test_spans_of_stars_alone_get_markdown_its_own_tokens():
    # markdownrules.starred() makes the tokens of a span whose only marks are stars: runs of one to four
    # between letters, spaces, ASCII and other punctuation, no-break and other spaces, at the ends of a
    # span and not, opening, closing, both or neither; the same tokens and html as markdown-it's own
    # inline rule, and starred() takes many of them.
    from courseforge.markdownrules import starred

    ours, theirs = _with_and_without_our_inline_rule()
    pieces = ["*", "*", "**", "**", "***", "****", "a", "word", "two words", " ", " ", ".", ",", "(", ")", "-", "'",
              "é", "\u00a0", "\u2003", "—", "…", "1", "_", "\n", "*em*", "**strong**", "*a **b** c*", "x*y*z"]
    rng = random.Random(31)
    taken = 0
    for _ in range(6000):
        span = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        text = rng.choice(["", "# ", "- ", "| a |\n|---|\n| ", "::: tip T\n"]) + span + "\n"
        new, old = ours.parse(text), theirs.parse(text)
        assert [t.as_dict() for t in new.tokens] == [t.as_dict() for t in old.tokens], repr(text)
        assert ours.render(new, lambda *a: None) == theirs.render(old, lambda *a: None), repr(text)
        taken += "_" not in span and "\n" not in span and starred(span.strip()) is not None
    assert taken > 1000


def test_typographic_replacements_are_tried_only_where_their_marks_are_and_give_markdown_its():
    # markdown.py runs markdown-it's "replacements" only on pages whose spans hold one of its marks:
    # the same tokens as running it on every page, for each mark and its near misses.
    from markdown_it.rules_core.replacements import replace

    from courseforge.markdown import REPLACED_MARKS, create

    ours, theirs = create(), create()
    theirs.core.ruler.at("replacements", replace)
    pieces = ["(c)", "(C)", "(tm)", "(TM)", "(r)", "(x)", "(", ")", "+-", "+", "-", "..", ".", "...", "?...",
              "!....", "???", "????", "!!!", "!!!!", ",", ",,", ",,,", "--", "---", "----", " -- ", "a--b", "word",
              " ", "\n", "\n\n", "<http://x--y.z>", "`--`", "*--*", "\\--", "# h", "- item", "| a |", "\u0000"]
    rng = random.Random(5)
    marked = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        marked += any(mark in text for mark in REPLACED_MARKS)
        assert [t.as_dict() for t in ours.parse(text)] == [t.as_dict() for t in theirs.parse(text)], repr(text)
    assert 1000 < marked < 2900  # pages with marks and pages without

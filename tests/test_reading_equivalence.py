"""The page reader's faster text measures give what the plain ones did (tests/reading_before.py), on
thousands of generated texts full of what could tell them apart: every kind of space and line break
a page can hold, letters beyond ASCII (and those IGNORECASE takes for ASCII ones), quotes, stops."""
import json
import random

import reading_before as before

from courseforge import pagetext, prosestats
from courseforge.model import Block, PageText
from courseforge.pagecold import BULK
from courseforge.pageentry import STORED

WORDS = ("customer agent listen the call was handled is being quickly asked known seen got gotten getting "
         "were Were WAS am are be been tired worried based really read it's don't we've rock'n'roll e.g. Mr. "
         "I'd x ly ed 3 42 _ café Straße İs ıs waſ Kelvin \u212anown ٣ — - ' ’ ‘ “ ” \" ( ) … ... . ! ? : ;").split()
SPACES = [" "] * 12 + ["\n", "\t", "  ", "\u00a0", "\u2003", "\x1f", "\x0b", "\x0c", " \n "]
STOPS = [". ", "! ", "? ", "… ", ".” ", ".) ", ". (", ".\n"]


def _text(rng: random.Random, most: int = 90) -> str:
    parts = []
    for _ in range(rng.randint(0, most)):
        word = rng.choice(WORDS)
        parts.append(word.capitalize() if rng.random() < 0.2 else word)
        parts.append(rng.choice(STOPS) if rng.random() < 0.08 else rng.choice(SPACES))
    return "".join(parts)


def _page(rng: random.Random) -> PageText:
    page, line = PageText(), 1
    for _ in range(rng.randint(0, 8)):
        kind = rng.choice(["paragraph"] * 5 + ["heading", "cell", "question"])
        block = Block(line, _text(rng, rng.choice([10, 60, 200])), kind)
        (page.questions if kind == "question" else page.blocks).append(block)
        line += block.text.count("\n") + rng.randint(1, 3)
    return page


def test_page_measures_are_the_plain_ones():
    rng = random.Random(11)
    for _ in range(3000):
        page = _page(rng)
        assert prosestats.measure(page) == before.measure(page), page


def test_sentences_and_long_sentences_are_the_plain_ones():
    rng = random.Random(12)
    for _ in range(3000):
        block = Block(rng.randint(1, 50), _text(rng), "paragraph")
        assert list(pagetext.sentences(block)) == list(before.sentences(block)), repr(block.text)
        limit = rng.randint(1, 25)
        assert prosestats.long_sentences([block], limit) == before.long_sentences([block], limit)


def test_the_grade_is_the_plain_one_for_texts_of_many_scripts():
    rng = random.Random(13)
    # More kinds of characters beyond ASCII than prosestats.FEW_KINDS: the other way of classing them.
    many = [chr(code) for code in (*range(0x391, 0x3c9), *range(0x2000, 0x2070), *range(0x660, 0x66a))]
    for _ in range(2000):
        text = "".join(rng.choice(many) if rng.random() < 0.3 else piece
                       for piece in _text(rng, 60).split(" "))
        assert prosestats.coleman_liau(text) == before.coleman_liau(text), repr(text)
        assert prosestats.is_passive(text) == before.is_passive(text), repr(text)


def test_the_word_count_is_the_plain_one():
    rng = random.Random(14)
    for _ in range(5000):
        text = _text(rng, 40)
        assert pagetext.word_count(text) == len(before.words(text)), repr(text)


def test_the_passive_pattern_on_lowered_text_matches_where_the_plain_one_does():
    rng = random.Random(15)
    pieces = [*WORDS, "Is", "İS", "IS", "ıs", "waſ", "WAS", "Were", "gOT", "BEEN", "quickLY", "ASKED", "\u212aNOWN",
              "KEPT", "\u212aept", "uſed", "USED", "Tired", "éis", "_is", "a", "g"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) + rng.choice(SPACES + ["", "", "."]) for _ in range(rng.randint(0, 30)))
        plain = [(m.span(), m.span(1)) for m in prosestats.PASSIVE.finditer(text)]
        fast = [(m.span(), m.span(1)) for m in prosestats.PASSIVE_LOWERED.finditer(prosestats.lowered(text))]
        assert fast == plain, repr(text)
        assert prosestats.is_passive(text) == before.is_passive(text), repr(text)


def test_markdown_without_its_html_rules_is_markdown_with_html_off():
    from courseforge.markdown import create

    lean = create()
    full = create()
    full.enable(["html_block", "html_inline"])
    assert full.get_active_rules() != lean.get_active_rules()
    rng = random.Random(16)
    pieces = ["<div>", "</div>", "<!-- c -->", "<!-- check: ignore x -->", "<br/>", "<a href='x'>", "</a>", "<?x?>",
              "<![CDATA[x]]>", "<!DOCTYPE html>", "<script>", "<pre>", "<b>", "<", ">", "text", "*em*", "`code`",
              "[l](u)", "\n", "\n\n", "    ", "- ", "> ", "# ", "::: tip T\n", ":::\n", "| a | b |\n|---|---|\n"]
    for _ in range(800):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert lean.render(text) == full.render(text), repr(text)
        assert [t.as_dict() for t in lean.parse(text)] == [t.as_dict() for t in full.parse(text)], repr(text)


def test_text_marks_are_the_plain_ones():
    from courseforge import textmarks

    us, gb, listed, _ = textmarks._spellings()
    variants = sorted(listed)[::50] + ["colour", "Color", "COLOUR", "organise", "organize", "connexion", "program"]
    rng = random.Random(17)
    pieces = [*WORDS, *variants, "\u212acolor", "colorİ", "İcolour", "ſidewalk", "zip code", "the red one", "shown in "
              "green", "$", "€5", "USD", "GBP", "ⅿ", "\u2100", "\U0001f600", "ß", "naïve", "colourſ"]
    for _ in range(3000):
        blocks = [Block(rng.randint(1, 40), "".join(rng.choice(pieces) + rng.choice(SPACES) for _ in range(rng.randint(0, 25))),
                        "paragraph") for _ in range(rng.randint(0, 5))]
        assert textmarks.scan(blocks) == before.scan(blocks), blocks


def test_cache_entries_are_the_plain_ones(tmp_path):
    from conftest import REPO

    from courseforge.pagereading import Job, Setting, read_chunk

    content = REPO / "content"
    pages = [(path, "lesson") for path in sorted((content / "lessons").glob("*.md"))]
    pages += [(path, "quiz") for path in sorted((content / "assessments").glob("*.md"))]
    rng = random.Random(18)
    for number in range(40):  # stats, marks, front matter of every kind a clean page may hold
        path = tmp_path / f"{number:02d}-generated.md"
        page = (f"---\ntitle: Page {number}\nminutes: {number + 1}\nobjectives:\n  - {_text(rng, 5)!r}\n"
                f"  - 12\n---\n\n" + "\n\n".join(_text(rng, 120) for _ in range(4)) + "\n")
        # A file holds no control character (sourcetext.py refuses it): \x1f, a space to str.split(), is
        # tried on texts given to the passes directly above.
        path.write_text(page.replace("\x1f", "\u2003"), encoding="utf-8")
        pages.append((path, "lesson"))
    setting = Setting(content, frozenset(path for path, _ in pages), 80, tmp_path / "cache")
    reads = read_chunk(setting, [Job(path, kind, number, "k") for number, (path, kind) in enumerate(pages, start=1)])
    assert sum(read.entry is not None for read in reads) > 40
    for read in reads:
        if read.entry is not None:  # the same, but for a lesson's html: a part of its own (pagecold.py)
            head, bulk = before.encode(read.page, read.id_line, read.links).split("\t")
            hot, html, words = read.entry.split("\t")
            bulk = json.loads(bulk)  # the same words, in their STORED order: the blocks last
            assert json.loads(words) == [bulk[BULK.index(name)] for name in STORED]
            head = json.loads(head)
            if head["kind"] == "lesson":
                assert json.loads(html) == head["page"][4] == read.page.html
                head["page"][4] = ""
            else:
                assert html == '""'
            assert json.loads(hot) == head


def _dumps_encode(page, id_line, links) -> str:
    """pageentry.encode() as it was written with json.dumps, byte for byte."""
    from courseforge import pageentry

    kind = next(name for name, cls in pageentry.KINDS.items() if type(page) is cls)
    head = json.dumps({"kind": kind, "page": page, "id_line": id_line, "links": links},
                      separators=(",", ":"), default=pageentry._plain)
    html = json.dumps(page.html) if kind == "lesson" else '""'
    bulk = json.dumps(pageentry._STORED_OF(page.page_text), separators=(",", ":"), default=pageentry._plain)
    return f"{head}\t{html}\t{bulk}"


def test_cache_entries_are_the_bytes_json_dumps_wrote(tmp_path):
    # One C encoder for every entry, without cycle markers: the same text, to the byte, on text of
    # every kind (letters beyond ASCII and beyond the BMP, quotes, tabs, line breaks, NBSP, control
    # characters), grades and other floats, None and empty values, links with and without an href.
    from conftest import REPO

    from courseforge import pageentry
    from courseforge.pagereading import Job, Setting, read_chunk

    content = REPO / "content"
    pages = [(path, "lesson") for path in sorted((content / "lessons").glob("*.md"))]
    pages += [(path, "quiz") for path in sorted((content / "assessments").glob("*.md"))]
    rng = random.Random(19)
    odd = ["\U0001f600", "\u00a0", "\t", '"', "\\", "\x7f", "\u2028", "é", "</script>", "&amp;", "'"]
    for number in range(30):
        path = tmp_path / f"{number:02d}-generated.md"
        words = [_text(rng, 120) + rng.choice(odd) * rng.randint(0, 3) for _ in range(4)]
        page = f"---\ntitle: Page {number} {rng.choice(odd)!r}\nminutes: {number + 1}\n---\n\n" + "\n\n".join(words) + "\n"
        path.write_text(page.replace("\x1f", "\u2003"), encoding="utf-8")  # no control character in a file
        pages.append((path, "lesson"))
    setting = Setting(content, frozenset(path for path, _ in pages), 80, tmp_path / "cache")
    reads = read_chunk(setting, [Job(path, kind, number, "k") for number, (path, kind) in enumerate(pages, start=1)])
    assert sum(read.entry is not None for read in reads) > 30
    for read in reads:
        if read.entry is not None:
            assert read.entry == _dumps_encode(read.page, read.id_line, read.links)
            assert pageentry.encode(read.page, read.id_line, read.links) == read.entry


def test_the_page_wide_tests_of_text_marks_skip_no_block_with_a_mark():
    # scan() asks each scanner about the blocks only when the page's letter runs could hold a mark:
    # what every block's own scan finds is found, around digits, underscores, letters that
    # IGNORECASE takes for ASCII ones, symbols beyond ASCII and words holding a colour or a code.
    from courseforge import textmarks

    us, gb, listed, _ = textmarks._spellings()

    def every_block(blocks):
        found = ([], [], [], [])
        for block in blocks:
            for scanner, into in zip(textmarks.SCANNERS, found):
                into += scanner(block, us, gb, listed)
        return textmarks.TextMarks(*map(tuple, found))

    pieces = ["the", "in", "shown", "marked", "red", "Red", "RED", "bored", "red_", "_red", "3red", "red3", "reddish",
              "whİte", "WHİTE", "blac\u212a", "pınk", "one", "option", "zip", "code", "zipcode", "zip_code",
              "ſidewalk", "sidewalks", "Deductible", "usd", "USD", "USD5", "xUSD", "_USD", "$", "£", "€", "¥", "₹",
              "colour", "color", "organise", "café", "naïve", "Σ", "ΣΑΣ", "—", ".", ",", "(", ")", "’", "e.g."]
    rng = random.Random(19)
    for _ in range(4000):
        blocks = [Block(rng.randint(1, 40), "".join(rng.choice(pieces) + rng.choice(SPACES + ["", "-", "."])
                                                    for _ in range(rng.randint(0, 12))), "paragraph")
                  for _ in range(rng.randint(0, 4))]
        assert textmarks.scan(blocks) == every_block(blocks), blocks


def _former_drop_check_comments(state) -> None:
    from courseforge.markdown import strip_check_comments

    tokens, kept = state.tokens, []
    for index, token in enumerate(tokens):
        if token.type == "inline" and "<!--" in token.content:
            token.content = strip_check_comments(token.content).strip()
        kept.append(token)
        if token.type == "paragraph_close" and index >= 2 and tokens[index - 1].content == "" \
                and tokens[index - 2].type == "paragraph_open":
            del kept[-3:]
    state.tokens[:] = kept


def _former_parse(md, text: str):
    from courseforge.markdown import CALLOUT_KINDS, Parsed, QuestionBlock, _callout_parts, _closing, \
        _question_id, question_marker
    from markdown_it.token import Token

    tokens = md.parse(text)
    front, line = None, 1
    if tokens and tokens[0].type == "front_matter":
        front, line = tokens[0].content, tokens[0].map[0] + 2
        tokens = tokens[1:]
    lines, out, found, index = text.split("\n"), [], [], 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "container_callout_open" and _callout_parts(token.info)[0] == "question":
            start, end = token.map
            close = _closing(tokens, index)
            body = [line for line in lines[start + 1:end] if line.strip() != ":::"]
            found.append(QuestionBlock(token.info.strip(), body, start + 1))
            out.append(Token("html_block", "", 0, map=token.map, content=question_marker(_question_id(token.info))))
            index = close + 1
            continue
        out.append(token)
        index += 1
    parsed = Parsed(front, line, out, questions=found)
    for token in parsed.tokens:
        if token.type == "container_callout_open":
            kind, _ = _callout_parts(token.info)
            if kind not in CALLOUT_KINDS and kind != "question":
                parsed.problems.append((token.map[0] + 1 if token.map else 1, f'unknown callout "::: {kind}"',
                                        f"use one of: {', '.join(CALLOUT_KINDS)}"))
    return parsed


UNCLOSED_RULES = ("has no closing `:::`", "and one `:::` line ends both", "closes no callout or question")


def test_parsed_pages_are_the_former_ones():
    # Check comments dropped (and paragraphs left empty, or empty already), questions lifted and
    # unknown callouts reported in one pass: the tokens, problems, questions and html of the former passes.
    from courseforge.markdown import LessonMarkdown

    ours, former = LessonMarkdown(), LessonMarkdown()
    former.md.core.ruler.at("check_comments", _former_drop_check_comments)
    pieces = ["---\n", "title: T\n", "<!-- check: ignore x -->", "<!-- c -->", "<!--", "-->", "\u00a0\u00a0\n", "\u3000\n",
              "text", "Word. Next", "*em*", "[l](u)", "![i](p.png)", "\n", "\n\n", "    ", "- ", "> ", "# ", "::: tip T\n",
              "::: question q1 single\n", "::: question\n", "::: oops\n", "::: story Once\n", ":::\n", "::::\n",
              "- [x] A\n", "- [ ] B\n", "| a | b |\n|---|---|\n| <!-- check: x --> | c |\n", "\t", "é"]
    rng = random.Random(20)
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        new, old = ours.parse(text), _former_parse(former.md, text)
        # Blocks left open or closing nothing were found later (tests/test_author_mistakes.py); a question
        # cut short where a block opens inside it is the only one whose tokens they change.
        if any("starts inside the question" in problem for _, problem, _ in new.problems):
            continue
        if any(t.type == "heading_close" and old.tokens[i - 1].content == "" for i, t in enumerate(old.tokens)):
            continue  # a heading left empty goes now, its `---` a rule (tests/test_markdown.py)
        problems = [found for found in new.problems if not any(rule in found[1] for rule in UNCLOSED_RULES)]
        assert [t.as_dict() for t in new.tokens] == [t.as_dict() for t in old.tokens], repr(text)
        assert (new.front_matter, new.front_matter_line, problems, new.questions) == \
            (old.front_matter, old.front_matter_line, old.problems, old.questions), repr(text)
        assert ours.render(new, lambda *a: None) == former.render(old, lambda *a: None), repr(text)


def test_front_matter_read_without_the_generic_constructor_is_what_it_makes():
    # yamltext reads a mapping of scalars and lists of scalars itself; anything else goes to PyYAML's
    # construct_document(). The data (types included), and the error when a value cannot be made, are its.
    import yaml

    from courseforge import yamltext

    values = ["5", "-3", "0x1F", "0o17", "1_000", "190:20:30", "3.5", ".nan", "-.inf", "1e3", "yes", "No", "off", "~",
              "null", "", "2024-02-29", "2023-02-30", "2001-12-14t21:59:43.10-05:00", "'quoted: text'", '"a\\tb"',
              "plain text", "!!str 12", "!!binary aGk=", "!custom x", "&a 1", "*a", "[1, two]", "{a: 1}", "'<<'",
              "9" * 5000, "|\n  block\n  text", ">\n  folded"]
    keys = ["id", "title", "2", "true", "~", "<<", "=", "'quoted'", "? complex", "minutes"]
    rng = random.Random(21)
    for _ in range(3000):
        lines = []
        for _ in range(rng.randint(1, 5)):
            if rng.random() < 0.3:
                lines.append(f"{rng.choice(keys)}:\n" + "".join(f"  - {rng.choice(values)}\n"
                                                               for _ in range(rng.randint(0, 3))))
            else:
                lines.append(f"{rng.choice(keys)}: {rng.choice(values)}\n")
        text = "".join(lines)

        def made(construct):
            loader = yamltext._Loader(text)
            try:
                node = loader.get_single_node()
                return repr(construct(loader, node))
            except (yaml.YAMLError, ValueError) as exc:
                return type(exc).__name__
            finally:
                loader.dispose()

        ours = made(lambda loader, node: yamltext._scalars(loader, node, text))
        if ours != "None":
            assert ours == made(lambda loader, node: loader.construct_document(node)), text


def test_markdown_normalizing_only_a_source_with_cr_or_nul_is_markdown_normalizing_every_one():
    from markdown_it.rules_core.normalize import normalize

    from courseforge.markdown import create

    lean, full = create(), create()
    full.core.ruler.at("normalize", normalize)
    pieces = ["text", "\r", "\r\n", "\n", "\n\r", "\0", "\r\0\n", "- ", "> ", "# ", "::: tip T\n", ":::\n", "*em*", "  ",
              "| a | b |\n|---|---|\n", "```\n", "    code", "é"]
    rng = random.Random(22)
    for _ in range(800):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        assert lean.render(text) == full.render(text), repr(text)
        assert [t.as_dict() for t in lean.parse(text)] == [t.as_dict() for t in full.parse(text)], repr(text)
        assert lean.renderInline(text) == full.renderInline(text), repr(text)


def test_the_passive_search_from_space_to_space_finds_what_the_plain_pattern_does():
    # has_passive() looks for PASSIVE_LOWERED only where a form of "be" or "get" stands between a
    # character not of a word and a space: at the start, after punctuation, quotes, digits, letters
    # beyond ASCII (and those IGNORECASE takes for ASCII ones), before spaces of every kind.
    pieces = ["is", "IS", "Is", "İs", "ıs", "was", "waſ", "WERE", "am", "are", "be", "been", "being", "get", "gets",
              "got", "gotten", "getting", "is was", "asked", "ASKED", "known", "\u212anown", "kept", "quickly", "used",
              "tired", "éis", "_is", "3is", "is3", "isn't", "’is", "“is", "(is", "—is", "é", "was_", "asked_", "askedé"]
    spaces = [" ", " ", " ", "  ", "\n", "\t", "\u00a0", "\u2003", "\x1f", "\x85", "", ".", ",", "-", "’", "“"]
    rng = random.Random(24)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) + rng.choice(spaces) for _ in range(rng.randint(0, 8)))
        assert prosestats.has_passive(text) == (prosestats.PASSIVE.search(text) is not None), repr(text)


# Every character str.isspace() knows (what str.split() splits at and \s matches), and around them what
# the page measures' shared marks tell apart: stops and quotes at block edges, NULs and JOIN itself in
# a block, "|", many characters beyond ASCII (more than prosestats.FEW_PLACES and FEW_KINDS), İ ı ſ K,
# passive forms in any case, and sentences of LONG_FROM words give or take one.
EVERY_SPACE = [chr(code) for code in range(0x3001) if chr(code).isspace()]


def _adversarial_text(rng: random.Random) -> str:
    pieces = [*WORDS, "\0", prosestats.JOIN, "|", "A", ". A", ".\0A", "..", "?", "?”", "!’ (", ".)", '." "', "…",
              "“", "‘", "”", "’", "İs", "ıS", "waſ", "\u212aept", "WAS Asked", "is known", "got used", "٣", "é", "Σ",
              "\u2028", "\x1c", "\x1f", "\x85", "\u00a0", "\u3000", "x" * 30, "3", "_"]
    parts = []
    for _ in range(rng.randint(0, 4)):  # sentences of about LONG_FROM words, the limit around which it changes
        length = prosestats.LONG_FROM + rng.randint(-2, 1)
        parts += [rng.choice(["The", "(A", '"We', "3"])] + [rng.choice(WORDS[:12]) for _ in range(length - 1)]
        parts[-1] += rng.choice([".", "!", "?", "…", ".”", ".)", ""])
    for _ in range(rng.randint(0, 40)):
        parts.insert(rng.randint(0, len(parts)), rng.choice(pieces))
    text = ""
    for part in parts:
        text += part + (rng.choice(EVERY_SPACE) if rng.random() < 0.3 else " ")
    return text[rng.randint(0, 2):len(text) - rng.randint(0, 2)]  # a stop, quote or space at either edge


def test_page_measures_are_the_plain_ones_for_adversarial_pages():
    rng = random.Random(25)
    for _ in range(6000):
        page, line = PageText(), 1
        for _ in range(rng.randint(0, 6)):
            kind = rng.choice(["paragraph"] * 6 + ["heading", "question"])
            text = rng.choice([_adversarial_text(rng), _text(rng, rng.choice([5, 40, 120])), "", " ", "\n", "\0"])
            block = Block(line, text, kind)
            (page.questions if kind == "question" else page.blocks).append(block)
            line += text.count("\n") + rng.randint(1, 3)
        assert prosestats.measure(page) == before.measure(page), page


def test_the_prose_marks_are_each_pass_view_of_the_text():
    # One encoding of the prose serves word_count, has_passive and the sentence breaks: for every
    # character below U+3001 (and beyond), alone and among others, each pass finds what it did.
    import re

    from courseforge.pagetext import SENTENCE_BREAK, word_count

    characters = [chr(code) for code in range(0x3001)] + ["\U0001f600", "\ud800", "\u212a", "\uff21"]
    rng = random.Random(26)
    texts = [f"a{char}b. {char}A x{char}Is asked" for char in characters]
    texts += ["".join(rng.choice(characters + [" ", "a", ".", "A"] * 40) for _ in range(rng.randint(0, 80)))
              for _ in range(4000)]
    # More than prosestats.MARKED_PLACES of a few kinds (FEW_KINDS or fewer), or of many.
    few = ["’", "…", "é", "\u00a0", "“", "”", "İ", "\u212a", "?", "a", " ", ".", "A", "is", "asked"]
    texts += ["".join(rng.choice(few) for _ in range(rng.randint(60, 300))) for _ in range(800)]
    for text in texts:
        marked = prosestats._marked(text)
        assert len(marked) == len(text), repr(text)
        words = marked.translate(pagetext._AS_WORD_MARKS, prosestats._CONNECTORS)
        assert words.count(b" x") + words.startswith(b"x") == word_count(text) == len(before.words(text)), repr(text)
        assert prosestats._passive_at(text, b" " + marked.translate(prosestats._PASSIVE_MARKS)) == \
            (prosestats.PASSIVE.search(text) is not None), repr(text)
        assert [m.span() for m in prosestats._BREAK.finditer(marked.translate(prosestats._SENTENCE_MARKS))] == \
            [m.span() for m in SENTENCE_BREAK.finditer(text)], repr(text)
        assert (marked.translate(prosestats._SENTENCE_MARKS).count(b" ") ==
                sum(char.isspace() for char in text)), repr(text)
    assert re.compile(r"\s").pattern and all(char.isspace() == bool(re.match(r"\s", char)) for char in characters)


def test_the_grade_from_the_prose_marks_is_the_plain_one():
    # measure() grades the paragraphs from their marks (_marked(), JOIN between them): the grade the
    # text joined and stopped gives, with every space, letters beyond ASCII, stops at the ends.
    rng = random.Random(27)
    many = [chr(code) for code in (*range(0x391, 0x3c9), *range(0x2000, 0x2070), 0x2026, 0x2019, 0x130, 0x131, 0x17f,
                                   0x212a, 0x85, 0xa0, 0x3000, 0x1c, 0x1f)]
    for _ in range(3000):
        texts = [_adversarial_text(rng) if rng.random() < 0.5 else
                 "".join(rng.choice(many) if rng.random() < 0.2 else piece for piece in _text(rng, 60).split(" "))
                 for _ in range(rng.randint(1, 6))]
        texts = [text.replace("\0", "") for text in texts]  # NULs of their own are graded the plain way
        prose = [Block(1, text, "paragraph") for text in texts]
        marks = prosestats._marked(prosestats.JOIN.join(texts)).split(prosestats._JOIN_MARKED)
        assert prosestats._grade_of_marks(texts, marks) == before._grade(prose, prosestats.MIN_WORDS), texts


def test_text_marks_of_pages_of_many_blocks_are_the_plain_ones():
    # scan() searches the whole page (lowered) for the words each scanner's first test looks for and
    # asks only the blocks holding one: around block edges, letters lower() changes (Σ, İ, the Kelvin
    # sign), repeated words, words split by a block's edge, and every kind of space.
    from courseforge import textmarks

    us, gb, listed, _ = textmarks._spellings()
    variants = sorted(listed)[::40] + ["colour", "Color", "organise", "organize", "program", "practise", "centre"]
    pieces = [*WORDS, *variants, "ΣΑΣ", "σ", "İ", "\u212a", "ſ", "zip", "code", "zip code", "ZIP CODE", "cell phone",
              "the red one", "RED", "shown in green", "Green", "$", "£5", "USD", "usd", "₹", "€", "ⅿ", "\u2100", "café",
              "colo", "ur", "zi", "p code", "red", "re", "d", "\U0001f600", "\u0130s"]
    rng = random.Random(28)
    for _ in range(1500):
        blocks = [Block(rng.randint(1, 400), "".join(rng.choice(pieces) + rng.choice(SPACES + [""])
                                                     for _ in range(rng.randint(0, 12))), rng.choice(["paragraph", "question"]))
                  for _ in range(rng.randint(0, 40))]
        assert textmarks.scan(blocks) == before.scan(blocks), blocks


def test_lower_keeps_every_character_but_one_where_it_is():
    # scan() finds the blocks' words in the page lowered at the blocks' own places: lower() makes each
    # character one, but for İ (a page holding it has each block asked).
    longer = [chr(code) for code in range(0x110000) if len(chr(code).lower()) != 1]
    assert longer == ["\u0130"]


def test_raw_html_found_when_the_page_is_read_is_what_the_rule_found_reading_it_at_check_time(tmp_path):
    # The raw-html rule read each page's blocks and file when the review ran; now the reader finds the
    # tags (textmarks.raw_html_lines) and the rule turns its marks into findings. Pages full of what
    # could tell them apart: tags among code spans, fences, indented code, autolinks, comparisons,
    # comments, tables, questions, tags across lines, and line breaks of every reader.
    from types import SimpleNamespace

    from courseforge.check.housekeeping import raw_html
    from courseforge.markdown import LessonMarkdown
    from courseforge.sourcetext import read_source, source_lines
    from courseforge.textmarks import page_marks

    markdown, path = LessonMarkdown(), tmp_path / "page.md"
    pieces = ["<br>", "</u>", "<u>", "<B>", "<br/>", "<br />", "<a-b>", "<1>", "<_x>", "< b>", "<b >", "<b\n>",
              '<iframe src="https://www.example.com/embed/abc" width="560" height="315">', '<div\nclass="x">',
              "<a@b.c>", "<https://example.com>", "a < b", "a > b", "<", ">", "<<b>>", "\\<b>", "&lt;b>", "`", "``",
              "`<b>`", "`` <i>`x` ``", "<!-- check: ignore raw-html -->", "<!-- check: ignore link-text -->",
              "<!-- c -->", "<!--", "-->", "\n", "\n", "\n\n", "\n\n", "    ", "```\n", "~~~\n", "- ", "> ", "# ",
              "1. ", "| a | b |\n|---|---|\n| <b>x</b> | c |\n", "::: tip T\n", ":::\n", "::: question q1 single\n",
              "- [x] A<br>\n", "- [ ] B\n", "  feedback: <i>y</i>\n", "explanation: <em>z</em>\n", "= <b>\n", "text",
              "Word. Next", "*em*", "[l](u)", "[<b>](u)", "![i](p.png)", "![<i>](p.png)", "\t", "é", "\r\n", "\r",
              "\u2028", "\x0c", "  \n"]
    rng = random.Random(31)
    tried = found = 0
    for _ in range(3000):
        head = rng.choice(["", "---\ntitle: T <b>\n---\n\n"])
        path.write_text(head + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))), newline="")
        source = read_source(path)
        text = pagetext.page_text(markdown.parse(source), None)
        before_found = before.raw_html(text, path, source_lines(path))
        marks = page_marks(text, source)
        page = SimpleNamespace(source=path)
        assert raw_html(SimpleNamespace(page_marks=lambda _: marks), page) == before_found, repr(source)
        tried += "<" in source
        found += bool(before_found)
    assert tried > 2800 and found > 2000  # the pages hold tags, and many of them are found

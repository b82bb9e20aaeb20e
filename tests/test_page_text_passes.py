"""pagetext.page_text gives what its former loop did (kept here), on generated pages holding every
kind of block, inline run, link, image, table and callout a page may have."""
import random

from courseforge import pagetext
from courseforge.markdown import LessonMarkdown
from courseforge.model import Block, PageText


def _former_page_text(parsed, front) -> PageText:
    page = PageText(front)
    tokens = parsed.tokens
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else 1
        if token.type == "inline":
            _former_inline(page, token, tokens[index - 1] if index else None, line)
        elif token.type == "container_callout_open":
            empty = index + 1 < len(tokens) and tokens[index + 1].type == "container_callout_close"
            page.callouts.append((line, token.info.strip().split(" ")[0], empty))
        elif token.type == "table_open":
            page.tables.append((line, pagetext._header_cells(tokens, index)))
    for block in parsed.questions:
        page.questions += pagetext._question_blocks(block)
    return page


def _former_inline(page: PageText, token, opener, line: int) -> None:
    text, link, at = [], None, line
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            text.append(child.content)
            if link is not None:
                link[1].append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            text.append("\n")
            at += 1
        elif child.type == "image":
            page.images.append((at, child.content, str(child.attrGet("src") or "")))
        elif child.type == "link_open":
            link = (at, [], str(child.attrGet("href") or ""))
        elif child.type == "link_close" and link is not None:
            page.links.append((link[0], "".join(link[1]).strip(), link[2]))
            link = None
    joined = "".join(text)
    kind = pagetext.OPENERS.get(opener.type if opener else "", "paragraph")
    if kind == "heading":
        page.headings.append((line, pagetext._level(opener.markup), joined))
    if joined.strip():
        page.blocks.append(Block(line, joined, kind))


def test_page_text_is_the_former_loops():
    markdown = LessonMarkdown()
    pieces = ["Word", "two words", "\u00a0", " ", "\n", "\n\n", "# ", "## ", "Title\n===\n", "Sub\n---\n", "- ", "1. ",
              "> ", "*em*", "**strong**", "`code`", "[link](a.md)", "[**bold** link](u)", "![alt](p.png)", "  \n",
              "\\\n", "| a | b |\n|---|---|\n| c | d |\n", "::: tip Title\n", "::: story\n", ":::\n", "::: question q single\n",
              "- [x] A\n", "- [ ] B\n", "<!-- check: ignore x -->", "é", "“quoted”", "x -> y", "    code\n"]
    rng = random.Random(23)
    for _ in range(2000):
        parsed = markdown.parse("".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))))
        assert pagetext.page_text(parsed, None) == _former_page_text(parsed, None)

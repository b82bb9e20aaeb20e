"""One markdown-it setup for every lesson: CommonMark + tables, front matter, callouts.

Raw HTML is off: lesson text is untrusted input, and markdown-it escapes it.
Links and images go through a `resolve(url, line, is_image)` callback so the loader
can check and collect assets without this module doing any I/O.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core.block import block as core_block
from markdown_it.rules_core.normalize import NEWLINES_RE, NULL_RE
from markdown_it.rules_core.replacements import replace
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from courseforge import blockshape, simpleblocks
from courseforge.markdownrules import (BARE_TAGS, MOST_PARSERS, LessonRenderer, plain_inline, render_bare_tag,
                                      unused_rules)

CALLOUT_KINDS = {
    "story": "Story",
    "tip": "Tip",
    "reflection": "Reflection",
    "example": "Example",
    "note": "Note",
    "warning": "Warning",
}

# `<!-- check: ignore rule-id -->` speaks to `courseforge check` only: learners never see it.
CHECK_COMMENT = re.compile(r"<!--\s*check:")

# resolve(url, line, is_image) -> new url, or None to keep it as written
Resolver = Callable[[str, int, bool], "str | None"]


@dataclass
class QuestionBlock:
    """The raw lines of a `::: question` block; quiz.py turns them into a Question."""

    info: str
    lines: list[str]
    line: int  # 1-based line of the `::: question` header


@dataclass
class Parsed:
    front_matter: str | None
    front_matter_line: int  # 1-based line of the first YAML line
    tokens: list[Token]
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, problem, hint)
    questions: list[QuestionBlock] = field(default_factory=list)
    linked: bool = True  # the page may hold a link or an image: without "[" or "<", markdown-it makes neither


def question_marker(question_id: str) -> str:
    """Where a question sits in a lesson's HTML; render.py swaps in the theme's question markup."""
    return f'<div data-cf-question="{escapeHtml(question_id)}"></div>\n'


def _callout_parts(info: str) -> tuple[str, str]:
    kind, _, title = info.strip().partition(" ")
    return kind, title.strip()


def _render_callout(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    if token.nesting == -1:
        return "</div>\n"
    opening = _CALLOUT_OPENINGS.get(token.info)
    if opening is None:
        if len(_CALLOUT_OPENINGS) > 1000:  # a title is the author's: as many as callouts in a course
            _CALLOUT_OPENINGS.clear()
        opening = _CALLOUT_OPENINGS[token.info] = _callout_opening(token.info)
    return opening


_CALLOUT_OPENINGS: dict[str, str] = {}  # a callout's info → _callout_opening(info): most are a few kinds alone


def _callout_opening(info: str) -> str:
    kind, title = _callout_parts(info)
    label = CALLOUT_KINDS.get(kind, kind.capitalize())
    heading = f"<strong>{escapeHtml(label)}</strong>"
    if title:
        heading += f": {escapeHtml(title)}"
    return (f'<div class="callout callout-{escapeHtml(kind)}" role="note">'
            f'<p class="callout-title">{heading}</p>\n')


def _render_table_open(self, tokens, idx, options, env) -> str:
    # A wide table scrolls inside a focusable region so keyboard users can scroll it too.
    return ('<div class="table-scroll" tabindex="0" role="region" aria-label="Table">'
            + self.renderToken(tokens, idx, options, env))


def _render_table_close(self, tokens, idx, options, env) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def _render_heading_open(self, tokens, idx, options, env) -> str:
    # The lesson title is the page's <h1>; a `#` in a lesson becomes an <h2>.
    token = tokens[idx]
    if token.tag == "h1":
        token.tag = "h2"
        tokens[idx + 2].tag = "h2"
    return render_bare_tag(self, tokens, idx, options, env)  # renderToken's output


def _render_image(self, tokens, idx, options, env) -> str:
    tokens[idx].attrSet("loading", "lazy")
    return self.image(tokens, idx, options, env)


def strip_check_comments(text: str) -> str:
    """Text without its `<!-- check: … -->` comments; linear, whatever the input (no regex backtracking)."""
    kept, at = [], 0
    while (found := CHECK_COMMENT.search(text, at)) is not None:
        end = text.find("-->", found.end())
        if end < 0:
            break
        kept.append(text[at:found.start()])
        at = end + 3
    return "".join(kept) + text[at:]


def _drop_check_comments(state) -> None:
    # Raw HTML is off, so without this the comment would show as text; a paragraph of nothing else goes
    # (and so does one that was empty already: a line of no-break spaces, say).
    tokens = state.tokens
    # An inline token's text is the source's: no comment there, none in it. (A search for "<" first: at
    # memchr speed, where one for "<!--" reads a page a few times slower, and most pages hold no "<".)
    if "<" in state.src and "<!--" in state.src:
        for token in tokens:
            if token.type == "inline" and "<!--" in token.content:
                token.content = strip_check_comments(token.content).strip()
    empty = [index for index, token in enumerate(tokens) if token.type in ("paragraph_close", "heading_close")
             and index >= 2 and tokens[index - 1].content == "" and tokens[index - 2].type == token.type.replace("close", "open")]
    for index in reversed(empty):
        # A heading left empty (`---` under a line of a comment alone) is announced as an empty heading:
        # it goes too, and a `---` underline stays the rule it reads as without the comment above it.
        opener = tokens[index - 2]
        rule = [] if opener.markup != "-" else [Token("hr", "hr", 0, map=opener.map, markup="---", block=True)]
        tokens[index - 2:index + 1] = rule


def _end_last_quote_line(state) -> None:
    # A page ending in a quote's empty line with no line break after it (`> ::: tip` then `>`) sent
    # mdit-py-plugins' callout rule past the end of the text, a traceback for the author. The line break
    # changes no text a learner reads: at most an unclosed code block's last line ends as its others do.
    last = state.src[state.src.rfind("\n") + 1:]
    if last and ">" in last and not last.strip(" \t>") and not state.inlineMode:  # no quote in a line of text
        state.src += "\n"


def _normalize(state) -> None:
    # markdown-it's normalize rule, but for a source without CR or NUL (every page: sourcetext.py
    # ends its lines with LF), which its own rewrites line end by line end into the same text.
    if "\r" in state.src:
        state.src = NEWLINES_RE.sub("\n", state.src)
    if "\0" in state.src:
        state.src = NULL_RE.sub("\ufffd", state.src)


def _blocks(state) -> None:
    """markdown-it's core rule "block", the tokens of a page of simple shapes made by simpleblocks.py."""
    md = state.md
    if not state.inlineMode and simpleblocks.rules_known(md.block.ruler.get_active_rules(), md.options):
        tokens = simpleblocks.block_tokens(state.src)
        if tokens is not None:
            state.tokens += tokens
            return
    core_block(state)


# What markdown-it's "replacements" rule looks for in a span (its RARE_RE; SCOPED_ABBR_RE's (c), (tm), (r)).
REPLACED_MARKS = ("(", "--", "..", "+-", ",,", "????", "!!!!")


def _replacements(state) -> None:
    """markdown-it's "replacements", run on a page whose spans hold one of its marks: it searches each
    span with two patterns, where a search of them all for each mark at memchr speed says most pages
    hold none (NUL, never in a normalized page, keeps two spans' marks apart)."""
    spans = "\0".join([token.content for token in state.tokens if token.type == "inline"])
    if any(mark in spans for mark in REPLACED_MARKS):
        replace(state)


def create() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True}, renderer_cls=LessonRenderer)
    md.enable(["table", "replacements", "smartquotes"])
    # With `html` off these two rules turn every line and every `<` down, after being tried on each
    # (markdown-it: "html" is a shorthand for enabling them): 7 % of a parse spent on nothing.
    md.disable(["html_block", "html_inline"])
    md.core.ruler.at("normalize", _normalize)
    md.core.ruler.at("block", _blocks)
    md.core.ruler.at("replacements", _replacements)
    md.core.ruler.after("normalize", "end_last_quote_line", _end_last_quote_line)
    md.use(front_matter_plugin)
    md.core.ruler.before("inline", "check_comments", _drop_check_comments)
    md.core.ruler.at("inline", plain_inline(md))
    md.use(container_plugin, name="callout", validate=lambda params, markup: bool(params.strip()),
           render=_render_callout)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    md.add_render_rule("heading_open", _render_heading_open)
    md.add_render_rule("image", _render_image)
    for bare in BARE_TAGS:
        if bare not in md.renderer.rules:  # markdown-it's own rule, if it ever has one, stays
            md.add_render_rule(bare, render_bare_tag)
    return md


class LessonMarkdown:
    """Parses and renders lesson files; one instance serves a whole build."""

    def __init__(self) -> None:
        self.md = create()
        self._without: dict[tuple[str, ...], MarkdownIt] = {(): self.md}  # a parser without rules a page cannot use
        self.most_parsers = MOST_PARSERS

    def _parser(self, text: str) -> MarkdownIt:
        unused = unused_rules(text)
        md = self._without.get(unused)
        if md is None:
            if len(self._without) >= self.most_parsers:
                return self.md
            md = create()
            md.disable(list(unused))
            self._without[unused] = md  # stored ready: a parser is never seen half set up
        return md

    def parse(self, text: str) -> Parsed:
        tokens = self._parser(text).parse(text)
        front, line = None, 1
        if tokens and tokens[0].type == "front_matter":
            front, line = tokens[0].content, tokens[0].map[0] + 2
            tokens = tokens[1:]
        parsed = Parsed(front, line, tokens, linked="[" in text or "<" in text)
        parsed.tokens = self._lift_questions(tokens, text, parsed.questions, parsed.problems)
        return parsed

    @staticmethod
    def _lift_questions(tokens: list[Token], text: str, found: list[QuestionBlock], problems: list) -> list[Token]:
        """Replace each `::: question` container by a marker and keep its source lines for quiz.py;
        report the callouts of unknown kinds that are left, and every `:::` left open or closing nothing.
        Only containers and inline tokens holding `:::` or `![` are looked at (the others are copied a run
        at a time), and none if the page holds neither mark nor a `check:` comment (whose removal may
        bring the characters of one together). A search for one character runs at memchr speed, one for
        several a few times slower: each is looked for where its first character is."""
        comments = "<" in text and "<!--" in text
        colons = comments or ":::" in text
        images = comments or ("!" in text and "![" in text)
        if not (colons or images):
            return tokens
        looked_at = [index for index, token in enumerate(tokens) if (kind := token.type) in _LOOKED_AT and (
            kind != "inline" or colons and ":" in (content := token.content) and ":::" in content
            or images and "!" in token.content and "![" in token.content)]
        out: list[Token] = []
        lines = None  # the source's, split once a block needs them
        copied, dropped = 0, set()  # tokens[:copied] are out or dropped; the closes of questions cut short
        callouts: list[Token] = []  # the callouts open at this token
        ended: set[int] = set()  # `::: end` lines named already, as the close of a question
        for index in looked_at:
            if index < copied:  # in a question lifted out
                continue
            token = tokens[index]
            if index in dropped:
                out += tokens[copied:index]
                copied = index + 1
                continue
            if token.type == "inline":
                if token.map:
                    if ":::" in token.content:
                        blockshape.check_stray_closes(token, problems)
                    if "![" in token.content:
                        blockshape.check_unread_images(token, problems)
                continue
            if token.type == "container_callout_close":
                if callouts:
                    callouts.pop()
                continue
            lines = text.split("\n") if lines is None else lines
            kind = _callout_parts(token.info)[0]
            if (callouts or index in ended) and blockshape.is_bare_end(token.info):  # meant as the close
                if index not in ended:
                    problems.append(blockshape.bare_end(token))
                callouts.append(token)
                continue
            if callouts and not blockshape.is_bare_end(callouts[-1].info):  # that one is named already
                blockshape.check_shared_close(token, callouts[-1], _callout_parts(callouts[-1].info)[0], problems)
            if kind == "question":
                start, end = token.map
                close = _closing(tokens, index)
                inner = blockshape.opened_inside(tokens, index, close)
                if inner is not None:  # the question ends where the next block starts
                    end = tokens[inner].map[0]
                    if blockshape.is_bare_end(tokens[inner].info):
                        problems.append(blockshape.bare_end(tokens[inner]))
                        ended.add(inner)
                    else:
                        blockshape.report_open_question(start, tokens[inner], problems)
                    dropped.add(close)
                else:
                    blockshape.check_closed(token, lines, "question", "its last answer", problems)
                body = [line for line in lines[start + 1:end] if line.strip() != ":::"]
                found.append(QuestionBlock(token.info.strip(), body, start + 1))
                out += tokens[copied:index]
                out.append(Token("html_block", "", 0, map=token.map, content=question_marker(_question_id(token.info))))
                copied = close + 1 if inner is None else inner
                continue
            if kind not in CALLOUT_KINDS:
                problems.append((token.map[0] + 1 if token.map else 1, f'unknown callout "::: {kind}"',
                                 f"use one of: {', '.join(CALLOUT_KINDS)}"))
            else:
                blockshape.check_closed(token, lines, kind, "its last line", problems)
            callouts.append(token)
        out += tokens[copied:]
        return out

    def render_fragment(self, text: str, resolve: Resolver, line: int) -> str:
        """Markdown inside a question (prompt, situation), with links checked like the lesson's."""
        tokens = self.md.parse(text)
        for token in tokens:
            if token.type == "inline" and token.children:
                self._resolve_links(token.children, line + (token.map[0] if token.map else 0), resolve)
        return self.md.renderer.render(tokens, self.md.options, {})

    def render_inline(self, text: str, resolve: Resolver, line: int) -> str:
        tokens = self.md.parseInline(text)
        for token in tokens:
            if token.children:
                self._resolve_links(token.children, line, resolve)
        return self.md.renderer.render(tokens, self.md.options, {})

    def render(self, parsed: Parsed, resolve: Resolver) -> str:
        for token in parsed.tokens if parsed.linked else ():
            # A link or an image is written with "[", an autolink with "<": a span without either has none.
            if token.type == "inline" and token.children and ("[" in token.content or "<" in token.content):
                line = token.map[0] + 1 if token.map else 1
                self._resolve_links(token.children, line, resolve)
        return self.md.renderer.render(parsed.tokens, self.md.options, {})

    @staticmethod
    def _resolve_links(children: list[Token], line: int, resolve: Resolver) -> None:
        for child in children:
            if child.type == "image":
                new = resolve(str(child.attrGet("src") or ""), line, True)
                if new is not None:
                    child.attrSet("src", new)
            elif child.type == "link_open":
                url = str(child.attrGet("href") or "")
                new = resolve(url, line, False)
                if new is not None:
                    child.attrSet("href", new)
                if new is not None or WEB_LINK.match(url):
                    # Followed in the player's own frame, a web page or a file would end the LMS
                    # session with the page, and Back would find it closed: it opens beside the
                    # player, which says so (index.html's #cf-new-tab).
                    child.attrSet("target", "_blank")
                    child.attrSet("rel", "noopener")
                    child.attrSet("aria-describedby", "cf-new-tab")
            elif child.type == "softbreak":
                line += 1


WEB_LINK = re.compile(r"\s*(https?:)?//", re.IGNORECASE)  # not mailto: or tel:, which leave the page where it is
_LOOKED_AT = frozenset({"container_callout_open", "container_callout_close", "inline"})  # by _lift_questions


def _closing(tokens: list[Token], index: int) -> int:
    depth = 0
    for position in range(index, len(tokens)):
        depth += tokens[position].nesting if tokens[position].type.startswith("container_") else 0
        if depth == 0:
            return position
    return len(tokens) - 1


def _question_id(info: str) -> str:
    words = info.split()
    return words[1] if len(words) > 1 else ""

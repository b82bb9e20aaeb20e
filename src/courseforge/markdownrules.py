"""What of markdown-it a lesson page does without, its output the same: the rules whose marks the page
does not hold (markdown.LessonMarkdown parses it without them), and renderToken's general steps for a
tag without attributes (markdown.create() writes such tags with render_bare_tag).
tests/test_markdown_rules.py compares both with markdown-it's own ways. And a renderer whose loops
write such tags and runs of text themselves, where markdown-it calls a rule for each token
(LessonRenderer; tests/test_markdown_passes.py compares it with markdown-it's).
"""
from __future__ import annotations

import re

from markdown_it.common.utils import escapeHtml, isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token


# Rules that act only at marks a page may not hold at all: a page without any of a rule's marks parses
# the same without it, where markdown-it would try it for nothing (a block rule at every block start and
# paragraph line, an inline one at every character that may start markup, smartquotes on every inline
# token). With no 4 spaces or tab, no line is indented 4 columns: the other rules, which give way to a
# line indented as code only while "code" is on, never meet one. Removing a `check:` comment from a
# line may bring "!" and "[" together, never a mark that was not in the page (so none for images but
# "["). The core rule text_join turns the text_special tokens of "escape" and "entity" into text and
# joins each to the text beside it; with neither rule at work there are none, and no text token is
# beside another (markdown-it's inline rule "fragments_join" joined them, ours makes one alone).
RULE_MARKS = {"table": ("|",), "code": ("    ", "\t"), "fence": ("```", "~~~"), "blockquote": (">",),
              "reference": ("[",), "heading": ("#",), "container_callout": (":::",), "escape": ("\\",),
              "backticks": ("`",), "link": ("[",), "image": ("[",), "autolink": ("<",), "entity": ("&",),
              "smartquotes": ("'", '"'), "text_join": ("\\", "&")}
MOST_PARSERS = 64  # ways of lacking marks a process keeps a parser for (each made in a fraction of a ms)


def unused_rules(text: str) -> tuple[str, ...]:
    """The rules of RULE_MARKS, in its order, none of whose marks `text` holds. Written out: a mark of
    several characters is looked for only if its first character is there (one found at memchr speed)."""
    unused = []
    if "|" not in text:
        unused.append("table")
    if "\t" not in text and "    " not in text:
        unused.append("code")
    ticks = "`" in text
    if not (ticks and "```" in text or "~" in text and "~~~" in text):
        unused.append("fence")
    if ">" not in text:
        unused.append("blockquote")
    brackets = "[" in text
    if not brackets:
        unused.append("reference")
    if "#" not in text:
        unused.append("heading")
    if ":::" not in text:
        unused.append("container_callout")
    if "\\" not in text:
        unused.append("escape")
    if not ticks:
        unused.append("backticks")
    if not brackets:
        unused += ("link", "image")
    if "<" not in text:
        unused.append("autolink")
    if "&" not in text:
        unused.append("entity")
    if "'" not in text and '"' not in text:
        unused.append("smartquotes")
    if "\\" not in text and "&" not in text:
        unused.append("text_join")
    if not _breaks_or_underlines(text):
        unused += ("hr", "lheading")
    return tuple(unused)


# A line end after a mark a thematic break or a setext underline ends with, or after a space or tab:
# found from line break to line break (a search for one character), each looked behind of.
_MARKED_END = re.compile(r"\n(?<=[-*_= \t]\n)")


def _breaks_or_underlines(text: str) -> bool:
    """Whether a line of `text` but its front matter's fences may be a thematic break or a setext
    underline. Such a line ends with the last of its -, *, _ or = marks, then spaces or tabs if any (hr
    and lheading read it so): in a page whose lines end in none of those, nor in a space, only the lines
    ending "-" may be one, and when they are the two `---` fences of its front matter, markdown-it reads
    them as the front matter (no line before the closing one closes it: none is `...` or dashes alone)."""
    if "\r" in text or text[-1:] in ("-", "*", "_", "=", " ", "\t"):  # CR: a line end markdown-it makes LF
        return True
    ends = [found.start() for found in _MARKED_END.finditer(text)]
    if not ends:
        return False
    if len(ends) != 2 or not text.startswith("---\n") or "\n..." in text[:ends[1]]:  # a `...` line after
        return True  # the second would be in the body, where it is neither (and looked for, a µs a page)
    return text[text.rfind("\n", 0, ends[1]) + 1:ends[1]] != "---"


# Tokens markdown-it writes with renderToken, whose steps for any token cost more than the tag itself;
# most have no attributes. (Not heading_open nor those with a rule of markdown-it's or ours.)
BARE_TAGS = ("paragraph_open", "paragraph_close", "heading_close", "bullet_list_open", "bullet_list_close",
             "ordered_list_open", "ordered_list_close", "list_item_close", "blockquote_open", "blockquote_close",
             "em_open", "em_close", "strong_open", "strong_close", "thead_open", "thead_close", "tbody_open",
             "tbody_close", "tr_open", "tr_close", "th_open", "th_close", "td_open", "td_close", "hr")


def render_bare_tag(self, tokens, idx, options, env) -> str:
    """renderToken's output for a token without attributes, less its general steps."""
    token = tokens[idx]
    if token.attrs:
        return self.renderToken(tokens, idx, options, env)
    if token.hidden:  # a tight list's paragraph
        return ""
    if token.nesting == -1:
        return f"</{token.tag}>\n" if token.block else f"</{token.tag}>"
    tag = f"\n<{token.tag}" if token.block and idx and tokens[idx - 1].hidden else f"<{token.tag}"
    if token.nesting == 0 and options["xhtmlOut"]:
        tag += " /"
    if not token.block:
        return tag + ">"
    if token.nesting == 1 and idx + 1 < len(tokens):
        after = tokens[idx + 1]
        if after.type == "inline" or after.hidden or (after.nesting == -1 and after.tag == token.tag):
            return tag + ">"
    return tag + ">\n"


class LessonRenderer(RendererHTML):
    """markdown-it's HTML renderer, its output the same, with loops that write a tag render_bare_tag is
    the rule of (when it has no attributes) and a text token of its own rule themselves: most of a
    lesson's tokens, each a rule's call in RendererHTML's loops (half of the time of rendering a page).
    Any other token, or one whose rule was changed, goes to its rule or renderToken as there."""

    def render(self, tokens, options, env) -> str:
        return self._loop(tokens, options, env, True)

    def renderInline(self, tokens, options, env) -> str:
        return self._loop(tokens, options, env, False)

    def _loop(self, tokens, options, env, blocks: bool) -> str:
        """RendererHTML.render's loop (`blocks`: an inline token's children rendered in it) or its
        renderInline's."""
        rules = self.rules
        bare = {}  # token type → its rule, or one of _NO_RULE (renderToken), _BARE, _ITEM (see _as_bare)
        plain_text = getattr(rules.get("text"), "__func__", None) is RendererHTML.text
        slash = " /" if options["xhtmlOut"] else ""
        out: list[str] = []
        last = len(tokens) - 1
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "text" and plain_text:
                out.append(escaped(token.content))
                continue
            if kind == "inline" and blocks:
                children = token.children
                if children:
                    if len(children) == 1 and plain_text and children[0].type == "text":  # most paragraphs
                        out.append(escaped(children[0].content))
                    else:
                        out.append(self._loop(children, options, env, False))
                continue
            rule = bare.get(kind, _UNSEEN)
            if rule is _UNSEEN:
                rule = bare[kind] = _as_bare(rules.get(kind, _NO_RULE))
            if (rule is not _BARE and (rule is not _ITEM or token.meta and "checked" in token.meta)) or token.attrs:
                if rule is _NO_RULE:
                    out.append(self.renderToken(tokens, index, options, env))
                else:
                    out.append(rules[kind](tokens, index, options, env))
            elif token.hidden:  # render_bare_tag's steps from here on
                continue
            elif token.nesting == -1:
                out.append(f"</{token.tag}>\n" if token.block else f"</{token.tag}>")
            elif not token.block:
                out.append(f"<{token.tag}{slash}>" if token.nesting == 0 else f"<{token.tag}>")
            else:
                tag = token.tag
                start = "\n<" if index and tokens[index - 1].hidden else "<"
                if token.nesting == 0:
                    out.append(f"{start}{tag}{slash}>\n")
                elif index < last and ((after := tokens[index + 1]).type == "inline" or after.hidden
                                       or (after.nesting == -1 and after.tag == tag)):
                    out.append(f"{start}{tag}>")
                else:
                    out.append(f"{start}{tag}>\n")
        return "".join(out)


def _as_bare(rule):
    """_BARE for render_bare_tag, _ITEM for markdown-it's list_item_open (renderToken's output but for
    a task list's check box), else `rule`."""
    function = getattr(rule, "__func__", None)
    return _BARE if function is render_bare_tag else _ITEM if function is RendererHTML.list_item_open else rule


def escaped(text: str) -> str:
    """escapeHtml(text), at once for a text without any of the characters it escapes (most): four
    searches for one character each run at memchr speed, its four replace calls 7 times slower."""
    return escapeHtml(text) if "&" in text or "<" in text or ">" in text or '"' in text else text


_NO_RULE, _UNSEEN, _BARE, _ITEM = object(), object(), object(), object()


# Where each of markdown-it's inline rules may act: the character it starts at. In a span holding none
# of the enabled rules' characters, the text rule (always first) takes every character, the others
# never get a turn, and the span is one text token (what markdown-it's own inline parse makes of it).
INLINE_MARKS = {"text": "", "linkify": ":", "newline": "\n", "escape": "\\", "backticks": "`",
                "strikethrough": "~", "emphasis": "*_", "link": "[", "image": "!", "autolink": "<",
                "html_inline": "<", "entity": "&"}
# Rules run after the inline ones, none of which changes a span made of one text token.
LONE_TEXT_KEPT_BY = frozenset({"balance_pairs", "strikethrough", "emphasis", "fragments_join"})


def plain_inline(md):
    """A core rule for `md` in place of markdown-it's "inline": a span that no inline rule but text
    may act in gets its one text token at once, without an inline parser's state, rule tries and
    passes (4 % of reading a page of plain prose); a span whose only marks are `*x*` and `**x**` gets
    starred()'s tokens; every other span is parsed by markdown-it."""
    marks_of: dict[tuple, tuple[str, ...] | None] = {}

    def marks() -> tuple[str, ...] | None:
        """What sends a span to markdown-it: any enabled rule's character (None: every span goes). Each
        is looked for on its own: a search for one character runs at memchr speed, many times faster
        than a search for a class of them (a span of prose is read 15 times faster)."""
        rules, after = md.inline.ruler.get_active_rules(), md.inline.ruler2.get_active_rules()
        known = (tuple(rules), tuple(after))
        if known not in marks_of:
            plain = (rules[:1] == ["text"] and all(name in INLINE_MARKS for name in rules)
                     and LONE_TEXT_KEPT_BY.issuperset(after))
            characters = "".join(INLINE_MARKS[name] for name in rules) if plain else ""
            marks_of[known] = tuple(dict.fromkeys(characters)) if plain and characters else None
        return marks_of[known]

    def inline(state) -> None:
        found = marks()
        # Emphasis is the one rule that starts at "*": a span of no other rule's marks is starred()'s.
        stars = found is not None and "*" in found and "emphasis" in md.inline.ruler.get_active_rules()
        others = tuple(mark for mark in found if mark != "*") if stars else ()
        parse, env = md.inline.parse, state.env
        for token in state.tokens:
            if token.type == "inline":
                if token.children is None:
                    token.children = []
                content = token.content
                if found is not None and content and not any(map(content.__contains__, found)):
                    text = Token("text", "", 0)
                    text.content = content
                    token.children.append(text)
                elif stars and not any(map(content.__contains__, others)) and \
                        (children := starred(content)) is not None:
                    token.children += children
                else:
                    parse(content, md, env, token.children)
    return inline


_STARS = re.compile(r"\*+")


def starred(content: str) -> list[Token] | None:
    """markdown-it's inline tokens for a span whose only marks are runs of one or two "*" that open and
    close in turn (each opening run can only open, each closing one only close, as long as the one it
    closes), or None. markdown-it makes a text token of each star, pairs the runs and turns a pair of
    one into em, of two into strong (the other star of each run left as an empty text token), then
    joins neighbouring text tokens and sets each token's level: the same steps, without its state."""
    made: list[Token] = []
    at, size = 0, 0  # where the text not yet in a token starts; the open run's size, if one is open
    for run in _STARS.finditer(content):
        start, end = run.span()
        width = end - start
        opens, closes = _flanks(content[start - 1] if start else " ", content[end] if end < len(content) else " ")
        if width > 2 or opens == closes or (opens if size else closes) or size and width != size:
            return None
        if start > at:
            made.append(_text(content[at:start]))
        at = end
        if not size:
            made += [_text(""), Token("strong_open", "strong", 1, markup="**")] if width == 2 else \
                [Token("em_open", "em", 1, markup="*")]
        else:
            made += [Token("strong_close", "strong", -1, markup="**"), _text("")] if width == 2 else \
                [Token("em_close", "em", -1, markup="*")]
        size = 0 if size else width
    if size:
        return None  # a run left open
    if at < len(content):
        made.append(_text(content[at:]))
    joined: list[Token] = []
    level = 0
    for token in made:  # markdown-it's fragments_join
        if token.nesting < 0:
            level -= 1
        token.level = level
        level += token.nesting > 0
        if joined and token.type == "text" and joined[-1].type == "text":
            token.content = joined.pop().content + token.content
        joined.append(token)
    return joined


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _flanks(before: str, after: str) -> tuple[bool, bool]:
    """Whether a run of "*" between these two characters may open emphasis, and may close it
    (markdown-it's StateInline.scanDelims, for a marker that can split a word)."""
    last_punct = isMdAsciiPunct(ord(before)) or isPunctChar(before)
    next_punct = isMdAsciiPunct(ord(after)) or isPunctChar(after)
    last_space, next_space = isWhiteSpace(ord(before)), isWhiteSpace(ord(after))
    left = not (next_space or (next_punct and not (last_space or last_punct)))
    right = not (last_space or (last_punct and not (next_space or next_punct)))
    return left, right

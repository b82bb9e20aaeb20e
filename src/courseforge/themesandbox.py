"""The sandbox a project's own theme renders in: Jinja2's, bounded in time and in the size of what it makes.

Jinja2's sandbox stops a template from reaching Python, not from running for ever or filling memory:
two nested `range(100000)` loops ran for hours, a macro calling itself twice for every call for ever,
and `{{ "x" * 10**10 }}` (folded into a constant when the template compiled) or `|center(10**10)`
asked for gigabytes. Here every loop step and call counts against a budget per rendered page, the
operators that multiply or join are checked before they run (themesizes.py), and so are the numbers a
filter or a method is given. What a page's render makes in all — every piece of text it writes, wherever to (the
page, a block, a macro's or a `{% set %}` block's buffer, a `caller()`), and every value an operator,
a filter or a call gives back — counts against a second budget, MAX_OUTPUT: each step may be small
and still, two million of them, ask for terabytes. Our own templates are trusted and never render here.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

from jinja2 import nodes, pass_context, pass_eval_context
from jinja2.compiler import CodeGenerator
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer
from markupsafe import Markup, escape

from courseforge.themesizes import (GROWERS, LOWERING, MAX_BITS, MAX_SIZE, STRINGIFYING, WALKING, check_arguments,
                                    check_format, check_formatted, check_product, check_text, checked_method, length,
                                    text_size, too_large)

MAX_STEPS = 2_000_000  # loop steps and calls in one render: the default page takes a few hundred
# Characters (or list items) one page's render may make in all, counting a text again each time it is
# copied (a macro's result written out, a block put together). The default theme, copied as a project's
# own, makes 33 000 for the index.html of 5 000 lessons (their pages go to parts past
# pageparts.LAUNCH_LIMIT) and 2.2 million for a lesson at the 2 MB source limit; what only an index.html
# holds whole, the course's data, assessments and role-plays, is far smaller. Fifty million leaves a
# theme twenty copies of the largest page and keeps a runaway under 200 MB of text (4 bytes a character).
MAX_OUTPUT = 50_000_000
COUNTED, JOINED, WRITTEN, LITERAL = "cf_counted", "cf_joined", "cf_written", "cf_literal"
# Where templates compiled here are kept (theme.py); Jinja checks an entry against its source only,
# so every change to what _parse() adds takes a new name, or a template compiled without it would run.
COMPILED = "templates-bounded-2"


class _WrittenOnce(CodeGenerator):
    """Code in which a value counted by WRITTEN, escaped there already, is not escaped a second time
    (Markup(), copying the text, for every value a page writes). Should Jinja's code generator change
    these two hooks, the value is escaped twice again: the same text, a little slower."""

    def _output_child_pre(self, node, frame, finalize) -> None:
        if not _counted_write(node, finalize):
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize) -> None:
        if not _counted_write(node, finalize):
            super()._output_child_post(node, frame, finalize)


def _counted_write(node, finalize) -> bool:
    return isinstance(node, nodes.Filter) and node.name == WRITTEN and finalize.src is None


class BoundedSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _WrittenOnce

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.steps = self.made = 0
        self.filters = {name: self.bounded(function) for name, function in self.filters.items()}
        self.filters.update({COUNTED: self._counted, JOINED: _joined, WRITTEN: self._written, LITERAL: self._literal})
        self.globals.pop("lipsum", None)  # lipsum(n=10**9) writes paragraphs in a loop of its own

    def start_render(self) -> None:
        self.steps = self.made = 0

    def bounded(self, function):
        """`function` as a filter of this sandbox: given no number over MAX_NUMBER, its result counted."""
        return _bounded(function, self)

    def _step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise SecurityError(f"the template took more than {MAX_STEPS} loop steps and calls for one page; "
                                "a theme shows the course, it does not compute")

    def _made(self, size: int) -> None:
        self.made += size
        if self.made > MAX_OUTPUT:
            raise SecurityError(f"the template made more than {MAX_OUTPUT} characters for one page; write each "
                                "value once instead of copying it in a loop, a macro or a set block over and over")

    @pass_context  # never called when the template compiles: what it counts is the render's
    def _written(self, context, value, literal: int = 0):
        # What Jinja's code does to a value it writes (_WrittenOnce), done here so that its length is
        # known. `literal`: the template's own text written beside it.
        if type(value) is Markup:  # as is: escape() would copy it twice for the same text
            text = value
        else:
            if not isinstance(value, str):  # a list of ten million long texts written would be trillions
                check_text(value, "a value written")
            text = (escape if context.eval_ctx.autoescape else str)(value)
        self.made += len(text) + literal
        if self.made > MAX_OUTPUT:  # the check inlined: a page writes a value tens of times
            self._made(0)
        return text

    @pass_context  # as _written: counted when the page renders, not when the template compiles
    def _literal(self, context, size: int) -> None:
        self._made(size)

    def _walked(self, iterable: Iterable, lowers: bool) -> Iterable:
        # What a filter walks item by item itself (|unique of ten million long texts, each lowered):
        # a step each, and, where it may lower them, each text's length. A list is counted at once.
        if not isinstance(iterable, (list, tuple)):
            return self._walked_lazily(iterable, lowers)
        self.steps += len(iterable) - 1
        self._step()
        if lowers:
            self._made(sum(len(item) for item in iterable if isinstance(item, str)))
        return iterable

    def _walked_lazily(self, iterable: Iterable, lowers: bool) -> Iterator:
        for item in iterable:
            self._step()
            if lowers and isinstance(item, str):
                self._made(len(item))
            yield item

    def _counted(self, iterable: Iterable) -> Iterator:
        for item in iterable:
            self._step()
            yield item

    def _parse(self, source, name, filename):
        # Every {% for %} walks its items through the counter, however it got them; every piece of text
        # written is counted.
        tree = _Written().visit(_Joins().visit(super()._parse(source, name, filename)))
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, COUNTED, [], [], None, None, lineno=loop.iter.lineno)
        return tree

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        __self._step()
        check_arguments(args, kwargs)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):  # "…".replace(), .join(), .expandtabs(), .translate()
            args = checked_method(owner, __obj.__name__, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        __self._made(length(result))  # a macro's text, a method's
        return result

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text, mapped = value.__self__, value.__name__ == "format_map"
        check_format(text)  # "{:>999999999}".format(…): the width is in the string

        def checked(*args, **kwargs):  # ("{0}" * 10**6).format(long): its places filled with the values
            check_formatted(text, (*(args[0].values() if mapped and args else args), *kwargs.values()))
            return wrapped(*args, **kwargs)
        return checked

    def call_binop(self, context, operator_name: str, left, right):
        if operator_name == "**" and isinstance(right, int) and isinstance(left, int):
            if right * max(1, abs(left).bit_length()) > MAX_BITS:
                raise too_large(f"{left} ** {right}")
        elif operator_name == "*":
            check_product(left, right)
        elif operator_name == "+" and length(left) + length(right) > MAX_SIZE:
            raise too_large("a value joined with +")
        elif operator_name == "%" and isinstance(left, str):
            values = right if isinstance(right, tuple) else (right,)
            check_arguments(values, {})
            check_formatted(left, values)
        result = super().call_binop(context, operator_name, left, right)
        self._made(length(result))
        return result


class _Joins(NodeTransformer):
    """`a ~ b` joins through a check of its length, as `a + b` does: `{% set a = a ~ a %}` doubles."""

    def visit_Concat(self, node: nodes.Concat) -> nodes.Filter:
        self.generic_visit(node)
        return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), JOINED, [], [], None, None, lineno=node.lineno)


class _Written(NodeTransformer):
    """Each value a template writes goes through the sandbox's count (WRITTEN), which also counts the
    template's own text written with it: a loop of large prints, or of a large piece of the template."""

    def visit_Output(self, node: nodes.Output) -> nodes.Output | list[nodes.Node]:
        self.generic_visit(node)
        literal = sum(len(child.data) for child in node.nodes if isinstance(child, nodes.TemplateData))
        written = []
        for child in node.nodes:
            if not isinstance(child, nodes.TemplateData):
                extra = [nodes.Const(literal)] if literal else []
                child, literal = nodes.Filter(child, WRITTEN, extra, [], None, None, lineno=child.lineno), 0
            written.append(child)
        node.nodes = written
        if literal:  # only the template's own text: counted by a statement of its own before it
            count = nodes.Filter(nodes.Const(literal), LITERAL, [], [], None, None, lineno=node.lineno)
            return [nodes.ExprStmt(count, lineno=node.lineno), node]
        return node


@pass_eval_context
def _joined(eval_context, items: list) -> str:
    size = sum(text_size(item) for item in items)
    if size > MAX_SIZE:
        raise too_large("a value joined with ~")
    eval_context.environment._made(size)
    return (markup_join if eval_context.autoescape else str_join)(items)  # what `~` compiles to


def _bounded(function, sandbox: BoundedSandbox):
    # The value filtered may be any number (a file size, say); what the template gives it is checked.
    given = 2 if hasattr(function, "jinja_pass_arg") else 1  # after the context or environment, if passed
    grows, stringifies = GROWERS.get(function.__name__), function.__name__ in STRINGIFYING
    walks, lowers, made = function.__name__ in WALKING, function.__name__ in LOWERING, sandbox._made

    @functools.wraps(function)  # keeps jinja_pass_arg: the filter still gets its context or environment
    def bounded(*args, **kwargs):
        check_arguments(args[given:], kwargs)
        if stringifies:
            check_text(args[given - 1], "a value made into text")
        if walks:
            args = (*args[:given - 1], sandbox._walked(args[given - 1], lowers), *args[given:])
        if grows is not None:
            args = grows(args, given - 1, kwargs)
        result = function(*args, **kwargs)
        made(length(result))
        return result
    return bounded

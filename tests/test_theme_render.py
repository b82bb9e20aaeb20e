"""The default theme renders exactly what plain Jinja renders, by a shorter way (theme.py)."""
import re

import jinja2
import pytest
from markupsafe import Markup, escape

from courseforge import theme
from courseforge.errors import ContentErrors
from courseforge.theme import Theme, bundled_dir, fill


def plain_fill(template, **values):
    """fill() as it was first written: one regular expression substitution a call."""
    return Markup(re.sub(r"\{(\w+)\}", lambda m: escape(values[m.group(1)]) if m.group(1) in values else m.group(0),
                         escape(template)))


@pytest.mark.parametrize("template, values", [
    ("Lesson {n} of {total}", {"n": 3, "total": 12}),
    ("{n}", {"n": "<b>&"}),
    ("<i>{n}</i> and {missing} {n}{n}", {"n": Markup("<u>ok</u>")}),
    ("no placeholders & <tags>", {"n": 1}),
    ("{ n } {n!} {{n}} {n_2}", {"n": 1, "n_2": "two"}),
    (Markup("<b>{n}</b>"), {"n": "<"}),
    ("", {}),
    ("{n} {m} {b} {none}", {"n": -3, "m": 2.5, "b": True, "none": None}),
])
def test_fill_gives_what_one_substitution_gives(template, values):
    for _ in range(2):  # the second time from the pieces kept of the first
        filled = fill(template, **values)
        assert type(filled) is Markup and filled == plain_fill(template, **values)


def test_the_trusted_environment_looks_up_a_dict_as_plain_jinja_does():
    source = ("{{ t.minutes }}|{{ t['n'] }}|{{ t.items is callable }}|{{ t.keys is callable }}|"
              "{{ other.minutes is defined }}|{{ lesson.title }}|{{ t.nothing is defined }}")
    context = {"t": {"minutes": "<5>", "n": 2, "items": "an item", "keys": 3},
               "other": type("Other", (dict,), {"minutes": "an attribute"})(minutes="an item"),
               "lesson": type("Lesson", (), {"title": "T"})()}
    ours = theme._OwnEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    assert ours.from_string(source).render(context) == plain.from_string(source).render(context)
    with pytest.raises(jinja2.UndefinedError):
        ours.from_string("{{ t.nothing }}").render(context)


def test_render_each_gives_what_template_render_gives_and_names_a_failing_line(tmp_path):
    own = Theme([bundled_dir() / "default"])
    source = "{% set n = range(3) | list %}{{ x }} {{ n }} {{ lipsum is defined }}{% set y = 1 %}{{ y }}"
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(source + "\n\n{{ x.nothing }}\n")
    project = Theme([tmp_path])  # sandboxed: not our own templates
    contexts = [{"x": "<a>"}, {"x": 2}]
    for each in (own, project):
        compiled = each.env.from_string(source)
        assert theme._render_all(each.env, compiled, iter(contexts)) == [compiled.render(c) for c in contexts]
    with pytest.raises(ContentErrors) as failed:
        project.render_each("page.html", contexts)
    error = failed.value.errors[0]
    assert error.location.path.name == "page.html" and error.location.line == 3

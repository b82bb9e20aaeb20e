"""A project's own theme renders sandboxed: it may neither run for ever nor fill memory.

Each template runs in a child process with 1 GB of address space and a time limit, so that a
template that got through would fail the test rather than the machine; the child says its peak memory."""
import shutil
import subprocess
import sys
import textwrap
import zipfile

import pytest

from conftest import REPO, default_files, write_course

TEMPLATES = REPO / "themes" / "default" / "templates"

RUNAWAYS = {
    "repeat": ('{{ "x" * 10**10 }}', "a value repeated 10000000000 times would make more than a theme needs"),
    "doubling": ('{% set a = "x" * 1000000 %}' + "{% set a = a + a %}" * 40 + "{{ a }}",
                 "a value joined with + would make more than a theme needs"),
    "tilde doubling": ('{% set a = "x" * 1000000 %}' + "{% set a = a ~ a %}" * 40 + "{{ a }}",
                       "a value joined with ~ would make more than a theme needs"),
    "centre": ('{{ "x"|center(10**10) }}', "the number 10000000000 would make more than a theme needs"),
    "format width": ('{{ "{:>9999999999}".format(1) }}', "the format '{:>9999999999}', whose width would make more"),
    "percent width": ('{{ "%9999999999s"|format(1) }}', "the format '%9999999999s', whose width would make more"),
    "power": ("{% set n = 7 %}{{ n ** (10 ** 8) }}", "7 ** 100000000 would make more than a theme needs"),
    "nested loops": ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
                     "the template took more than 2000000 loop steps and calls for one page"),
    "branching macro": ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}",
                        "the template took more than 2000000 loop steps and calls for one page"),
    "endless macro": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "a macro calls itself without end"),
    # Filters that make far more than they are given, from arguments small enough to pass.
    "join": ('{% set a = "x" * 1000000 %}{{ ([a] * 100000) | join }}', "a list joined would make more"),
    "join by attribute": ('{% set a = "x" * 1000000 %}{{ ([{"t": a}] * 100000) | join(attribute="t") }}',
                          "a list joined would make more"),
    "replace": ('{% set a = "x" * 1000000 %}{{ a | replace("x", a) }}', "a value replaced in would make more"),
    "indent": ('{% set a = "\\n" * 1000000 %}{{ a | indent(a) }}', "a value indented would make more"),
    "wordwrap": ('{% set a = "x " * 1000000 %}{{ a | wordwrap(1, wrapstring=a) }}', "a value wrapped would make more"),
    "sum of lists": ("{{ ([[1]] * 1000000) | sum(start=[]) | length }}", "a sum of lists would make more"),
    "fmt": ('{% set a = "x" * 1000000 %}{{ ("{x}" * 1000000) | fmt(x=a) }}', "the string '{x}{x}{x}"),
    # A string's own methods, given small numbers and values that passed.
    "replace method": ('{% set a = "x" * 1000000 %}{{ a.replace("x", a) }}', "a value replaced in would make more"),
    "join method": ('{% set a = "x" * 1000000 %}{{ a.join([a] * 1000) }}', "a list joined would make more"),
    "expandtabs": ('{% set a = "\t" * 1000000 %}{{ a.expandtabs(1000000) }}', "a value whose tabs are expanded"),
    "translate": ('{% set a = "x" * 1000000 %}{{ a.translate({120: a}) }}', "a value translated would make more"),
    "format places": ('{% set a = "x" * 1000000 %}{{ ("{0}" * 1000000).format(a) }}',
                      "the format '{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{' filled in would make more"),
    "format_map places": ('{% set a = "x" * 1000000 %}{{ ("{x}" * 1000000).format_map({"x": a}) }}',
                          "the format '{x}{x}{x}"),
    "percent places": ('{% set a = "x" * 1000000 %}{{ ("%s" * 1000000) % ((a,) * 1000000) }}', "the format '%s%s%s"),
    "format filter places": ('{% set a = "x" * 1000000 %}{{ ("%s" * 1000000) | format(*((a,) * 1000000)) }}',
                             "the format '%s%s%s"),
    # A list holding one long text ten million times takes 80 MB; made into text, ten trillion characters.
    "list written": ('{% set a = "x" * 1000000 %}{{ [a] * 10000000 }}', "a value written would make more"),
    "list in a namespace": ('{% set a = "x" * 1000000 %}{{ namespace(l=[a] * 10000000) }}', "a value written would"),
    "items written": ('{% set a = "x" * 1000000 %}{{ dict(l=[a] * 10000000).items() }}', "a value written would"),
    "list joined with ~": ('{% set a = "x" * 1000000 %}{{ ([a] * 10000000) ~ "" }}', "a value joined with ~ would"),
    "list as a string": ('{% set a = "x" * 1000000 %}{{ ([a] * 10000000) | string }}', "a value made into text would"),
    "list as JSON": ('{% set a = "x" * 1000000 %}{{ ([a] * 10000000) | tojson }}', "a value made into text would"),
    "lists joined": ('{% set a = "x" * 1000000 %}{{ ([[a] * 1000] * 1000) | join }}', "a list joined would make more"),
    # Filters that walk ten million items themselves, lowering each long text: hours, item by item.
    "unique": ('{% set a = "x" * 1000000 %}{{ ([a] * 1000000) | unique | list | length }}',
               "the template made more than 50000000 characters for one page"),
    "map": ('{{ ([1] * 10000000) | map("string") | list | length }}', "the template took more than 2000000 loop steps"),
}

# Each step within every bound of its own, the page's render in all asking for gigabytes or more.
STEPS, END = "{% for i in range(100000) %}{% for j in range(10) %}", "{% endfor %}{% endfor %}"  # a million
TOO_MUCH = "the template made more than 50000000 characters for one page; write each value once"
ACCUMULATIONS = {
    "large prints": '{% set a = "x" * 9999999 %}' + STEPS + "{{ a }}" + END,
    "the template's own text": STEPS + "<p>a theme's own long text</p>" * 30000 + END,
    "macros of macros": ('{% macro a() %}{{ "x" * 9999999 }}{% endmacro %}'
                         + "".join(f"{{% macro {outer}() %}}" + f"{{{{ {inner}() }}}}" * 8 + "{% endmacro %}"
                                   for inner, outer in zip("abcde", "bcdef")) + "{{ f() }}"),
    "call blocks": ('{% set a = "x" * 1000000 %}{% macro twice() %}{{ caller() }}{{ caller() }}{% endmacro %}'
                    + "{% call twice() %}" * 40 + "{{ a }}" + "{% endcall %}" * 40),
    "set block doubling": ('{% set ns = namespace(s="x") %}{% for i in range(60) %}'
                           "{% set s %}{{ ns.s }}{{ ns.s }}{% endset %}{% set ns.s = s %}{% endfor %}{{ ns.s }}"),
    "filter block doubling": ('{% set ns = namespace(s="x") %}{% for i in range(60) %}'
                              "{% set s %}{% filter upper %}{{ ns.s }}{{ ns.s }}{% endfilter %}{% endset %}"
                              "{% set ns.s = s %}{% endfor %}{{ ns.s }}"),
    "self block": '{% block b %}{{ "x" * 9999999 }}{% endblock %}' + STEPS + "{% set s = self.b() %}" + END,
    "list built by steps": ("{% set ns = namespace(l=[]) %}" + STEPS + '{% set ns.l = ns.l + ["x" * 999999] %}'
                            + END + "{{ ns.l | join }}"),
    "joins in a loop": ('{% set l = ["x" * 999999] * 9 %}{% set ns = namespace(l=[]) %}'
                        + STEPS + "{% set ns.l = ns.l + [l | join] %}" + END),
    "tilde in a loop": ('{% set a = "x" * 5000000 %}{% set ns = namespace(l=[]) %}'
                        + STEPS + "{% set ns.l = ns.l + [a ~ a] %}" + END),
    "method calls": ('{% set a = "x" * 9999999 %}{% set ns = namespace(l=[]) %}'
                     + STEPS + "{% set ns.l = ns.l + [a.upper()] %}" + END),
}


def built_in_a_child(project, tmp_path) -> str:
    """What building `project` says, in a child with 1 GB of address space, then its peak memory in MB."""
    code = textwrap.dedent(f"""
        import pathlib, resource
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from courseforge.build import build
        from courseforge.errors import ContentErrors
        project = pathlib.Path({str(project)!r})
        try:
            build(project, project / "build", ["scorm12"])
        except ContentErrors as exc:
            print(exc.format_message())
        print("peak MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(REPO / "src"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
                                 "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.parametrize("name", RUNAWAYS)
def test_a_runaway_theme_template_is_a_located_error(tmp_path, name):
    payload, expected = RUNAWAYS[name]
    said = built_in_a_child(with_own_index(tmp_path / "project", payload), tmp_path)
    assert "index.html:1: theme template error: " + expected in said, said[-2000:]
    assert int(said.rsplit("peak MB", 1)[1]) < 400


def with_own_index(project, payload: str):
    """A one-lesson project whose own index.html starts with `payload` (its line 1)."""
    write_course(project / "content", default_files(1))
    template = project / "themes" / "default" / "templates" / "index.html"
    template.parent.mkdir(parents=True)
    template.write_text(payload + "\n" + (TEMPLATES / "index.html").read_text(encoding="utf-8"), encoding="utf-8")
    return project


@pytest.mark.parametrize("name", ACCUMULATIONS)
def test_a_theme_that_accumulates_gigabytes_stops_at_the_page_budget(tmp_path, name):
    said = built_in_a_child(with_own_index(tmp_path / "project", ACCUMULATIONS[name]), tmp_path)
    assert "index.html:1: theme template error: " + TOO_MUCH in said, said[-2000:]
    assert "— fix the template" in said
    assert int(said.rsplit("peak MB", 1)[1]) < 400  # a few strings of ten million characters at most
    assert not (tmp_path / "project" / "build").exists()


def test_the_command_refuses_such_a_theme_with_exit_1(tmp_path):
    project = with_own_index(tmp_path / "project", ACCUMULATIONS["set block doubling"])
    result = subprocess.run([sys.executable, "-m", "courseforge", "build", str(project), "-f", "scorm12"],
                            capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(REPO / "src"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
                                 "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    assert "index.html:1: theme template error: " + TOO_MUCH in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "build").exists()


@pytest.mark.parametrize("payload, expected", [
    ("{% for i in range(200000) %}{% endfor %}", "OverflowError: Range too big"),
    ("{{ 2.0 ** 10000 }}", "OverflowError: (34, 'Numerical result out of range')"),
    ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
    ('{{ "a" + 1 }}', 'TypeError: can only concatenate str (not "int") to str'),
    ('{{ "{:d}".format("a") }}', "ValueError: Unknown format code 'd' for object of type 'str'"),
])
def test_a_mistake_in_an_own_template_is_a_located_error(tmp_path, payload, expected):
    said = built_in_a_child(with_own_index(tmp_path / "project", payload), tmp_path)
    assert "index.html:1: theme template error: " + expected in said, said[-2000:]


@pytest.mark.parametrize("name, expected", [("templates/page.html", "page.html:1: theme template error: the template is over 2 MB"),
                                            ("css/extra.css", "css/extra.css: this theme file is over 250 MB")])
def test_a_theme_file_of_gigabytes_is_not_read(tmp_path, name, expected):
    # A sparse file takes no room in a tarball or on disk; read whole, it was a MemoryError.
    project = tmp_path / "project"
    write_course(project / "content", default_files(1))
    huge = project / "themes" / "default" / name
    huge.parent.mkdir(parents=True)
    with huge.open("wb") as sparse:
        sparse.truncate(20 << 30)
    said = built_in_a_child(project, tmp_path)
    assert expected in said, said[-2000:]


def test_a_theme_that_copies_a_lesson_at_the_size_limit_a_few_times_builds_the_same_package(tmp_path):
    # A page of nearly 2 MB of Markdown, its section written through a macro and a set block: what a
    # legitimate heavy own theme does, well within the page budget.
    from courseforge.build import build
    project = tmp_path / "project"
    files = default_files(2)
    paragraph = "A customer calls & asks about a refund <again>; the agent listens, then answers. " * 12
    files["lessons/01-part-1.md"] += "".join(f"\n## Part {n}\n\n{paragraph}\n" for n in range(1800))
    write_course(project / "content", files)
    [bundled] = build(project, tmp_path / "bundled", ["scorm12"])
    page = project / "themes" / "default" / "templates" / "page.html"  # index.html stays ours: scripts joined
    page.parent.mkdir(parents=True)
    page.write_text("{% macro whole() %}{% set all %}" + (TEMPLATES / "page.html").read_text(encoding="utf-8")
                    + "{% endset %}{{ all }}{% endmacro %}{% set copy %}{{ whole() }}{% endset %}{{ copy }}",
                    encoding="utf-8")
    [own] = build(project, tmp_path / "own", ["scorm12"])
    with zipfile.ZipFile(bundled) as a, zipfile.ZipFile(own) as b:
        assert a.namelist() == b.namelist()
        assert [a.read(n) for n in a.namelist()] == [b.read(n) for n in b.namelist()]
        assert max(info.file_size for info in a.infolist()) > 2_000_000  # the large page is there


def test_what_the_sandbox_counts_renders_as_jinja_does():
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from courseforge.themesandbox import BoundedSandbox
    source = """{% macro item(x) %}<li>{{ x }}</li>{% endmacro %}{% set rows %}{% for x in xs | sort %}{{ item(x) }}
{% endfor %}{% endset %}<ul>{{ rows }}</ul>{% macro wrap() %}[{{ caller() }}]{% endmacro %}{% call wrap() %}&{{ xs[1] }}
{% endcall %}{{ xs | map("upper") | join("-") }}
{{ xs | unique | list }} {{ xs | select("ne", "b") | list | length }} {{ [[1], [2]] | sum(start=[]) }}
{{ "%s & %d" % ("<i>", 3) }} {{ "{0}|{1}".format("<", 2) }} {{ ("a" ~ 1) * 3 }} {{ xs | tojson }} {{ none }} {{ 1.5 }}
{% autoescape false %}{{ "<b>" }}{% endautoescape %}{% filter upper %}{{ xs }} text{% endfilter %} tail text"""
    expected = ImmutableSandboxedEnvironment(autoescape=True).from_string(source).render(xs=["b", "<a>", "b"])
    assert BoundedSandbox(autoescape=True).from_string(source).render(xs=["b", "<a>", "b"]) == expected


def test_a_copy_of_the_default_theme_renders_the_same_package(tmp_path):
    from courseforge.build import build
    project = tmp_path / "project"
    write_course(project / "content", default_files(2))
    [bundled] = build(project, tmp_path / "bundled", ["scorm12"])
    shutil.copytree(TEMPLATES, project / "themes" / "default" / "templates")
    [own] = build(project, tmp_path / "own", ["scorm12"])  # sandboxed, every loop counted
    with zipfile.ZipFile(bundled) as a, zipfile.ZipFile(own) as b:
        assert a.namelist() == b.namelist()
        assert [a.read(n) for n in a.namelist()] == [b.read(n) for n in b.namelist()]

"""Themes are folders searched in order, first match wins: the course's own, then the bundled ones.

A course overrides the default theme file by file: drop `themes/default/templates/index.html`
(or `css/courseforge.css`) into the project and only that file changes.
"""
from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterable
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from courseforge.assets import MAX_ASSET_BYTES, MAX_PACKAGE_PATH
from courseforge.cacheseal import user_dir
from courseforge.coursefolder import walk_files
from courseforge.errors import ContentError, ContentErrors, Location, Problems
from courseforge.model import Course
from courseforge.sourcetext import MAX_SOURCE_BYTES, read_at_most, source_lines
from courseforge.themesandbox import COMPILED, BoundedSandbox

TEMPLATES = "templates"
DEFAULT = "default"


def bundled_dir() -> Path:
    """The default themes: inside the wheel, or at the repository root in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "themes", here.parent.parent / "themes"):
        if (candidate / DEFAULT / TEMPLATES).is_dir():
            return candidate
    raise RuntimeError("courseforge is installed without its default theme; reinstall the package")


class _ContainedLoader(jinja2.FileSystemLoader):
    """Templates from the theme folders only: a template that is a link to a file elsewhere (say
    /etc/passwd, pulled in by an `include`) is refused like a missing one; and none larger than a
    page's source (a sparse file of gigabytes was read whole)."""

    def get_source(self, environment, template):
        for root in self.searchpath:
            path = Path(root, *jinja2.loaders.split_template_path(template))
            if path.is_file():
                if path.stat().st_size > MAX_SOURCE_BYTES:
                    raise jinja2.TemplateSyntaxError(f"the template is over {MAX_SOURCE_BYTES // 1_000_000} MB",
                                                     1, template, str(path))
                break
        source, filename, uptodate = super().get_source(environment, template)
        if not any(Path(filename).resolve().is_relative_to(Path(root).resolve()) for root in self.searchpath):
            raise jinja2.TemplateNotFound(f"{template} (a link to a file outside the theme)")
        return source, filename, uptodate


class Theme:
    def __init__(self, dirs: list[Path]):
        self.dirs = dirs
        template_dirs = [d / TEMPLATES for d in dirs if (d / TEMPLATES).is_dir()]
        # Sandboxed when a project brings templates of its own: a theme from someone else's project
        # must not run code at build time (`cycler.__init__.__globals__.os.popen(...)` did in a plain
        # Environment). Our own templates are trusted code and render a third faster unsandboxed.
        ours = bundled_dir().resolve()
        trusted = all(folder.resolve().is_relative_to(ours) for folder in template_dirs)
        environment = _OwnEnvironment if trusted else BoundedSandbox
        self.env = environment(
            loader=_ContainedLoader([str(folder) for folder in template_dirs]),
            bytecode_cache=_compiled_templates("templates" if trusted else COMPILED),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        # In the sandbox `("{x}" * 10**6) | fmt(x=long)` is measured first, as the sandbox's own filters are.
        self.env.filters["fmt"] = fill if trusted else self.env.bounded(fill)

    @classmethod
    def for_course(cls, course: Course) -> "Theme":
        name = course.config.theme
        bundled = bundled_dir()
        candidates = [course.project / "themes" / name, bundled / name, bundled / DEFAULT]
        if not any(d.is_dir() for d in candidates[:2]):
            config = course.root / "course.yml"
            raise ContentErrors([ContentError(
                Location(config, _line_of(config, "theme")), f'theme "{name}" was not found',
                f"create themes/{name}/ next to the content folder, or use `theme: default`")])
        dirs: list[Path] = []
        for d in candidates:
            if d.is_dir() and d.resolve() not in [x.resolve() for x in dirs]:
                dirs.append(d)
        return cls(dirs)

    def bundled(self, name: str) -> bool:
        """Whether the template `name` in use is one courseforge ships, not a project's own: what it
        reads and loads is then known (sectioncache.py, render.py's script bundle)."""
        try:
            _, filename, _ = self.env.loader.get_source(self.env, name)
        except (jinja2.TemplateNotFound, jinja2.TemplateSyntaxError):  # missing, or too large: rendering reports it
            return False
        return Path(filename).resolve().is_relative_to(bundled_dir().resolve())

    def own_templates_name(self, texts: Iterable[str]) -> bool:
        """Whether a template the project brings (not one courseforge ships) holds one of `texts`."""
        ours, texts = bundled_dir().resolve(), tuple(texts)
        for folder in self.dirs:
            if (folder / TEMPLATES).is_dir() and not folder.resolve().is_relative_to(ours):
                for entry in walk_files(folder / TEMPLATES, lambda name: True):
                    if not entry.is_file(follow_symlinks=False):  # a link, a pipe: the loader judges them
                        continue
                    with contextlib.suppress(OSError):
                        source = read_at_most(entry.path, MAX_SOURCE_BYTES).decode("utf-8", "replace")
                        if any(text in source for text in texts):
                            return True
        return False

    def static_files(self) -> dict[str, bytes]:
        """Every non-template file of the theme, the first folder's copy winning. A file or folder
        linked from outside its theme is an error: it would ship a file of this machine."""
        files: dict[str, bytes] = {}
        problems = Problems()
        for folder in self.dirs:
            root = folder.resolve()
            shown = walk_files(folder, lambda name: not name.startswith("."))  # hidden folders are skipped
            for path in sorted(Path(entry.path) for entry in shown):
                relative = path.relative_to(folder)
                if relative.parts[0] == TEMPLATES or any(part.startswith(".") for part in relative.parts):
                    continue
                if not path.resolve().is_relative_to(root):
                    problems.error(path, None, "this theme file is a link to a file outside the theme",
                                   "copy the file into the theme instead of linking to it")
                elif len(relative.as_posix()) > MAX_PACKAGE_PATH:
                    problems.error(path, None, f"this theme file's path is {len(relative.as_posix())} characters long, "
                                   f"over the {MAX_PACKAGE_PATH} a package's manifest can name",
                                   "move it to a folder nearer the theme's, or shorten its folders' names")
                elif path.is_file() and path.stat().st_size > MAX_ASSET_BYTES:  # a sparse file of gigabytes was read whole
                    problems.error(path, None, f"this theme file is over {MAX_ASSET_BYTES // 1_000_000} MB",
                                   "shrink it: LMSs refuse large packages")
                elif path.is_file():
                    files.setdefault(relative.as_posix(), path.read_bytes())
        problems.raise_if_any()
        return files

    def render(self, template: str, context: dict) -> str:
        return self.render_each(template, [context])[0]

    def render_each(self, template: str, contexts: Iterable[dict]) -> list[str]:
        """`template` rendered once per context (a page each: the template is looked up once)."""
        try:
            return _render_all(self.env, self.env.get_template(template), contexts)
        except jinja2.TemplateSyntaxError as exc:
            raise self._error(exc.filename, exc.lineno, exc.message or str(exc)) from None
        except jinja2.TemplateError as exc:
            filename, line = _template_frame(exc)
            raise self._error(filename, line, str(exc)) from None
        except RecursionError as exc:  # a macro that calls itself without end
            filename, line = _template_frame(exc)
            raise self._error(filename, line, "a macro calls itself without end") from None
        except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
            # `{{ 1 / 0 }}`, `range(200000)` in a project's own template: its mistake, shown where it
            # is. Our own templates are code, and a slip in them stays a traceback.
            filename, line = _template_frame(exc)
            if not isinstance(self.env, BoundedSandbox) or filename is None:
                raise
            raise self._error(filename, line, f"{type(exc).__name__}: {exc}") from None

    def _error(self, filename: str | None, line: int | None, message: str) -> ContentErrors:
        path = Path(filename) if filename else self.dirs[0] / TEMPLATES
        return ContentErrors([ContentError(Location(path, line), f"theme template error: {message}",
                                           "fix the template; see the default theme for the variables it gets")])


def _render_all(env: jinja2.Environment, compiled: jinja2.Template, contexts: Iterable[dict]) -> list[str]:
    """What compiled.render(context) gives for each context. Template.render copies the context and
    then its template's globals into it, from a ChainMap each time (twice): here they are copied once."""
    base = dict(compiled.globals)
    render, concat, make = compiled.root_render_func, env.concat, env.context_class
    rendered = []
    start = getattr(env, "start_render", None)  # the sandbox's budget is per page
    for context in contexts:
        if start is not None:
            start()
        state = make(env, {**base, **context}, compiled.name, compiled.blocks, globals=base)
        try:
            rendered.append(concat(render(state)))
        except Exception:  # as Template.render: the traceback then names the template's lines
            env.handle_exception()
    return rendered


class _OwnEnvironment(jinja2.Environment):
    """Where our own templates render. `t.minutes`, an item of a dict of strings, is looked up as an item
    at once: plain Jinja asks for a dict attribute of that name first, raising an AttributeError for
    nearly every interface string a page shows. A dict's own attributes still come first."""

    def getattr(self, obj, attribute):
        if type(obj) is dict:
            if attribute not in _DICT_ATTRIBUTES and attribute in obj:
                return obj[attribute]
            return _jinja_getattr(self, obj, attribute)
        try:  # a page's field: found at once, without Jinja's frame around it
            return getattr(obj, attribute)
        except AttributeError:  # then an item, or undefined, as Jinja's own getattr goes on
            try:
                return obj[attribute]
            except (TypeError, LookupError, AttributeError):
                return self.undefined(obj=obj, name=attribute)


_jinja_getattr = jinja2.Environment.getattr
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _KeptTemplates(jinja2.FileSystemBytecodeCache):
    """A folder of compiled templates that a build never fails over: one that cannot be read or
    written (a read-only or full home, a folder left to another user) means compiling again."""

    def load_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _compiled_templates(name: str) -> jinja2.BytecodeCache | None:
    """Templates compiled once, not on every build (a third of building a small course): kept in this
    user's own folder, never in the course folder, which may come from someone else, since what is
    kept there is Python code. Jinja checks each entry against its template's source."""
    home = user_dir()
    if home is None:  # no home: compile every time
        return None
    folder = home / name
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:  # no writable home: compile every time, as before
        return None
    return _KeptTemplates(str(folder))


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    # Jinja rewrites tracebacks so template frames carry the template's file name and line.
    tb, found = exc.__traceback__, (None, None)
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".j2", ".jinja")):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _line_of(path: Path, key: str) -> int | None:
    # Numbered as course.yml's reader numbers it (a form feed or U+2028 breaks no line there).
    for number, line in enumerate(source_lines(path), start=1):
        if re.match(rf"^{key}\s*:", line):
            return number
    return None


def fill(template: str, **values) -> Markup:
    """`{name}` placeholders of an interface string (locales/*.json), as the runtime's format():
    the string and each value escaped once (a value rendered by the template already is Markup)."""
    if type(template) is not str:  # Markup, or a template's own value: not worth keeping
        return Markup(_PLACEHOLDER.sub(lambda m: escape(values[m.group(1)]) if m.group(1) in values else m.group(0),
                                       escape(template)))
    pieces = _pieces(template)
    out = [pieces[0]]
    for at in range(1, len(pieces), 2):  # a placeholder's name, then the text after it
        name = pieces[at]
        if name not in values:
            text = f"{{{name}}}"
        elif type(values[name]) is int:  # a count: nothing in it to escape
            text = str(values[name])
        else:
            text = escape(values[name])
        out += (text, pieces[at + 1])
    return Markup("".join(out))


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@functools.lru_cache(maxsize=512)
def _pieces(template: str) -> tuple[str, ...]:
    """An interface string escaped, split at its placeholders: each page fills the same few."""
    return tuple(_PLACEHOLDER.split(str(escape(template))))

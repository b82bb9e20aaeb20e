"""The command line: parse options, call one function, print the outcome."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from courseforge import __version__

# Commands import what they need when they run: `courseforge --version` stays instant.


class FormatChoice(click.Choice):
    """The standards of the exporter registry, looked up only when an option is checked or shown."""

    def __init__(self, extra: tuple[str, ...] = ()):
        super().__init__([], case_sensitive=True)
        self.extra = extra

    @property
    def choices(self):
        from courseforge.exporters import EXPORTERS

        return [*EXPORTERS, *self.extra]

    @choices.setter
    def choices(self, value) -> None:
        pass


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="courseforge")
def main() -> None:
    """Turn a folder of plain text into eLearning packages every LMS can import."""


@main.command()
@click.argument("source", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: build/ in SOURCE).")
@click.option("--format", "-f", "formats", multiple=True, type=FormatChoice(("all",)),
              default=("all",), show_default=True, help="Package standard; repeat for several.")
@click.option("--answer-key", is_flag=True,
              help="Also write answer-key.md (for reviewers) and answers.json (for QA tools) to the output folder.")
@click.option("--strict", is_flag=True, help="Fail (exit 1, nothing written) on any `courseforge check` finding or warning.")
def build(source: Path, out: Path | None, formats: tuple[str, ...], answer_key: bool, strict: bool) -> None:
    """Build the course in SOURCE (a folder with course.yml or content/course.yml)."""
    from courseforge.build import FORMATS, build as build_course
    from courseforge.errors import WarningLines
    from courseforge.video import ConsoleProgress

    chosen = FORMATS if "all" in formats else tuple(dict.fromkeys(formats))
    started = time.perf_counter()
    warnings = WarningLines()
    try:
        zips = build_course(source, out, chosen, on_warning=warnings.show, answer_key=answer_key,
                            progress=ConsoleProgress(), strict=strict)
    finally:
        warnings.close()
    for path in zips:
        click.echo(f"{path}  {path.stat().st_size / 1_000_000:.2f} MB")
    packages = sum(1 for path in zips if path.suffix == ".zip")
    click.echo(f"built {packages} package{'s' if packages != 1 else ''} in {time.perf_counter() - started:.2f} s")


@main.command()
@click.argument("source", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--sources", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of the articles the course was written from: report every 8+ words it shares with them.")
def check(source: Path, as_json: bool, sources: Path | None) -> None:
    """Review the course in SOURCE: objectives, answer cues, time, plain language, consistency,
    accessibility, originality, housekeeping. Exit 0 when clean, 1 with findings."""
    from courseforge.check import check_course
    from courseforge.errors import ContentErrors
    from courseforge.gcpause import collector_paused
    from courseforge.loader import load

    course = None
    try:
        with collector_paused():
            course = load(source)
            report = check_course(course, sources)
    except ContentErrors as problems:
        problems.outcome, problems.again = "the course was not reviewed", "check again"
        if course is not None and not problems.warnings:
            # The review's own errors (an objective naming a lesson that is not read) come without the
            # load's warnings, and a page left out (saved as `.MD`) is often what explains them.
            problems.warnings = list(course.warnings)
        if as_json:  # a tool that reads stdout gets JSON whatever happened; people read stderr
            click.echo(_problems_json(problems))
        raise
    for warning in course.warnings:  # what `build` warns about too (a page left out, a scene never reached…)
        click.echo(f"warning: {warning}", err=True)
    click.echo(report.json(course.warnings) if as_json else report.text())
    sys.exit(1 if report.findings else 0)


def _problems_json(problems) -> str:
    """A course that cannot be reviewed, in the shape of a review, plus its content errors."""
    import json

    from courseforge.errors import Location

    count = len(problems.errors)
    errors, warnings = ([{"path": str(Location(item.location.path)), "line": item.location.line,
                          "problem": item.problem, "hint": item.hint} for item in found]
                        for found in (problems.errors, problems.warnings))
    return json.dumps({"findings": [], "counts": {}, "facts": {}, "warnings": warnings, "errors": errors,
                       "summary": f"{count} problem{'s' if count != 1 else ''} found; the course was not reviewed"},
                      indent=1, ensure_ascii=False)


@main.command()
@click.argument("packages", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def validate(packages: tuple[Path, ...], as_json: bool) -> None:
    """Check SCORM 1.2/2004, cmi5 or TinCan zips, ours or anyone's; exit 1 if any is invalid."""
    from courseforge.validate import render_json, render_text, validate_package

    reports = [validate_package(package) for package in packages]
    click.echo(render_json(reports) if as_json else render_text(reports))
    sys.exit(0 if all(report.valid for report in reports) else 1)


@main.command()
@click.argument("source", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to serve on; anything but 127.0.0.1 lets other machines see the course.")
@click.option("--port", default=0, type=click.IntRange(0, 65535), help="Port (default: a free one).")
@click.option("--open/--no-open", "open_browser", default=True, help="Open the preview in a browser.")
def preview(source: Path, host: str, port: int, open_browser: bool) -> None:
    """Serve the course in SOURCE in a stand-in LMS page; rebuild and reload on every save."""
    import webbrowser

    from courseforge import clipprune
    from courseforge.preview import Preview
    from courseforge.video import ConsoleProgress

    clipprune.size_cap()  # a cap that is not a number is said before serving, not on every save's page
    server = Preview(source, host, port, lambda text, is_error: click.echo(text, err=is_error),
                     progress=ConsoleProgress).start()
    try:  # from here on Ctrl+C stops it cleanly, even at once after the line that says where it serves
        click.echo(f"preview: {server.url}  (Ctrl+C to stop)")
        if open_browser:
            webbrowser.open(server.url)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("preview stopped")
    finally:
        server.close()


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--example", type=click.Choice(["empathy"]),
              help="Copy a complete shipped course instead of the short starter.")
def new(folder: Path, example: str | None) -> None:
    """Start a course project in FOLDER (new or empty) that builds as it is."""
    import shlex

    from courseforge.scaffold import create

    files = create(folder, example)
    click.echo(f"created {len(files)} files in {folder}")
    # A line to paste into a shell: "cd my course" would fail.
    click.echo(f"next: cd {shlex.quote(str(folder))} && courseforge preview   "
               "(AUTHORING.md shows how to write lessons)")

"""cmi5: the player as one AU (or one AU per page) described by cmi5.xml (CHECKLIST §5.1).

IRIs (stable across rebuilds, derived from the course IRI, see `Course.iri`):
  course              <iri>
  the single AU       <iri>/au
  one AU per page     <iri>/au/<page id>     (course.yml `cmi5_au_per_lesson: true`)
These are the publisher ids; the LMS launches each AU with an activityId of its own (C5-L5), and the
runtime (runtime/adapters/cmi5.js) hangs lesson and question activities below that activityId.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from lxml import etree

from courseforge.model import Course, Quiz, Site
from courseforge.package import element, write_package, xml_bytes
from courseforge.validate import CMI5_NS, cmi5_problems

STANDARD = "cmi5"
# The theme scripts this standard needs, in load order: the shared xAPI core, then the adapter.
RUNTIME = ("runtime/xapi.js", "runtime/adapters/cmi5.js")
DESCRIPTOR = "cmi5.xml"
PAGE_PARAMETER = "page"  # per-page AUs launch index.html?page=<id> (a name cmi5 §8.1 leaves to the AU)


def _e(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    return element(parent, CMI5_NS, tag, text, **attrs)


def _text(parent, tag: str, text: str, language: str) -> None:
    _e(_e(parent, tag), "langstring", text, lang=language)


def _fraction(percent: int | None) -> str | None:
    """0–100 → the 0..1 decimal cmi5 wants, at most 4 decimals (C5-M2, C5-M5): 80 → "0.8"."""
    if percent is None:
        return None
    return f"{percent / 100:.4f}".rstrip("0").rstrip(".") or "0"


def graded(course: Course) -> list[Quiz]:
    return [quiz for quiz in course.quizzes if quiz.graded]


def _au(parent, course: Course, ident: str, title: str, description: str, url: str, scored: bool,
        mastery: int | None) -> None:
    # C5-M3: moveOn always explicit; scored AUs need the pass as well as completion, with or
    # without a mastery score (C5-M5: Course.pass_mark says when there is none).
    move_on = "CompletedAndPassed" if scored else "Completed"
    au = _e(parent, "au", id=ident, moveOn=move_on, masteryScore=_fraction(mastery), launchMethod="AnyWindow")
    _text(au, "title", title, course.config.language)
    _text(au, "description", description or title, course.config.language)
    _e(au, "url", url)


def _page_description(page) -> str:
    return "; ".join(getattr(page, "objectives", ())) or getattr(page, "description", "") or page.title


def structure(course: Course, launch: str = "index.html") -> bytes:
    config, iri = course.config, course.iri
    root = etree.Element(f"{{{CMI5_NS}}}courseStructure", nsmap={None: CMI5_NS})
    element = _e(root, "course", id=iri)
    _text(element, "title", course.title, config.language)
    _text(element, "description", config.description or course.title, config.language)
    if config.cmi5_au_per_lesson:
        for page in course.sequence:  # a scenario too: without an AU of its own no learner could reach it
            scored = isinstance(page, Quiz) and page.graded
            url = f"{launch}?{PAGE_PARAMETER}={quote(page.id, safe='')}"
            _au(root, course, f"{iri}/au/{page.id}", page.title, _page_description(page), url, scored,
                page.passing_score if scored else None)
    else:
        _au(root, course, f"{iri}/au", course.title, config.description, launch, bool(graded(course)),
            course.pass_mark)
    return xml_bytes(root)


def export(course: Course, site: Site, out_dir: Path) -> Path:
    data = structure(course, site.launch)
    problems = cmi5_problems(data, set(site.files))
    return write_package(site.files, DESCRIPTOR, data, problems, out_dir / f"{course.id}-{STANDARD}.zip")

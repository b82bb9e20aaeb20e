"""Course + Theme → Site: the player's pages, its static files and the course's assets."""
from __future__ import annotations

import json
from dataclasses import replace

from markupsafe import Markup

from courseforge import __version__
from courseforge.model import Course, Site
from courseforge.theme import Theme

LAUNCH = "index.html"


def course_data(course: Course, standard: str) -> dict:
    """What the browser runtime needs to know about the course (embedded as JSON)."""
    return {
        "id": course.id,
        "title": course.title,
        "version": course.config.version,
        "standard": standard,
        "masteryScore": course.config.mastery_score,
        "lessons": [{"id": lesson.id, "title": lesson.title} for lesson in course.lessons],
    }


def script_json(data: dict) -> Markup:
    # Inside <script> only "</script" or "<!--" could break out; escaping every "<" rules both out.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def shared_files(course: Course, theme: Theme) -> dict[str, bytes]:
    """Files every package of the course carries unchanged: theme statics and course assets."""
    files = theme.static_files()
    for asset in course.assets:
        files[asset.target] = asset.source.read_bytes()
    return files


def render(course: Course, theme: Theme, standard: str, shared: dict[str, bytes] | None = None) -> Site:
    files = dict(shared if shared is not None else shared_files(course, theme))
    context = {
        "course": course.config,
        "lessons": [replace(lesson, html=Markup(lesson.html)) for lesson in course.lessons],
        "standard": standard,
        "course_json": script_json(course_data(course, standard)),
        "generator": f"courseforge {__version__}",
    }
    files[LAUNCH] = theme.render(LAUNCH, context).encode("utf-8")
    return Site(files, LAUNCH)


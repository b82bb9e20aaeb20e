"""Course + Theme → Site: the player's pages, its static files and the course's assets."""
from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass, fields, replace
from urllib.parse import quote

from markupsafe import Markup

from courseforge import __version__
from courseforge.branding import brand_css
from courseforge.check.objectives import named_objectives, objective_text
from courseforge.minify import shrink
from courseforge.model import Clip, Course, Lesson, Question, Quiz, Scenario, Site
from courseforge.pageparts import LAUNCH_LIMIT, Part, Section, launch_list, split
from courseforge.quiz import SCORM_TYPES
from courseforge.sectioncache import SectionStore
from courseforge.strings import strings_for
from courseforge.theme import Theme
from courseforge.zipwriter import Keyed

LAUNCH = "index.html"
QUESTION_TEMPLATE = "question.html"
PAGE_TEMPLATE = "page.html"
SCENARIO_TEMPLATE = "scenario.html"
# The player's scripts, in the order they run: the player's parts, the standard's adapter (an
# exporter's RUNTIME), the standalone fallback last. The shipped index.html loads them as one file.
PLAYER_SCRIPTS = ("runtime/state.js", "runtime/player.js", "runtime/screens.js", "runtime/question.js",
                  "runtime/quiz.js", "runtime/assessment.js")
SCENARIO_SCRIPT = "runtime/scenario.js"
FALLBACK_SCRIPT = "runtime/adapters/standalone.js"
SCRIPT_BUNDLE = "runtime/courseforge.js"
MARKER = re.compile(r'<div data-cf-question="([^"]*)"></div>\n?')


def course_data(course: Course, standard: str, clips: dict | None = None) -> dict:
    """What the browser runtime needs to know about the course (embedded as JSON)."""
    return {
        "id": course.id,
        "title": course.title,
        "version": course.config.version,
        "standard": standard,
        "masteryScore": course.config.mastery_score,
        "lessons": [_page_entry(page) for page in course.sequence],
        "quizzes": {quiz.id: _quiz_data(quiz) for quiz in course.quizzes},
        "requireScenarios": course.config.require_scenarios,
        "scenarios": {scenario.id: _scenario_data(scenario, clips or {}) for scenario in course.scenarios},
        "questions": _questions_data(course),
        "oneQuestionPerScreen": course.config.one_question_per_screen,
    }


def _page_entry(page) -> dict:
    # "lesson", the unsaid kind: a large course's parts carry thousands of these (pageparts.py).
    entry = {"id": page.id, "title": page.title}
    if not isinstance(page, Lesson):
        entry["kind"] = _kind(page)
    elif page.questions:
        entry["checks"] = len(page.questions)  # the player numbers knowledge checks before their page loads
    return entry


def _kind(page) -> str:
    return "quiz" if isinstance(page, Quiz) else "scenario" if isinstance(page, Scenario) else "lesson"


def _scenario_data(scenario: Scenario, clips: dict) -> dict:
    scenes = {}
    for scene in scenario.scenes.values():
        clip = clips.get((scenario.id, scene.id))
        decision = scene.decision
        scenes[scene.id] = {
            "title": scene.title, "next": scene.next, "ending": scene.is_ending,
            "video": clip.video if clip else None, "duration": clip.duration if clip else 0,
            "decision": {"prompt": decision.prompt,
                         "options": [{"id": c.id, "result": c.result, "next": c.next} for c in decision.options]}
            if decision else None,
        }
    return {"title": scenario.title, "start": scenario.start, "scenes": scenes}


def _scenario_view(scenario: Scenario, number: int, clips: dict) -> dict:
    """What templates/scenario.html gets: the script plus each scene's rendered clip (or None)."""
    scenes = [{"scene": scene, "clip": _clip_view(clip), "captions_url": _captions_url(clip)}
              for scene in scenario.scenes.values() for clip in [clips.get((scenario.id, scene.id))]]
    return {"id": scenario.id, "title": scenario.title, "number": number, "description": scenario.description,
            "start": scenario.start, "characters": scenario.characters, "scenes": scenes}


def _captions_url(clip: Clip | None) -> str | None:
    """The clip's WebVTT (the packaged .vtt) as a data: URL for <track>: Chromium refuses track files
    to a page opened from file://, and a data: URL works wherever the package runs."""
    if clip is None:
        return None
    from courseforge.cliptiming import webvtt

    return "data:text/vtt;charset=utf-8," + quote(webvtt(clip.cues), safe=" ,:")


def _clip_view(clip: Clip | None) -> Clip | None:
    return replace(clip, transcript_html=Markup(clip.transcript_html)) if clip else None


def _quiz_data(quiz: Quiz) -> dict:
    return {"graded": quiz.graded, "draw": quiz.draw, "attempts": quiz.attempts,
            "passingScore": quiz.passing_score, "shuffle": quiz.shuffle, "showAnswers": quiz.show_answers,
            "questions": [q.id for q in quiz.questions]}


def _questions_data(course: Course) -> dict:
    objectives = named_objectives(course)
    return {q.id: _question_data(q, page.id, course.lessons, objectives.get(q.id))
            for page in course.pages for q in page.questions}


def _question_data(question: Question, page_id: str, lessons: list[Lesson], objectives: list[str] | None) -> dict:
    data = {"type": question.type, "scormType": SCORM_TYPES[question.type], "page": page_id,
            "graded": question.graded, "points": question.points,
            "options": [o.key for o in question.options]}
    if objectives:  # the SCORM adapters report results per objective under these ids
        data["objectives"] = objectives
    lesson = teaching_lesson(question, lessons)
    if lesson:
        data["lesson"] = lesson
    if question.type in ("single", "multiple", "true-false"):
        data["correct"] = [o.key for o in question.options if o.correct]
    elif question.type == "ordering":
        data["correct"] = [o.key for o in question.options]
    elif question.type == "matching":
        data["targets"] = [t.key for t in question.targets]
        data["correct"] = [f"{a.key}.{b.key}" for a, b in zip(question.options, question.targets)]
    elif question.type == "fill-in":
        data["answers"], data["caseSensitive"] = list(question.answers), question.case_sensitive
    return data


def teaching_lesson(question: Question, lessons: list[Lesson]) -> str | None:
    """The id of the lesson that teaches what `question` asks, from its `objective:` lines (shared
    contract 4: `<lesson-id>#N` or an objective's text; a bare N names the holding page's own
    objective, which an assessment page has none of), so a learner who misses it can go back there."""
    for value in getattr(question, "objectives", ()):
        lesson_id, mark, number = value.strip().rpartition("#")
        for lesson in lessons:
            if mark and number.isdigit() and lesson.id == lesson_id and 0 < int(number) <= len(lesson.objectives):
                return lesson.id
            if any(_same_words(value, objective) for objective in lesson.objectives):
                return lesson.id
    return None


def _same_words(a: str, b: str) -> bool:
    return objective_text(a) == objective_text(b)  # as `courseforge check` matches them


def script_json(data: dict) -> Markup:
    # Inside <script> only "</script" or "<!--" could break out; escaping every "<" rules both out.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def shared_files(course: Course, theme: Theme) -> dict[str, bytes]:
    """Files every package of the course carries unchanged: theme statics and course assets."""
    files = {path: shrink(path, data) for path, data in theme.static_files().items()}
    for asset in course.assets:
        files[asset.target] = asset.source.read_bytes()
    return files


@dataclass
class Pages:
    """Every page's section in the learner's order (a lesson's `deferrable`: it may load later; the
    player needs assessments and role-plays at start-up to restore their state). The same for every
    package of a build, so made once (build.Prepared); so are its parts, once needed."""

    sections: list[Section]
    _parts: list[Part] | None = None

    def size(self) -> int:
        return sum(section.length for section in self.sections)

    def parts(self, questions: dict[str, dict]) -> list[Part]:
        if self._parts is None:
            self._parts = split(self.sections, questions)
        return self._parts


def render_pages(course: Course, theme: Theme, clips: dict | None = None) -> Pages:
    """Each page's section; a lesson's or assessment's unchanged since the last build comes from the
    section cache (sectioncache.py)."""
    strings = strings_for(course.config.language, course.config.strings)
    common = {"course": course.config, "lessons": course.lessons, "quizzes": course.quizzes,
              "scenarios": course.scenarios, "t": strings}
    clips = clips or {}

    def render_each(pages: list) -> list[str]:
        return theme.render_each(PAGE_TEMPLATE, ({**common, "lesson": _page_view(theme, page, strings)}
                                                 for page in pages))

    store = SectionStore.for_course(course, theme, strings)

    def sections(pages: list, deferrable: bool) -> list[Section]:
        if store is None:
            return [Section(page.id, deferrable, markup) for page, markup in zip(pages, render_each(pages))]
        return store.sections(pages, deferrable, render_each)

    lessons = sections(course.lessons, True)
    scenarios = theme.render_each(SCENARIO_TEMPLATE, (
        {**common, "scenario": _scenario_view(scenario, len(course.lessons) + number, clips)}
        for number, scenario in enumerate(course.scenarios, start=1)))
    quizzes = sections(course.quizzes, False)
    if store is not None:
        store.save()
    return Pages([*lessons, *(Section(page.id, False, markup) for page, markup in zip(course.scenarios, scenarios)),
                  *quizzes])


def render(course: Course, theme: Theme, standard: str, shared: dict[str, bytes] | None = None,
           runtime: tuple[str, ...] = (), clips: dict | None = None, pages: Pages | None = None) -> Site:
    files = dict(shared if shared is not None else shared_files(course, theme))
    clips = clips or {}
    pages = pages or render_pages(course, theme, clips)
    strings = strings_for(course.config.language, course.config.strings)
    data = course_data(course, standard, clips)
    one_page_launches = standard == "cmi5" and course.config.cmi5_au_per_lesson  # each AU shows one page
    context = {
        "course": course.config, "lessons": course.lessons, "quizzes": course.quizzes,
        "scenarios": course.scenarios, "t": strings, "strings": strings, "standard": standard,
        "scripts": _scripts(course, theme, runtime, files),
        "runtime_scripts": runtime, "one_page_launches": one_page_launches,  # runtime_scripts: for a project's own index.html
        "strings_json": script_json(strings),
        "brand_css": Markup(brand_css(course.config.branding)),
        "logo": course.logo,
        "course_minutes": estimated_minutes(course, clips),
        "generator": f"courseforge {__version__}",
    }
    # Rendered whole unless its pages alone are over the limit already (a course of thousands).
    index = _index(theme, context, data, pages.sections) if pages.size() <= LAUNCH_LIMIT else None
    if index is None or len(index) > LAUNCH_LIMIT:
        parts = pages.parts(data["questions"])
        in_parts = {page_id for part in parts for page_id in part.sections}
        data["questions"] = {key: value for key, value in data["questions"].items() if value["page"] not in in_parts}
        places = {entry["id"]: (number, entry["title"]) for number, entry in enumerate(data["lessons"])}
        for question in data["questions"].values():
            if question.get("lesson") in in_parts:  # an assessment's link back to a lesson whose part is still to come
                question["lessonAt"], question["lessonTitle"] = places[question["lesson"]]
        data["lessons"] = launch_list(data["lessons"], parts, one_page_launches)
        files.update((part.path, _part_entry(part)) for part in parts)
        index = _index(theme, context, data, [section for section in pages.sections if section.page_id not in in_parts])
    files[LAUNCH] = index
    return Site(files, LAUNCH)


def _scripts(course: Course, theme: Theme, runtime: tuple[str, ...], files: dict) -> list[str]:
    """The scripts index.html loads (its `scripts`), in order. They travel joined in one file, and the
    parts are not shipped apart: one request instead of ten, inside an LMS frame often over a slow
    network, and one deflate stream is 3.6 KB smaller than ten. A project's own template written
    before may name the parts one by one: then they ship apart, as they did."""
    scripts = [*PLAYER_SCRIPTS, *([SCENARIO_SCRIPT] if course.scenarios else []), *runtime, FALLBACK_SCRIPT]
    parts = [*PLAYER_SCRIPTS, SCENARIO_SCRIPT, FALLBACK_SCRIPT]
    if theme.own_templates_name([f"{quote}{path}{quote}" for path in parts for quote in "\"'"]):  # as src="…"
        return scripts
    if not course.scenarios:
        files.pop(SCENARIO_SCRIPT, None)  # nothing under the shipped index.html loads it
    # Each part is a whole script (a function called at once): `;` keeps one's last expression from
    # being called by the next one's opening parenthesis.
    files[SCRIPT_BUNDLE] = b";\n".join(files.pop(path) for path in scripts if path in files) + b"\n"
    return [SCRIPT_BUNDLE]


def _part_entry(part: Part) -> bytes | Keyed:
    """A part by its key where it has one: a zip takes an unchanged part from the deflate cache
    without putting it together; the preview puts it together when a browser asks for it."""
    return part.script if part.key is None else Keyed(part.key, lambda: part.script)


def _index(theme: Theme, context: dict, data: dict, sections: list[Section]) -> bytes:
    page = {**context, "course_json": script_json(data), "sections": [Markup(section.markup) for section in sections]}
    return theme.render(LAUNCH, page).encode("utf-8")


def estimated_minutes(course: Course, clips: dict) -> int:
    """The whole course's time, for the cover: lessons as their authors state it, a minute per
    question an assessment draws, and each role-play's clips plus two minutes for its decisions and
    their feedback (the same rule the shipped course's welcome page explains)."""
    lessons = sum(lesson.minutes or 0 for lesson in course.lessons)
    questions = sum(quiz.draw or len(quiz.questions) for quiz in course.quizzes)
    clip_minutes = sum(clip.duration for clip in clips.values()) / 60
    return round(lessons + questions + clip_minutes + 2 * len(course.scenarios))


def _page_view(theme: Theme, page, strings: dict):
    """The page with its question markers replaced by the theme's question markup."""
    questions = {q.id: q for q in page.questions}
    body = page.html if isinstance(page, Lesson) else page.intro_html

    def question_html(match: re.Match) -> str:
        question = questions[html.unescape(match.group(1))]
        return theme.render(QUESTION_TEMPLATE, {"question": _question_view(question), "page": page, "t": strings,
                                                "graded": isinstance(page, Quiz) and page.graded})

    body = Markup(MARKER.sub(question_html, body)) if questions else Markup(body)
    return _copy(page, "html" if isinstance(page, Lesson) else "intro_html", body)


def _copy(page, name: str, value):
    """dataclasses.replace(page, name=value) for a page, without its checks: one a page at every build."""
    return type(page)(*[value if field == name else getattr(page, field) for field in _init_fields(type(page))])


@functools.cache
def _init_fields(cls) -> tuple[str, ...]:
    return tuple(field.name for field in fields(cls) if field.init)


def _question_view(question: Question) -> Question:
    safe = lambda o: replace(o, html=Markup(o.html), feedback_html=Markup(o.feedback_html))  # noqa: E731
    return replace(question, prompt_html=Markup(question.prompt_html), scenario_html=Markup(question.scenario_html),
                   explanation_html=Markup(question.explanation_html),
                   options=tuple(safe(o) for o in question.options), targets=tuple(safe(o) for o in question.targets))

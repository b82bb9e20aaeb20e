"""TinCan: the player as one launchable course activity described by tincan.xml (CHECKLIST §4.1).

Activity ids, the same ones runtime/adapters/tincan.js sends statements about:
  course          <iri>                                   type course, launch index.html (T-M2)
  lesson          <iri>/lesson/<lesson id>                type lesson
  assessment      <iri>/test/<assessment id>              type assessment
  question        <page activity id>/question/<question id>   type cmi.interaction (X6)
  scenario        <iri>/lesson/<scenario id>              type lesson; its decisions are questions
                  <iri>/lesson/<scenario id>/question/<scenario id>-<scene id>   (choice)
  video           <iri>/video/<scenario id>/<scene id>    type video (xAPI Video Profile)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from courseforge.model import Course, Question, Quiz, Scenario, Site
from courseforge.package import element, write_package, xml_bytes
from courseforge.validate import TINCAN_NS, tincan_problems

STANDARD = "tincan"
# The theme scripts this standard needs, in load order: the shared xAPI core, then the adapter;
# other standards' adapters stay out of the zip.
RUNTIME = ("runtime/xapi.js", "runtime/adapters/tincan.js")
DESCRIPTOR = "tincan.xml"
ADL = "http://adlnet.gov/expapi/activities/"
COURSE, LESSON, ASSESSMENT, INTERACTION = (ADL + t for t in ("course", "lesson", "assessment", "cmi.interaction"))
VIDEO = "https://w3id.org/xapi/video/activity-type/video"


@dataclass(frozen=True)
class Interaction:
    """An xAPI interaction definition (XAPI D§2.4.4.1): what runtime/xapi.js sends with `answered`."""

    type: str
    patterns: tuple[str, ...]  # correctResponsesPattern: alternatives, `[,]` and `[.]` inside
    components: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # ("choices", ((key, text), ...)), ...


def page_iri(course: Course, page) -> str:
    return f"{course.iri}/{'test' if isinstance(page, Quiz) else 'lesson'}/{page.id}"


def interaction(question: Question) -> Interaction:
    # Descriptions are what the learner sees (rendered: curly quotes, no Markdown marks), as the runtime sends.
    options = tuple((o.key, plain(o.html)) for o in question.options)
    kind = question.type
    if kind == "true-false":
        [right] = [o.text.lower() for o in question.options if o.correct]
        return Interaction("true-false", (right,), ())
    if kind in ("single", "multiple"):
        return Interaction("choice", ("[,]".join(o.key for o in question.options if o.correct),),
                           (("choices", options),))
    if kind == "ordering":
        return Interaction("sequencing", ("[,]".join(key for key, _ in options),), (("choices", options),))
    if kind == "matching":
        pairs = "[,]".join(f"{a.key}[.]{b.key}" for a, b in zip(question.options, question.targets))
        targets = tuple((o.key, plain(o.html)) for o in question.targets)
        return Interaction("matching", (pairs,), (("source", options), ("target", targets)))
    if kind == "fill-in":
        case = "{case_matters=true}" if question.case_sensitive else ""
        return Interaction("fill-in", tuple(case + answer for answer in question.answers), ())
    if kind == "likert":
        return Interaction("likert", (), (("scale", options),))
    return Interaction("long-fill-in", (), ())  # reflection: free text, nothing is right or wrong


def plain(html: str) -> str:
    import lxml.html  # here: every build imports this module, and only a TinCan package needs lxml's HTML parser

    if not html.strip():
        return ""
    text = lxml.html.fragment_fromstring(html, create_parent="div").text_content()
    return re.sub(r"\s+", " ", text).strip()


def _e(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    return element(parent, TINCAN_NS, tag, text, **attrs)


def _activity(parent, ident: str, kind: str, name: str, description: str, language: str) -> etree._Element:
    activity = _e(parent, "activity", id=ident, type=kind)
    _e(activity, "name", name, lang=language)
    _e(activity, "description", description or name, lang=language)
    return activity


def _question(parent, course: Course, page, question: Question) -> None:
    language = course.config.language
    prompt = plain(question.prompt_html) or question.id
    activity = _activity(parent, f"{page_iri(course, page)}/question/{question.id}", INTERACTION, prompt,
                         plain(question.scenario_html) or prompt, language)
    definition = interaction(question)
    _e(activity, "interactionType", definition.type)
    if definition.patterns:
        patterns = _e(activity, "correctResponsePatterns")
        for pattern in definition.patterns:
            _e(patterns, "correctResponsePattern", pattern)
    for kind, items in definition.components:
        holder = _e(activity, kind)
        for key, text in items:
            component = _e(holder, "component")
            _e(component, "id", key)
            _e(component, "description", text or key, lang=language)


def descriptor(course: Course, launch: str = "index.html") -> bytes:
    language = course.config.language
    root = etree.Element(f"{{{TINCAN_NS}}}tincan", nsmap={None: TINCAN_NS})
    activities = _e(root, "activities")
    top = _activity(activities, course.iri, COURSE, course.title, course.config.description, language)
    _e(top, "launch", launch, lang=language)
    for page in course.pages:
        kind = ASSESSMENT if isinstance(page, Quiz) else LESSON
        description = "; ".join(getattr(page, "objectives", ()))
        _activity(activities, page_iri(course, page), kind, page.title, description, language)
        for question in page.questions:
            _question(activities, course, page, question)
    for scenario in course.scenarios:
        _scenario(activities, course, scenario)
    return xml_bytes(root)


def _scenario(parent, course: Course, scenario: Scenario) -> None:
    language, page = course.config.language, f"{course.iri}/lesson/{scenario.id}"
    _activity(parent, page, LESSON, scenario.title, scenario.description, language)
    for scene in scenario.scenes.values():
        _activity(parent, f"{course.iri}/video/{scenario.id}/{scene.id}", VIDEO,
                  f"{scenario.title}: {scene.title}", scene.title, language)
        if scene.decision is None:
            continue
        activity = _activity(parent, f"{page}/question/{scenario.id}-{scene.id}", INTERACTION,
                             scene.decision.prompt, scene.title, language)
        _e(activity, "interactionType", "choice")
        # Any one of the correct options is right: one pattern each, not "all of them".
        patterns = _e(activity, "correctResponsePatterns")
        for choice in (c for c in scene.decision.options if c.result == "correct"):
            _e(patterns, "correctResponsePattern", choice.id)
        choices = _e(activity, "choices")
        for choice in scene.decision.options:
            component = _e(choices, "component")
            _e(component, "id", choice.id)
            _e(component, "description", choice.say, lang=language)


def export(course: Course, site: Site, out_dir: Path) -> Path:
    data = descriptor(course, site.launch)
    problems = tincan_problems(data, set(site.files))
    return write_package(site.files, DESCRIPTOR, data, problems, out_dir / f"{course.id}-{STANDARD}.zip")

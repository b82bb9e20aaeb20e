"""Housekeeping: files nothing uses, questions asked twice, empty callouts, HTML that shows as text
(in pages and scenario scripts), and scenario options of different results that play the same
consequence."""
from __future__ import annotations

import html
import re
from pathlib import Path

from courseforge.check.findings import Finding, finding
from courseforge.check.review import Review
from courseforge.coursefolder import walk_files
from courseforge.scenario import shown_scalars
from courseforge.textmarks import scalar_raw_html
from courseforge.yamltext import YamlSyntaxError, compose

# Files a lesson would link to; course sources (.md, .yml) and build output (.zip) are not among them.
ASSET_TYPES = frozenset(".png .jpg .jpeg .gif .svg .webp .avif .mp3 .mp4 .webm .ogg .wav .vtt .pdf .docx .xlsx "
                        ".pptx .odt .csv .txt".split())
NOT_COURSE = frozenset({"build", "themes", "node_modules", "dist"})
TAG = re.compile(r"<[^>]+>")


def unused_files(review: Review) -> list[Finding]:
    root = review.course.root
    used = {asset.source.resolve() for asset in review.course.assets}
    found = []
    for path in _asset_files(root):
        if path.resolve() not in used:
            found.append(finding("unused-file", path, None, "no page links to this file, so no package carries it",
                                 "link it from a lesson, or delete it"))
    return found


def _asset_files(root: Path) -> list[Path]:
    # Not in caches or output; thousands of lessons: their names are sorted out as text, never made into paths.
    course_folder = lambda name: not name.startswith(".") and name not in NOT_COURSE  # noqa: E731
    return [Path(entry.path) for entry in walk_files(root, course_folder)
            if not entry.name.startswith(".") and _type(entry.name) in ASSET_TYPES]


def _type(name: str) -> str:
    """os.path.splitext(name)[1].lower() of a name that starts with no dot, without its Python-level
    search for leading dots (5 000 lesson names a review)."""
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _stem(question) -> str:
    text = question.scenario_html + " " + question.prompt_html  # one stem after two situations asks two things
    return " ".join(html.unescape(TAG.sub(" ", text)).lower().split())


def duplicate_stems(review: Review) -> list[Finding]:
    seen, found = {}, []
    for page in review.course.pages:
        for question in page.questions:
            stem = _stem(question)
            first = seen.setdefault(stem, question)
            if first is not question:
                found.append(finding("duplicate-stem", question.source, question.line,
                                     f'"{question.id}" asks the same question as "{first.id}" '
                                     f"({first.source.name}:{first.line})",
                                     "remove one, or make them ask different things"))
    return found


def empty_callouts(review: Review, page) -> list[Finding]:
    return [finding("empty-callout", page.source, line, f"the ::: {kind} callout is empty",
                    "write its text between the `::: " + kind + "` line and `:::`, or remove it")
            for line, kind, empty in review.page(page).callouts if empty]


def raw_html(review: Review, page) -> list[Finding]:
    """Raw HTML is escaped (README, "Raw HTML and files"): a pasted <br> or embed code shows to the
    learner as its tags. Said once a line, at the first tag. The tags were found when the page was read
    (textmarks.raw_html_lines), and are kept with its marks: the page's words are not read here."""
    return [_raw_html(page.source, line, shown, MARKDOWN_INSTEAD) for line, shown in review.page_marks(page).raw_html]


def raw_html_in_scenarios(review: Review) -> list[Finding]:
    """A script's texts are plain too: the scenario's page, transcript and captions escape a tag, and a
    clip draws one of a title, a name or a line into its frames (and speaks a line's: espeak-ng says
    "b … slash b"). Said as in a page, at the line of the script holding the tag (textmarks.scalar_raw_html),
    where a `# check: ignore raw-html` comment switches it off; the script is read again only when it
    holds a "<" or an escape."""
    found = []
    for scenario in review.course.scenarios:
        lines = review.lines(scenario.source)  # read for its `check: ignore` comments already
        text = "\n".join(lines)
        # Most scripts hold no "<", nor a quoted text's escape that makes one ("\x3C").
        if "<" not in text and "\\" not in text:
            continue
        try:
            root = compose(text)
        except YamlSyntaxError:  # changed since it was loaded: the next build says what is wrong with it
            continue
        found += [_raw_html(scenario.source, line, shown, PLAIN_INSTEAD)
                  for line, shown in scalar_raw_html(shown_scalars(root), lines)]
    return found


MARKDOWN_INSTEAD = ("write it in Markdown (a blank line between paragraphs, **bold**, [text](address) for a link, "
                    "an image file for a picture), or remove it")
PLAIN_INSTEAD = "write the words without it: a scenario's text is plain, neither HTML nor Markdown"


def _raw_html(path: Path, line: int, shown: str, hint: str) -> Finding:
    return finding("raw-html", path, line, f"HTML shows to the learner as text: {shown}", hint)


def shared_consequences(review: Review) -> list[Finding]:
    found = []
    for scenario in review.course.scenarios:
        leads: dict[str, list] = {}
        for scene in scenario.scenes.values():
            for choice in scene.decision.options if scene.decision else ():
                if choice.next is not None:
                    leads.setdefault(choice.next, []).append((scene, choice))
        for target, options in leads.items():
            if len({choice.result for _, choice in options}) > 1:
                scene = options[0][0]
                listed = ", ".join(f'{s.id} option {c.id} ({c.result})' for s, c in options)
                found.append(finding("shared-consequence", scenario.source, scene.line,
                                     f'options of different results lead to the same scene "{target}": {listed}',
                                     "give each result its own consequence scene, so a neutral choice "
                                     "never plays a wrong choice's outcome"))
    return found


RULES = {"unused-file": unused_files, "duplicate-stem": duplicate_stems, "shared-consequence": shared_consequences,
         "raw-html": raw_html_in_scenarios}
PAGE_RULES = {"empty-callout": empty_callouts, "raw-html": raw_html}

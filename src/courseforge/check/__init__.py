"""`courseforge check`: the review an instructional designer's course gets before it ships.

    report = check_course(load(source), sources=None)   # ContentErrors: bad `objective:` refs, unknown ignores
    print(report.text())                                 # or report.json()

Each rule is a small function (one module per family, ids in catalogue.py) returning Findings. A
per-page rule, `run(review, page)`, finds what is wrong with one lesson or assessment page from that
page alone; its findings are kept between builds (kept.py), so a rebuild reviews only the pages that
changed and never decodes the others' text. A course-wide rule, `run(review)`, looks across pages (and
at scenarios and files), reading of each page only its front matter, measures and marks. Rules
listed under `check: ignore` in course.yml are not run, and a `check: ignore rule-id` comment on a
finding's line or the line before drops that finding. The report is the same whatever was kept.
"""
from __future__ import annotations

from pathlib import Path

from courseforge.check import access, consistency, cues, housekeeping, ignores, objectives, originality, plain, timing
from courseforge.check.catalogue import FAMILY_OF, RULE_IDS
from courseforge.check.findings import Finding, Report
from courseforge.check.kept import KeptFindings
from courseforge.check.review import Review
from courseforge.errors import ContentErrors
from courseforge.model import Course

FAMILIES = (objectives, cues, timing, plain, consistency, access, originality, housekeeping)
PAGE_RULES = {rule: run for family in FAMILIES for rule, run in family.PAGE_RULES.items()}
COURSE_RULES = {rule: run for family in FAMILIES for rule, run in family.RULES.items()}
ORDER = {rule: index for index, rule in enumerate(RULE_IDS)}  # a report lists findings rule by rule


def check_course(course: Course, sources: Path | None = None) -> Report:
    review = Review(course, sources)
    misnamed = ignores.unknown_rules(review)
    try:
        review.resolved = objectives.resolve(review)
    except ContentErrors as missed:
        raise ContentErrors(misnamed + missed.errors) from None
    if misnamed:
        raise ContentErrors(misnamed)
    switched_off = set(course.config.check.ignore)
    page_rules = {rule: run for rule, run in PAGE_RULES.items() if not _off(rule, switched_off)}
    kept = KeptFindings(course, _context(review, page_rules))
    findings: list[Finding] = []
    for page in course.pages:
        found = kept.get(page)
        if found is None:
            found = _review_page(review, page, page_rules)
            kept.add(page, found)
        findings += found
    kept.save()
    for rule, run in COURSE_RULES.items():
        if not _off(rule, switched_off):
            findings += [f for f in run(review) if not _ignored_here(review, f)]
    review.facts["reading_wpm"] = course.config.check.reading_wpm
    timing.course_facts(review)
    findings.sort(key=lambda f: (ORDER[f.rule], str(f.location.path), f.location.line or 0))
    return Report(findings, review.facts)


def _review_page(review: Review, page, rules: dict) -> list[Finding]:
    found = [f for run in rules.values() for f in run(review, page)]
    if review.page_marks(page).ignores:  # most pages switch nothing off
        found = [f for f in found if not _ignored_here(review, f)]
    return found


def _off(rule: str, switched_off: set[str]) -> bool:
    return not switched_off.isdisjoint((rule, FAMILY_OF[rule], "all"))


def _context(review: Review, page_rules: dict) -> str:
    """All the per-page rules read besides the page: the `check:` settings, and the glossary's terms."""
    glossary = consistency.glossary_context(review) if "glossary-variant" in page_rules else ""
    return f"{review.settings!r}\0{glossary}"


def _ignored_here(review: Review, found: Finding) -> bool:
    named = review.ignored_at(found.location.path, found.location.line)
    return bool(named) and not named.isdisjoint((found.rule, FAMILY_OF[found.rule], "all"))

"""`courseforge check`: the review an instructional designer's course gets before it ships.

    report = check_course(load(source), sources=None)   # raises ContentErrors for bad `objective:` refs
    print(report.text())                                 # or report.json()

Each rule is a small function of the loaded course (one module per family, ids in catalogue.py)
returning Findings; rules listed under `check: ignore` in course.yml are not run, and a
`check: ignore rule-id` comment on a finding's line or the line before drops that finding.
"""
from __future__ import annotations

from pathlib import Path

from courseforge.check import access, consistency, cues, housekeeping, objectives, originality, plain, timing
from courseforge.check.catalogue import FAMILY_OF
from courseforge.check.findings import Finding, Report
from courseforge.check.review import Review
from courseforge.model import Course

RULES = {**objectives.RULES, **cues.RULES, **timing.RULES, **plain.RULES, **consistency.RULES,
         **access.RULES, **originality.RULES, **housekeeping.RULES}


def check_course(course: Course, sources: Path | None = None) -> Report:
    review = Review(course, sources)
    review.resolved = objectives.resolve(review)
    switched_off = set(course.config.check.ignore)
    findings: list[Finding] = []
    for rule, run in RULES.items():
        if rule in switched_off or FAMILY_OF[rule] in switched_off:
            continue
        findings += [f for f in run(review) if not _ignored_here(review, f)]
    review.facts["reading_wpm"] = course.config.check.reading_wpm
    timing.course_facts(review)
    order = {rule: index for index, rule in enumerate(RULES)}
    findings.sort(key=lambda f: (order[f.rule], str(f.location.path), f.location.line or 0))
    return Report(findings, review.facts)


def _ignored_here(review: Review, found: Finding) -> bool:
    named = review.ignored_at(found.location.path, found.location.line)
    return bool(named & {found.rule, FAMILY_OF[found.rule], "all"})

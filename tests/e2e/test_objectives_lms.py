"""Objective-level results under scorm-again, SCORM 1.2 and 2004: an assessment whose two questions
assess two lesson objectives, one answered right and one wrong; cmi.objectives as the LMS stored and
committed them over HTTP (2004: under the manifest's ids, the interactions naming them too); then the
next session resumes the attempt, the learner retakes it, and the same records are updated in place.
CHECKLIST S04-D table, S04-I3, S12-D4, S12-R3."""
from __future__ import annotations

import pytest
from lxml import etree

from .e2e_support import READY, Package, Server, begin, calls, lesson_ids, unzip, wait_for_commits
from .test_quiz_scorm12 import go_to, submit

ASSESSMENT = """---
id: final
title: Final
attempts: 3
passing_score: 80
---

Two questions.

::: question first-q single
First?
objective: part-1#1
- [x] Right one
- [ ] Wrong one
:::

::: question second-q single
Second?
objective: part-2#1
- [x] Right two
- [ ] Wrong two
:::
"""
EDITIONS = {
    "scorm12": {"query": "", "ids": ("part-1_1", "part-2_1"), "status": "status",
                "preload": None},
    "scorm2004": {"query": "?edition=2004", "ids": ("part-1#1", "part-2#1"), "status": "success_status",
                  "preload": {"learner_id": "learner-1", "learner_name": "Learner, Test", "mode": "normal",
                              "credit": "credit", "scaled_passing_score": "0.8"}},
}


def served(make_course, tmp_path, server, standard: str, assessment: str = ASSESSMENT) -> Package:
    from courseforge.build import build

    folder = make_course({"assessments/01-final.md": assessment}, lessons=2)
    [zip_path] = [p for p in build(folder, tmp_path / "out", [standard]) if p.suffix == ".zip"]
    unzipped = unzip(zip_path, tmp_path / "unzipped")
    prefix = server.mount(f"objectives-{standard}-{tmp_path.name}", unzipped)
    return Package(zip_path, unzipped, prefix + "index.html", lesson_ids(unzipped))


@pytest.fixture(params=list(EDITIONS))
def edition(request, make_course, tmp_path, server):
    return request.param, served(make_course, tmp_path, server, request.param)


def start(context, server, package: Package, standard: str, preload: dict | None):
    page = context.new_page()
    page.goto(server.origin + "/lms/lms.html" + EDITIONS[standard]["query"])
    page.evaluate("options => cfLMS.launch(options)", {"sco": package.url, "mode": "iframe", "preload": preload})
    sco = page.wait_for_selector("#sco").content_frame()
    sco.wait_for_function(READY)
    assert sco.evaluate("Courseforge.player.adapter.name") == standard
    begin(sco)
    return page, sco


def take(sco, right: tuple[bool, bool]) -> str:
    """Answer the two questions (right or wrong each) and submit."""
    for qid, is_right in zip(("first-q", "second-q"), right):
        sco.check(f"#q-{qid}-{0 if is_right else 1}")
    return submit(sco, "final")


def objectives(cmi: dict) -> list[dict]:
    """cmi.objectives in index order, as scorm-again holds them ({"0": {...}}) or posts them (a list in 2004)."""
    found = cmi["objectives"]
    return found if isinstance(found, list) else [found[k] for k in sorted((k for k in found if k.isdigit()), key=int)]


def summary(record: dict, standard: str) -> tuple:
    score = record["score"]
    return (record["id"], score["raw"], score["min"], score["max"], record[EDITIONS[standard]["status"]],
            *((score["scaled"], record["completion_status"]) if standard == "scorm2004" else ()))


def expected(standard: str, ident: str, raw: int) -> tuple:
    status = "passed" if raw >= 80 else "failed"
    return (ident, str(raw), "0", "100", status,
            *((f"{raw / 100:g}", "completed") if standard == "scorm2004" else ()))


def committed(page, before: int) -> dict:
    """The cmi of the last body scorm-again POSTed since `before` (the Terminate beacon is async)."""
    # a loaded CI machine; a test that passes waits only as long as it must
    posted = wait_for_commits(page, lambda commits: len(commits) > before, 20)
    assert len(posted) > before, "nothing reached /lms/commit"
    return posted[-1]["cmi"]


def leave(page) -> None:
    page.evaluate("cfLMS.unload()")
    page.wait_for_function("cfLMS.calls.some(c => /^(LMSFinish|Terminate)$/.test(c.fn))")


def test_objective_results_reach_the_lms_and_a_retake_updates_them(lms_context, server, edition):
    standard, package = edition
    one, two = EDITIONS[standard]["ids"]
    context, watch = lms_context
    if standard == "scorm2004":
        manifest = etree.parse(str(package.folder / "imsmanifest.xml"))
        declared = manifest.xpath("//*[local-name()='objective']/@objectiveID")
        assert [one, two] == declared, "the records are the manifest's objectives"

    page, sco = start(context, server, package, standard, EDITIONS[standard]["preload"])
    go_to(sco, "final")
    before = len(Server.commits)
    assert "Your score is 50%" in take(sco, (True, False))
    cmi = page.evaluate("cfLMS.cmi()")
    assert [summary(r, standard) for r in objectives(cmi)] == [expected(standard, one, 100),
                                                              expected(standard, two, 0)]
    posted = committed(page, before)
    assert [summary(r, standard) for r in objectives(posted)] == [expected(standard, one, 100),
                                                                  expected(standard, two, 0)]
    if standard == "scorm2004":
        named = [(c["args"][0], c["args"][1]) for c in calls(page)
                 if c["fn"] == "SetValue" and ".objectives." in c["args"][0] and c["args"][0].startswith("cmi.inter")]
        assert sorted(value for _, value in named) == [one, two], "each interaction names its objective"
    errors = [c for c in calls(page) if c["error"] != "0" and c["fn"] not in ("GetValue", "LMSGetValue")]
    assert not errors, errors
    leave(page)
    saved = page.evaluate("lms => cfLMS.nextLaunch(lms)", EDITIONS[standard]["preload"])
    assert [r["id"] for r in saved["objectives"]] == [one, two], "the LMS keeps the records for the next session"
    page.close()

    # The next session resumes the attempt; the learner retakes the assessment and gets both right.
    page, sco = start(context, server, package, standard, saved)
    go_to(sco, "final")
    sco.click("#lesson-final .quiz-retry")
    before = len(Server.commits)
    assert "Your score is 100%" in take(sco, (True, True))
    written = [c["args"][0] for c in calls(page) if c["fn"] in ("SetValue", "LMSSetValue")
               and c["args"][0].startswith("cmi.objectives.")]
    assert written and not [name for name in written if name.endswith(".id")], "found by id, never added again"
    leave(page)
    posted = committed(page, before)
    assert [summary(r, standard) for r in objectives(posted)] == [expected(standard, one, 100),
                                                                  expected(standard, two, 100)]
    assert [summary(r, standard) for r in objectives(page.evaluate("cfLMS.cmi()"))] == [
        expected(standard, one, 100), expected(standard, two, 100)]
    watch.assert_clean()


def test_scorm2004_records_the_lms_made_from_the_manifest_are_used(lms_context, server, make_course, tmp_path):
    """RTE04 4.2.17: an LMS may make cmi.objectives from the manifest before launch, in its own order;
    the results go into those records, found by id, and nothing is added."""
    standard = "scorm2004"
    package = served(make_course, tmp_path, server, standard)
    context, watch = lms_context
    one, two = EDITIONS[standard]["ids"]
    preload = {**EDITIONS[standard]["preload"], "objectives": [{"id": two}, {"id": one}]}
    page, sco = start(context, server, package, standard, preload)
    go_to(sco, "final")
    take(sco, (False, True))
    leave(page)
    assert [summary(r, standard) for r in objectives(page.evaluate("cfLMS.cmi()"))] == [
        expected(standard, two, 100), expected(standard, one, 0)]
    assert not [c for c in calls(page) if c["fn"] == "SetValue" and c["args"][0].endswith(".id")
                and c["args"][0].startswith("cmi.objectives.")]
    watch.assert_clean()


def test_a_draw_reports_only_the_objectives_of_the_questions_drawn(lms_context, server, make_course, tmp_path):
    """`draw: 1` of two questions on two objectives: the one not drawn is no part of the attempt."""
    drawn = ASSESSMENT.replace("attempts: 3\n", "attempts: 3\ndraw: 1\n")
    package = served(make_course, tmp_path, server, "scorm12", drawn)
    context, watch = lms_context
    page, sco = start(context, server, package, "scorm12", None)
    go_to(sco, "final")
    [shown] = sco.evaluate("[...document.querySelectorAll('#lesson-final fieldset.question:not([hidden])')]"
                           ".map(f => f.dataset.questionId)")
    sco.check(f"#q-{shown}-0")
    assert "Your score is 100%" in submit(sco, "final")
    ident = {"first-q": "part-1_1", "second-q": "part-2_1"}[shown]
    assert [summary(r, "scorm12") for r in objectives(page.evaluate("cfLMS.cmi()"))] == [
        expected("scorm12", ident, 100)]
    leave(page)
    watch.assert_clean()

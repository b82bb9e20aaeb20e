"""Learners in turn on one shared browser (a kiosk, a family laptop), each launched by a SCORM LMS
(scorm-again, 1.2 and 2004): what the browser keeps for a launch, quiz.js's backup of graded texts that
do not fit the LMS's limit, is the launch's learner's (Courseforge.room from cmi.core.student_id or
cmi.learner_id, player.js). Another learner's launch never shows it, never overwrites or removes it; the
learner's own next launch gets it back. So with the standalone adapter's progress in a frame reloaded
after the session ended, which the LMS no longer tells the learner: the tab kept its launch's room.
Node, no browser: tests/test_runtime_keys.py."""
from __future__ import annotations

import pytest

from .e2e_support import READY, Package, begin, calls, launch, lesson_ids, unzip

COURSE = {
    "course.yml": 'title: Shared browser\nidentifier: shared-browser\nversion: "1.0.0"\nlanguage: en\n'
                  "description: Learners in turn on one browser.\nmastery_score: 80\n",
    "lessons/01-part-1.md": "---\nid: part-1\ntitle: Part 1\n---\n\n## Section 1\n\nText of part 1.\n",
    "assessments/01-final.md": "---\nid: final\ntitle: Final check\n---\n\n::: question q-step fill-in\n"
                               "The first step is to ____.\n= listen\n:::\n",
}
# The package of each SCORM edition: the edition lms.html runs, the call that ends the session.
EDITIONS = {"scorm12": ("1.2", "LMSFinish"), "scorm2004": ("2004", "Terminate")}
STARTS = {"scorm12": "LMSInitialize", "scorm2004": "Initialize"}
TEXTS = {"learner-a": "listen to them first " * 8, "learner-b": "ask what they need " * 8}


@pytest.fixture(scope="module")
def packages(tmp_path_factory, server) -> dict[str, Package]:
    from courseforge.build import build

    root = tmp_path_factory.mktemp("shared-browser")
    for name, text in COURSE.items():
        (root / "src" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "src" / name).write_text(text, encoding="utf-8")
    found = {}
    for zip_path in build(root / "src", root / "out", list(EDITIONS)):
        standard = zip_path.stem.rsplit("-", 1)[1]
        folder = unzip(zip_path, root / standard)
        found[standard] = Package(zip_path, folder, server.mount(f"shared-{standard}", folder) + "index.html",
                                  lesson_ids(folder))
    return found


def learner(edition: str, name: str) -> dict:
    """What the LMS preloads for a first launch of learner `name`."""
    if edition == "1.2":
        return {"core": {"student_id": name, "student_name": f"Learner, {name}", "lesson_mode": "normal",
                         "credit": "credit"}}
    # With the manifest's minNormalizedMeasure (mastery_score 80), as an LMS preloads it.
    return {"learner_id": name, "learner_name": f"Learner, {name}", "mode": "normal", "credit": "credit",
            "scaled_passing_score": "0.8"}


def session(context, server, packages, standard: str, preload: dict):
    """The LMS page and the SCO launched from it, past the cover (Start, or Continue where the learner was)."""
    page = context.new_page()
    page.goto(f"{server.origin}/lms/lms.html?edition={EDITIONS[standard][0]}")
    sco = launch(page, packages[standard], preload=preload)
    assert sco.evaluate("Courseforge.player.adapter.name") == standard
    # Both learners draw the same seed for the assessment's attempt: a backup is offered to an attempt
    # of the same number and seed (quiz.js restore), which between two learners is a 1 in 2^31 chance
    # made certain here, so that only the key keeps one learner's text from the other.
    sco.evaluate("Math.random = () => 0.5")
    return page, sco


def to_final(sco) -> None:
    sco.click('a[href="#lesson-final"]')
    sco.wait_for_function("() => !document.getElementById('lesson-final').hidden")


def type_over_the_limit(sco, text: str) -> None:
    """The learner's text does not fit the LMS's limit (made small here): the state saved leaves it out
    (state.js fit), and quiz.js keeps it in this browser instead."""
    sco.evaluate("Courseforge.player.adapter.maxDataLength = 60")
    sco.fill("#lesson-final input[type=text]", text)
    sco.press("#lesson-final input[type=text]", "Tab")  # the change saves at once
    sco.wait_for_selector("#cf-notice", state="visible")


def leave(page, finish: str, preload: dict) -> dict:
    """The learner leaves (pagehide), the session ends (`finish`) with no API call having failed; what the
    LMS preloads at their next launch."""
    page.evaluate("cfLMS.unload()")
    page.wait_for_function("fn => cfLMS.calls.some(c => c.fn === fn)", arg=finish)
    bad = [c for c in calls(page) if not any(w in c["fn"] for w in ("Error", "Diagnostic")) and c["error"] != "0"]
    assert not bad, f"API calls that set an error code: {bad}"
    saved = page.evaluate("preload => cfLMS.nextLaunch(preload)", preload)
    page.close()
    return saved


def typed(sco) -> str:
    return sco.input_value("#lesson-final input[type=text]")


def backups(sco) -> list[str]:
    return sco.evaluate("Object.keys(localStorage).filter(k => k.startsWith('courseforge-backup:')).sort()")


@pytest.mark.parametrize("standard", list(EDITIONS))
def test_learners_in_turn_each_get_their_own_kept_texts_back(lms_context, server, packages, standard):
    """B starts the assessment; A types a text over the limit and leaves; B, resumed at the same attempt
    (same seed), finds none of A's text and types their own; A, resumed, finds their own, and B theirs."""
    context, watch = lms_context
    edition, finish = EDITIONS[standard]
    first = {name: learner(edition, name) for name in TEXTS}

    page, sco = session(context, server, packages, standard, first["learner-b"])
    to_final(sco)
    saved_b = leave(page, finish, first["learner-b"])

    page, sco = session(context, server, packages, standard, first["learner-a"])
    to_final(sco)
    type_over_the_limit(sco, TEXTS["learner-a"])
    key = sco.evaluate("Courseforge.player.quiz.key()")
    assert key.endswith(" learner-a") and backups(sco) == [key]
    saved_a = leave(page, finish, first["learner-a"])

    page, sco = session(context, server, packages, standard, saved_b)
    assert sco.evaluate("document.querySelector('section.lesson:not([hidden])').dataset.lessonId") == "final"
    assert typed(sco) == "", "another learner's text shows"
    type_over_the_limit(sco, TEXTS["learner-b"])
    assert [k.rsplit(" ", 1)[1] for k in backups(sco)] == ["learner-a", "learner-b"]
    saved_b = leave(page, finish, first["learner-b"])

    # Each learner's next launch: their own text, back where they left it.
    for name, saved in (("learner-a", saved_a), ("learner-b", saved_b)):
        page, sco = session(context, server, packages, standard, saved)
        assert typed(sco) == TEXTS[name], f"{name}'s own text is not back"
        leave(page, finish, first[name])
    watch.assert_clean()


def reloaded(page, sco, standard: str):
    """The SCO's frame reloads: pagehide ended the session, and the LMS refuses to start it again (nor
    answers the learner id any more). The course carries on with the standalone adapter."""
    start = STARTS[standard]
    sco.evaluate("location.reload()")
    page.wait_for_function("fn => cfLMS.calls.filter(c => c.fn === fn).length === 2", arg=start)
    assert page.evaluate("fn => cfLMS.calls.filter(c => c.fn === fn).pop().result", start) == "false"
    sco = page.wait_for_selector("#sco").content_frame()
    sco.wait_for_function(READY)
    assert sco.evaluate("Courseforge.player.adapter.name") == "standalone"
    return sco


def kept_keys(sco) -> list[str]:
    return sco.evaluate("[Courseforge.player.adapter.key, Courseforge.player.quiz.key()]")


@pytest.mark.parametrize("standard", list(EDITIONS))
def test_a_frame_reloaded_after_the_session_ended_keeps_the_launch_s_room(lms_context, server, packages, standard):
    """A's frame reloads after LMSFinish (Terminate): what A does next is kept in A's room, the one the
    tab kept of A's launch, never under the course's own keys; B's reload on the same browser finds none
    of it, and A's next reload finds it again."""
    context, watch = lms_context
    edition, finish = EDITIONS[standard]
    course = "shared-browser@1.0.0"

    page, sco = session(context, server, packages, standard, learner(edition, "learner-a"))
    sco = reloaded(page, sco, standard)
    assert kept_keys(sco) == [f"courseforge:{course} learner-a", f"courseforge-backup:{course} learner-a"]
    begin(sco)
    sco.click("#cf-next")
    sco.wait_for_function("() => Courseforge.player.state.viewed.length === 2")
    page.close()

    page, sco = session(context, server, packages, standard, learner(edition, "learner-b"))  # another tab
    sco = reloaded(page, sco, standard)
    assert kept_keys(sco) == [f"courseforge:{course} learner-b", f"courseforge-backup:{course} learner-b"]
    assert sco.evaluate("Courseforge.player.state.viewed") == [], "another learner's progress shows"
    stored = sco.evaluate("prefix => Object.keys(localStorage).filter(k => k.startsWith(prefix)).sort()",
                          f"courseforge:{course}")
    assert stored == [f"courseforge:{course} learner-a"], "a record under the course's own key"
    page.close()

    page, sco = session(context, server, packages, standard, learner(edition, "learner-a"))
    sco = reloaded(page, sco, standard)
    assert sco.evaluate("Courseforge.player.state.viewed") == [0, 1], "A's own progress is not back"
    page.close()
    watch.assert_clean()

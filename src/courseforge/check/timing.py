"""Time: a lesson's `minutes` against an estimate from its words, its questions and its clips.

Words are read at `check: reading_wpm` (default 200 words a minute), each question adds
`question_seconds` (default 30) for answering, and scenario clips last what the video code's own
timeline gives them (each line at its voice's speed, plus the title card and pauses) — computed,
never rendered.
"""
from __future__ import annotations

from courseforge.check.findings import Finding, finding
from courseforge.check.review import Review
from courseforge.model import Lesson, Scenario
from courseforge.speech import reading_seconds


def page_minutes(review: Review, page) -> float:
    count = review.page(page).stats.reading_words
    return count / review.settings.reading_wpm + len(page.questions) * review.settings.question_seconds / 60


def clip_seconds(scenario: Scenario) -> float:
    """Every scene of the scenario, as long as its rendered clip will be."""
    from courseforge.cliptiming import VideoSettings, plan_timeline  # a course's scenarios' alone: 1 ms of every build

    settings = VideoSettings()
    total = 0.0
    for scene in scenario.scenes.values():
        speeds = [scenario.characters[turn.speaker].voice.speed for turn in scene.turns]
        segments = plan_timeline([reading_seconds(t.text, wpm) for t, wpm in zip(scene.turns, speeds)], settings)
        total += (segments[-1].first + segments[-1].frames) / settings.fps
    return total


def time_claim(review: Review, page) -> list[Finding]:
    if not isinstance(page, Lesson):
        return []
    tolerance = review.settings.time_tolerance / 100
    estimate = page_minutes(review, page)
    claimed = page.minutes
    if claimed is None or abs(claimed - estimate) < 1 or abs(claimed - estimate) <= tolerance * estimate:
        return []
    front = review.page(page).front
    asked = f" and its {_counted(len(page.questions), 'question')}" if page.questions else ""
    takes = "less than a minute" if estimate < 0.5 else f"about {_counted(round(estimate), 'minute')}"
    return [finding("time-claim", page.source, front.line("minutes") if front else None,
                    f'"{page.id}" claims {_counted(claimed, "minute")}, but its words (read at '
                    f"{review.settings.reading_wpm} words a minute){asked} take {takes}",
                    f"set `minutes: {max(1, round(estimate))}`, or add the activity the extra time is for")]


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def course_facts(review: Review) -> None:
    """The course's estimated learning time, lessons, assessments and every scenario clip."""
    course = review.course
    lessons = sum(page_minutes(review, lesson) for lesson in course.lessons)
    quizzes = sum(page_minutes(review, quiz) for quiz in course.quizzes)
    clips = sum(clip_seconds(scenario) for scenario in course.scenarios) / 60
    review.facts["estimated_minutes"] = round(lessons + quizzes + clips)
    review.facts["estimated_lesson_minutes"] = round(lessons)
    review.facts["claimed_lesson_minutes"] = sum(lesson.minutes or 0 for lesson in course.lessons)


PAGE_RULES = {"time-claim": time_claim}
RULES: dict = {}  # course_facts, run last, states the course's figures

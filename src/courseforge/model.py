"""The course model: plain data that travels from the loader to the exporters. No I/O here."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class CourseConfig:
    title: str
    identifier: str
    version: str = "1.0.0"
    language: str = "en"
    description: str = ""
    authors: tuple[str, ...] = ()
    mastery_score: int | None = None
    theme: str = "default"
    lessons: tuple[str, ...] | None = None
    assessments: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Asset:
    """A file the course uses (image, handout), copied into the package at `target`."""

    source: Path
    target: str


@dataclass(frozen=True)
class Option:
    """One answer a learner can pick, match or order. `key` is its one-character SCORM 1.2 code."""

    key: str
    html: str
    text: str
    correct: bool = False
    feedback_html: str = ""


@dataclass
class Question:
    id: str
    type: str  # single, multiple, true-false, fill-in, matching, ordering, likert, reflection
    prompt_html: str
    source: Path
    line: int
    scenario_html: str = ""
    options: tuple[Option, ...] = ()  # choices; ordering items in the right order; likert points
    targets: tuple[Option, ...] = ()  # matching: options[i] matches targets[i]
    answers: tuple[str, ...] = ()  # fill-in: accepted texts, the first is the one shown
    case_sensitive: bool = False
    explanation_html: str = ""
    points: int = 1

    @property
    def graded(self) -> bool:
        return self.type not in ("likert", "reflection")


@dataclass
class Quiz:
    """A page of questions: a graded assessment submitted as a whole, or an ungraded survey."""

    id: str
    title: str
    number: int
    source: Path
    intro_html: str
    questions: list[Question]
    graded: bool = True
    draw: int | None = None  # questions drawn per attempt; None = all
    attempts: int | None = None  # None = unlimited
    passing_score: int | None = None
    shuffle: bool = False
    show_answers: bool = True


@dataclass
class Lesson:
    id: str
    title: str
    number: int
    source: Path
    html: str
    objectives: tuple[str, ...] = ()
    minutes: int | None = None
    questions: list[Question] = field(default_factory=list)  # ungraded knowledge checks


@dataclass
class Course:
    config: CourseConfig
    root: Path
    project: Path
    lessons: list[Lesson] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    quizzes: list[Quiz] = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.config.identifier

    @property
    def pages(self) -> list:
        """Lessons, then assessments: the order a learner meets them."""
        return [*self.lessons, *self.quizzes]

    @property
    def title(self) -> str:
        return self.config.title


@dataclass(frozen=True)
class Site:
    """Every file of the rendered player: package path → bytes, plus the launch page."""

    files: dict[str, bytes]
    launch: str = "index.html"

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


@dataclass(frozen=True)
class Asset:
    """A file the course uses (image, handout), copied into the package at `target`."""

    source: Path
    target: str


@dataclass
class Lesson:
    id: str
    title: str
    number: int
    source: Path
    html: str
    objectives: tuple[str, ...] = ()
    minutes: int | None = None


@dataclass
class Course:
    config: CourseConfig
    root: Path
    project: Path
    lessons: list[Lesson] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.config.identifier

    @property
    def title(self) -> str:
        return self.config.title


@dataclass(frozen=True)
class Site:
    """Every file of the rendered player: package path → bytes, plus the launch page."""

    files: dict[str, bytes]
    launch: str = "index.html"

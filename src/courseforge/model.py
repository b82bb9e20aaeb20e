"""The course model: plain data that travels from the loader to the exporters. No I/O here."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# `.invalid` can never be anyone's domain: a safe default until the author sets `iri` in course.yml.
DEFAULT_IRI_BASE = "https://courseforge.invalid/courses/"


@dataclass(frozen=True)
class CheckSettings:
    """`check:` in course.yml: rules switched off and the thresholds of `courseforge check`."""

    ignore: tuple[str, ...] = ()  # rule ids or family names
    reading_wpm: int = 200  # words a minute an adult reads course text at
    question_seconds: int = 30  # answering one question, on top of reading it
    time_tolerance: int = 30  # percent a lesson's `minutes` may differ from the estimate
    max_grade: int = 10  # readability of a page as a US school grade (Coleman–Liau)
    max_sentence_words: int = 30
    max_passive_percent: int = 20  # share of a page's sentences in the passive voice


@dataclass(frozen=True)
class Branding:
    """course.yml `branding:`: the primary colour (#rrggbb), a logo (a path in the course), a font stack."""

    primary: str | None = None
    logo: str | None = None
    font: str | None = None


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
    iri: str | None = None  # the course's xAPI/cmi5 IRI; None: DEFAULT_IRI_BASE + identifier
    cmi5_au_per_lesson: bool = False  # cmi5: one AU per page (lessons, scenarios, assessments), not one a course
    require_scenarios: bool = False  # completion also needs every scenario played to an ending
    video_size: tuple[int, int] = (1280, 720)
    package_budget_mb: int = 250  # warn when a package is larger: many LMSs cap uploads
    check: CheckSettings = field(default_factory=CheckSettings)
    one_question_per_screen: bool = False  # assessments show one question at a time
    branding: Branding | None = None
    strings: tuple[tuple[str, str], ...] = ()  # interface string overrides (strings.py)


@dataclass(frozen=True)
class Asset:
    """A file the course uses (image, handout), copied into the package at `target`."""

    source: Path
    target: str


@dataclass(frozen=True, slots=True)
class Option:
    """One answer a learner can pick, match or order. `key` is its one-character SCORM 1.2 code."""

    key: str
    html: str
    text: str
    correct: bool = False
    feedback_html: str = ""


@dataclass(slots=True)
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
    objectives: tuple[str, ...] = ()  # `objective:` lines as written: N, <lesson-id>#N or the text (check resolves)

    @property
    def graded(self) -> bool:
        return self.type not in ("likert", "reflection")


@dataclass(frozen=True, slots=True)
class Block:
    """A run of text a learner reads, as plain words (Markdown markup gone), from its source line on."""

    line: int
    text: str  # softbreaks kept as "\n", so an offset gives a line
    kind: str  # heading, paragraph, cell, question, scenario


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a page's prose, as the review needs it (prosestats.py)."""

    line: int
    words: int
    passive: bool
    opening: str  # its first words, to name it in a message


@dataclass(frozen=True, slots=True)
class PageStats:
    """Measures of a page's prose, taken when it is read and kept with it in the page cache."""

    reading_words: int = 0  # prose and questions: what reading time is estimated from
    grade: float | None = None  # Coleman–Liau grade of the prose; None under 100 words
    first_line: int | None = None  # of the prose
    sentence_count: int = 0
    passive: tuple[Sentence, ...] = ()  # the sentences in the passive voice
    long: tuple[Sentence, ...] = ()  # the sentences of prosestats.LONG_FROM words or more


@dataclass(slots=True)
class PageText:
    """The words of a page and what `courseforge check` looks at, each with its source line."""

    front: object = None  # yamltext.Mapping of the front matter: the lines of `minutes`, `objectives`
    blocks: list[Block] = field(default_factory=list)  # prose; questions are separate
    questions: list[Block] = field(default_factory=list)  # the words of its question blocks
    headings: list[tuple[int, int, str]] = field(default_factory=list)  # line, level as rendered, text
    images: list[tuple[int, str, str]] = field(default_factory=list)  # line, alt, src as written
    links: list[tuple[int, str, str]] = field(default_factory=list)  # line, text, href as written
    tables: list[tuple[int, list[str]]] = field(default_factory=list)  # line, header cells
    callouts: list[tuple[int, str, bool]] = field(default_factory=list)  # line, kind, empty
    stats: PageStats = field(default_factory=PageStats)
    marks: object = None  # textmarks.TextMarks: what the text-scanning rules found, None until scanned


@dataclass(slots=True)
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
    page_text: PageText = field(default_factory=PageText, repr=False, compare=False)


@dataclass(slots=True)
class Lesson:
    id: str
    title: str
    number: int
    source: Path
    html: str
    objectives: tuple[str, ...] = ()
    minutes: int | None = None
    questions: list[Question] = field(default_factory=list)  # ungraded knowledge checks
    page_text: PageText = field(default_factory=PageText, repr=False, compare=False)


@dataclass
class Course:
    config: CourseConfig
    root: Path
    project: Path
    lessons: list[Lesson] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    quizzes: list[Quiz] = field(default_factory=list)
    scenarios: list = field(default_factory=list)  # Scenario, defined below
    warnings: list = field(default_factory=list)
    logo: str | None = None  # the branding logo as a package path (assets/…)
    # A clean page's source path → its digest (pagereading.digest): what is made of the page alone
    # (its section markup, its review findings) may be kept between builds under it.
    digests: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.config.identifier

    @property
    def pages(self) -> list:
        """Lessons, then assessments: the pages read from Markdown."""
        return [*self.lessons, *self.quizzes]

    @property
    def sequence(self) -> list:
        """Every page in the order a learner meets them: lessons, scenarios (practice), then assessments."""
        return [*self.lessons, *self.scenarios, *self.quizzes]

    @property
    def title(self) -> str:
        return self.config.title

    @property
    def pass_mark(self) -> int | None:
        """The pass mark a package hands the LMS (SCORM 1.2 masteryscore, 2004 minNormalizedMeasure,
        cmi5 masteryScore), which the LMS judges the reported score by: the graded assessment's own
        passing score, as the player judges it. None without a graded assessment (CHECKLIST S12-M10,
        C5-S8), and with several: the player passes the course once each is passed, which no mark on
        the mean score it reports can say, and the LMS would overrule it (S12-R4, S04-R2)."""
        graded = [quiz for quiz in self.quizzes if quiz.graded]
        return graded[0].passing_score if len(graded) == 1 else None

    @property
    def iri(self) -> str:
        """The stable IRI xAPI packages use for the course; lessons and questions hang below it."""
        return self.config.iri or DEFAULT_IRI_BASE + self.id


@dataclass(frozen=True)
class Site:
    """Every file of the rendered player: package path → bytes (or zipwriter.Keyed: a large course's
    part, whose bytes a zip may take from the cache and `data` makes), plus the launch page."""

    files: dict[str, bytes]
    launch: str = "index.html"

    def data(self, path: str) -> bytes | None:
        found = self.files.get(path)
        return None if found is None else bytes(found)


# Scenarios

NARRATOR = "narrator"  # the speaker of narration lines; a script may define it to change its voice
MOODS = ("neutral", "worried", "upset", "relieved", "happy")  # facial expressions a line can show


@dataclass(frozen=True)
class Look:
    """How a character's avatar is drawn. Colours are #rrggbb."""

    shape: str = "round"  # head: round, oval, square
    hairstyle: str = "short"  # short, long, bun, none
    skin: str = "#c68e6a"
    hair: str = "#3b2a20"
    clothes: str = "#3c6e9f"
    background: str = "#e6edf3"


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice: `name` is what `espeak-ng -v` takes (en-us, en-gb+f3)."""

    name: str = "en"
    speed: int = 160  # words per minute
    pitch: int = 50  # 0–99


@dataclass(frozen=True)
class Character:
    key: str  # how the script's lines name the speaker
    name: str
    role: str = ""
    look: Look = field(default_factory=Look)
    voice: Voice = field(default_factory=Voice)
    line: int | None = field(default=None, compare=False)  # where it is defined: voice errors show up at render time


@dataclass(frozen=True)
class Turn:
    """One line of a scene: a character speaking, or narration."""

    speaker: str  # a Character key
    text: str
    mood: str = "neutral"  # one of MOODS: the speaker's expression while the line is heard
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Choice:
    """One option of a decision point and what it leads to."""

    id: str  # a, b, c … in script order: the SCORM interaction response
    say: str  # the option's words: a line the learner says, or with kind "do" an action they take
    result: str  # correct, neutral or wrong
    empathy: str  # which kind of empathy the choice showed
    felt: str  # what the customer felt
    feedback: str
    next: str | None  # the consequence scene; None ends the scenario
    kind: str = "say"  # "say": a line, shown as what the learner said; "do": an action they chose


@dataclass(frozen=True)
class Decision:
    prompt: str
    options: tuple[Choice, ...]


@dataclass(frozen=True)
class Scene:
    """One clip: its lines, then a decision, a next scene, or (neither) the end."""

    id: str
    title: str
    turns: tuple[Turn, ...]
    decision: Decision | None = None
    next: str | None = None
    line: int | None = field(default=None, compare=False)

    @property
    def is_ending(self) -> bool:
        return self.decision is None and self.next is None


@dataclass
class Scenario:
    id: str
    title: str
    source: Path
    characters: dict[str, Character]  # by key, narrator included
    scenes: dict[str, Scene]  # in script order
    start: str
    description: str = ""


@dataclass(frozen=True)
class Cue:
    """A caption: when a line is heard in its clip, in seconds."""

    start: float
    end: float
    speaker: str  # display name; "" for narration
    text: str


@dataclass(frozen=True)
class Clip:
    """A rendered scene: package paths of its files and what a player page needs to show it."""

    scenario: str
    scene: str
    video: str  # media/<scenario>/<scene>.mp4
    captions: str  # … .vtt
    poster: str  # … .png
    duration: float
    cues: tuple[Cue, ...]
    transcript_html: str

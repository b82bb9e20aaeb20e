"""What the launch page carries, and which lesson pages travel in parts loaded when they are opened.

A learner on a phone should not download a whole large course before its first screen shows. A
course whose launch page stays within LAUNCH_LIMIT keeps every page in index.html (it prints whole
and works without script); a larger one keeps only its assessments and role-plays there (the
player restores their state at start-up) and puts its lessons, in order, into `pages/NNNN.js`
parts of about PART_SIZE each. A part is a classic script, not a fetch: it loads from file:// too.

The launch page names each part once (`launch_list`): its path, how many pages it holds and how many
knowledge checks they carry, so the player can number pages and checks before the part arrives;
each page's id and title travel in its part. The launch page so grows by a part, not by a lesson:
about 2 bytes a lesson, where a line per lesson (~56 bytes) passed 500 KB near 7 500 lessons.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

LAUNCH_LIMIT = 400_000  # bytes of index.html; the player's scripts and styles add about 85 KB
PART_SIZE = 64_000  # bytes of section markup per part: one request, and a few pages ahead
PART_DIR = "pages"


@dataclass
class Part:
    """Consecutive lesson pages that load together: their sections and their questions' data."""

    path: str
    sections: dict[str, str] = field(default_factory=dict)  # page id → section markup
    questions: dict[str, dict] = field(default_factory=dict)
    size: int = 0
    pages: list[dict] = field(default_factory=list)  # what the player lists of each page, in order

    @functools.cached_property
    def script(self) -> bytes:
        """The part as the player loads it: one call handing over its pages (see player.js); made
        once for every package of the build."""
        data = json.dumps({"part": self.path, "pages": self.pages, "sections": self.sections,
                           "questions": self.questions},
                          ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        # "<" escaped: a section's markup can never close a script element that inlines the part.
        data = data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        return f"Courseforge.addPages({data});\n".encode("utf-8")


def split(pages: list[tuple[str, str, bool]], questions: dict[str, dict]) -> list[Part]:
    """Parts for `pages` ((id, section markup, deferrable) in the learner's order): deferrable pages
    fill parts of PART_SIZE in order (a larger page has a part of its own); each question's data goes
    with its page. The others stay in the launch page."""
    parts: list[Part] = []
    for page_id, section, deferrable in pages:
        if not deferrable:
            continue
        if not parts or parts[-1].size + len(section) > PART_SIZE and parts[-1].sections:
            parts.append(Part(f"{PART_DIR}/{len(parts) + 1:04d}.js"))
        part = parts[-1]
        part.sections[page_id] = section
        part.size += len(section)
    part_of = {page_id: part for part in parts for page_id in part.sections}
    for question_id, data in questions.items():
        part = part_of.get(data.get("page"))
        if part:
            part.questions[question_id] = data
    return parts


def launch_list(entries: list[dict], parts: list[Part], ids: bool = False) -> list[dict]:
    """The launch page's list of pages (`entries`, the player's entry of every page in order): a
    page in a part gives way to its part's summary, listed once, and goes into its part's `pages`.
    The player counts a part's pages from its summary's place, so they must follow one another
    (lessons come first, and only lessons go into parts). With `ids` a summary lists its pages' ids
    and titles too: a launch may name its page (cmi5's AU per lesson, whose statements carry the
    page's title) before the part has come."""
    part_of = {page_id: part for part in parts for page_id in part.sections}
    listed: list[dict] = []
    summaries: dict[str, dict] = {}
    for part in parts:
        part.pages = []
    for entry in entries:
        part = part_of.get(entry["id"])
        if part is None:
            listed.append(entry)
            continue
        if part.path not in summaries:
            listed.append(summaries.setdefault(part.path, {"part": part.path, "pages": len(part.sections)}))
            if ids:
                listed[-1]["ids"] = list(part.sections)
        elif listed[-1] is not summaries[part.path]:
            raise ValueError(f"{part.path}: its pages do not follow one another in the course")
        part.pages.append(entry)
        if ids:
            summaries[part.path].setdefault("titles", []).append(entry["title"])
        if entry.get("checks"):
            summaries[part.path]["checks"] = summaries[part.path].get("checks", 0) + entry["checks"]
    return listed

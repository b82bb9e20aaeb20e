"""Files a lesson links to: checked (exists, stays inside the course) and collected once."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from courseforge.errors import Problems
from courseforge.model import Asset
from courseforge.svg import svg_problem

# Z3: LMS file systems are case-sensitive and some importers choke on anything but ASCII.
SAFE_NAME = re.compile(r"^[A-Za-z0-9._/-]+$")
ASSET_DIR = "assets"
IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"})
# What a browser opens as a page that can run script; any other linked file is a download or media.
ACTIVE_TYPES = frozenset({".html", ".htm", ".xhtml", ".xht", ".shtml", ".xml", ".xsl", ".xslt", ".js", ".mjs",
                          ".svgz", ".swf", ".hta", ".php", ".mht", ".mhtml"})
MAX_ASSET_BYTES = 250_000_000


class AssetCollector:
    def __init__(self, course_root: Path, problems: Problems):
        self.root = course_root.resolve()
        self.problems = problems
        self.assets: dict[str, Asset] = {}

    def resolver(self, source: Path, lesson_files: frozenset[Path] = frozenset()):
        """A markdown Resolver for links and images written in `source`."""
        def resolve(url: str, line: int, is_image: bool) -> str | None:
            return self.resolve(url, source, line, is_image, lesson_files)
        return resolve

    def resolve(self, url: str, source: Path, line: int, is_image: bool,
                lesson_files: frozenset[Path] = frozenset()) -> str | None:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            if is_image:
                self.problems.error(source, line, f"image {url!r} is loaded from the internet",
                                    "download it into the course folder (e.g. images/) and link to that file;"
                                    " packages must work offline")
            return None
        if not parts.path:
            return None  # a fragment (#section) inside the page
        return self._local(unquote(parts.path), source, line, lesson_files, is_image)

    def _safe_content(self, target: Path, path: str, source: Path, line: int, is_image: bool) -> bool:
        """No content file ships live script: images must be pictures, linked files documents."""
        kind = target.suffix.lower()
        if is_image and kind not in IMAGE_TYPES:
            self.problems.error(source, line, f"{path!r} is not an image type browsers show",
                                f"use one of {', '.join(sorted(IMAGE_TYPES))}")
            return False
        if kind in ACTIVE_TYPES:
            self.problems.error(source, line, f"{path!r} is a {kind} file, which a browser runs as a page",
                                "linked files may not run code in the player: put the text into a lesson, "
                                "or export it as PDF")
            return False
        if target.stat().st_size > MAX_ASSET_BYTES:
            self.problems.error(source, line, f"{path!r} is over {MAX_ASSET_BYTES // 1_000_000} MB",
                                "shrink it: LMSs refuse large packages")
            return False
        problem = svg_problem(target) if kind == ".svg" else None
        if problem:
            self.problems.error(source, line, f"the SVG {path!r} {problem}",
                                "export it again as a plain picture (or as PNG); images must not run code")
        return problem is None

    def _local(self, path: str, source: Path, line: int, lesson_files: frozenset[Path], is_image: bool) -> str | None:
        target = (source.parent / path).resolve()
        try:
            relative = target.relative_to(self.root).as_posix()
        except ValueError:
            self.problems.error(source, line, f"{path!r} points outside the course folder",
                                f"copy the file into {self.root.name}/ and link to it with a relative path")
            return None
        if target in lesson_files:
            self.problems.error(source, line, f"{path!r} links to another lesson file",
                                "lessons are pages of one player: refer to the lesson by its title instead")
            return None
        if not target.is_file():
            what = "is a folder" if target.is_dir() else "does not exist"
            written_in = "this lesson file" if source.suffix == ".md" else f"the folder of {source.name}"
            self.problems.error(source, line, f"{path!r} {what}",
                                f"check the spelling and that the path is relative to {written_in}")
            return None
        if not SAFE_NAME.match(relative):
            self.problems.error(source, line, f"file name {relative!r} has spaces or non-ASCII characters",
                                "rename it using only letters, digits, '.', '-' and '_'")
            return None
        if not self._safe_content(target, path, source, line, is_image):
            return None
        href = f"{ASSET_DIR}/{relative}"
        self.assets.setdefault(href, Asset(target, href))
        return href

    def collected(self) -> list[Asset]:
        return [self.assets[key] for key in sorted(self.assets)]

"""Files a lesson links to: checked (exists, stays inside the course) and collected once."""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from courseforge.errors import Problems
from courseforge.model import Asset
from courseforge.svg import svg_problem

# Z3: LMS file systems are case-sensitive and some importers choke on anything but ASCII.
SAFE_NAME = re.compile(r"^[A-Za-z0-9._/-]+$")
# A file's path in a package: the manifests name each file in an href of at most 2000 characters.
MAX_PACKAGE_PATH = 2000
ASSET_DIR = "assets"
IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"})
# What a browser opens as a page that can run script; any other linked file is a download or media.
ACTIVE_TYPES = frozenset({".html", ".htm", ".xhtml", ".xht", ".shtml", ".xml", ".xsl", ".xslt", ".js", ".mjs",
                          ".svgz", ".swf", ".hta", ".php", ".mht", ".mhtml"})
MAX_ASSET_BYTES = 250_000_000
# All of them: a package is made in memory, and a zip of ours holds 4 GB at most (no ZIP64).
MAX_TOTAL_BYTES = 2_000_000_000
# The pictures browsers show, by their first bytes. A browser goes by these, not by the name (a JPEG
# named .png shows), so a text file named .png is a broken image in every one of them.
PICTURES = ((b"\x89PNG\r\n\x1a\n", "a PNG image", ".png"), (b"\xff\xd8\xff", "a JPEG image", ".jpg"),
            (b"GIF87a", "a GIF image", ".gif"), (b"GIF89a", "a GIF image", ".gif"))
# What else an "image" turns out to be, so that the message can say it.
OTHER_FILES = ((b"%PDF-", "a PDF document"), (b"PK\x03\x04", "a zip archive (or an Office document)"),
               (b"BM", "a BMP image"), (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
               (b"\x00\x00\x01\x00", "an icon (.ico)"))
SNIFFED = 512
# A file's place on the author's own computer, as Windows' Explorer copies it: C:\Users\… or C:/Users/….
ON_THIS_COMPUTER = re.compile(r"^(?:file:/*)?[A-Za-z]:[\\/]", re.IGNORECASE)
# A web address written without its https:// (www.example.com/policy): read as a file in the course.
# Common top-level domains only, none a file type a course links to (.pl and .in are Perl and make).
WEB_HOST = re.compile(r"^(?:www\.[^/\\]+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|int|io|co|info|biz|"
                      r"eu|uk|us|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pt|br|ca|au|nz|jp|cn|ru))(?:/|$)",
                      re.IGNORECASE)
BEFORE_TEXT = b"\xef\xbb\xbf \t\r\n"  # a byte-order mark and blank space


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
        # A drive letter reads as a one-letter scheme (C:\Users → "c"): tested before any web address.
        if (len(parts.scheme) == 1 or parts.scheme == "file") and ON_THIS_COMPUTER.match(unquote(url)):
            self._on_this_computer(unquote(url), source, line, is_image)
            return None
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
        if not self._picture(target, path, kind, source, line):
            return False
        problem = svg_problem(target) if kind == ".svg" else None
        if problem:
            self.problems.error(source, line, f"the SVG {path!r} {problem}",
                                "export it again as a plain picture (or as PNG); images must not run code")
        return problem is None

    def _picture(self, target: Path, path: str, kind: str, source: Path, line: int) -> bool:
        """An image file's first bytes are a picture of the kind its name says (an SVG's XML is svg.py's)."""
        if kind not in IMAGE_TYPES:
            return True
        with target.open("rb") as file:
            head = file.read(SNIFFED)
        found, suffix = picture_kind(head)
        # An .svg that is no other picture is XML for svg.py to judge; any other image must be a picture.
        fine = (not found or suffix == ".svg") if kind == ".svg" else (found and suffix != ".svg")
        if fine:
            return True
        hint = (f"rename it to {target.stem}{suffix} and link to that name" if found
                else "export it again as PNG, JPEG, GIF, WebP, AVIF or SVG")
        self.problems.error(source, line, f"{path!r} is named {kind} but is {found or _other_file(head)}", hint)
        return False

    def _local(self, path: str, source: Path, line: int, lesson_files: frozenset[Path], is_image: bool) -> str | None:
        if "\0" in path:  # a link's %00: no file name holds one, and the system refuses it
            self.problems.error(source, line, f"{path!r} holds a NUL character", "remove it from the path")
            return None
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
            self._missing(path, target, source, line, is_image)
            return None
        if not SAFE_NAME.match(relative):
            self.problems.error(source, line, f"file name {relative!r} has spaces or non-ASCII characters",
                                "rename it using only letters, digits, '.', '-' and '_'")
            return None
        href = f"{ASSET_DIR}/{relative}"
        if len(href) > MAX_PACKAGE_PATH:
            self.problems.error(source, line, f"a linked file's path in the package would be {len(href)} characters "
                                f"long, over the {MAX_PACKAGE_PATH} a manifest can name: {path!r}",
                                "move it to a folder nearer the course folder, or shorten its folders' names")
            return None
        if not self._safe_content(target, path, source, line, is_image):
            return None
        self.assets.setdefault(href, Asset(target, href))
        return href

    def _on_this_computer(self, path: str, source: Path, line: int, is_image: bool) -> None:
        name = re.split(r"[\\/]", path)[-1]
        folder = "images/" if is_image else "files/"
        at = Path(os.path.relpath(self.root / folder / name, source.parent.resolve())).as_posix()
        self.problems.error(source, line, f"{'image' if is_image else 'link'} '{path}' is a file on this computer, "
                            "which learners do not have", f"copy it into the course folder (e.g. {folder}) "
                            f"and link to that: {at}")

    def _missing(self, path: str, target: Path, source: Path, line: int, is_image: bool) -> None:
        """The one message for a link to no file: what the author most likely meant, when it can tell.
        Runs only for a failing link, so the folder listings cost nothing on a course that builds."""
        if target.is_dir():
            problem, hint = f"{path!r} is a folder", None
        elif "\\" in path:
            problem, hint = f"'{path}' has \\ between its folders, which web addresses do not take", \
                f"write / instead: {path.replace(chr(92), '/')}"
        elif not is_image and WEB_HOST.match(path):
            problem, hint = f"{path!r} does not exist in the course", \
                f"to link to a web page, write its whole address: https://{path}"
        else:
            problem, hint = f"{path!r} does not exist", None
            spelt = _spelt_in_case(source.parent, path)
            if spelt is not None:
                hint = f"did you mean {spelt}? names must match in case: LMS servers tell them apart"
            elif source.parent.resolve() != self.root and not path.startswith("/") and ".." not in path.split("/") \
                    and (self.root / path).is_file():
                # Written from the course folder (images/a.svg), as the author sees it in a file browser.
                at = Path(os.path.relpath(self.root / path, source.parent.resolve())).as_posix()
                hint = f"the path is relative to {_written_in(source)}: write {at}"
        self.problems.error(source, line, problem,
                            hint or f"check the spelling and that the path is relative to {_written_in(source)}")

    def collected(self) -> list[Asset]:
        return [self.assets[key] for key in sorted(self.assets)]


def _written_in(source: Path) -> str:
    return "this lesson file" if source.suffix == ".md" else f"the folder of {source.name}"


def _spelt_in_case(folder: Path, path: str) -> str | None:
    """`path` (relative to `folder`) as the file it names is spelt, when only letter case tells them
    apart (Welcome.SVG for welcome.svg: found on Windows and macOS, not on an LMS's server)."""
    written = []
    for part in path.split("/"):
        if part in ("", ".", ".."):
            folder = folder / part if part else folder
            written.append(part)
            continue
        try:
            same = [entry.name for entry in os.scandir(folder) if entry.name.lower() == part.lower()]
        except OSError:
            return None
        if len(same) != 1:  # none, or several that differ in case only: no one answer
            return None
        folder = folder / same[0]
        written.append(same[0])
    spelt = "/".join(written)
    return spelt if spelt != path and folder.is_file() else None


def picture_kind(head: bytes) -> tuple[str, str]:
    """What picture a file starting with `head` is, and its name's ending; ("", "") for none."""
    for signature, found, suffix in PICTURES:
        if head.startswith(signature):
            return found, suffix
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image", ".webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis"):
        return "an AVIF image", ".avif"
    text = head.lstrip(BEFORE_TEXT)
    if text.startswith(b"<") and b"<svg" in text:
        return "an SVG picture", ".svg"
    return "", ""


def _other_file(head: bytes) -> str:
    if not head:
        return "empty"
    for signature, found in OTHER_FILES:
        if head.startswith(signature):
            return found
    if head.lstrip(BEFORE_TEXT).lower().startswith((b"<!doctype html", b"<html")):
        return "a web page (HTML)"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # not a character cut short at SNIFFED bytes
            return "not a picture browsers show"
    return "not a picture browsers show" if b"\x00" in head else "a text file"


def check_total(assets: list[Asset], problems: Problems) -> None:
    """Each file is under MAX_ASSET_BYTES, but a package holds them all: ten sparse files of 249 MB
    (a few KB in a tarball) were read into a MemoryError."""
    total = 0
    for asset in assets:
        total += asset.source.stat().st_size
        if total > MAX_TOTAL_BYTES:
            problems.error(asset.source, None, f"the course's linked files come to more than "
                           f"{MAX_TOTAL_BYTES // 1_000_000} MB with this one, too many for one package",
                           "shrink them, or put the large ones on a web server and link to them there")
            return

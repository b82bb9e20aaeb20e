"""Rendered pages kept between builds, beside the clip cache: .courseforge-cache/pages/<key>.json.

A page is served from here only when its source text, its path, the course's mastery score and the
code that reads pages are all unchanged (they make the key), and only pages read without a single
problem are stored. Entries are JSON decoded into a closed set of model classes: a cache folder that
came with someone else's project can at worst fail to decode, never run code.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import fields, is_dataclass
from importlib import metadata
from pathlib import Path

from courseforge import __version__
from courseforge.model import Lesson, Option, Question, Quiz

FOLDER = "pages"
TYPES = {cls.__name__: cls for cls in (Lesson, Quiz, Question, Option)}
# The modules whose code decides what a page becomes: editing one invalidates every entry.
READERS = ("pages.py", "markdown.py", "quiz.py", "fields.py", "yamltext.py", "assets.py", "model.py", "pagecache.py")


def code_fingerprint() -> str:
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parent
    for name in READERS:
        digest.update((here / name).read_bytes())
    for package in ("markdown-it-py", "mdit-py-plugins", "PyYAML"):
        digest.update(metadata.version(package).encode())
    return digest.hexdigest()


def page_key(fingerprint: str, kind: str, path: Path, text: bytes, mastery_score: int | None) -> str:
    head = f"{fingerprint}\0{kind}\0{path}\0{mastery_score}\0".encode()
    return hashlib.sha256(head + text).hexdigest()


class PageCache:
    def __init__(self, folder: Path | None):
        self.folder = folder / FOLDER if folder is not None else None
        self.used: set[str] = set()

    def get(self, key: str):
        """(page, id_line, links) or None; `links` are the (url, line, is_image, href) it resolved."""
        self.used.add(key)
        if self.folder is None:
            return None
        try:
            entry = json.loads((self.folder / f"{key}.json").read_bytes(), object_hook=_decode)
            return entry["page"], entry["id_line"], [tuple(link) for link in entry["links"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, page, id_line: int | None, links: list[tuple]) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"page": _plain(page), "id_line": id_line, "links": links},
                          ensure_ascii=False, separators=(",", ":"))
        temporary = self.folder / f".{key}.{os.getpid()}"
        temporary.write_text(data, encoding="utf-8")
        os.replace(temporary, self.folder / f"{key}.json")  # readers never see half an entry

    def prune(self) -> None:
        """Keep only what this build used: the cache mirrors the last build, it never grows without bound."""
        if self.folder is None or not self.folder.is_dir():
            return
        for entry in os.scandir(self.folder):
            if entry.name.endswith(".json") and entry.name[:-5] not in self.used:
                os.unlink(entry.path)


def _plain(value):
    """JSON-ready data that _decode turns back into equal objects (tuples stay tuples)."""
    if is_dataclass(value):
        assert type(value).__name__ in TYPES, type(value)
        return {"$t": type(value).__name__, **{f.name: _plain(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, Path):
        return {"$p": str(value)}
    if isinstance(value, tuple):
        return {"$tuple": [_plain(item) for item in value]}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _decode(data: dict):
    if "$p" in data:
        return Path(data["$p"])
    if "$tuple" in data:
        return tuple(data["$tuple"])
    if "$t" in data:
        cls = TYPES[data.pop("$t")]  # KeyError for anything else: a miss
        return cls(**data)
    return data

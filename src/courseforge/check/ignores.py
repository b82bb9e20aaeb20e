"""`check: ignore` comments name rules that exist: a misspelt one switches nothing off, silently.

course.yml's `check: {ignore: [...]}` refuses an unknown rule with a did-you-mean (config.py); a
comment on a line is held to the same, at its line, in a page or a scenario; in course.yml, where no
finding is placed, such a comment switches nothing off and is refused as such. Only a comment counts
(`<!-- check: ignore … -->` in Markdown, `# check: ignore …` in YAML): prose that mentions the words
is left alone.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from courseforge.check.catalogue import IGNORABLE, ignore_hint
from courseforge.check.review import COMMENT, Review
from courseforge.errors import ContentError, Location, cut

# `all` switches every rule off on its line (check/__init__.py, _ignored_here).
NAMES = frozenset((*IGNORABLE, "all"))
# Names are matched whatever their case (textmarks.ignore_lines keeps them in lower case).


def unknown_rules(review: Review) -> list[ContentError]:
    """An error at each comment naming a rule or family that does not exist, or none at all."""
    from courseforge.config import COURSE_FILE  # config.py validates rule names through this package

    errors = []
    for page in review.course.pages:
        # The page reader kept each page's `check: ignore` lines: most pages have none to read again.
        if not all(_named(rules) and all(map(_known, rules)) for _, rules in review.page_marks(page).ignores):
            errors += _in_file(review, page.source)
    for scenario in review.course.scenarios:
        errors += _in_file(review, scenario.source, review.yaml_comments)  # a line's text may say the words
    return errors + _in_course_file(review, review.course.root / COURSE_FILE)


def _in_course_file(review: Review, path: Path) -> list[ContentError]:
    """No rule places a finding in course.yml, so a comment there switches nothing off: said at its line,
    or an author who wrote `# check: ignore readability` at its top believes the rule is off."""
    errors, is_comment = [], None
    for number, text in enumerate(review.lines(path), start=1):
        if "check:" in text and COMMENT.search(text):
            is_comment = is_comment or review.yaml_comments(path)
            if any(is_comment(number, match.start()) for match in COMMENT.finditer(text)):
                errors.append(ContentError(Location(path, number), 'a "check: ignore" comment in course.yml '
                                           "switches nothing off (no finding is placed in course.yml)",
                                           "list the rules under `check: ignore: [...]` to switch them off for "
                                           "the whole course, or put the comment on the page's line"))
    return errors


def _in_file(review: Review, path: Path, comments: Callable | None = None) -> list[ContentError]:
    """`comments`: for a file where not every COMMENT match is a comment, comments(path) tells one at
    (line, column); asked at the first match only (most files have none)."""
    errors, is_comment = [], None
    for number, text in enumerate(review.lines(path), start=1):
        if "check:" not in text:
            continue
        for match in COMMENT.finditer(text):
            if comments is not None:
                is_comment = is_comment or comments(path)
                if not is_comment(number, match.start()):
                    continue
            rules = re.split(r"[\s,]+", match.group(1).strip())
            if not _named(rules):
                errors.append(ContentError(Location(path, number), '"check: ignore" names no rule',
                                           'write the rules or families to switch off after "ignore", or all'))
            for rule in rules:
                if not _known(rule):
                    errors.append(ContentError(Location(path, number),
                                               cut(f'"check: ignore" names an unknown rule "{rule}"'),
                                               cut(_hint(rule))))
    return errors


def _named(rules) -> bool:
    return any(rule.strip("-") for rule in rules)


def _known(rule: str) -> bool:
    # Whatever its case, as course.yml's names (config.py); `--` is the end of the Markdown comment, `-->`.
    return rule.lower() in NAMES or not rule.strip("-")


def _hint(rule: str) -> str:
    if rule.rstrip("-").lower() in NAMES:
        return f'leave a space between "{rule.rstrip("-")}" and "-->"'
    return ignore_hint(rule)

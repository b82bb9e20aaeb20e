"""Every rule of `courseforge check`: its id, its family and what it looks for.

Kept free of the rules' imports so course.yml validation can name the rules without loading them.
"""
from __future__ import annotations

import difflib

# family → rule ids. `check: {ignore: [...]}` takes either.
FAMILIES = {
    "objectives": ("objective-unassessed", "lesson-unassessed"),
    "answer-cues": ("key-longest", "key-position", "key-length", "all-none-of-the-above", "stem-echo"),
    "time": ("time-claim",),
    "plain-language": ("readability", "long-sentence", "passive-voice"),
    "consistency": ("spelling-variant", "currency-mixed", "glossary-variant"),
    "accessibility": ("image-alt", "heading-skip", "table-header", "link-text", "colour-only"),
    "originality": ("shared-text",),
    "housekeeping": ("unused-file", "duplicate-stem", "empty-callout", "raw-html", "shared-consequence"),
}
FAMILY_OF = {rule: family for family, rules in FAMILIES.items() for rule in rules}
RULE_IDS = tuple(FAMILY_OF)
IGNORABLE = (*RULE_IDS, *FAMILIES)


def ignore_hint(name: object) -> str:
    """How to fix a `check: ignore` naming an unknown rule: the nearest name, or where the names are (every
    rule's id would be cut off long before its end)."""
    close = difflib.get_close_matches(str(name).lower(), (*IGNORABLE, "all"), n=1)  # names take any case
    if close:
        return f'did you mean "{close[0]}"?'
    return f"name a family ({', '.join(FAMILIES)}), a rule id (as `courseforge check` lists them), or all"

"""Every rule of `courseforge check`: its id, its family and what it looks for.

Kept free of imports so course.yml validation can name the rules without loading them.
"""
from __future__ import annotations

# family → rule ids. `check: {ignore: [...]}` takes either.
FAMILIES = {
    "objectives": ("objective-unassessed", "lesson-unassessed"),
    "answer-cues": ("key-longest", "key-position", "key-length", "all-none-of-the-above", "stem-echo"),
    "time": ("time-claim",),
    "plain-language": ("readability", "long-sentence", "passive-voice"),
    "consistency": ("spelling-variant", "currency-mixed", "glossary-variant"),
    "accessibility": ("image-alt", "heading-skip", "table-header", "link-text", "colour-only"),
    "originality": ("shared-text",),
    "housekeeping": ("unused-file", "duplicate-stem", "empty-callout", "shared-consequence"),
}
FAMILY_OF = {rule: family for family, rules in FAMILIES.items() for rule in rules}
RULE_IDS = tuple(FAMILY_OF)
IGNORABLE = (*RULE_IDS, *FAMILIES)

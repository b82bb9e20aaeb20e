"""The question syntax: a `::: question ID TYPE` block in a lesson or an assessment page.

    ::: question narrow-feet single
    > A caller needs dressy shoes for a wedding; every pair so far went back.   (optional situation)
    Which detail should the agent pick up first?                                (the prompt, Markdown)
    - [ ] The colour of her outfit
      feedback: Colour is a preference, not why the shoes failed.
    - [x] Her narrow feet
    explanation: The cue that matters explains the problem to the customer.
    points: 2
    :::

Answer lines by type: `- [x]` / `- [ ]` (single, multiple, true-false: options True and False);
`= text` accepted answers and `case: sensitive` (fill-in); `- left -> right` (matching);
`1. item` in the right order (ordering); `scale: a | b | c` (likert, default five points);
nothing (reflection). `objective: 2` (repeatable) names what the question assesses: a number, `lesson-id#N`
or an objective's text, kept as written (`courseforge check` resolves it). Parsing is line by line so
every error can name its line.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from courseforge.fields import SLUG
from courseforge.model import Option, Question

TYPES = ("single", "multiple", "true-false", "fill-in", "matching", "ordering", "likert", "reflection")
# SCORM 1.2 (S12-I3) codes each choice as one character: at most 36 options.
KEYS = "0123456789abcdefghijklmnopqrstuvwxyz"
LIKERT = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")
SCORM_TYPES = {"single": "choice", "multiple": "choice", "true-false": "true-false", "fill-in": "fill-in",
               "matching": "matching", "ordering": "sequencing", "likert": "likert", "reflection": "fill-in"}

CHOICE = re.compile(r"^[-*] \[( |x|X)\]\s*(.*)$")
PAIR = re.compile(r"^[-*] (.*?)\s*->\s*(.*)$")
ORDERED = re.compile(r"^(\d+)[.)] +(.*)$")
# A line in a choice question that is plainly an answer typed slightly wrong: a list mark (or a number)
# then a box of spaces, x's or ticks in square or round brackets, or a right box missing its "- ". Read
# only on a question's lines that nothing else took, so prose pays nothing for it.
NEAR_CHOICE = re.compile(r"^(?:(?P<lead>[-*+•]|\d+[.)])(?P<gap>\s*)(?P<box>[\[(][ xX*✓✔]{0,3}[\])])"
                         r"|(?P<bare>\[[ xX]\])\s)")
SETTING = re.compile(r"^(explanation|points|case|scale|feedback|objective):\s*(.*)$")

CHOICE_TYPES = ("single", "multiple", "true-false")
# How each type writes its answers, for an author who wrote another type's answer lines.
ANSWER_HINTS = {"fill-in": "write each accepted answer as `= answer`",
                "matching": "write each pair as `- left -> right`",
                "ordering": "write the items in the right order as `1. first`, `2. second`",
                "likert": "write the points as `scale: Disagree | Neutral | Agree` (or leave it out for five points)",
                "reflection": "a reflection has no answers: remove the line, or make it a `single` question"}

# A problem is (line, what is wrong, how to fix it).
Report = Callable[[int, str, str], None]


@dataclass
class _Draft:
    scenario: list[str] = field(default_factory=list)
    prompt: list[str] = field(default_factory=list)
    choices: list[list] = field(default_factory=list)  # [correct, text, feedback, line, feedback's line]
    pairs: list[tuple[str, str, int]] = field(default_factory=list)  # (left, right, line)
    ordered: list[tuple[str, int]] = field(default_factory=list)  # (item, line)
    answers: list[str] = field(default_factory=list)
    settings: dict[str, tuple[str, int]] = field(default_factory=dict)
    objectives: list[str] = field(default_factory=list)  # a question may check several
    first_answer_line: int | None = None
    prompt_line: int | None = None  # where the prompt's text starts (a link's line counts from it)
    scenario_line: int | None = None
    numbers: list[str] = field(default_factory=list)  # each ordering item's number, without leading zeros
    mistyped: bool = False  # an answer line was typed wrong (and reported): the question is not built


class QuestionParser:
    """`render_block(text, line)` and `render_inline(text, line)`: Markdown written at `line`, whose
    links and images are checked (and their problems located) there."""

    def __init__(self, render_block: Callable[[str, int], str], render_inline: Callable[[str, int], str]):
        self.block, self.inline = render_block, render_inline

    def parse(self, info: str, lines: list[str], line: int, source: Path, report: Report) -> Question | None:
        words = info.split()
        if len(words) != 3:
            report(line, f"`::: {info.strip()}` needs a question id and a type",
                   f"write `::: question some-id TYPE` with TYPE one of: {', '.join(TYPES)}")
            return None
        _, qid, qtype = words
        ok = True
        if not SLUG.match(qid):
            report(line, f'question id "{qid}" is not a valid id', "use lowercase letters, digits and hyphens")
            ok = False
        if qtype not in TYPES:
            report(line, f'unknown question type "{qtype}"', f"use one of: {', '.join(TYPES)}")
            return None
        draft = self._read(qtype, lines, line + 1, report)
        question = self._build(qid, qtype, draft, line, source, report)
        return question if ok else None

    def _read(self, qtype: str, lines: list[str], first: int, report: Report) -> _Draft:
        draft = _Draft()
        for number, raw in enumerate(lines, start=first):
            text = raw.strip()
            if not text:
                (draft.prompt if draft.first_answer_line is None else []).append("")
                continue
            if raw[:1].isspace() and text.startswith("feedback:") and draft.choices:
                choice = draft.choices[-1]
                choice[2], choice[4] = text[len("feedback:"):].strip(), number
                continue
            if self._answer_line(qtype, text, number, draft, report) \
                    or qtype in CHOICE_TYPES and ("[" in text or "(" in text) \
                    and self._mistyped_choice(text, number, draft, report):  # a box is looked for where one is
                draft.first_answer_line = draft.first_answer_line or number
                continue
            setting = SETTING.match(text)
            if setting and setting.group(1) == "objective":
                self._objective(setting.group(2).strip(), number, draft, report)
            elif setting and setting.group(1) == "feedback":
                report(number, *_misplaced_feedback(qtype, draft))
            elif setting and setting.group(1) in draft.settings:  # the later one would silently win
                report(number, f"`{setting.group(1)}:` appears twice in this question",
                       f"keep one of them (the other is on line {draft.settings[setting.group(1)][1]})")
            elif setting:
                draft.settings[setting.group(1)] = (setting.group(2).strip(), number)
            elif (CHOICE.match(text) or text.startswith("=") and qtype in ("likert", "reflection")) \
                    and qtype not in CHOICE_TYPES:
                written = "`- [ ]` options" if CHOICE.match(text) else "`= answer` lines"
                report(number, f"{written} do not belong in a {qtype} question", ANSWER_HINTS[qtype])
            elif text.startswith(">") and not any(p.strip() for p in draft.prompt):
                draft.scenario_line = draft.scenario_line or number
                draft.scenario.append(text[1:].strip())
            elif draft.first_answer_line is None:
                draft.prompt_line = draft.prompt_line or number
                draft.prompt.append(raw)
            else:
                report(number, "unexpected text after the answers",
                       "put the question text before the answers, or start the line with `explanation:`")
        return draft

    @staticmethod
    def _objective(value: str, number: int, draft: _Draft, report: Report) -> None:
        if value:
            draft.objectives.append(value)
        else:
            report(number, "`objective:` names no objective",
                   "write the objective's number in this lesson, `lesson-id#2`, or its text")

    @staticmethod
    def _mistyped_choice(text: str, number: int, draft: _Draft, report: Report) -> bool:
        """Report an answer line of a choice question typed slightly wrong, once, and keep it as the option
        it was meant to be: its feedback stays with it, and no count of options blames it twice."""
        near = NEAR_CHOICE.match(text)
        if near is None:
            return False
        lead, box = near["lead"], near["box"] or near["bare"]
        right = box[1:-1].strip() != ""
        fix = f'write "- [{"x" if right else " "}] …"'
        if near["bare"]:
            report(number, f'"{box}" needs "- " before it: answer lines start with "- "', fix)
        elif lead[0].isdigit():
            report(number, 'answer lines start with "- ", not a number', fix)
        elif lead not in "-*":
            report(number, f'answer lines start with "- ", not "{lead}"', fix)
        elif near["gap"] != " ":
            report(number, f'"{lead}{near["gap"]}{box}" needs one space between "{lead}" and the box', fix)
        elif box == "[]":
            report(number, f'"{lead} []" is not an answer box', 'write "- [ ]" (with a space) or "- [x]"')
        elif box[0] == "(":
            report(number, f'"{lead} {box}" is not an answer box', 'write "- [ ]" or "- [x]", with square brackets')
        else:
            report(number, f'"{lead} {box}" is not an answer box', 'write "- [ ]" or "- [x]"')
        draft.choices.append([right, text[near.end():].strip(), "", number, number])
        draft.mistyped = True
        return True

    @staticmethod
    def _answer_line(qtype: str, text: str, number: int, draft: _Draft, report: Report) -> bool:
        if qtype in ("single", "multiple", "true-false") and (m := CHOICE.match(text)):
            draft.choices.append([m.group(1) != " ", m.group(2).strip(), "", number, number])
        elif qtype == "matching" and text[:2] in ("- ", "* "):
            pair = PAIR.match(text)
            left, right = (pair.group(1).strip(), pair.group(2).strip()) if pair else (text[2:].strip(), "")
            if not left or not right:
                report(number, "a matching pair is missing a side",
                       "write `- left side -> right side` with text on both sides of the arrow")
            else:
                draft.pairs.append((left, right, number))
        elif qtype == "ordering" and (m := ORDERED.match(text)):
            draft.ordered.append((m.group(2).strip(), number))
            # Kept as digits: int() refuses thousands of them, and a number is only compared.
            draft.numbers.append(m.group(1).lstrip("0") or "0")
        elif qtype == "fill-in" and text.startswith("="):
            draft.answers.append(" ".join(text[1:].split()))
        else:
            return False
        return True

    def _build(self, qid: str, qtype: str, draft: _Draft, line: int, source: Path, report: Report) -> Question | None:
        prompt = "\n".join(draft.prompt).strip()
        if not prompt:
            report(line, f'question "{qid}" has no question text', "write the question on the lines after `::: question`")
        options, targets = self._answers(qid, qtype, draft, line, report)
        settings = draft.settings
        # Checked whatever else is wrong with the question: every problem in one run.
        case_sensitive, points = self._case(settings, report), self._points(settings, report)
        if not prompt or options is None or draft.mistyped:
            return None
        return Question(
            id=qid, type=qtype, source=source, line=line, prompt_html=self.block(prompt, draft.prompt_line or line),
            scenario_html=self.block("\n".join(draft.scenario), draft.scenario_line) if draft.scenario else "",
            options=options, targets=targets, answers=tuple(draft.answers),
            case_sensitive=case_sensitive,
            explanation_html=self.inline(*settings["explanation"]) if "explanation" in settings else "",
            points=points, objectives=tuple(draft.objectives),
        )

    def _answers(self, qid: str, qtype: str, draft: _Draft, line: int, report: Report):
        checks = {
            "single": self._choices, "multiple": self._choices, "true-false": self._choices,
            "matching": self._matching, "ordering": self._ordering, "fill-in": self._fill_in,
            "likert": self._likert, "reflection": lambda *a: ((), ()),
        }
        return checks[qtype](qid, qtype, draft, line, report)

    def _choices(self, qid, qtype, draft, line, report):
        choices = draft.choices
        correct = sum(1 for c in choices if c[0])
        if qtype == "true-false" and sorted(c[1].lower() for c in choices) != ["false", "true"]:
            report(line, f'true-false question "{qid}" needs exactly the options True and False',
                   "write `- [x] True` and `- [ ] False` (mark the right one)")
            return None, None
        if len(choices) < 2:
            report(line, f'question "{qid}" has {len(choices)} option(s)', "give at least two `- [ ] option` lines")
            return None, None
        if correct == 0:
            report(line, f'question "{qid}" has no correct option', "mark the right one(s) with `- [x]`")
            return None, None
        if qtype != "multiple" and correct > 1:
            # At the option that makes one too many: the block's first line sends the author hunting.
            first, second = [c[3] for c in choices if c[0]][:2]
            report(second, f'question "{qid}" has {correct} correct options but is `{qtype}` '
                           f'(line {first} is marked [x] too)',
                   "mark only one with [x], or make it a `multiple` question")
            return None, None
        if not _distinct(qid, [(c[1], c[3]) for c in choices], "option", report) \
                or not self._fits(qid, len(choices), line, report):
            return None, None
        return tuple(Option(KEYS[i], self.inline(text, at), text, is_right, self.inline(fb, fb_at) if fb else "")
                     for i, (is_right, text, fb, at, fb_at) in enumerate(choices)), ()

    def _matching(self, qid, qtype, draft, line, report):
        if len(draft.pairs) < 2:
            report(line, f'matching question "{qid}" needs at least two pairs', "write `- left -> right` lines")
            return None, None
        lefts_ok = _distinct(qid, [(a, at) for a, _, at in draft.pairs], "left side", report)
        if not _distinct(qid, [(b, at) for _, b, at in draft.pairs], "right side", report) or not lefts_ok \
                or not self._fits(qid, len(draft.pairs), line, report):
            return None, None
        lefts = tuple(Option(KEYS[i], self.inline(a, at), a) for i, (a, _, at) in enumerate(draft.pairs))
        rights = tuple(Option(KEYS[i], self.inline(b, at), b) for i, (_, b, at) in enumerate(draft.pairs))
        return lefts, rights

    def _ordering(self, qid, qtype, draft, line, report):
        if len(draft.ordered) < 2:
            report(line, f'ordering question "{qid}" needs at least two items', "list them as `1. first`, `2. second`")
            return None, None
        numbered = _numbered_in_order(draft, report)
        if not _distinct(qid, draft.ordered, "item", report) or not self._fits(qid, len(draft.ordered), line, report) \
                or not numbered:
            return None, None
        return tuple(Option(KEYS[i], self.inline(text, at), text, True)
                     for i, (text, at) in enumerate(draft.ordered)), ()

    def _fill_in(self, qid, qtype, draft, line, report):
        if not draft.answers or not all(draft.answers):
            report(line, f'fill-in question "{qid}" has no accepted answer', "add one `= answer` line per accepted text")
            return None, None
        if any(len(a) > 250 for a in draft.answers):
            report(line, f'an accepted answer of "{qid}" is over 250 characters', "SCORM 1.2 stores at most 255")
            return None, None
        return (), ()

    def _likert(self, qid, qtype, draft, line, report):
        scale, at = draft.settings.get("scale", ("", line))
        points = [p.strip() for p in scale.split("|")] if scale else list(LIKERT)
        if len(points) < 2 or not all(points) or len(points) > 10:
            report(at, f'the scale of "{qid}" needs 2 to 10 points', "write `scale: Disagree | Neutral | Agree`")
            return None, None
        return tuple(Option(KEYS[i], self.inline(p, at), p) for i, p in enumerate(points)), ()

    @staticmethod
    def _fits(qid: str, count: int, line: int, report: Report) -> bool:
        if count > len(KEYS):
            report(line, f'question "{qid}" has {count} options', f"use at most {len(KEYS)}")
            return False
        return True

    @staticmethod
    def _case(settings: dict, report: Report) -> bool:
        value, at = settings.get("case", ("insensitive", 0))
        if value not in ("sensitive", "insensitive"):
            report(at, f'`case: {value}` is not understood', "write `case: sensitive` or `case: insensitive`")
        return value == "sensitive"

    @staticmethod
    def _points(settings: dict, report: Report) -> int:
        value, at = settings.get("points", ("1", 0))
        if not value.isdigit() or not 1 <= int(value) <= 100:
            report(at, f"`points: {value}` is not a whole number from 1 to 100", "write e.g. `points: 2`")
            return 1
        return int(value)


def _misplaced_feedback(qtype: str, draft: _Draft) -> tuple[str, str]:
    """What is wrong with a `feedback:` line that follows no option, and how to fix it."""
    if qtype not in CHOICE_TYPES:
        return (f"a {qtype} question has no options to give `feedback:` to",
                "write what every learner reads after answering as `explanation:`")
    if not draft.choices:
        return ("`feedback:` comes before any option",
                "put it on the line after the `- [ ]` option it answers, indented by two spaces")
    return ("`feedback:` is not indented under an option",
            "indent it by two spaces, on the line after the `- [ ]` option it answers")


COUNTING = [str(number) for number in range(1, len(KEYS) + 1)]  # the numbers of the items that fit


def _numbered_in_order(draft: _Draft, report: Report) -> bool:
    """Whether an ordering question's items are numbered 1, 2, 3... as listed, or all alike: the key is
    the order the items are written in, so an item numbered out of place would make a key the author did
    not mean. `1. 1. 1.` is Markdown's own way to write a list (it shows 1, 2, 3): file order too."""
    numbers = draft.numbers
    if numbers == COUNTING[:len(numbers)]:  # as nearly every question writes them
        return True
    if numbers.count(numbers[0]) == len(numbers):
        return True
    for index, (written, (_, at)) in enumerate(zip(numbers, draft.ordered)):
        wanted = str(index + 1)
        if written == wanted:
            continue
        if written in numbers[:index]:  # a list half numbered as Markdown allows (1. 1. 2.)
            first = draft.ordered[numbers.index(written)][1]
            problem = f"this item is numbered {written}, like the one on line {first}"
        elif wanted in numbers[index + 1:]:
            problem = f"item numbered {written} comes before {wanted}"
        else:
            problem = f"item numbered {written} is where {wanted} belongs"
        report(at, problem, "list the items in the right order, numbered 1, 2, 3… (or every one 1.)")
        return False
    return True


def _distinct(qid: str, written: list[tuple[str, int]], what: str, report: Report) -> bool:
    """Whether every option (pair side, item) has a text of its own: a learner cannot tell two that read
    the same apart, yet only one of them counts as right."""
    seen: dict[str, int] = {}
    ok = True
    for text, at in written:
        said = " ".join(text.split()).casefold()
        if not said:
            report(at, f'this {what} of "{qid}" has no text', f"write the {what} on this line")
            ok = False
        elif said in seen:
            report(at, f'this {what} of "{qid}" reads the same as the one on line {seen[said]}: "{text}"',
                   "learners cannot tell them apart, and only one of them counts as right: reword one of them")
            ok = False
        else:
            seen[said] = at
    return ok

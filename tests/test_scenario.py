"""Scenario scripts: every feature of the format, and every mistake reported at its line."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from check_support import SCENARIO
from courseforge.errors import Problems
from courseforge.model import MOODS, NARRATOR, Look, Voice
from courseforge.scenario import DEFAULT_ACTION_PROMPT, DEFAULT_PROMPT, load_scenarios

REPO = Path(__file__).resolve().parent.parent

FULL = """\
id: at-the-counter
title: At the counter
description: >-
  A short scene
  for the tests.
start: opening
characters:
  ana:
    name: Ana
    role: Customer
    look: {shape: oval, hairstyle: long, skin: "#c8a", hair: auburn, clothes: "#112233", background: cream}
    voice: {name: en-gb+f3, speed: 150, pitch: 70}
  ben:
    role: Agent
    voice: en-us
  narrator:
    name: Storyteller
    voice: en-gb
scenes:
  opening:
    title: The question
    lines:
      - narrator: A quiet morning.
      - ana: >-
          Is this the
          right counter?
      - ben: No
    decision:
      options:
        - say: "Yes: how can I help?"
          result: correct
          empathy: Affective
          felt: Welcome
          feedback: Good.
          next: helped
        - say: Next, please.
          result: wrong
          empathy: None
          felt: Ignored
          feedback: Look up.
          next: end
  helped:
    lines:
      - ana: Thank you.
    next: goodbye
  goodbye:
    lines:
      - ben: Goodbye.
"""

# A valid minimal script; tests change a line or two of it to make one mistake.
BASE = """\
title: Small
characters:
  ana: {name: Ana}
  ben: {name: Ben}
scenes:
  first:
    lines:
      - ana: Hello.
    decision:
      options:
        - say: Hi.
          result: correct
          empathy: Warm
          felt: Seen
          feedback: Good.
          next: second
        - say: What?
          result: neutral
          empathy: Flat
          felt: Unsure
          feedback: Meh.
          next: second
  second:
    lines:
      - ben: Bye.
"""


def load(tmp_path: Path, files: dict[str, str]):
    folder = tmp_path / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    problems = Problems()
    scenarios = load_scenarios(tmp_path, problems)
    return scenarios, [str(e) for e in problems.errors], [str(w) for w in problems.warnings]


def errors_of(tmp_path: Path, text: str, name: str = "s.yml") -> list[str]:
    scenarios, errors, _ = load(tmp_path, {name: text})
    assert scenarios == [] and errors
    return errors


def only_error(tmp_path: Path, text: str) -> str:
    errors = errors_of(tmp_path, text)
    assert len(errors) == 1, errors
    return errors[0]


# Valid scripts.

def test_every_feature_of_a_full_script(tmp_path):
    scenarios, errors, warnings = load(tmp_path, {"s.yml": FULL})
    assert errors == [] and warnings == []
    (scenario,) = scenarios
    assert (scenario.id, scenario.title, scenario.description) == ("at-the-counter", "At the counter",
                                                                   "A short scene for the tests.")
    assert scenario.start == "opening" and list(scenario.scenes) == ["opening", "helped", "goodbye"]
    assert scenario.source == tmp_path / "scenarios" / "s.yml"
    ana, ben, narrator = (scenario.characters[k] for k in ("ana", "ben", NARRATOR))
    assert (ana.name, ana.role, ana.line) == ("Ana", "Customer", 8)
    assert ana.look == Look(shape="oval", hairstyle="long", skin="#cc88aa", hair="#8a3f22", clothes="#112233",
                            background="#f6f0e1")
    assert ana.voice == Voice("en-gb+f3", 150, 70)
    assert (ben.name, ben.role, ben.voice) == ("Ben", "Agent", Voice("en-us", 160, 50))
    assert (narrator.name, narrator.voice.name) == ("Storyteller", "en-gb")
    opening = scenario.scenes["opening"]
    assert opening.title == "The question" and opening.line == 20
    assert [(t.speaker, t.text, t.line) for t in opening.turns] == [
        (NARRATOR, "A quiet morning.", 23), ("ana", "Is this the right counter?", 24), ("ben", "No", 27)]
    assert opening.decision.prompt == DEFAULT_PROMPT and not opening.is_ending
    first, second = opening.decision.options
    assert (first.id, first.say, first.result, first.empathy, first.felt, first.feedback, first.next) == (
        "a", "Yes: how can I help?", "correct", "Affective", "Welcome", "Good.", "helped")
    assert (second.id, second.result, second.next) == ("b", "wrong", None)  # next: end
    assert scenario.scenes["helped"].next == "goodbye" and scenario.scenes["helped"].title == ""
    assert scenario.scenes["goodbye"].is_ending


def test_defaults_id_from_file_name_and_start_from_first_scene(tmp_path):
    scenarios, errors, _ = load(tmp_path, {"02-Small Talk.yml": BASE})
    assert errors == []
    (scenario,) = scenarios
    assert scenario.id == "small-talk" and scenario.start == "first" and scenario.description == ""
    assert scenario.characters[NARRATOR].name == "Narrator"
    assert scenario.characters["ana"].look != scenario.characters["ben"].look  # told apart without a look


def test_scenarios_load_in_file_name_order_and_other_folders_are_ignored(tmp_path):
    scenarios, errors, _ = load(tmp_path, {"b.yml": BASE, "a.yml": BASE.replace("Small", "Other")})
    assert errors == [] and [s.id for s in scenarios] == ["a", "b"]
    assert load_scenarios(tmp_path / "nowhere", Problems()) == []


def test_a_yaml_extension_is_left_out_with_a_warning(tmp_path):
    scenarios, errors, warnings = load(tmp_path, {"a.yaml": BASE})
    assert scenarios == [] and errors == []
    assert warnings[0].endswith("a.yaml: only .yml files are read as scenarios, so this one is left out"
                                " — rename it to a.yml")


def test_a_scene_nothing_leads_to_is_a_warning(tmp_path):
    scenarios, errors, warnings = load(tmp_path, {"s.yml": BASE + "  spare:\n    lines:\n      - ana: Hm.\n"})
    assert errors == [] and len(scenarios) == 1
    assert warnings == [f"{tmp_path / 'scenarios' / 's.yml'}:26: scene \"spare\" is never reached — lead to it "
                        "with `next:` or an option from another scene, or remove it"]


def test_a_retry_loop_with_a_way_out_is_fine(tmp_path):
    text = BASE.replace("          feedback: Meh.\n          next: second", "          feedback: Meh.\n          next: first")
    scenarios, errors, _ = load(tmp_path, {"s.yml": text})
    assert errors == [] and scenarios[0].scenes["first"].decision.options[1].next == "first"


def test_the_shipped_scenarios_parse_cleanly():
    problems = Problems()
    scenarios = load_scenarios(REPO / "content", problems)
    assert problems.errors == [] and problems.warnings == []
    assert [s.id for s in scenarios] == ["wedding-shoes", "the-excess", "the-birthday-cake", "the-twentieth-call",
                                         "the-chat-refund", "the-billing-backoffice"]
    positions = []
    for scenario in scenarios:
        assert 4 <= len(scenario.scenes) <= 8
        decisions = [s.decision for s in scenario.scenes.values() if s.decision]
        assert decisions and all(len(d.options) == 3 for d in decisions)
        assert all(sorted(o.result for o in d.options) == ["correct", "neutral", "wrong"] for d in decisions)
        # Each result plays its own consequence: no neutral choice answered by the wrong one's scene.
        assert all(len({o.next for o in d.options}) == 3 and None not in {o.next for o in d.options} for d in decisions)
        positions += [[o.result for o in d.options].index("correct") for d in decisions]
        assert all(len(turn.text.split()) <= 30 for scene in scenario.scenes.values() for turn in scene.turns)
        assert {turn.mood for scene in scenario.scenes.values() for turn in scene.turns} > {"neutral"}
    assert len(set(positions)) == 3, "the correct option is not always in the same place"
    # A second decision point, after a consequence, in at least two scenarios.
    assert sum(any(s.decision for sid, s in sc.scenes.items() if sid != sc.start) for sc in scenarios) >= 2
    assert any(o.kind == "do" for sc in scenarios for s in sc.scenes.values() if s.decision for o in s.decision.options)



def test_scenes_can_share_a_decision_through_a_yaml_anchor(tmp_path):
    text = BASE.replace("    decision:\n      options:", "    decision: &choose\n      options:").replace(
        "next: second", "next: third", 1) + "  third:\n    lines:\n      - ben: Again.\n    decision: *choose\n"
    scenarios, errors, warnings = load(tmp_path, {"s.yml": text})
    assert errors == [] and warnings == []
    first, third = scenarios[0].scenes["first"], scenarios[0].scenes["third"]
    assert third.decision == first.decision and [o.next for o in third.decision.options] == ["third", "second"]

# Mistakes, each at its exact line.

def test_bad_yaml_names_its_line(tmp_path):
    error = only_error(tmp_path, BASE.replace("      - ana: Hello.", "      - ana: Hello: there."))
    assert ":8: YAML syntax error: mapping values are not allowed" in error and "— check indentation" in error
    assert 'e.g. - dana: "Honestly: no."' in error


def test_empty_file_and_non_mapping(tmp_path):
    assert only_error(tmp_path, "").endswith(":1: the scenario is empty — write its `title:`, `characters:` and `scenes:`")
    error = only_error(tmp_path, "- a list\n")
    assert error.endswith(":1: the scenario must be `key: value` lines — write indented lines such as `id: ...`")


def test_not_utf8(tmp_path):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "s.yml").write_bytes(b"title: caf\xe9\n")
    problems = Problems()
    assert load_scenarios(tmp_path, problems) == []
    assert str(problems.errors[0]).endswith("s.yml:1: the file is not UTF-8 text — save it as UTF-8")


def test_unknown_keys_at_every_level_with_did_you_mean(tmp_path):
    text = (BASE.replace("title: Small", "title: Small\ndescripton: x")
            .replace("  ana: {name: Ana}", "  ana: {name: Ana, roll: Customer}")
            .replace("    lines:\n      - ana: Hello.", "    line:\n      - ana: Hello.\n    lines:\n      - ana: Hi.")
            .replace("          empathy: Warm", "          empathy: Warm\n          feeling: Seen"))
    errors = errors_of(tmp_path, text)
    assert any(e.endswith(':2: unknown key "descripton" in the scenario — did you mean "description"? '
                          "(allowed: id, title, description, characters, start, scenes)") for e in errors)
    assert any(':4: unknown key "roll" in character "ana" — did you mean "role"?' in e for e in errors)
    assert any(':8: unknown key "line" in scene "first" — did you mean "lines"?' in e for e in errors)
    assert any(':17: unknown key "feeling" in option 1 of scene "first" — remove it (allowed: say, do, result, '
               'empathy, felt, feedback, next)' in e for e in errors)
    assert len(errors) == 4


def test_duplicate_keys_and_names(tmp_path):
    text = BASE.replace("title: Small", "title: Small\ntitle: Again").replace(
        "  ben: {name: Ben}", "  ben: {name: Ben}\n  ana: {name: Anna}").replace(
        "      - ben: Bye.", "      - ben: Bye.\n  second:\n    lines:\n      - ana: Again.")
    errors = errors_of(tmp_path, text)
    assert any(e.endswith(':2: key "title" appears twice in the scenario — keep one of them') for e in errors)
    assert any(e.endswith(':6: "ana" appears twice in "characters" — give each one its own name') for e in errors)
    assert any(e.endswith(':28: "second" appears twice in "scenes" — give each one its own name') for e in errors)


def test_unknown_character_suggests_the_closest(tmp_path):
    error = only_error(tmp_path, BASE.replace("      - ben: Bye.", "      - benn: Bye."))
    assert error.endswith(':25: unknown character "benn" in scene "second" — did you mean "ben"? characters: '
                          'ana, ben, and narrator; or add "benn" under `characters:`')


def test_choice_leading_to_a_missing_scene(tmp_path):
    error = only_error(tmp_path, BASE.replace("          next: second\n        - say: What?",
                                              "          next: secnd\n        - say: What?"))
    assert error.endswith(':16: option 1 of scene "first" leads to scene "secnd", which does not exist — '
                          'did you mean "second"? scenes: first, second; or `end`')


def test_next_and_start_leading_nowhere(tmp_path):
    text = (BASE.replace("title: Small", "title: Small\nstart: begin")
            + "  third:\n    lines:\n      - ana: Hm.\n    next: fourth\n")
    errors = errors_of(tmp_path, text)
    assert any(e.endswith(':2: start leads to scene "begin", which does not exist — scenes: first, second, '
                          'third') for e in errors)  # a scenario cannot start at `end`
    assert any(':30: scene "third" leads to scene "fourth", which does not exist' in e for e in errors)


def test_a_loop_with_no_exit(tmp_path):
    text = BASE.replace("  second:\n    lines:\n      - ben: Bye.\n",
                        "  second:\n    lines:\n      - ben: Bye.\n    next: third\n"
                        "  third:\n    lines:\n      - ana: Again?\n    next: second\n")
    error = only_error(tmp_path, text)
    assert error.endswith(':6: no ending can be reached from scene "first": it only leads to "second", "third" — '
                          "give one of these scenes an option or `next:` leading to an ending (a scene with no "
                          "decision and no next) or to `end`")


def test_a_scene_looping_on_itself(tmp_path):
    error = only_error(tmp_path, BASE.replace("      - ben: Bye.\n", "      - ben: Bye.\n    next: second\n"))
    assert ':6: no ending can be reached from scene "first": it only leads to "second"' in error


def test_empty_scenes(tmp_path):
    text = BASE + "  blank:\n  no-lines:\n    title: Nothing\n  empty-list:\n    lines: []\n"
    errors = errors_of(tmp_path, text)
    assert [e.split("s.yml")[1] for e in errors] == [
        ':26: scene "blank" is empty: it has no lines — add `lines:` with one `- speaker: what they say` per line',
        ':27: scene "no-lines" is empty: it has no lines — add `lines:` with one `- speaker: what they say` per line',
        ':30: scene "empty-list" is empty: it has no lines — add `lines:` with one `- speaker: what they say` per line']


def test_badly_written_lines(tmp_path):
    text = BASE.replace("      - ana: Hello.\n",
                        "      - ana: Hello.\n      - just words\n      - ana: Hi.\n        ben: Two speakers.\n"
                        "      - ana:\n")
    errors = [e.split("s.yml")[1] for e in errors_of(tmp_path, text)]
    assert errors == [
        ':9: a line of scene "first" is not `speaker: text` — write `- dana: what Dana says`, one speaker per `-` '
        '(quote a line that contains `: `)',
        ':10: a line of scene "first" is not `speaker: text` — write `- dana: what Dana says`, one speaker per `-` '
        '(quote a line that contains `: `)',
        ':12: what "ana" says in scene "first" must be a non-empty text — write `- ana: what they say`']


def test_decision_problems(tmp_path):
    text = BASE.replace("          result: neutral", "          result: best").replace(
        "          result: correct", "          result: neutral").replace("          felt: Seen\n", "")
    errors = [e.split("s.yml")[1] for e in errors_of(tmp_path, text)]
    assert errors == [
        ':11: option 1 of scene "first" has no "felt" — add a line `felt: ...`',
        ':17: "result" of option 2 of scene "first" is "best" — use one of: correct, neutral, wrong']
    error = only_error(tmp_path, BASE.replace("          result: correct", "          result: wrong"))
    assert error.endswith(':9: no option of the decision of scene "first" is `result: correct` — mark the best '
                          "response `result: correct` so the learner can be told what works")


def test_a_decision_needs_two_options_and_each_a_next(tmp_path):
    one = BASE.split("        - say: What?")[0]
    error = only_error(tmp_path, one + "  second:\n    lines:\n      - ben: Bye.\n")
    assert error.endswith(':11: the decision of scene "first" needs at least two options — list two to six '
                          "options under `options:`, each starting with `- say: ...` or `- do: ...`")
    error = only_error(tmp_path, BASE.replace("          feedback: Meh.\n          next: second\n", "          feedback: Meh.\n"))
    assert error.endswith(':17: option 2 of scene "first" has no "next" — add `next:` with the scene it leads to, '
                          "or `next: end`")


def test_a_scene_cannot_have_both_a_decision_and_next(tmp_path):
    error = only_error(tmp_path, BASE.replace("      - ana: Hello.\n", "      - ana: Hello.\n    next: second\n"))
    assert error.endswith(':9: scene "first" has both a decision and "next" — a scene ends in a decision or goes '
                          "on to one `next:` scene; remove one of them")


def test_bad_values(tmp_path):
    text = (BASE.replace("title: Small", "id: Not OK\ntitle: Small")
            .replace("  ana: {name: Ana}", "  ana: {name: Ana, look: {shape: star, skin: \"#12\", hair: sky}, "
                                           "voice: {name: en us, speed: 20, pitch: high}}")
            .replace("  ben: {name: Ben}", "  ben: {name: Ben}\n  Mr Smith: {name: Smith}")
            .replace("  second:", "  Second Scene:").replace("next: second", "next: Second Scene"))
    errors = [e.split("s.yml")[1] for e in errors_of(tmp_path, text)]
    expected = [
        ':1: scenario id "Not OK" is not a valid id — use lowercase letters, digits and hyphens, '
        'e.g. `id: wedding-shoes`',
        ':4: "shape" of the look of character "ana" is "star" — did you mean "square"? use one of: round, oval, square',
        ':4: "skin" of the look of character "ana" is "#12", not a colour — write a hex colour such as "#3c6e9f" '
        '(quoted) or one of: black, white,',
        ':4: "hair" of the look of character "ana" is "sky", not a colour',
        ':4: the voice of character "ana" is "en us", not an espeak-ng voice name — use a name from '
        '`espeak-ng --voices`',
        ':4: "speed" of the voice of character "ana" is "20", not a whole number from 80 to 450 — write e.g. `speed: 160`',
        ':4: "pitch" of the voice of character "ana" is "high", not a whole number from 0 to 99 — write e.g. `pitch: 50`',
        ':6: character "Mr Smith" is not a usable name — use one word of letters, digits, - or _',
        ':25: scene "Second Scene" is not a valid id — use lowercase letters, digits and hyphens, e.g. the-call']
    # Options leading to the badly named scene are not reported a second time.
    assert len(errors) == len(expected) and all(e.startswith(x) for e, x in zip(errors, expected)), errors


def test_a_scene_called_end_and_missing_sections(tmp_path):
    error = only_error(tmp_path, BASE.replace("  second:", "  end:").replace("next: second", "next: end"))
    assert error.endswith(':23: a scene cannot be called "end" — `next: end` is how a scenario ends; '
                          "give the scene another name")
    errors = [e.split("s.yml")[1] for e in errors_of(tmp_path, "description: only this\n")]
    assert errors == [':1: the scenario has no "title" — add a line `title: ...`',
                      ':1: the scenario has no "characters" — list who speaks, e.g. `characters:` then '
                      '`  dana: {name: Dana, role: Customer}`',
                      ':1: the scenario has no "scenes" — add `scenes:` with at least one named scene holding `lines:`']


def test_duplicate_scenario_ids_across_files(tmp_path):
    scenarios, errors, _ = load(tmp_path, {"a.yml": BASE.replace("title: Small", "id: same\ntitle: Small"),
                                           "b.yml": BASE.replace("title: Small", "title: Small\nid: same")})
    assert [s.id for s in scenarios] == ["same"]
    assert errors == [f"{tmp_path / 'scenarios' / 'b.yml'}:2: scenario id \"same\" is already used by a.yml — "
                      "give each scenario a unique `id:`"]


def test_every_problem_in_every_file_is_reported_in_one_run(tmp_path):
    _, errors, _ = load(tmp_path, {"a.yml": BASE.replace("- ben: Bye.", "- zed: Bye."),
                                   "b.yml": BASE.replace("result: correct", "result: right")})
    assert len(errors) == 2 and "a.yml:25:" in errors[0] and "b.yml:12:" in errors[1]


@pytest.mark.parametrize("text", ["- sam: No", "- sam: yes", "- sam: 12", "- sam: ~nope", "- sam: 'on'"])
def test_texts_stay_as_typed(tmp_path, text):
    script = BASE.replace("  ben: {name: Ben}", "  ben: {name: Ben}\n  sam: {name: Sam}").replace("- ben: Bye.", text)
    scenarios, errors, _ = load(tmp_path, {"s.yml": script})
    assert errors == []
    assert scenarios[0].scenes["second"].turns[0].text == text.split(": ", 1)[1].strip("'")


# Actions (`do:`) beside lines (`say:`), and moods on lines.

def test_an_option_is_a_line_or_an_action(tmp_path):
    scenarios, errors, _ = load(tmp_path, {"s.yml": BASE.replace("        - say: What?", "        - do: Walk away.")})
    assert errors == []
    said, done = scenarios[0].scenes["first"].decision.options
    assert (said.kind, said.say, done.kind, done.say) == ("say", "Hi.", "do", "Walk away.")
    assert scenarios[0].scenes["first"].decision.prompt == DEFAULT_ACTION_PROMPT == "What do you do next?"
    scenarios, errors, _ = load(tmp_path, {"s.yml": BASE})
    assert errors == [] and scenarios[0].scenes["first"].decision.prompt == DEFAULT_PROMPT
    assert {option.kind for option in scenarios[0].scenes["first"].decision.options} == {"say"}


def test_an_option_needs_exactly_one_of_say_and_do(tmp_path):
    error = only_error(tmp_path, BASE.replace("        - say: What?", "        - say: What?\n          do: Shrug."))
    assert error.endswith(':18: option 2 of scene "first" has both "say" and "do" — an option is a line '
                          "(`say:`) or an action (`do:`); keep one of them")
    error = only_error(tmp_path, BASE.replace("        - say: What?\n", "        - result: neutral\n").replace(
        "          result: neutral\n          empathy: Flat", "          empathy: Flat"))
    assert error.endswith(':17: option 2 of scene "first" has no "say" or "do" — add `say: what the learner '
                          "says` or `do: what the learner does`")
    error = only_error(tmp_path, BASE.replace("        - say: What?", "        - do:"))
    assert error.endswith(':17: "do" of option 2 of scene "first" must be a non-empty text — write `do: some text`')


def test_lines_carry_a_mood(tmp_path):
    text = BASE.replace("      - ana: Hello.\n", "      - ana: Hello.\n        mood: worried\n      - ben: Oh.\n")
    scenarios, errors, _ = load(tmp_path, {"s.yml": text})
    assert errors == []
    hello, oh = scenarios[0].scenes["first"].turns
    assert (hello.text, hello.mood, hello.line, oh.mood) == ("Hello.", "worried", 8, "neutral")
    for mood in MOODS:
        scenarios, errors, _ = load(tmp_path, {"s.yml": text.replace("worried", mood)})
        assert errors == [] and scenarios[0].scenes["first"].turns[0].mood == mood


def test_mood_mistakes_are_located(tmp_path):
    error = only_error(tmp_path, BASE.replace("      - ana: Hello.\n", "      - ana: Hello.\n        mood: worry\n"))
    assert error.endswith(':9: "mood" of the line of "ana" in scene "first" is "worry" — did you mean "worried"? '
                          "use one of: neutral, worried, upset, relieved, happy")
    error = only_error(tmp_path, BASE.replace("      - ana: Hello.\n", "      - ana: Hello.\n        mood: furious\n"))
    assert error.endswith(':9: "mood" of the line of "ana" in scene "first" is "furious" — use one of: neutral, '
                          "worried, upset, relieved, happy")
    error = only_error(tmp_path, BASE.replace("      - ana: Hello.\n", "      - narrator: Later.\n        mood: happy\n"))
    assert error.endswith(':9: the line of "narrator" in scene "first" has a mood, but narration has no face to '
                          "show it — remove `mood:` here, or give the line to a character")
    error = only_error(tmp_path, BASE.replace("      - ana: Hello.\n", "      - ana: Hello.\n        mood: happy\n"
                                              "        mood: upset\n"))
    assert error.endswith(':8: a line of scene "first" is not `speaker: text` — write `- dana: what Dana says`, '
                          "one speaker per `-` (quote a line that contains `: `)")
    error = only_error(tmp_path, BASE.replace("      - ana: Hello.\n", "      - mood: happy\n"))
    assert ':8: a line of scene "first" is not `speaker: text`' in error


def test_mood_cannot_name_a_character(tmp_path):
    error = only_error(tmp_path, BASE.replace("  ben: {name: Ben}", "  ben: {name: Ben}\n  mood: {name: Mood}"))
    assert error.endswith(':5: a character cannot be called "mood" — `mood:` under a line sets the speaker\'s '
                          "expression; give the character another name")


def test_the_page_tells_a_line_from_an_action(make_course):
    from courseforge.exporters.tincan import descriptor
    from courseforge.loader import load
    from courseforge.render import render
    from courseforge.theme import Theme

    script = BASE.replace("        - say: What?", "        - do: Walk away.").replace("      - ana: Hello.\n",
                                                                                   "      - ana: Hello.\n        mood: upset\n")
    course = load(make_course({"scenarios/01-small.yml": script}))
    html = render(course, Theme.for_course(course), "scorm12").files["index.html"].decode("utf-8")
    assert "<p>You said: “Hi.”</p>" in html and "<p>You chose to: Walk away.</p>" in html
    assert "“Walk away.”" not in html and "You said: “Walk away" not in html
    assert 'data-kind="say" data-next="second">Hi.</button>' in html
    assert 'data-kind="do" data-next="second">Walk away.</button>' in html
    assert '<h3 class="scene-prompt" id="lesson-small-first-prompt">What do you do next?</h3>' in html
    # tincan.xml labels each choice with the words on its button, as the runtime reports them.
    labels = [d.decode() for d in re.findall(rb"<description[^>]*>([^<]*)</description>", descriptor(course, "index.html"))]
    assert "Hi." in labels and "Walk away." in labels


# Lines as an editor shows them. str.splitlines() ends a line at a form feed, a vertical tab, \x1c-\x1e,
# NEL, U+2028 and U+2029, YAML at the last three; VS Code, Vim and Emacs at LF, CRLF and CR only
# (microsoft/vscode#98989). The review counted one way and the loader another, so a mistake after
# such a character was named a line or more away from where the author sees it.
ODD_BREAKS = ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
# check_support's script, with an odd character in a YAML comment and in a spoken line.
ODD_SCRIPT = (SCENARIO.replace("{second_result}", "neutral").replace("{second_next}", "fixed")
              .replace("Customer}", "Customer}  # pasted from a memo:{odd}page two")
              .replace("My order is late", "My order{odd}is late"))


def odd_course(tmp_path: Path, odd: str, script: str, name: str = "course") -> Path:
    from check_support import course

    # Written as bytes: neither write_text's newline handling nor textwrap.dedent sees the character.
    return course(tmp_path, {"scenarios/01-call.yml": script.replace("{odd}", odd).encode("utf-8")}, name)


def line_of_text(script: str, text: str) -> int:
    """The line an editor shows `text` on: this script breaks lines with LF alone."""
    return script[:script.index(text)].count("\n") + 1


def content_errors(folder: Path, review: bool = False) -> list[str]:
    from courseforge.check import check_course
    from courseforge.errors import ContentErrors
    from courseforge.loader import load

    with pytest.raises(ContentErrors) as caught:
        course = load(folder, cache=False)
        if review:
            check_course(course)
    return [str(error).replace(f"{folder}/", "") for error in caught.value.errors]


@pytest.mark.parametrize("odd", ODD_BREAKS)
def test_a_mistake_after_an_odd_line_break_is_named_at_the_line_an_editor_shows(tmp_path, odd):
    script = ODD_SCRIPT.replace("  fixed:\n", "  fixed:\n    titel: Sorted\n")
    line = line_of_text(script, "titel")
    assert line == 23
    [error] = content_errors(odd_course(tmp_path, odd, script))
    assert error.startswith(f'scenarios/01-call.yml:{line}: unknown key "titel" in scene "fixed"'), error


@pytest.mark.parametrize("odd", ODD_BREAKS)
def test_a_yaml_syntax_error_after_an_odd_line_break_is_named_at_its_line(tmp_path, odd):
    script = ODD_SCRIPT.replace("next: fixed\n  fixed:", "next: [fixed\n  fixed:")
    [error] = content_errors(odd_course(tmp_path, odd, script))
    [plain] = content_errors(odd_course(tmp_path, " ", script, "plain"))
    assert error == plain and error.startswith("scenarios/01-call.yml:22: YAML syntax error")


@pytest.mark.parametrize("odd", ODD_BREAKS)
def test_a_check_ignore_comment_after_an_odd_line_break_is_read_at_its_line(tmp_path, odd):
    from check_support import findings

    quiet = ODD_SCRIPT.replace("  start:\n", "  # check: ignore shared-consequence\n  start:\n")
    assert findings(odd_course(tmp_path, odd, ODD_SCRIPT), "shared-consequence")[0].location.line == 5
    assert findings(odd_course(tmp_path, odd, quiet, "quiet"), "shared-consequence") == []
    misspelt = ODD_SCRIPT.replace("  fixed:\n", "  fixed:  # check: ignore shared-consequense\n")
    line = line_of_text(misspelt, "check: ignore shared-consequense")
    assert content_errors(odd_course(tmp_path, odd, misspelt, "misspelt"), review=True) == [
        f'scenarios/01-call.yml:{line}: "check: ignore" names an unknown rule "shared-consequense" — '
        'did you mean "shared-consequence"?']


@pytest.mark.parametrize("odd", ODD_BREAKS)
def test_check_ignore_words_in_a_quoted_line_after_an_odd_line_break_are_no_comment(tmp_path, odd):
    """A form feed stopped PyYAML's scan of the file as saved, and every `# check: ignore` then counted."""
    from check_support import findings

    said = ODD_SCRIPT.replace("- sam: Thank you.", '- sam: "Type # check: ignore and a rule, then save."')
    assert len(findings(odd_course(tmp_path, odd, said), "shared-consequence")) == 1

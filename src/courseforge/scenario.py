"""content/scenarios/*.yml → Scenario: a cast, scenes of dialogue, and decision points.

    title: The wedding shoes                 # id: defaults to the file name without its number
    characters:
      dana:                                  # the name lines use for the speaker
        name: Dana
        role: Customer
        look: {hair: "#8a5a2b", hairstyle: long, clothes: teal}
        voice: {name: en-gb+f3, speed: 150, pitch: 60}     # or just `voice: en-gb+f3`
      sam: {name: Sam, role: Service agent}
    scenes:
      the-call:                              # scenes play from the first one (or `start:`)
        title: A call about shoes
        lines:
          - narrator: Thursday afternoon. The phone rings.
          - dana: I have narrow feet and a wedding in two weeks.
            mood: worried                    # neutral (default), worried, upset, relieved, happy
        decision:
          prompt: What do you say next?      # the default ("What do you do next?" with a `do:` option)
          options:
            - say: Narrow feet are hard to fit. Let's find a pair you can dance in.
              result: correct                # correct, neutral or wrong
              empathy: Cognitive — you picked out the detail that mattered to her.
              felt: Understood, and hopeful again.
              feedback: You caught the cue that mattered most to her.
              next: found-them               # the consequence scene, or `end`
            - do: Send her the size guide and end the call.   # an action instead of a line
              result: wrong
              empathy: None shown.
              felt: Brushed off.
              feedback: She has read it; the fit is the problem.
              next: end
      found-them:                            # no decision and no `next`: an ending
        lines:
          - dana: These might actually work.
            mood: relieved

The script is read from the YAML node tree rather than the loaded data: every problem names its
exact line, and every text stays as typed (`- sam: No` is the word "No", not False).
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from courseforge.branching import END, check_links, check_paths
from courseforge.cast import MOOD_KEY, CastReader
from courseforge.errors import Problems
from courseforge.fields import SLUG
from courseforge.model import MOODS, NARRATOR, Character, Choice, Decision, Scenario, Scene, Turn
from courseforge.scriptnodes import Node, did_you_mean, is_null, line_of
from courseforge.sourcetext import SourceError, read_source
from courseforge.yamltext import YamlSyntaxError, compose

# A role-play of a few minutes has a handful of scenes; thousands would render for hours.
MAX_SCENES = 100

SCENARIO_DIR = "scenarios"
RESULTS = ("correct", "neutral", "wrong")
DEFAULT_PROMPT = "What do you say next?"
DEFAULT_ACTION_PROMPT = "What do you do next?"  # when an option is an action
KINDS = ("say", "do")  # an option is a line or an action

SCENARIO_KEYS = ("id", "title", "description", "characters", "start", "scenes")
SCENE_KEYS = ("title", "lines", "decision", "next")
DECISION_KEYS = ("prompt", "options")
OPTION_KEYS = ("say", "do", "result", "empathy", "felt", "feedback", "next")
# The texts of a script the learner sees: put on the scenario's page, escaped, and titles, names and
# lines drawn into the clips' frames (a line is spoken too), so a tag in one shows as text (shown_scalars()).
SHOWN_KEYS = {"scenario": ("title", "description"), "character": ("name", "role"), "scene": ("title",),
              "decision": ("prompt",), "option": ("say", "do", "empathy", "felt", "feedback")}


def load_scenarios(course_dir: Path, problems: Problems) -> list[Scenario]:
    """Every scenarios/*.yml in file-name order; problems are recorded, not raised."""
    folder = Path(course_dir) / SCENARIO_DIR
    if not folder.is_dir():
        return []
    for path in sorted(folder.glob("*.yaml")):
        problems.warn(path, None, "only .yml files are read as scenarios, so this one is left out",
                      f"rename it to {path.stem}.yml")
    scenarios: list[Scenario] = []
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yml")):
        if path.is_dir():
            problems.error(path, None, "this folder is named like a scenario",
                           f"rename it so that its name does not end in .yml, or move it out of {SCENARIO_DIR}/")
            continue
        script = ScriptReader(path, problems)
        scenario = script.read()
        if scenario is None:
            continue
        if scenario.id in seen:
            problems.error(path, script.id_line,
                           f'scenario id "{scenario.id}" is already used by {seen[scenario.id].name}',
                           "give each scenario a unique `id:`")
            continue
        seen[scenario.id] = path
        scenarios.append(scenario)
    return scenarios


def _scene_count(root: Node) -> int:
    """Scenes in the script, counted before any is checked: a runaway script is refused at once."""
    if not isinstance(root, yaml.MappingNode):
        return 0
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "scenes" and isinstance(value, yaml.MappingNode):
            return len(value.value)
    return 0


def _default_id(path: Path) -> str:
    # "01-wedding-shoes.yml" → "wedding-shoes", as for lessons: the number only orders files.
    stem = re.sub(r"^\d+[-_ ]*", "", path.stem).lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")


class ScriptReader(CastReader):
    """Reads one scenario file, recording a located problem for everything wrong in it."""

    def __init__(self, path: Path, problems: Problems):
        super().__init__(path, problems)
        self.id_line = 1
        self._links: list[tuple[str, Node, str]] = []  # (scene id, node naming it, who names it)
        self._declared: set[str] = set()  # scene names, valid or not: a bad one is reported once

    def read(self) -> Scenario | None:
        try:
            root = compose(read_source(self.path))
        except SourceError as exc:
            self.error(exc.line or 1, exc.problem, exc.hint)
            return None
        except YamlSyntaxError as exc:
            self.problems.error(self.path, exc.line, f"YAML syntax error: {exc.problem}",
                                exc.hint or "check indentation, and put a line in quotes when it contains `: ` "
                                "or starts with a quote, e.g. - dana: \"Honestly: no.\"")
            return None
        if root is None or is_null(root):
            self.error(1, "the scenario is empty", "write its `title:`, `characters:` and `scenes:`")
            return None
        if _scene_count(root) > MAX_SCENES:
            self.error(root, f"the scenario has more than {MAX_SCENES} scenes",
                       "split it into several scenarios; each scene is a clip rendered at build time")
            return None
        errors_before = len(self.problems.errors)
        scenario = self._scenario(root)
        return scenario if len(self.problems.errors) == errors_before else None

    # The parts of a scenario, top down.

    def _scenario(self, root: Node) -> Scenario | None:
        top = self.fields(root, SCENARIO_KEYS, "the scenario")
        if top is None:
            return None
        what = "the scenario"
        scenario_id = _default_id(self.path)
        if "id" in top:
            self.id_line = line_of(top["id"][0])
            scenario_id = self.text(top, "id", what, 1) or scenario_id
        if not SLUG.match(scenario_id):
            self.error(self.id_line, f'scenario id "{scenario_id}" is not a valid id',
                       "use lowercase letters, digits and hyphens, e.g. `id: wedding-shoes`")
        title = self.text(top, "title", what, 1)
        description = self.text(top, "description", what, 1, required=False) or ""
        cast = self.characters(top.get("characters"))
        scenes = self._scenes(top.get("scenes"), cast)
        start = self.text(top, "start", what, 1, required=False)
        if start is not None:
            self._links.append((start, top["start"][1], "start"))
        start = start or next(iter(scenes), "")
        check_links(self, scenes, self._links, self._declared)
        if scenes and start in scenes:
            check_paths(self, scenes, start)
        return Scenario(scenario_id, title or "", self.path, cast, scenes, start, description)

    def _scenes(self, entry: tuple[Node, Node] | None, cast: dict[str, Character]) -> dict[str, Scene]:
        hint = "add `scenes:` with at least one named scene holding `lines:`"
        scenes: dict[str, Scene] = {}
        if entry is None:
            self.error(1, 'the scenario has no "scenes"', hint)
            return scenes
        for key_node, value_node in self.entries(entry[1], '"scenes"', hint):
            scene_id = key_node.value
            self._declared.add(scene_id)
            if scene_id == END:
                self.error(key_node, 'a scene cannot be called "end"',
                           "`next: end` is how a scenario ends; give the scene another name")
            elif not SLUG.match(scene_id):
                self.error(key_node, f'scene "{scene_id}" is not a valid id',
                           "use lowercase letters, digits and hyphens, e.g. the-call")
            else:
                scene = self._scene(scene_id, key_node, value_node, cast)
                if scene is not None:
                    scenes[scene_id] = scene
        return scenes

    def _scene(self, scene_id: str, key_node: Node, node: Node, cast: dict[str, Character]) -> Scene | None:
        what = f'scene "{scene_id}"'
        fields = {} if is_null(node) else self.fields(node, SCENE_KEYS, what)
        if fields is None:
            return None
        turns = self._turns(fields.get("lines"), key_node, what, cast)
        decision = self._decision(fields["decision"], what) if "decision" in fields else None
        following = self._next(fields, what)
        if decision is not None and following is not None:
            self.error(fields["next"][0], f'{what} has both a decision and "next"',
                       "a scene ends in a decision or goes on to one `next:` scene; remove one of them")
        return Scene(scene_id, self.text(fields, "title", what, key_node, required=False) or "",
                     turns, decision, following, line=line_of(key_node))

    def _next(self, fields: dict, what: str) -> str | None:
        target = self.text(fields, "next", what, 1, required=False)
        if target is None or target == END:
            return None
        self._links.append((target, fields["next"][1], what))
        return target

    def _turns(self, entry: tuple[Node, Node] | None, key_node: Node, what: str,
               cast: dict[str, Character]) -> tuple[Turn, ...]:
        hint = "add `lines:` with one `- speaker: what they say` per line"
        if entry is None or is_null(entry[1]) or (isinstance(entry[1], yaml.SequenceNode) and not entry[1].value):
            self.error(key_node if entry is None else entry[0], f"{what} is empty: it has no lines", hint)
            return ()
        if not isinstance(entry[1], yaml.SequenceNode):
            self.error(entry[1], f'"lines" of {what} must be a list', hint)
            return ()
        turns = (self._turn(item, what, cast) for item in entry[1].value)
        return tuple(turn for turn in turns if turn is not None)

    def _turn(self, item: Node, what: str, cast: dict[str, Character]) -> Turn | None:
        """`- speaker: text`, optionally with `mood:` on the next line."""
        pairs = item.value if isinstance(item, yaml.MappingNode) else []
        said = [(key, value) for key, value in pairs if key.value != MOOD_KEY]
        if len(said) != 1 or len(pairs) - len(said) > 1:
            self.error(item, f"a line of {what} is not `speaker: text`",
                       "write `- dana: what Dana says`, one speaker per `-` (quote a line that contains `: `)")
            return None
        speaker_node, text_node = said[0]
        speaker = speaker_node.value
        if speaker not in cast:
            known = [key for key in cast if key != NARRATOR]
            self.error(speaker_node, f'unknown character "{speaker}" in {what}',
                       f"{did_you_mean(speaker, [*known, NARRATOR])}characters: {', '.join(known) or 'none'}, "
                       f"and {NARRATOR}; or add \"{speaker}\" under `characters:`")
            return None
        text = self.scalar(text_node, f'what "{speaker}" says in {what}', f"write `- {speaker}: what they say`")
        mood = self._mood(dict((k.value, (k, v)) for k, v in pairs), speaker, what)
        return None if text is None or mood is None else Turn(speaker, text, mood, line=line_of(speaker_node))

    def _mood(self, fields: dict, speaker: str, what: str) -> str | None:
        if MOOD_KEY not in fields:
            return MOODS[0]
        where = f'the line of "{speaker}" in {what}'
        if speaker == NARRATOR:
            self.error(fields[MOOD_KEY][0], f"{where} has a mood, but narration has no face to show it",
                       "remove `mood:` here, or give the line to a character")
            return None
        mood = self.text(fields, MOOD_KEY, where, 1)
        if mood is not None and mood not in MOODS:
            self.error(fields[MOOD_KEY][1], f'"mood" of {where} is "{mood}"',
                       f"{did_you_mean(mood, list(MOODS))}use one of: {', '.join(MOODS)}")
            return None
        return mood

    def _decision(self, entry: tuple[Node, Node], what: str) -> Decision | None:
        where = f"the decision of {what}"
        fields = self.fields(entry[1], DECISION_KEYS, where)
        if fields is None:
            return None
        hint = "list two to six options under `options:`, each starting with `- say: ...` or `- do: ...`"
        node = fields.get("options", (None, None))[1]
        if node is None or not isinstance(node, yaml.SequenceNode) or len(node.value) < 2:
            self.error(entry[0] if node is None else node, f"{where} needs at least two options", hint)
            return None
        if len(node.value) > 6:
            self.error(node.value[6], f"{where} has {len(node.value)} options; six at most",
                       "keep the six that teach most")
            return None
        options = [self._option(item, f"option {n} of {what}", "abcdef"[n - 1])
                   for n, item in enumerate(node.value, start=1)]
        if any(option is None for option in options):
            return None
        if not any(option.result == "correct" for option in options):
            self.error(entry[0], f"no option of {where} is `result: correct`",
                       "mark the best response `result: correct` so the learner can be told what works")
        acts = any(option.kind == "do" for option in options)
        prompt = self.text(fields, "prompt", where, entry[0], required=False)
        return Decision(prompt or (DEFAULT_ACTION_PROMPT if acts else DEFAULT_PROMPT), tuple(options))

    def _option(self, node: Node, what: str, option_id: str) -> Choice | None:
        fields = self.fields(node, OPTION_KEYS, what)
        if fields is None:
            return None
        line = line_of(node)
        kind = self._kind(fields, what, line)
        values = {key: self.text(fields, key, what, line) for key in ("empathy", "felt", "feedback")}
        values["say"] = self.text(fields, kind, what, line) if kind else None
        result = self.text(fields, "result", what, line)
        if result is not None and result not in RESULTS:
            self.error(fields["result"][1], f'"result" of {what} is "{result}"',
                       f"{did_you_mean(result, list(RESULTS))}use one of: {', '.join(RESULTS)}")
            result = None
        if "next" not in fields:
            self.error(line, f'{what} has no "next"', "add `next:` with the scene it leads to, or `next: end`")
        following = self._next(fields, what)
        if None in values.values() or result is None:
            return None
        return Choice(option_id, result=result, next=following, kind=kind, **values)

    def _kind(self, fields: dict, what: str, line: int) -> str | None:
        """"say" for a line, "do" for an action: an option is exactly one of them."""
        kinds = [kind for kind in KINDS if kind in fields]
        if len(kinds) == 1:
            return kinds[0]
        if kinds:
            self.error(fields["do"][0], f'{what} has both "say" and "do"',
                       "an option is a line (`say:`) or an action (`do:`); keep one of them")
        else:
            self.error(line, f'{what} has no "say" or "do"',
                       "add `say: what the learner says` or `do: what the learner does`")
        return None


def shown_scalars(root: Node | None) -> list[yaml.ScalarNode]:
    """The scalar nodes of a script (one its reader took) whose text the learner sees (SHOWN_KEYS and
    what each line says), in file order: the review looks for tags in them (check/housekeeping.py)."""
    found: list[yaml.ScalarNode] = []

    def pairs(node) -> list:
        return node.value if isinstance(node, yaml.MappingNode) else []

    def shown(node, kind: str) -> dict:
        """The mapping's values by key, its shown texts put in `found`."""
        values = {key.value: value for key, value in pairs(node) if isinstance(key, yaml.ScalarNode)}
        found.extend(values[key] for key in SHOWN_KEYS[kind] if isinstance(values.get(key), yaml.ScalarNode))
        return values

    top = shown(root, "scenario")
    for _, character in pairs(top.get("characters")):
        shown(character, "character")
    for _, scene in pairs(top.get("scenes")):
        parts = shown(scene, "scene")
        said = parts.get("lines")
        for line in said.value if isinstance(said, yaml.SequenceNode) else ():
            found.extend(text for speaker, text in pairs(line)
                         if speaker.value != MOOD_KEY and isinstance(text, yaml.ScalarNode))
        options = shown(parts.get("decision"), "decision").get("options")
        for option in options.value if isinstance(options, yaml.SequenceNode) else ():
            shown(option, "option")
    # An alias repeats its anchor's node; a flow mapping puts several texts on one line.
    unique = {id(node): node for node in found}.values()
    return sorted(unique, key=lambda node: (node.start_mark.line, node.start_mark.column))

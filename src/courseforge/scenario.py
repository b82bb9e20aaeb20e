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
        decision:
          prompt: What do you say next?      # the default
          options:
            - say: Narrow feet are hard to fit. Let's find a pair you can dance in.
              result: correct                # correct, neutral or wrong
              empathy: Affective — you heard what mattered and felt it with her.
              felt: Understood, and hopeful again.
              feedback: You caught the cue that mattered most to her.
              next: found-them               # the consequence scene, or `end`
      found-them:                            # no decision and no `next`: an ending
        lines:
          - dana: These might actually work.

The script is read from the YAML node tree rather than the loaded data: every problem names its
exact line, and every text stays as typed (`- sam: No` is the word "No", not False).
"""
from __future__ import annotations

import difflib
import re
import zlib
from pathlib import Path

import yaml

from courseforge.errors import Problems
from courseforge.fields import SLUG, unknown_key_hint
from courseforge.model import (NARRATOR, Character, Choice, Decision, Look, Scenario, Scene, Turn,
                               Voice)
from courseforge.sourcetext import SourceError, read_source
from courseforge.yamltext import YamlSyntaxError, compose

# A role-play of a few minutes has a handful of scenes; thousands would render for hours.
MAX_SCENES = 100

SCENARIO_DIR = "scenarios"
END = "end"
RESULTS = ("correct", "neutral", "wrong")
SHAPES = ("round", "oval", "square")
HAIRSTYLES = ("short", "long", "bun", "none")
DEFAULT_PROMPT = "What do you say next?"

SCENARIO_KEYS = ("id", "title", "description", "characters", "start", "scenes")
CHARACTER_KEYS = ("name", "role", "look", "voice")
LOOK_KEYS = ("shape", "hairstyle", "skin", "hair", "clothes", "background")
VOICE_KEYS = ("name", "speed", "pitch")
SCENE_KEYS = ("title", "lines", "decision", "next")
DECISION_KEYS = ("prompt", "options")
OPTION_KEYS = ("say", "result", "empathy", "felt", "feedback", "next")

SPEAKER = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")
VOICE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_+./-]{0,40}$")
HEX_COLOUR = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# Names a designer types without looking up a hex code; each a tone that reads well on a frame.
COLOURS = {
    "black": "#1b1b1b", "white": "#ffffff", "grey": "#8a8f98", "gray": "#8a8f98", "navy": "#1f3a5f",
    "blue": "#3c6e9f", "teal": "#2a7f7a", "green": "#4f7d3a", "olive": "#707a32", "yellow": "#e0b43c",
    "orange": "#d9822b", "red": "#b23a3a", "maroon": "#7a2a35", "pink": "#d97a9a", "purple": "#6b4f9c",
    "brown": "#6b4a2b", "blonde": "#d8b46a", "auburn": "#8a3f22", "beige": "#e8dcc6", "cream": "#f6f0e1",
}
# Characters without a `look:` still differ from each other: a palette entry picked by their key.
CLOTHES = ("#3c6e9f", "#2a7f7a", "#b2563a", "#6b4f9c", "#4f7d3a", "#a0455f")
BACKGROUNDS = ("#e6edf3", "#f2ebe1", "#e8f0e6", "#efe7f2")

Node = yaml.Node


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


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _scene_count(root: Node) -> int:
    """Scenes in the script, counted before any is checked: a runaway script is refused at once."""
    if not isinstance(root, yaml.MappingNode):
        return 0
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "scenes" and isinstance(value, yaml.MappingNode):
            return len(value.value)
    return 0


def _is_null(node: Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and (node.tag.endswith(":null") or not node.value.strip())


def _did_you_mean(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1)
    return f'did you mean "{close[0]}"? ' if close else ""


def _default_id(path: Path) -> str:
    # "01-wedding-shoes.yml" → "wedding-shoes", as for lessons: the number only orders files.
    stem = re.sub(r"^\d+[-_ ]*", "", path.stem).lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")


class ScriptReader:
    """Reads one scenario file, recording a located problem for everything wrong in it."""

    def __init__(self, path: Path, problems: Problems):
        self.path, self.problems = path, problems
        self.id_line = 1
        self._links: list[tuple[str, Node, str]] = []  # (scene id, node naming it, who names it)
        self._declared: set[str] = set()  # scene names, valid or not: a bad one is reported once

    def error(self, where: Node | int, problem: str, hint: str) -> None:
        self.problems.error(self.path, where if isinstance(where, int) else _line(where), problem, hint)

    def read(self) -> Scenario | None:
        try:
            root = compose(read_source(self.path))
        except SourceError as exc:
            self.error(1, exc.problem, exc.hint)
            return None
        except YamlSyntaxError as exc:
            self.problems.error(self.path, exc.line, f"YAML syntax error: {exc.problem}",
                                exc.hint or "check indentation, and put a line in quotes when it contains `: ` "
                                "or starts with a quote, e.g. - dana: \"Honestly: no.\"")
            return None
        if root is None or _is_null(root):
            self.error(1, "the scenario is empty", "write its `title:`, `characters:` and `scenes:`")
            return None
        if _scene_count(root) > MAX_SCENES:
            self.error(root, f"the scenario has more than {MAX_SCENES} scenes",
                       "split it into several scenarios; each scene is a clip rendered at build time")
            return None
        errors_before = len(self.problems.errors)
        scenario = self._scenario(root)
        return scenario if len(self.problems.errors) == errors_before else None

    # Reading helpers: each returns None after recording why.

    def fields(self, node: Node, allowed: tuple[str, ...], what: str) -> dict[str, tuple[Node, Node]] | None:
        """A mapping's (key node, value node) by key, after reporting duplicate and unknown keys."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be `key: value` lines", f"write indented lines such as `{allowed[0]}: ...`")
            return None
        found: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            if key in found:
                self.error(key_node, f'key "{key}" appears twice in {what}', "keep one of them")
            elif key not in allowed:
                self.error(key_node, f'unknown key "{key}" in {what}', unknown_key_hint(key, allowed))
            else:
                found[key] = (key_node, value_node)
        return found

    def text(self, fields: dict, key: str, what: str, owner: Node | int, required: bool = True) -> str | None:
        if key not in fields:
            if required:
                self.error(owner, f'{what} has no "{key}"', f"add a line `{key}: ...`")
            return None
        return self.scalar(fields[key][1], f'"{key}" of {what}', f"write `{key}: some text`")

    def scalar(self, node: Node, what: str, hint: str) -> str | None:
        if isinstance(node, yaml.ScalarNode) and not _is_null(node):
            return " ".join(node.value.split())
        self.error(node, f"{what} must be a non-empty text", hint)
        return None

    def choice_of(self, fields: dict, key: str, allowed: tuple[str, ...], what: str, default: str) -> str:
        value = self.text(fields, key, what, 1, required=False)
        if value is None or value in allowed:
            return value or default
        self.error(fields[key][1], f'"{key}" of {what} is "{value}"',
                   f"{_did_you_mean(value, list(allowed))}use one of: {', '.join(allowed)}")
        return default

    def integer(self, fields: dict, key: str, what: str, low: int, high: int, default: int) -> int:
        if key not in fields:
            return default
        node = fields[key][1]
        value = node.value if isinstance(node, yaml.ScalarNode) else ""
        if not re.fullmatch(r"\d+", value) or not low <= int(value) <= high:
            self.error(node, f'"{key}" of {what} is "{value}", not a whole number from {low} to {high}',
                       f"write e.g. `{key}: {default}`")
            return default
        return int(value)

    def colour(self, fields: dict, key: str, what: str, default: str) -> str:
        value = self.text(fields, key, what, 1, required=False)
        if value is None:
            return default
        if HEX_COLOUR.match(value):
            return "#" + "".join(c * 2 for c in value[1:]).lower() if len(value) == 4 else value.lower()
        if value.lower() in COLOURS:
            return COLOURS[value.lower()]
        self.error(fields[key][1], f'"{key}" of {what} is "{value}", not a colour',
                   f'write a hex colour such as "#3c6e9f" (quoted) or one of: {", ".join(COLOURS)}')
        return default

    def entries(self, node: Node, what: str, hint: str) -> list[tuple[Node, Node]]:
        """The entries of a mapping keyed by names (characters, scenes), reporting duplicates."""
        if _is_null(node) or (isinstance(node, yaml.MappingNode) and not node.value):
            self.error(node, f"{what} is empty", hint)
            return []
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be named entries, not a list or a text", hint)
            return []
        names: set[str] = set()
        unique = []
        for key_node, value_node in node.value:
            if key_node.value in names:
                self.error(key_node, f'"{key_node.value}" appears twice in {what}', "give each one its own name")
                continue
            names.add(key_node.value)
            unique.append((key_node, value_node))
        return unique

    # The parts of a scenario, top down.

    def _scenario(self, root: Node) -> Scenario | None:
        top = self.fields(root, SCENARIO_KEYS, "the scenario")
        if top is None:
            return None
        what = "the scenario"
        scenario_id = _default_id(self.path)
        if "id" in top:
            self.id_line = _line(top["id"][0])
            scenario_id = self.text(top, "id", what, 1) or scenario_id
        if not SLUG.match(scenario_id):
            self.error(self.id_line, f'scenario id "{scenario_id}" is not a valid id',
                       "use lowercase letters, digits and hyphens, e.g. `id: wedding-shoes`")
        title = self.text(top, "title", what, 1)
        description = self.text(top, "description", what, 1, required=False) or ""
        cast = self._characters(top.get("characters"))
        scenes = self._scenes(top.get("scenes"), cast)
        start = self.text(top, "start", what, 1, required=False)
        if start is not None:
            self._links.append((start, top["start"][1], "start"))
        start = start or next(iter(scenes), "")
        self._check_links(scenes)
        if scenes and start in scenes:
            self._check_paths(scenes, start)
        return Scenario(scenario_id, title or "", self.path, cast, scenes, start, description)

    def _characters(self, entry: tuple[Node, Node] | None) -> dict[str, Character]:
        hint = "list who speaks, e.g. `characters:` then `  dana: {name: Dana, role: Customer}`"
        cast: dict[str, Character] = {}
        if entry is None:
            self.error(1, 'the scenario has no "characters"', hint)
        else:
            for key_node, value_node in self.entries(entry[1], '"characters"', hint):
                key = key_node.value
                if not SPEAKER.match(key):
                    self.error(key_node, f'character "{key}" is not a usable name',
                               "use one word of letters, digits, - or _ (e.g. dana): lines name speakers with it")
                    continue
                cast[key] = self._character(key, key_node, value_node)
        cast.setdefault(NARRATOR, Character(NARRATOR, "Narrator", look=Look(background="#26323f")))
        return cast

    def _character(self, key: str, key_node: Node, node: Node) -> Character:
        what = f'character "{key}"'
        palette = zlib.crc32(key.encode())
        look = Look(clothes=CLOTHES[palette % len(CLOTHES)], background=BACKGROUNDS[palette % len(BACKGROUNDS)])
        fields = {} if _is_null(node) else self.fields(node, CHARACTER_KEYS, what) or {}
        if "look" in fields:
            look = self._look(fields["look"][1], what, look)
        voice = Voice()
        if "voice" in fields:
            voice = self._voice(fields["voice"][1], what)
        return Character(key=key, name=self.text(fields, "name", what, key_node, required=False) or key.capitalize(),
                         role=self.text(fields, "role", what, key_node, required=False) or "",
                         look=look, voice=voice, line=_line(key_node))

    def _look(self, node: Node, what: str, default: Look) -> Look:
        fields = self.fields(node, LOOK_KEYS, f"the look of {what}") or {}
        what = f"the look of {what}"
        return Look(shape=self.choice_of(fields, "shape", SHAPES, what, default.shape),
                    hairstyle=self.choice_of(fields, "hairstyle", HAIRSTYLES, what, default.hairstyle),
                    skin=self.colour(fields, "skin", what, default.skin),
                    hair=self.colour(fields, "hair", what, default.hair),
                    clothes=self.colour(fields, "clothes", what, default.clothes),
                    background=self.colour(fields, "background", what, default.background))

    def _voice(self, node: Node, what: str) -> Voice:
        what = f"the voice of {what}"
        if isinstance(node, yaml.ScalarNode):
            name = self.scalar(node, what, "write an espeak-ng voice such as `voice: en-us`")
            fields: dict = {}
        else:
            fields = self.fields(node, VOICE_KEYS, what) or {}
            name = self.text(fields, "name", what, node, required=False) or Voice.name
            node = fields["name"][1] if "name" in fields else node
        if name and not VOICE_NAME.match(name):
            self.error(node, f'{what} is "{name}", not an espeak-ng voice name',
                       "use a name from `espeak-ng --voices`, optionally with a variant: en-us, en-gb+f3")
        return Voice(name=name or Voice.name,
                     speed=self.integer(fields, "speed", what, 80, 450, Voice.speed),
                     pitch=self.integer(fields, "pitch", what, 0, 99, Voice.pitch))

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
        fields = {} if _is_null(node) else self.fields(node, SCENE_KEYS, what)
        if fields is None:
            return None
        turns = self._turns(fields.get("lines"), key_node, what, cast)
        decision = self._decision(fields["decision"], what) if "decision" in fields else None
        following = self._next(fields, what)
        if decision is not None and following is not None:
            self.error(fields["next"][0], f'{what} has both a decision and "next"',
                       "a scene ends in a decision or goes on to one `next:` scene; remove one of them")
        return Scene(scene_id, self.text(fields, "title", what, key_node, required=False) or "",
                     turns, decision, following, line=_line(key_node))

    def _next(self, fields: dict, what: str) -> str | None:
        target = self.text(fields, "next", what, 1, required=False)
        if target is None or target == END:
            return None
        self._links.append((target, fields["next"][1], what))
        return target

    def _turns(self, entry: tuple[Node, Node] | None, key_node: Node, what: str,
               cast: dict[str, Character]) -> tuple[Turn, ...]:
        hint = "add `lines:` with one `- speaker: what they say` per line"
        if entry is None or _is_null(entry[1]) or (isinstance(entry[1], yaml.SequenceNode) and not entry[1].value):
            self.error(key_node if entry is None else entry[0], f"{what} is empty: it has no lines", hint)
            return ()
        if not isinstance(entry[1], yaml.SequenceNode):
            self.error(entry[1], f'"lines" of {what} must be a list', hint)
            return ()
        turns = []
        for item in entry[1].value:
            if not isinstance(item, yaml.MappingNode) or len(item.value) != 1:
                self.error(item, f"a line of {what} is not `speaker: text`",
                           "write `- dana: what Dana says`, one speaker per `-` (quote a line that contains `: `)")
                continue
            speaker_node, text_node = item.value[0]
            speaker = speaker_node.value
            if speaker not in cast:
                known = [key for key in cast if key != NARRATOR]
                self.error(speaker_node, f'unknown character "{speaker}" in {what}',
                           f"{_did_you_mean(speaker, [*known, NARRATOR])}characters: {', '.join(known) or 'none'}, "
                           f"and {NARRATOR}; or add \"{speaker}\" under `characters:`")
                continue
            text = self.scalar(text_node, f'what "{speaker}" says in {what}', f"write `- {speaker}: what they say`")
            if text is not None:
                turns.append(Turn(speaker, text, line=_line(speaker_node)))
        return tuple(turns)

    def _decision(self, entry: tuple[Node, Node], what: str) -> Decision | None:
        where = f"the decision of {what}"
        fields = self.fields(entry[1], DECISION_KEYS, where)
        if fields is None:
            return None
        prompt = self.text(fields, "prompt", where, entry[0], required=False) or DEFAULT_PROMPT
        hint = "list two to six options under `options:`, each starting with `- say: ...`"
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
        return Decision(prompt, tuple(options))

    def _option(self, node: Node, what: str, option_id: str) -> Choice | None:
        fields = self.fields(node, OPTION_KEYS, what)
        if fields is None:
            return None
        line = _line(node)
        values = {key: self.text(fields, key, what, line) for key in ("say", "empathy", "felt", "feedback")}
        result = self.text(fields, "result", what, line)
        if result is not None and result not in RESULTS:
            self.error(fields["result"][1], f'"result" of {what} is "{result}"',
                       f"{_did_you_mean(result, list(RESULTS))}use one of: {', '.join(RESULTS)}")
            result = None
        if "next" not in fields:
            self.error(line, f'{what} has no "next"', "add `next:` with the scene it leads to, or `next: end`")
        following = self._next(fields, what)
        if None in values.values() or result is None:
            return None
        return Choice(option_id, result=result, next=following, **values)

    # Checks across scenes.

    def _check_links(self, scenes: dict[str, Scene]) -> None:
        known = list(scenes)
        for target, node, who in self._links:
            if target not in self._declared:
                self.error(node, f'{who} leads to scene "{target}", which does not exist',
                           f"{_did_you_mean(target, known)}scenes: {', '.join(known) or 'none'}; or `{END}`")

    def _check_paths(self, scenes: dict[str, Scene], start: str) -> None:
        def leads_to(scene: Scene) -> list[str | None]:
            # None is an exit: `next: end`, an ending, or a missing scene (already reported).
            if scene.decision is not None:
                targets = [option.next for option in scene.decision.options]
            else:
                targets = [scene.next]
            return [t if t in scenes else None for t in targets]

        reached, todo = {start}, [start]
        while todo:
            for target in leads_to(scenes[todo.pop()]):
                if target is not None and target not in reached:
                    reached.add(target)
                    todo.append(target)
        can_end = {sid for sid, scene in scenes.items() if None in leads_to(scene)}
        grew = True
        while grew:
            more = {sid for sid, scene in scenes.items() if sid not in can_end and can_end & set(leads_to(scene))}
            can_end |= more
            grew = bool(more)
        reported: set[str] = set()
        for sid, scene in scenes.items():
            if sid not in reached:
                self.problems.warn(self.path, scene.line, f'scene "{sid}" is never reached',
                                   "lead to it with `next:` or an option from another scene, or remove it")
            elif sid not in can_end and sid not in reported:
                loop = self._reachable(scenes, sid, leads_to)
                reported |= loop
                self.error(scene.line, f'no ending can be reached from scene "{sid}": it only leads to '
                           + ", ".join(f'"{s}"' for s in scenes if s in loop),
                           "give one of these scenes an option or `next:` leading to an ending "
                           "(a scene with no decision and no next) or to `end`")

    @staticmethod
    def _reachable(scenes: dict[str, Scene], start: str, leads_to) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            sid = todo.pop()
            for target in leads_to(scenes[sid]):
                if target is not None and target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

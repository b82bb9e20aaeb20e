"""The cast of a scenario script: who speaks, how each avatar looks and which voice reads the lines."""
from __future__ import annotations

import re
import zlib

import yaml

from courseforge.model import NARRATOR, Character, Look, Voice
from courseforge.scriptnodes import Node, NodeReader, is_null, line_of

SHAPES = ("round", "oval", "square")
HAIRSTYLES = ("short", "long", "bun", "none")

CHARACTER_KEYS = ("name", "role", "look", "voice")
LOOK_KEYS = ("shape", "hairstyle", "skin", "hair", "clothes", "background")
VOICE_KEYS = ("name", "speed", "pitch")

MOOD_KEY = "mood"  # beside the speaker in a line (`- dana: Hello.` then `  mood: happy`): no character's name
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


class CastReader(NodeReader):
    """The `characters:` of a script, each with a look and a voice (defaults where they are left out)."""

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

    def characters(self, entry: tuple[Node, Node] | None) -> dict[str, Character]:
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
                if key == MOOD_KEY:
                    self.error(key_node, f'a character cannot be called "{key}"',
                               f"`{key}:` under a line sets the speaker's expression; give the character another name")
                    continue
                cast[key] = self._character(key, key_node, value_node)
        cast.setdefault(NARRATOR, Character(NARRATOR, "Narrator", look=Look(background="#26323f")))
        return cast

    def _character(self, key: str, key_node: Node, node: Node) -> Character:
        what = f'character "{key}"'
        palette = zlib.crc32(key.encode())
        look = Look(clothes=CLOTHES[palette % len(CLOTHES)], background=BACKGROUNDS[palette % len(BACKGROUNDS)])
        fields = {} if is_null(node) else self.fields(node, CHARACTER_KEYS, what) or {}
        if "look" in fields:
            look = self._look(fields["look"][1], what, look)
        voice = Voice()
        if "voice" in fields:
            voice = self._voice(fields["voice"][1], what)
        return Character(key=key, name=self.text(fields, "name", what, key_node, required=False) or key.capitalize(),
                         role=self.text(fields, "role", what, key_node, required=False) or "",
                         look=look, voice=voice, line=line_of(key_node))

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

"""Checks across a scenario's scenes: every link leads to a scene, every scene is reached, every path ends."""
from __future__ import annotations

from courseforge.model import Scene
from courseforge.scriptnodes import Node, NodeReader, did_you_mean

END = "end"


def check_links(reader: NodeReader, scenes: dict[str, Scene], links: list[tuple[str, Node, str]],
                declared: set[str]) -> None:
    """Every `next:`, option and `start:` names a scene; names in `declared` were reported already if invalid."""
    known = list(scenes)
    for target, node, who in links:
        if target not in declared:
            # `end` ends the scenario after a choice; a scenario cannot start there.
            ending = "" if who == "start" else f"; or `{END}`"
            reader.error(node, f'{who} leads to scene "{target}", which does not exist',
                         f"{did_you_mean(target, known)}scenes: {', '.join(known) or 'none'}{ending}")


def check_paths(reader: NodeReader, scenes: dict[str, Scene], start: str) -> None:
    """Warn about scenes never reached; refuse loops that no path leaves for an ending."""
    reached = _reachable(scenes, start) | {start}
    can_end = _can_end(scenes)
    reported: set[str] = set()
    for sid, scene in scenes.items():
        if sid not in reached:
            reader.problems.warn(reader.path, scene.line, f'scene "{sid}" is never reached',
                                 "lead to it with `next:` or an option from another scene, or remove it")
        elif sid not in can_end and sid not in reported:
            loop = _reachable(scenes, sid)
            reported |= loop
            reader.error(scene.line, f'no ending can be reached from scene "{sid}": it only leads to '
                         + ", ".join(f'"{s}"' for s in scenes if s in loop),
                         "give one of these scenes an option or `next:` leading to an ending "
                         "(a scene with no decision and no next) or to `end`")


def _leads_to(scenes: dict[str, Scene], scene: Scene) -> list[str | None]:
    # None is an exit: `next: end`, an ending, or a missing scene (already reported).
    if scene.decision is not None:
        targets = [option.next for option in scene.decision.options]
    else:
        targets = [scene.next]
    return [t if t in scenes else None for t in targets]


def _can_end(scenes: dict[str, Scene]) -> set[str]:
    """The scenes from which some path reaches an exit."""
    can_end = {sid for sid, scene in scenes.items() if None in _leads_to(scenes, scene)}
    grew = True
    while grew:
        more = {sid for sid, scene in scenes.items()
                if sid not in can_end and can_end & set(_leads_to(scenes, scene))}
        can_end |= more
        grew = bool(more)
    return can_end


def _reachable(scenes: dict[str, Scene], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        sid = todo.pop()
        for target in _leads_to(scenes, scenes[sid]):
            if target is not None and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen

"""Random training and evaluation scenes for camera direction: one shot at one location, built from ``world/``.

A scenario is a small storyboard (one or two characters acting, a few props, sometimes one placed in front of the
main subject so it blocks the naive view) turned into a :class:`World` by the same asset library, layout and
motion code the renderer draws, so a policy trains on exactly the worlds it will film. Half the seeds are one of
the hard cases (:data:`HARD_CASES`): someone or something crossing in front of the main subject, a flying
subject, a small subject in a wide shot, a subject running out of a standing camera's frame, two subjects who
must share the frame. Each seed gives one scenario; training draws seeds below :data:`HELD_OUT_SEEDS`,
evaluation draws from there on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from storyreel.schema import (
    Action,
    CameraAngle,
    CameraMove,
    Character,
    Location,
    LocationKind,
    Placement,
    Prop,
    Relation,
    Shot,
    ShotSize,
    Storyboard,
    Verb,
)
from storyreel.world.build import build_world
from storyreel.world.world import World

#: Seeds from here on are never used in training: evaluation (bench/bench_camera.py) draws from them.
HELD_OUT_SEEDS = 1_000_000

LOCATIONS = (
    LocationKind.PARK,
    LocationKind.STREET,
    LocationKind.FIELD,
    LocationKind.FOREST,
    LocationKind.BEACH,
    LocationKind.CITY,
    LocationKind.ROOM,
    LocationKind.SNOW,
)
ACTORS = ("person", "person", "child", "dog", "cat", "horse", "robot", "cow", "car", "bicycle")
OBSTACLES = ("tree", "pine", "house", "bench", "box", "rock", "bush", "lamp", "fence", "table", "tower", "car")
VERBS = (Verb.IDLE, Verb.WALK, Verb.WALK, Verb.RUN, Verb.JUMP, Verb.LOOK, Verb.TALK, Verb.CHASE)
ANGLES = (CameraAngle.EYE, CameraAngle.EYE, CameraAngle.HIGH, CameraAngle.LOW, CameraAngle.OVERHEAD)
HARD_CASES = ("crossing", "flying", "small", "leaving", "pair")
CROSSERS = ("person", "car", "bus", "horse", "bicycle")  # what runs or drives across in front of the subject
FLYERS = ("bird", "plane", "helicopter", "drone", "butterfly")
SMALL = ("cat", "ball", "rabbit", "fox", "kite")
WIDE_SIZES = (ShotSize.WIDE, ShotSize.EXTREME_WIDE, ShotSize.FULL)
STANDING = (CameraMove.STATIC, CameraMove.PAN, CameraMove.TILT)


@dataclass(frozen=True)
class Scenario:
    """A world and the one shot to film in it, starting at story time ``start``."""

    seed: int
    world: World
    shot: Shot
    start: float = 0.0


def random_storyboard(seed: int) -> Storyboard:
    """A one-shot storyboard drawn from ``seed``: who acts, what stands around (and maybe in the way), and the
    shot's size, angle, move and length."""
    rng = np.random.default_rng([seed, 7])
    kinds = [str(rng.choice(ACTORS)) for _ in range(int(rng.integers(1, 3)))]
    cast = [Character(id=f"actor{i}", name=f"actor {i}", kind=kind) for i, kind in enumerate(kinds)]
    props = [Prop(id=f"prop{i}", name=f"prop {i}", kind=str(rng.choice(OBSTACLES))) for i in range(rng.integers(0, 5))]
    placements = []
    if props and rng.random() < 0.5:  # something stands between the scene's front and the main subject
        placements.append(Placement(subject=props[0].id, relation=Relation.IN_FRONT_OF, reference="actor0"))
    verb = Verb(rng.choice(VERBS))
    actions = [Action(actor="actor0", verb=verb, target="actor1" if verb is Verb.CHASE and len(cast) > 1 else None)]
    if len(cast) > 1 and verb is not Verb.CHASE and rng.random() < 0.5:
        actions.append(Action(actor="actor1", verb=Verb.CHASE, target="actor0"))
    shot = Shot(
        id="shot",
        location="here",
        duration=float(rng.uniform(2.0, 5.0)),
        subjects=[c.id for c in cast],
        actions=actions,
        size=ShotSize(rng.choice(list(ShotSize))),
        move=CameraMove(rng.choice(list(CameraMove))),
        angle=CameraAngle(rng.choice(ANGLES)),
    )
    if rng.random() < 0.5:
        cast, placements, shot = _hard_case(str(rng.choice(HARD_CASES)), rng, cast, placements, shot)
    location = Location(
        id="here", name="here", kind=LocationKind(rng.choice(LOCATIONS)), props=props, placements=placements
    )
    return Storyboard(title=f"scenario {seed}", cast=cast, locations=[location], shots=[shot])


def _hard_case(
    case: str, rng: np.random.Generator, cast: list[Character], placements: list[Placement], shot: Shot
) -> tuple[list[Character], list[Placement], Shot]:
    """``shot`` (and its cast and placements) made into one of the HARD_CASES."""
    first = cast[0]
    if case == "crossing":  # a third party runs or drives across, starting in front of the main subject
        kind = str(rng.choice(CROSSERS))
        verb = Verb.RUN if kind in ("person", "horse") else Verb.DRIVE
        cast = [*cast, Character(id="crosser", name="crosser", kind=kind)]
        placements = [*placements, Placement(subject="crosser", relation=Relation.IN_FRONT_OF, reference=first.id)]
        return (
            cast,
            placements,
            shot.model_copy(update={"actions": [*shot.actions, Action(actor="crosser", verb=verb)]}),
        )
    if case == "flying":
        cast = [Character(id=first.id, name=first.name, kind=str(rng.choice(FLYERS))), *cast[1:]]
        actions = [Action(actor=first.id, verb=Verb.FLY), *shot.actions[1:]]
        return cast, placements, shot.model_copy(update={"actions": actions})
    if case == "small":
        cast = [Character(id=first.id, name=first.name, kind=str(rng.choice(SMALL))), *cast[1:]]
        return cast, placements, shot.model_copy(update={"size": ShotSize(rng.choice(WIDE_SIZES))})
    if case == "leaving":
        actions = [Action(actor=first.id, verb=Verb.RUN), *shot.actions[1:]]
        return cast, placements, shot.model_copy(update={"actions": actions, "move": CameraMove(rng.choice(STANDING))})
    if len(cast) < 2:  # a pair who must share the frame
        cast = [*cast, Character(id="actor1", name="actor 1", kind=str(rng.choice(ACTORS[:4])))]
    sizes = (ShotSize.MEDIUM, ShotSize.FULL, ShotSize.MEDIUM_CLOSE_UP)
    update = {"subjects": [c.id for c in cast[:2]], "size": ShotSize(rng.choice(sizes))}
    return cast, placements, shot.model_copy(update=update)


def build_scenario(seed: int) -> Scenario:
    """The scenario of ``seed``: its storyboard's world (built as the scene tool builds one) and shot."""
    board = random_storyboard(seed)
    return Scenario(seed=seed, world=build_world(board, board.locations[0].id, seed=seed), shot=board.shots[0])

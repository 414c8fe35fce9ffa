"""Layout and motion: where a location's cast and props stand, and how they move shot by shot.

:func:`place` puts every entity on the ground (or on top of another prop), honours the location's spatial
relations relative to the scene's front (the default camera stands on +z looking at -z, so "left of" is -x and
"in front of" is +z) and keeps footprints apart; a held prop rides in its holder's hand. :func:`build_tracks`
turns each shot's actions at this location, on the one story timeline, into root keyframes and action clips; an
object ends one shot where it starts its next one here, and stays put while the story is elsewhere. One who talks
to or looks at something first walks up beside it (side by side as the front sees them; a long way passes in the
cut before the shot) and turns to it cheated towards the front.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from storyreel.geometry import Array, smoothstep, yaw_towards
from storyreel.schema import LANDMARK_HEIGHT, LIMB_VERBS, Action, Location, LocationKind, Relation, Storyboard, Verb
from storyreel.world.environment import SEA_EDGE, SEA_LEVEL
from storyreel.world.kinds import CHARACTER_KINDS, HABITATS, MOUNTS, PEOPLE_KINDS
from storyreel.world.rig import Asset, Clip, Track
from storyreel.world.world import WorldObject

WALK_SPEED = 1.4  # m/s
RUN_SPEED = 3.5
DRIVE_SPEED = 6.0
SWIM_SPEED = 1.0
ROLL_SPEED = 4.0
STEP = 0.1  # seconds between motion keyframes
CUT_GAP = 1e-3  # seconds between the last key before a cut and a jump at it
GAP = 0.3  # metres between footprints placed by a relation
TURN_RATE = 5.0  # rad/s a body turns at most
#: Big machines that stand for a place when tall, like a still thing (a ship at the quay, a train at the station).
MACHINES = frozenset({"car", "bus", "truck", "boat", "ship", "train", "submarine", "plane", "helicopter"})
#: (gap between footprints beyond which the actor first walks up to its target, gap it stops at) by verb.
APPROACH = {Verb.TALK: (1.0, 0.5), Verb.LOOK: (0.5, 0.3), Verb.IDLE: (0.5, 0.3), Verb.HANDLE: (0.3, 0.15)}
OFFSTAGE = np.array([0.0, -100.0, 0.0])  # where a cast member waits, under the ground, until a shot names it
CHASE_GAP = 2.0  # most a chaser starts behind its quarry at a cut, in the sum of their footprint radii
UPSTAGE_GAP = 2.0  # metres a vehicle that comes on keeps behind those already on stage
TAKE_UP = 0.3  # seconds a thing taken up takes to come into the hand or the mouth
ACTION_HOLD = 1.0  # seconds of the action itself an approach leaves at the end of its time, where it can
#: Seconds of walk an approach that opens a shot shows at most: the rest of the way passes in the cut, and it comes
#: in from behind, diagonally towards the front, face seen.
CUT_WALK = 1.0
CHEAT = np.radians(50.0)  # most one turned to someone or something turns away from the front (+z, the camera)
CHEAT_ALONE = np.radians(35.0)  # most one talking or looking with nobody to turn to turns away from the front
CHEAT_TURN = 0.5  # seconds that turn takes
#: A holder's right hand, as shares of its height in its own frame (facing +z, its right is -x).
HAND = np.array([-0.16, 0.45, 0.08])
#: Seat height as a share of the asset's height, for what one sits on.
SEAT_SHARE = {
    "chair": 0.51,
    "bench": 0.51,
    "sofa": 0.58,
    "bed": 0.6,
    "boat": 0.176,  # the deck
    "ship": 0.333,
    "lighthouse": 0.748,  # the gallery below the lantern
}
#: Where on a thing one stands: that far in front of its centre, as a share of its height (a boat's foredeck, a
#: lighthouse's gallery outside the lantern).
STAND_AHEAD = {"boat": 0.27, "ship": 0.44, "lighthouse": 0.094}
#: Flight (cruise height m, speed m/s, circle radius m, wing beats Hz) by kind.
FLIGHT = {
    "bird": (4.0, 4.0, 5.0, 4.0),
    "dragon": (6.0, 6.0, 8.0, 1.5),
    "plane": (8.0, 12.0, 11.0, 0.0),
    "helicopter": (9.0, 8.0, 10.0, 0.0),
    "drone": (4.0, 4.0, 5.0, 0.0),
    "butterfly": (2.0, 1.5, 3.0, 3.0),
    "bee": (1.5, 2.5, 3.0, 4.0),
    "kite": (8.0, 2.0, 4.0, 0.5),
    "balloon": (5.0, 1.0, 3.0, 0.0),
}
DEFAULT_FLIGHT = (3.0, 3.0, 5.0, 2.0)
VEHICLES = frozenset({"car", "bus", "truck", "bicycle", "motorbike"})
#: (surface height, z beyond which the water lies) by location kind: an ocean is all water, a beach's sea lies
#: behind the action area.
WATERS: dict[LocationKind, tuple[float, float]] = {
    LocationKind.OCEAN: (0.0, np.inf),
    LocationKind.BEACH: (SEA_LEVEL, SEA_EDGE),
}
LAND_SHARE = 0.6  # most of a shot a landing flier spends gliding down
DRAFT = 0.08  # share of its height a floating thing sits below the surface
SWIM_DEPTH = 0.35  # share of its height a swimmer sits below it (the water is opaque: a back or fin shows)


@dataclass
class Placed:
    """Where an entity stands at the start of the story; ``support`` is the id it stands on, if any."""

    position: Array
    yaw: float = 0.0
    support: str | None = None


def water_surface(location: LocationKind, z: float) -> float | None:
    """Height of the water at ``z`` of a location of kind ``location``, or ``None`` where there is no water."""
    surface, edge = WATERS.get(location, (0.0, -np.inf))
    return surface if z < edge else None


def habitat_height(asset: Asset, surface: float | None) -> float:
    """Root height where ``asset`` belongs: cruising height for what flies; on water (``surface`` not ``None``)
    floating with a draft, or swimming mostly under it; the ground otherwise (a boat on land is not buried)."""
    habitat = HABITATS.get(asset.kind)
    if habitat == "air":
        return FLIGHT.get(asset.kind, DEFAULT_FLIGHT)[0]
    if surface is not None and habitat in ("water", "underwater"):
        return surface - (DRAFT if habitat == "water" else SWIM_DEPTH) * asset.height
    return 0.0


# --- placement --------------------------------------------------------------------------------------------------


def place(
    location: Location,
    entities: dict[str, Asset],
    *,
    seed: int = 0,
    half: float = 15.0,
    road_z: float | None = None,
) -> dict[str, Placed]:
    """Positions for ``entities`` (id -> asset, in a stable order): relations from ``location.placements`` first
    come first, footprints (``Asset.radius``) never overlap, everything inside the ``half``-wide action area."""
    rng = np.random.default_rng(seed)
    ordered = sorted(reversed(location.placements), key=lambda p: p.relation is Relation.HELD_BY)  # held-by wins
    relations = {p.subject: p for p in ordered if p.subject in entities}
    placed: dict[str, Placed] = {}
    characters = [name for name, asset in entities.items() if asset.kind in CHARACTER_KINDS]

    def visit(name: str, trail: frozenset[str]) -> None:
        if name in placed:
            return
        asset = entities[name]
        relation = relations.get(name)
        if relation is not None and relation.reference in entities and relation.reference not in trail:
            visit(relation.reference, trail | {name})
            placed[name] = _related(
                asset,
                relation.relation,
                placed[relation.reference],
                entities[relation.reference],
                relation.reference,
                placed,
                entities,
                half,
                location.kind,
            )
        else:
            placed[name] = _free_standing(name, asset, characters, placed, entities, half, road_z, rng, location.kind)

    for name in entities:
        visit(name, frozenset({name}))
    return {name: placed[name] for name in entities}


def is_landmark(asset: Asset) -> bool:
    """Whether ``asset`` is a landmark: a still thing (or a big machine) taller than :data:`LANDMARK_HEIGHT`."""
    return asset.height > LANDMARK_HEIGHT and (asset.kind not in CHARACTER_KINDS or asset.kind in MACHINES)


def holders(location: Location, entities: dict[str, Asset]) -> dict[str, str]:
    """Held prop -> its holder, for the location's ``held-by`` placements among ``entities`` (the first for each
    prop; none whose holder is itself held)."""
    pairs: dict[str, str] = {}
    for p in location.placements:
        if p.relation is Relation.HELD_BY and {p.subject, p.reference} <= entities.keys():
            pairs.setdefault(p.subject, p.reference)
    return {prop: holder for prop, holder in pairs.items() if holder not in pairs}


def riders(location: Location, entities: dict[str, Asset]) -> dict[str, str]:
    """Rider -> its mount, for the location's ``on`` placements of someone with hands on a :data:`MOUNTS` kind."""
    return {
        p.subject: p.reference
        for p in location.placements
        if p.relation is Relation.ON
        and {p.subject, p.reference} <= entities.keys()
        and entities[p.reference].kind in MOUNTS
        and entities[p.subject].kind in PEOPLE_KINDS | {"robot"}
    }


def held_turn(prop: Asset) -> float:
    """The yaw (radians) a held prop turns by against its holder's: a quarter for a prop longer front to back than
    across (a spoon, a sword), so that its length shows to whom the holder faces."""
    width, _, depth = np.ptp(prop.bounds, axis=0)
    return np.pi / 2 if depth > width else 0.0


def hand_offset(holder: Asset, prop: Asset) -> Array:
    """Where ``prop``'s root rides relative to its holder's root, in the holder's frame: its middle at the right
    hand, clear of the body; never below the holder's feet (a prop taller than the holder is held lower)."""
    offset = HAND * holder.height
    width, _, depth = np.ptp(prop.bounds, axis=0)
    offset[0] -= float(max(width, depth) if held_turn(prop) else width) / 2
    offset[1] = max(offset[1] - prop.height / 2, 0.0)
    return offset


def _related(
    asset: Asset,
    relation: Relation,
    anchor: Placed,
    anchor_asset: Asset,
    anchor_name: str,
    placed: dict[str, Placed],
    entities: dict[str, Asset],
    half: float,
    location: LocationKind,
) -> Placed:
    if relation is Relation.HELD_BY:
        hand = _rotate(hand_offset(anchor_asset, asset), anchor.yaw)
        return Placed(anchor.position + hand, anchor.yaw + held_turn(asset), support=anchor_name)
    if relation is Relation.ON:
        ahead = STAND_AHEAD.get(anchor_asset.kind, 0.0) * anchor_asset.height
        spot = anchor.position + ahead * np.array([np.sin(anchor.yaw), 0.0, np.cos(anchor.yaw)])
        spot[1] = anchor.position[1] + top_height(anchor_asset)
        return Placed(spot, anchor.yaw, support=anchor_name)
    gap = asset.radius + anchor_asset.radius + GAP
    directions = {
        Relation.LEFT_OF: [(-1.0, 0.0)],
        Relation.RIGHT_OF: [(1.0, 0.0)],
        Relation.BEHIND: [(0.0, -1.0)],
        Relation.IN_FRONT_OF: [(0.0, 1.0)],
        Relation.NEXT_TO: [(1.0, 0.0), (-1.0, 0.0)],
    }[relation]
    base = anchor.position[[0, 2]]

    def candidates() -> Iterator[Array]:
        for step in np.arange(0.0, 2 * half, 0.25):
            for direction in directions:
                yield base + np.asarray(direction) * (gap + step)

    spot = _first_free(candidates(), asset.radius, placed, entities, half)
    return Placed(np.array([spot[0], habitat_height(asset, water_surface(location, spot[1])), spot[1]]))


def _free_standing(
    name: str,
    asset: Asset,
    characters: list[str],
    placed: dict[str, Placed],
    entities: dict[str, Asset],
    half: float,
    road_z: float | None,
    rng: np.random.Generator,
    location: LocationKind,
) -> Placed:
    """Characters line up across the middle facing the camera; props go about the area, mostly behind; clouds
    float; what flies is up in the air; boats and swimmers at a beach are out on its sea, side on; what is too big
    for the area stands behind it."""
    if asset.kind == "cloud":
        return Placed(np.array([rng.uniform(-half, half), 12.0, rng.uniform(-half, -half / 2)]), support="air")
    edge = WATERS.get(location, (0.0, np.inf))[1]
    if HABITATS.get(asset.kind) in ("water", "underwater") and np.isfinite(edge):
        afloat = sum(p.support == "water" for p in placed.values())
        x = float(np.clip((-1) ** afloat * ((afloat + 1) // 2) * 8.0, -half, half))
        z = edge - asset.radius - 1.0
        return Placed(np.array([x, habitat_height(asset, water_surface(location, z)), z]), np.pi / 2, "water")
    if 2 * asset.radius > half:
        z = -(half + asset.radius + 2.0)
        x = rng.uniform(-half / 2, half / 2)
        return Placed(np.array([x, habitat_height(asset, water_surface(location, z)), z]))
    yaw = 0.0
    if name in characters:
        index = characters.index(name)
        preferred = np.array([(index - (len(characters) - 1) / 2) * 2.0, 0.0])
        if road_z is not None and asset.kind in VEHICLES:  # vehicles take turns at the two lanes
            lane = sum(entities[other].kind in VEHICLES for other in characters[:index]) % 2
            preferred[1], yaw = road_z + (1.75 if lane == 0 else -1.75), (np.pi / 2 if lane == 0 else -np.pi / 2)
    else:
        preferred = np.array([rng.uniform(-0.5, 0.5) * half, rng.uniform(-0.5, 0.1) * half])

    def candidates() -> Iterator[Array]:
        yield preferred
        for radius in np.arange(0.5, 2 * half, 0.5):
            for angle in np.linspace(0, 2 * np.pi, 16, endpoint=False) + radius:
                yield preferred + radius * np.array([np.sin(angle), np.cos(angle)])

    spot = _first_free(candidates(), asset.radius, placed, entities, half)
    return Placed(np.array([spot[0], habitat_height(asset, water_surface(location, spot[1])), spot[1]]), yaw)


def _first_free(
    candidates: Iterator[Array], radius: float, placed: dict[str, Placed], entities: dict[str, Asset], half: float
) -> Array:
    """The first candidate inside the area whose footprint clears every grounded footprint placed so far (the
    last candidate when none does)."""
    others = [(p.position[[0, 2]], entities[n].radius) for n, p in placed.items() if p.support is None]
    spot = np.zeros(2)
    for spot in candidates:
        inside = bool(np.all(np.abs(spot) <= max(half - radius, 0.0)))
        if inside and all(np.linalg.norm(spot - where) >= radius + r + 0.05 for where, r in others):
            return spot
    return spot


def top_height(asset: Asset) -> float:
    """Height of the surface something placed on ``asset`` rests on: the seat of seats, else the top."""
    return asset.height * SEAT_SHARE.get(asset.kind, 1.0)


def sitting_height(asset: Asset, seat: float) -> float:
    """Root height of ``asset`` sitting with its hips on a surface at height ``seat`` (people), or lying down on
    it with its legs folded (animals); things without legs just rest on it."""
    rest = asset.rest_matrices()
    legs = [i for i, part in enumerate(asset.parts) if part.role.startswith("leg")]
    if not legs:
        return seat
    if any(asset.parts[i].role in ("leg_l", "leg_r") for i in legs):
        hip = float(np.mean([rest[i][1, 3] for i in legs]))
        return seat + 0.05 - hip
    return seat - 0.8 * float(np.mean([asset.parts[i].mesh.extents[1] for i in legs]))


# --- motion -----------------------------------------------------------------------------------------------------


@dataclass
class _Mover:
    """An object's keyframes as they are laid down, and its state at the last one. ``rest`` is the height it
    comes back to after moving (the ground, or its place in the air or the water); it stays at ``z <= max_z``
    (what floats on a beach's sea stays on it)."""

    asset: Asset
    position: Array
    yaw: float
    floor: float
    rest: float = 0.0
    max_z: float = np.inf
    times: list[float] = field(default_factory=list)
    positions: list[Array] = field(default_factory=list)
    yaws: list[float] = field(default_factory=list)
    clips: list[Clip] = field(default_factory=list)
    hops: list[tuple[float, float, float]] = field(default_factory=list)
    taken: tuple[_Mover, float] | None = None  # who took it up, and when: it rides with them from then on

    def key(self, time: float, position: Array, yaw: float | None = None) -> None:
        """Add a keyframe (a later one at the same instant replaces it) and make it the current state."""
        yaw = self.yaw if yaw is None else self.yaw + _wrap(yaw - self.yaw)
        position = np.asarray(position, dtype=float).copy()
        position[2] = min(position[2], self.max_z)
        if self.times and time <= self.times[-1] + 1e-9:
            self.times.pop(), self.positions.pop(), self.yaws.pop()
        self.times.append(time)
        self.positions.append(position)
        self.yaws.append(yaw)
        self.position, self.yaw = self.positions[-1], yaw

    def path(self, start: float, offsets: Array, points: Array, headings: Array | None = None) -> None:
        """Key a sampled path: ``points`` (N, 3) at ``start + offsets``; the body turns towards ``headings`` (or
        the direction of travel) no faster than :data:`TURN_RATE`."""
        if headings is None:
            headings = _headings(np.vstack([self.position, points]), self.yaw)[1:]
        yaw = self.yaw
        previous = start
        for offset, point, heading in zip(offsets, points, headings, strict=True):
            time = start + float(offset)
            limit = TURN_RATE * max(time - previous, 1e-3)
            yaw = yaw + float(np.clip(_wrap(heading - yaw), -limit, limit))
            self.key(time, point, yaw)
            previous = time

    def track(self) -> Track:
        return Track(np.array(self.times), np.array(self.positions), np.array(self.yaws), self.clips, self.hops)


def build_tracks(
    storyboard: Storyboard,
    location_id: str,
    entities: dict[str, Asset],
    placed: dict[str, Placed],
    *,
    half: float = 15.0,
    seed: int = 0,
) -> dict[str, Track]:
    """A :class:`Track` per entity covering the whole story: the actions of each shot at ``location_id`` run on
    ``[shot_start, shot_start + duration)``; several actions of one actor in a shot run one after another. A held
    prop does nothing of its own: it rides in its holder's hand, and what turns to it turns to its holder. A rider
    sits on its mount wherever the mount goes; what it would do to travel, and what goes to it, its mount does."""
    rng = np.random.default_rng(seed)
    held = holders(storyboard.location(location_id), entities)
    mounted = riders(storyboard.location(location_id), entities)
    movers = {
        name: _Mover(
            entities[name],
            p.position.copy(),
            p.yaw,
            floor=float(p.position[1]),
            rest=float(p.position[1]) if entities[name].kind in HABITATS else 0.0,
            max_z=SEA_EDGE - entities[name].radius if p.support == "water" else np.inf,
        )
        for name, p in placed.items()
        if name not in held
    }
    entering = _entrances(storyboard, location_id, set(movers))
    waiting = {name for names in entering.values() for name in names}
    for name, mover in movers.items():
        mover.key(0.0, mover.position + (OFFSTAGE if name in waiting else 0.0), mover.yaw)
    for shot in storyboard.shots:
        if shot.location != location_id:
            continue
        start = storyboard.shot_start(shot.id)
        end = start + shot.duration
        for name in entering.get(shot.id, []):  # on at the cut, where it was placed; a vehicle upstage
            mover = movers[name]
            on_stage = [m for n, m in movers.items() if n not in waiting and m.asset.kind in CHARACTER_KINDS]
            entry = _upstage(mover, on_stage, half) if mover.asset.kind in VEHICLES else mover.position - OFFSTAGE
            mover.key(start - CUT_GAP, mover.position, mover.yaw)
            mover.key(start, entry, mover.yaw)
            waiting.discard(name)
        unheld = [_unheld(_unridden(a, mounted), held) for a in shot.actions]
        actions = [a for a in unheld if a.actor in movers and (a.target is None or a.target in movers)]
        busy = {a.target for a in actions if a.verb is Verb.CHASE and a.target is not None}
        for action in sorted(actions, key=_order):
            if action.actor in busy and action.verb is not Verb.CHASE:
                continue  # it is fleeing from a chaser this shot
            own = [a for a in actions if a.actor == action.actor]
            share = shot.duration / len(own)
            t0 = start + own.index(action) * share
            _act(action, movers, t0, min(t0 + share, end), half, rng, storyboard, shot.id)
        if shot.actions:
            for mover in movers.values():  # hold still to the end of the shot
                mover.key(max(end, mover.times[-1]), mover.position, mover.yaw)
    tracks = {name: mover.track() for name, mover in movers.items()}
    names = {id(mover): name for name, mover in movers.items()}
    for name, mover in movers.items():
        if mover.taken is not None:
            taker, since = names[id(mover.taken[0])], mover.taken[1]
            carried = _in_hand(tracks[taker], entities[taker], entities[name])
            tracks[name] = _taken_up(tracks[name], carried, since)
    for rider, mount in mounted.items():
        tracks[rider] = _riding(tracks[rider], tracks[mount], entities[rider], entities[mount])
    for prop, holder in held.items():
        tracks[prop] = _in_hand(tracks[holder], entities[holder], entities[prop])
    return {name: tracks[name] for name in placed}


def _unheld(action: Action, held: dict[str, str]) -> Action:
    """``action`` turned to the holder of a held target; to nothing when the actor holds it itself."""
    if action.target not in held:
        return action
    holder = held[action.target]
    return action.model_copy(update={"target": None if holder == action.actor else holder})


def _unridden(action: Action, mounted: dict[str, str]) -> Action:
    """``action`` with its mount travelling for a rider (a rider sits, talks, looks and works its limbs itself) and
    going to the mount of a rider it goes to."""
    actor, target = action.actor, action.target
    if actor in mounted and action.verb not in {Verb.SIT, Verb.TALK, Verb.LOOK} | LIMB_VERBS:
        actor = mounted[actor]
    target = mounted.get(target, target) if target is not None else None
    return action.model_copy(update={"actor": actor, "target": target if target != actor else None})


def _riding(rider: Track, mount: Track, rider_asset: Asset, mount_asset: Asset) -> Track:
    """The track of a rider in its mount's saddle: sitting on the seat (:data:`MOUNTS` share of the mount's
    height) all along, carried and turned as the mount goes, keyed at the mount's keys and every :data:`STEP`
    between them; its own clips (a raised sword, speech) play on top."""
    last = max(float(mount.times[-1]), float(rider.times[-1]))
    times = np.union1d(mount.times, np.arange(0.0, last, STEP))
    positions, yaws = Track(mount.times, mount.positions, mount.yaws).sample(times)
    positions[:, 1] += sitting_height(rider_asset, MOUNTS[mount_asset.kind] * mount_asset.height)
    clips = [Clip(0.0, last + 1.0, Verb.SIT), *(clip for clip in rider.clips if clip.verb is not Verb.SIT)]
    return Track(times, positions, yaws, clips=clips, hops=list(mount.hops))


def _order(action: Action) -> tuple[bool, bool]:
    """Chasers first; those who turn to someone last, once it has gone where it goes this shot."""
    return action.verb is not Verb.CHASE, action.verb in APPROACH and action.target is not None


def _in_hand(holder: Track, asset: Asset, prop: Asset) -> Track:
    """The track of ``prop`` riding in the right hand of ``asset`` as it moves along ``holder``: its middle at the
    hand, out on the hand's outer side (:func:`hand_offset` about the hand instead of the rest pose's
    :data:`HAND`), never below the holder's feet, keyed at the holder's keys and every :data:`STEP` between them, so
    it swings with a walking arm and rises with a raised one; turned by :func:`held_turn`; it hops with the holder.
    An animal without hands carries it in its mouth, at the front of its head; anything else at
    :func:`hand_offset` from its root."""
    last = float(holder.times[-1])
    times = np.union1d(holder.times, np.arange(0.0, last, STEP))
    grounded = Track(holder.times, holder.positions, holder.yaws, clips=holder.clips)  # the hops ride on top
    positions, yaws = grounded.sample(times)
    offset = hand_offset(asset, prop)
    hand = next((index for index, part in enumerate(asset.parts) if part.name == "hand_r"), None)
    head = next((index for index, part in enumerate(asset.parts) if part.role == "head"), None)
    if hand is None and head is not None and asset.animate and asset.kind not in PEOPLE_KINDS:
        low, high = asset.parts[head].mesh.bounds
        mouth = np.array([(low[0] + high[0]) / 2, low[1] + 0.3 * (high[1] - low[1]), high[2], 1.0])
        matrices = WorldObject("holder", asset, grounded, 0).part_matrices(times)[:, head]
        lowered, ahead = np.array([0.0, prop.height / 2, 0.0]), np.array([0.0, 0.0, prop.radius])
        riding = (matrices @ mouth)[:, :3] - lowered + np.stack([_rotate(ahead, yaw) for yaw in yaws])
        riding[:, 1] = np.maximum(riding[:, 1], positions[:, 1])
    elif hand is None or not asset.animate:
        riding = positions + np.stack([_rotate(offset, yaw) for yaw in yaws])
    else:
        matrices = WorldObject("holder", asset, grounded, 0).part_matrices(times)[:, hand]
        at_hand = (matrices @ np.append(asset.parts[hand].mesh.bounds.mean(axis=0), 1.0))[:, :3]
        riding = at_hand + np.stack([_rotate(offset - HAND * asset.height, yaw) for yaw in yaws])
        riding[:, 1] = np.maximum(riding[:, 1], positions[:, 1])
    return Track(times, riding, yaws + held_turn(prop), hops=list(holder.hops))


def _upstage(vehicle: _Mover, on_stage: list[_Mover], half: float) -> Array:
    """Where a vehicle that comes on comes on: where it was placed, moved back behind everyone already on stage
    (farther from the front, -z), so that driving to them it never crosses in front of them (the bus that stops by
    Tom, the bus that passes the taxi)."""
    position = vehicle.position - OFFSTAGE
    behind = min((m.position[2] - m.asset.radius for m in on_stage), default=position[2])
    position[2] = max(min(position[2], behind - vehicle.asset.radius - UPSTAGE_GAP), -(half - vehicle.asset.radius))
    return position


def _entrances(storyboard: Storyboard, location_id: str, movers: set[str]) -> dict[str, list[str]]:
    """Shot id -> the cast members that shot is the first at the location to name, after a shot there that did
    not: they wait off stage until then (no dragon in the knight's shot before "A dragon flies over the tower")."""
    shots = [shot for shot in storyboard.shots if shot.location == location_id]
    cast = {member.id for member in storyboard.cast} & movers
    named: set[str] = set()
    entering: dict[str, list[str]] = {}
    for number, shot in enumerate(shots):
        here = {*shot.subjects, *(a.actor for a in shot.actions), *(a.target for a in shot.actions if a.target)}
        new = sorted((here & cast) - named)
        if number and new:
            entering[shot.id] = new
        named |= here
    return entering


def _taken_up(own: Track, carried: Track, since: float) -> Track:
    """``own`` until ``since``, then ``carried``, lifted into the hand (or the mouth) over :data:`TAKE_UP` seconds."""
    before = own.times <= since
    after = carried.times >= since + TAKE_UP
    position, yaw = own.sample(np.array([since]))
    times = np.concatenate([own.times[before], [since], carried.times[after]])
    positions = np.vstack([own.positions[before], position, carried.positions[after]])
    yaws = np.concatenate([own.yaws[before], yaw, carried.yaws[after]])
    clips = [clip for clip in own.clips if clip.end <= since]
    hops = [hop for hop in own.hops if hop[1] <= since] + [hop for hop in carried.hops if hop[0] >= since + TAKE_UP]
    return Track(times, positions, yaws, clips=clips, hops=hops)


def _act(
    action: Action,
    movers: dict[str, _Mover],
    t0: float,
    t1: float,
    half: float,
    rng: np.random.Generator,
    storyboard: Storyboard,
    shot_id: str,
) -> None:
    actor = movers[action.actor]
    target = movers[action.target] if action.target is not None else None
    actor.key(t0, actor.position, actor.yaw)  # stayed put since its last key
    duration = t1 - t0
    verb = action.verb
    height = actor.asset.height
    if verb in (Verb.WALK, Verb.RUN):
        speed = WALK_SPEED if verb is Verb.WALK else RUN_SPEED
        stride = (0.8 if verb is Verb.WALK else 1.4) * max(height, 0.3)
        moving = _travel(actor, target, t0, duration, speed, half, rng, movers)
        actor.clips.append(Clip(t0, t0 + moving, verb, rate=speed / stride))
        if target is not None and target.asset.kind == "ball" and moving < duration - 0.2:
            _roll(target, t0 + moving, t1 - t0 - moving, actor.yaw, half)  # a kick
    elif verb is Verb.FETCH and target is not None:  # to the thing, then it rides along in hand or mouth
        speed = WALK_SPEED if actor.asset.kind in PEOPLE_KINDS else RUN_SPEED
        moving = _travel(actor, target, t0, duration, speed, half, rng, movers)
        gait, stride = (Verb.WALK, 0.8) if speed == WALK_SPEED else (Verb.RUN, 1.4)
        actor.clips.append(Clip(t0, t0 + moving, gait, rate=speed / (stride * max(height, 0.3))))
        target.key(t0 + moving, target.position, target.yaw)
        target.taken = (actor, t0 + moving)
    elif verb is Verb.CHASE and target is not None:
        _chase(actor, target, t0, duration, half, rng, cut=t0 == storyboard.shot_start(shot_id))
    elif verb is Verb.CHASE:
        _travel(actor, None, t0, duration, RUN_SPEED, half, rng)
        actor.clips.append(Clip(t0, t1, verb, rate=RUN_SPEED / (1.4 * max(height, 0.3))))
    elif verb is Verb.JUMP:
        _jump(actor, target, t0, duration)
    elif verb is Verb.FLY:
        _fly(actor, target, t0, duration, half)
    elif verb is Verb.SWIM:
        _travel(actor, target, t0, duration, SWIM_SPEED, half, rng, movers)
        actor.clips.append(Clip(t0, t1, verb, rate=1.5))
    elif verb in (Verb.DRIVE, Verb.ROLL):
        if target is not None:
            speed = DRIVE_SPEED if verb is Verb.DRIVE else ROLL_SPEED
            moving = _travel(actor, target, t0, duration, speed, half, rng)
            actor.clips.append(Clip(t0, t0 + moving, verb))
        elif verb is Verb.DRIVE:
            _drive(actor, t0, duration, half)
        else:
            _roll(actor, t0, duration, actor.yaw, half)
    elif verb is Verb.SIT:
        _sit(actor, target, t0, duration, half, rng)
    else:  # talk, look, the limbs' work, idle: walk up to the target if need be, and turn to it cheated to the front
        begin = t0
        pulls_up = actor.asset.kind in VEHICLES and target is not None and target.asset.kind in CHARACTER_KINDS
        if target is not None and pulls_up and verb in APPROACH:  # "a bus stops next to him": it drives up behind
            begin += _travel(actor, target, t0, max(duration - ACTION_HOLD, 0.5), DRIVE_SPEED, half, rng, movers)
            actor.clips.append(Clip(t0, begin, Verb.DRIVE))
        elif target is not None:
            cut = t0 == storyboard.shot_start(shot_id)
            if verb in APPROACH:  # one waves at someone from where one stands
                begin += _approach(actor, target, verb, movers, t0, duration, half, cut)
            _face(actor, target.position, begin, cheat=True)
            if verb is Verb.TALK and _idle_in_shot(storyboard, shot_id, action.target):
                _face(target, actor.position, begin + 0.3, cheat=True)  # the listener turns to the speaker
        elif verb in (Verb.TALK, Verb.LOOK):
            _turn(actor, float(np.clip(_wrap(actor.yaw), -CHEAT_ALONE, CHEAT_ALONE)), t0, CHEAT_TURN)
        _settle(actor, begin, min(0.5, duration))
        actor.clips.append(Clip(begin, t1, verb, rate=1.0))


def _approach(
    actor: _Mover,
    target: _Mover,
    verb: Verb,
    movers: dict[str, _Mover],
    t0: float,
    duration: float,
    half: float,
    cut: bool,
) -> float:
    """Walk up beside ``target`` when it stands farther than the verb's conversational gap (not to a landmark, nor
    for what flies or swims unless it is perched within reach, nor off what the actor stands on); at a ``cut``
    (``t0`` opens the shot) most of a long way passes in the cut (:data:`CUT_WALK`). Returns how long the walk
    took."""
    far, stop = APPROACH[verb]
    perched = HABITATS.get(target.asset.kind) == "air" and target.position[1] - actor.floor < actor.asset.height
    afloat = HABITATS.get(actor.asset.kind) is not None or (HABITATS.get(target.asset.kind) is not None and not perched)
    grounded = not afloat and abs(actor.floor - actor.rest) < 1e-6
    gap = float(np.linalg.norm(target.position[[0, 2]] - actor.position[[0, 2]]))
    gap -= actor.asset.radius + target.asset.radius
    if is_landmark(target.asset) or not grounded or gap <= far:
        return 0.0
    goal = _standing_point(actor, target, stop, movers, half)
    if cut and np.linalg.norm(goal - actor.position[[0, 2]]) > WALK_SPEED * CUT_WALK:
        _enter(actor, target, goal, t0, half)
    distance = float(np.linalg.norm(goal - actor.position[[0, 2]]))
    speed = float(np.clip(distance / max(duration - ACTION_HOLD, 1e-3), WALK_SPEED, RUN_SPEED))
    facing = _cheated(yaw_towards(target.position - np.array([goal[0], 0.0, goal[1]])))
    moving = _walk_to(actor, goal, t0, speed, duration, facing)
    actor.clips.append(Clip(t0, t0 + moving, Verb.WALK, rate=speed / (0.8 * max(actor.asset.height, 0.3))))
    return moving


def _enter(actor: _Mover, target: _Mover, goal: Array, t0: float, half: float) -> None:
    """Put ``actor`` at ``t0`` where :data:`CUT_WALK` of walk brings it to ``goal``: behind it, on the side away
    from ``target``, so it walks in diagonally towards the front and the target."""
    side = 1.0 if goal[0] >= target.position[0] else -1.0
    entry = goal + WALK_SPEED * CUT_WALK * np.array([side, -1.0]) / np.sqrt(2.0)
    entry = np.clip(entry, -(half - actor.asset.radius), half - actor.asset.radius)
    actor.key(t0 - CUT_GAP, actor.position, actor.yaw)
    actor.key(t0, np.array([entry[0], actor.position[1], entry[1]]), _yaw2(goal - entry))


def _standing_point(actor: _Mover, target: _Mover, stop: float, movers: dict[str, _Mover], half: float) -> Array:
    """Where (x, z) ``actor`` stands beside ``target``: ``stop`` apart along x, on the side nearer the actor (the
    two read side by side from the front), else the other side, farther out when something stands there."""
    base = target.position[[0, 2]]
    side = 1.0 if actor.position[0] >= base[0] else -1.0
    radius = actor.asset.radius
    reach = radius + target.asset.radius + stop
    candidates = [base + np.array([s * (reach + extra), 0.0]) for extra in (0.0, 0.5, 1.0, 2.0) for s in (side, -side)]
    for spot in candidates:
        inside = bool(np.all(np.abs(spot) <= max(half - radius, 0.0)))
        if inside and _clear(spot, actor, target, movers):
            return spot
    return candidates[0]


def _clear(spot: Array, mover: _Mover, target: _Mover, movers: dict[str, _Mover]) -> bool:
    """Whether ``mover`` standing at ``spot`` (x, z) keeps clear of every other mover on its floor (``target``
    aside)."""
    return all(
        np.linalg.norm(spot - m.position[[0, 2]]) >= mover.asset.radius + m.asset.radius + 0.05
        for m in movers.values()
        if m is not mover and m is not target and abs(m.position[1] - mover.floor) < mover.asset.height
    )


def _idle_in_shot(storyboard: Storyboard, shot_id: str, name: str | None) -> bool:
    shot = next(s for s in storyboard.shots if s.id == shot_id)
    return name is not None and all(a.actor != name for a in shot.actions)


def _face(mover: _Mover, point: Array, t0: float, *, cheat: bool = False) -> None:
    """Turn to ``point`` from ``t0``; cheated, at most :data:`CHEAT` away from the front (+z) on its side."""
    direction = point - mover.position
    if np.hypot(direction[0], direction[2]) < 1e-6:
        return
    yaw = _cheated(yaw_towards(direction)) if cheat else yaw_towards(direction)
    _turn(mover, yaw, t0, max(abs(_wrap(yaw - mover.yaw)) / TURN_RATE * 2, 0.1))


def _cheated(yaw: float) -> float:
    """``yaw`` turned towards the front (+z) to at most :data:`CHEAT` from it, on its side."""
    return float(np.clip(_wrap(yaw), -CHEAT, CHEAT))


def _turn(mover: _Mover, yaw: float, t0: float, seconds: float) -> None:
    mover.key(t0, mover.position, mover.yaw)
    mover.key(t0 + seconds, mover.position, yaw)


def _settle(mover: _Mover, t0: float, ease: float) -> None:
    """Come back to the floor (from a seat, a flight or a jump's end) over ``ease`` seconds."""
    if abs(mover.position[1] - mover.floor) < 1e-6:
        return
    start = max(t0, mover.times[-1])
    mover.key(start, mover.position, mover.yaw)
    mover.key(start + max(ease, 0.2), np.array([mover.position[0], mover.floor, mover.position[2]]), mover.yaw)


def _travel(
    mover: _Mover,
    target: _Mover | None,
    t0: float,
    duration: float,
    speed: float,
    half: float,
    rng: np.random.Generator,
    movers: dict[str, _Mover] | None = None,
) -> float:
    """Move at ``speed``: straight to beside ``target`` (then face it; to the front of a landmark; a vehicle pulls
    up behind someone as seen from the front, facing the way it drove), stopping to one side where one of the
    other ``movers`` already stands there (two who walk to the bench together end side by side), else along a
    gentle arc that turns back at the edge of the area. Leaves the floor it stood on for its resting height.
    Returns how long it was moving."""
    start = np.array([mover.position[0], mover.position[2]])
    floor = mover.floor = mover.rest
    if target is not None and mover.asset.kind in VEHICLES and target.asset.kind in CHARACTER_KINDS:
        # pulls up by someone on their far side from the front, not nose-first into them
        reach = mover.asset.radius + target.asset.radius + GAP
        goal = target.position[[0, 2]] - np.array([0.0, 0.8 * reach])
        return _walk_to(mover, goal, t0, speed, duration)
    if target is not None:
        offset = target.position[[0, 2]] - start
        distance = float(np.linalg.norm(offset))
        reach = (mover.asset.radius + target.asset.radius + GAP) * 0.8
        stop = max(distance - reach, 0.0)
        beside = start + offset / max(distance, 1e-9) * stop
        if is_landmark(target.asset):  # a place: arrive in front of it, so it stands behind in the shot
            beside = target.position[[0, 2]] + np.array([0.0, reach])
        goal = _clear_of(mover, target, beside, movers or {})
        moving = _walk_to(mover, goal, t0, speed, duration)
        if distance > 1e-6:
            _face(mover, target.position, t0 + moving)
        return moving
    bend = rng.choice([-1.0, 1.0]) * rng.uniform(0.05, 0.2)
    offsets, ground, headings = _steer(start, mover.yaw, np.full(_steps(duration), speed), half, bend, 1.5)
    mover.path(t0, offsets, _lift(ground, offsets, mover.position[1], floor, 0.5), headings)
    return duration


def _clear_of(mover: _Mover, target: _Mover, goal: Array, movers: dict[str, _Mover]) -> Array:
    """``goal`` (x, z), or the nearest spot beside it along the line across the way to ``target`` where ``mover``
    stands clear of every other mover on its floor (``target`` aside)."""
    way = target.position[[0, 2]] - goal
    across = np.array([way[1], -way[0]]) / max(float(np.linalg.norm(way)), 1e-9)
    for step in (0.0, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0):
        spot = goal + step * (2 * mover.asset.radius + GAP) * across
        if _clear(spot, mover, target, movers):
            return spot
    return goal


def _walk_to(
    mover: _Mover, goal: Array, t0: float, speed: float, duration: float, arrive_yaw: float | None = None
) -> float:
    """Go straight towards ``goal`` (x, z) at ``speed`` for at most ``duration``, easing onto the resting height;
    facing the way it goes, or turning to ``arrive_yaw`` in time to arrive facing it. Returns how long it moved."""
    start = mover.position[[0, 2]]
    offset = goal - start
    distance = float(np.linalg.norm(offset))
    moving = min(distance / speed, duration)
    offsets = np.minimum(np.arange(1, int(np.ceil(moving / STEP)) + 1) * STEP, moving)
    ground = start + np.outer(offsets * speed, offset / max(distance, 1e-9))
    headings = None
    if arrive_yaw is not None and distance > 1e-6:
        travel = _yaw2(offset)
        lead = abs(_wrap(arrive_yaw - travel)) / TURN_RATE + STEP
        headings = np.where(offsets >= moving - lead, arrive_yaw, travel)
    mover.floor = mover.rest
    mover.path(t0, offsets, _lift(ground, offsets, mover.position[1], mover.floor, 0.5), headings)
    return moving


def _chase(
    chaser: _Mover,
    target: _Mover,
    t0: float,
    duration: float,
    half: float,
    rng: np.random.Generator,
    cut: bool = False,
) -> None:
    """The target flees along a gentle arc away from the chaser; the chaser runs the same path (from where it
    stands, through where the target stood) at the same speed, so the gap along the path stays the same. At a
    ``cut`` a chaser farther behind than :data:`CHASE_GAP` body widths has closed in during the cut, so one
    frame holds both."""
    start_a, start_b = chaser.position[[0, 2]], target.position[[0, 2]]
    reach = CHASE_GAP * (chaser.asset.radius + target.asset.radius) + GAP
    gap = float(np.linalg.norm(start_b - start_a))
    if cut and gap > reach:
        start_a = start_b + (start_a - start_b) * reach / gap
        chaser.key(t0 - CUT_GAP, chaser.position, chaser.yaw)
        chaser.key(t0, np.array([start_a[0], chaser.position[1], start_a[1]]), chaser.yaw)
    away = start_b - start_a
    if np.linalg.norm(away) < 1e-6:
        away = np.array([1.0, 0.0])
    bend = rng.choice([-1.0, 1.0]) * rng.uniform(0.05, 0.15)
    offsets, fled, headings = _steer(
        start_b, yaw_towards(np.array([away[0], 0, away[1]])), np.full(_steps(duration), RUN_SPEED), half, bend, 1.2
    )
    target.key(t0, target.position, target.yaw)
    target.floor, chaser.floor = target.rest, chaser.rest
    target.path(t0, offsets, _lift(fled, offsets, target.position[1], target.rest, 0.4), headings)
    is_character = target.asset.kind in CHARACTER_KINDS
    rate = RUN_SPEED / (1.4 * max(target.asset.height, 0.3))
    target.clips.append(Clip(t0, t0 + duration, Verb.RUN if is_character else Verb.ROLL, rate=rate))

    route = np.vstack([start_a, start_b, fled])
    along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(route, axis=0), axis=1))])
    lag = max(chaser.asset.radius + target.asset.radius + GAP - along[1], 0.0)
    travelled = np.clip(offsets * RUN_SPEED - lag, 0.0, along[-1])
    followed = np.stack([np.interp(travelled, along, route[:, axis]) for axis in range(2)], axis=1)
    chaser.path(t0, offsets, _lift(followed, offsets, chaser.position[1], chaser.rest, 0.4))
    chaser.clips.append(Clip(t0, t0 + duration, Verb.CHASE, rate=RUN_SPEED / (1.4 * max(chaser.asset.height, 0.3))))


def _jump(mover: _Mover, target: _Mover | None, t0: float, duration: float) -> None:
    """Hop in place once a second, ~0.34 of the body height high (0.6 m for a person)."""
    if target is not None:
        _face(mover, target.position, t0)
    _settle(mover, t0, 0.3)
    apex = 0.34 * mover.asset.height
    airtime = 2 * np.sqrt(2 * apex / 9.81)
    begin = max(t0 + 0.15, mover.times[-1])
    while begin + airtime <= t0 + duration:
        mover.hops.append((begin, begin + airtime, apex))
        begin += max(1.0, airtime + 0.3)
    mover.clips.append(Clip(t0, t0 + duration, Verb.JUMP))


def _fly(mover: _Mover, target: _Mover | None, t0: float, duration: float, half: float) -> None:
    """Take off to cruise height, cross towards the target if any, and circle."""
    cruise, speed, radius, beats = FLIGHT.get(mover.asset.kind, DEFAULT_FLIGHT)
    radius = min(radius, half - 1.0)
    start = mover.position[[0, 2]]
    seek = target.position[[0, 2]] if target is not None else None
    offsets, ground, headings = _steer(
        start,
        mover.yaw,
        np.full(_steps(duration), speed),
        half,
        speed / radius,
        speed / radius * 1.5,
        seek=seek,
        seek_radius=radius,
    )
    mover.floor = mover.rest
    mover.path(t0, offsets, _lift(ground, offsets, mover.position[1], cruise, 1.5), headings)
    mover.clips.append(Clip(t0, t0 + duration, Verb.FLY, rate=beats))


def _drive(mover: _Mover, t0: float, duration: float, half: float) -> None:
    """Straight ahead along x (a road), turning back at the edge of the area."""
    heading = np.pi / 2 if np.sin(mover.yaw) >= 0 else -np.pi / 2
    start = mover.position[[0, 2]]
    offsets, ground, headings = _steer(
        start, heading, np.full(_steps(duration), DRIVE_SPEED), half, 0.0, DRIVE_SPEED / 4.0
    )
    mover.floor = mover.rest
    mover.path(t0, offsets, _lift(ground, offsets, mover.position[1], mover.rest, 0.5), headings)
    mover.clips.append(Clip(t0, t0 + duration, Verb.DRIVE))


def _roll(mover: _Mover, t0: float, duration: float, heading: float, half: float) -> None:
    """Roll along ``heading``, slowing down as if kicked; bounce back from the edge of the area."""
    if duration <= STEP:
        return
    mover.key(t0, mover.position, mover.yaw)
    steps = _steps(duration)
    speeds = ROLL_SPEED * np.exp(-np.arange(steps) * STEP / 1.5)
    offsets, ground, headings = _steer(mover.position[[0, 2]], heading, speeds, half, 0.0, 3.0)
    mover.floor = mover.rest
    mover.path(t0, offsets, _lift(ground, offsets, mover.position[1], mover.rest, 0.3), headings)
    mover.clips.append(Clip(t0, t0 + duration, Verb.ROLL))


def _sit(
    mover: _Mover, target: _Mover | None, t0: float, duration: float, half: float, rng: np.random.Generator
) -> None:
    """Walk to the seat (if any) and sit on it, or sit down on the spot; a flier lands (:func:`_alight`)."""
    if target is not None and HABITATS.get(mover.asset.kind) == "air":
        _alight(mover, target, t0, duration)
        return
    walked = 0.0
    seat = mover.floor
    if target is not None:
        walked = _travel(mover, target, t0, duration * 0.6, WALK_SPEED, half, rng)
        if walked > 0:
            mover.clips.append(Clip(t0, t0 + walked, Verb.WALK, rate=WALK_SPEED / (0.8 * max(mover.asset.height, 0.3))))
        if mover.asset.kind in PEOPLE_KINDS | {"robot"}:
            seat = target.position[1] + top_height(target.asset)
            at = mover.times[-1]
            mover.key(at + 0.4, np.array([target.position[0], mover.position[1], target.position[2]]), target.yaw)
    begin = max(t0 + walked, mover.times[-1])
    mover.key(begin, mover.position, mover.yaw)
    low = np.array([mover.position[0], sitting_height(mover.asset, seat), mover.position[2]])
    mover.key(min(begin + 0.4, t0 + duration), low, mover.yaw)
    mover.clips.append(Clip(begin, t0 + duration, Verb.SIT))


def _alight(mover: _Mover, target: _Mover, t0: float, duration: float) -> None:
    """A flier lands on ``target`` (a thing: on its top) or beside it (someone: where they stand, on the ground or
    on what they stand on), gliding there in a straight line with its wings beating over at most LAND_SHARE of the
    time, then rests with its wings folded."""
    _, speed, _, beats = FLIGHT.get(mover.asset.kind, DEFAULT_FLIGHT)
    beside = target.asset.kind in CHARACTER_KINDS
    height = target.position[1] + (0.0 if beside else top_height(target.asset))
    side = 1.0 if mover.position[0] >= target.position[0] else -1.0
    reach = mover.asset.radius + target.asset.radius + (GAP if target.position[1] < 0.05 else 0.0) if beside else 0.0
    goal = np.array([target.position[0] + side * reach, height, target.position[2]])
    distance = float(np.linalg.norm(goal - mover.position))
    glide = float(np.clip(distance / speed, min(0.5, duration), LAND_SHARE * duration))
    yaw = (
        _yaw2(goal[[0, 2]] - mover.position[[0, 2]])
        if np.linalg.norm(goal[[0, 2]] - mover.position[[0, 2]]) > 1e-3
        else mover.yaw
    )
    mover.key(t0, mover.position, yaw)
    mover.key(t0 + glide, goal, yaw)
    mover.floor = mover.rest = height
    mover.clips.append(Clip(t0, t0 + glide, Verb.FLY, rate=beats))
    mover.clips.append(Clip(t0 + glide, t0 + duration, Verb.SIT))


# --- paths ------------------------------------------------------------------------------------------------------


def _steps(duration: float) -> int:
    return max(int(np.ceil(duration / STEP)), 1)


def _steer(
    start: Array,
    heading: float,
    speeds: Array,
    half: float,
    bend: float,
    turn_rate: float,
    *,
    seek: Array | None = None,
    seek_radius: float = 0.0,
) -> tuple[Array, Array, Array]:
    """Integrate a ground path from ``start`` (x, z): each :data:`STEP` move ``speeds[i] * STEP`` along the
    heading, which bends by ``bend`` rad/s, turns towards ``seek`` until within ``seek_radius`` of it, and turns
    back towards the centre at ``turn_rate`` when the path nears the edge of the area. Returns time offsets (N,),
    points (N, 2) and headings (N,)."""
    position = np.asarray(start, dtype=float).copy()
    points, headings = [], []
    margin = 1.5
    for speed in speeds:
        ahead = position + 2.0 * np.array([np.sin(heading), np.cos(heading)])
        if np.any(np.abs(ahead) > half - margin):
            heading += float(np.clip(_wrap(_yaw2(-position) - heading), -turn_rate * STEP, turn_rate * STEP))
        elif seek is not None and np.linalg.norm(seek - position) > seek_radius:
            heading += float(np.clip(_wrap(_yaw2(seek - position) - heading), -turn_rate * STEP, turn_rate * STEP))
        else:
            heading += bend * STEP
        position = np.clip(position + speed * STEP * np.array([np.sin(heading), np.cos(heading)]), -half, half)
        points.append(position.copy())
        headings.append(heading)
    offsets = np.arange(1, len(speeds) + 1) * STEP
    return offsets.astype(float), np.array(points, dtype=float), np.array(headings, dtype=float)


def _lift(ground: Array, offsets: Array, y0: float, y1: float, ease: float) -> Array:
    """(N, 2) ground points -> (N, 3), the height easing from ``y0`` to ``y1`` over ``ease`` seconds."""
    heights = y0 + (y1 - y0) * smoothstep(offsets / max(ease, 1e-6))
    return np.column_stack([ground[:, 0], heights, ground[:, 1]]) if len(ground) else np.zeros((0, 3))


def _headings(points: Array, yaw: float) -> Array:
    """Direction of travel along (N, 3) points; where it stands still, the heading before."""
    headings = []
    previous = points[0] if len(points) else None
    for point in points:
        step = point - previous if previous is not None else np.zeros(3)
        if np.hypot(step[0], step[2]) > 1e-6:
            yaw = yaw_towards(step)
        headings.append(yaw)
        previous = point
    if len(points) > 1:
        headings[0] = headings[1]
    return np.array(headings)


def _rotate(offset: Array, yaw: float) -> Array:
    """``offset`` (x, y, z) in a frame turned by ``yaw`` about +y, in the world's axes."""
    c, s = np.cos(yaw), np.sin(yaw)
    return np.array([c * offset[0] + s * offset[2], offset[1], c * offset[2] - s * offset[0]])


def _yaw2(direction: Array) -> float:
    return float(np.arctan2(direction[0], direction[1]))


def _wrap(angle: float) -> float:
    return float((angle + np.pi) % (2 * np.pi) - np.pi)

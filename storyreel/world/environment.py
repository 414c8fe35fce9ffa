"""The surroundings of a location: textured ground, terrain dressing per location kind, light and weather.

The ground is a big plane of small triangles in a few shades of one colour, so that even an empty stretch of
grass has texture a camera's motion shows (optical flow needs it). Dressing (trees, houses, dunes, mountains) is
scattered outside the central action area and outside the corridor in front of it (+z) where cameras stand, and
merged into one object per kind so a forest stays a handful of parts. Everything here has instance id 0.

The setting shows outdoors: snow whitens the ground and the tops of things and falls as flakes; rain and storm
darken the ground and fall as streaks; a storm also sways trees and rolls swell over water. At dusk and night
windows are lit, lamps glow along streets and in rooms (glowing parts are drawn unlit).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import trimesh
from numpy.typing import NDArray

from storyreel.geometry import Array
from storyreel.schema import Appearance, Location, LocationKind, TimeOfDay, Weather
from storyreel.world import assets
from storyreel.world.rig import Asset, Falling, Part, Swing, Track
from storyreel.world.shapes import RGB, Vec3, box, cylinder, merge, sphere, srgb_to_linear
from storyreel.world.world import WorldObject

GROUND_HALF = 60.0  # the ground is 120 m square
ACTION_HALF = 15.0  # the action area is 30 m square, centred on the origin
ROOM_HALF = 8.0  # a room is 16 m square; its action area is smaller
KEEP_CLEAR = 18.0  # dressing stays this far (in x or z) from the centre
SEA_EDGE = -18.0  # a beach's sea lies beyond this z
SEA_LEVEL = 0.03  # the height of a beach's sea, just above the sand
SHADES = (0.8, 0.88, 0.95, 1.02, 1.1)


@dataclass
class Environment:
    """What :func:`build_environment` makes: environment objects, lighting, and where the action may happen.

    Colours are linear RGB; ``sun_direction`` is a unit vector pointing towards the sun; ``fog`` is an exponential
    density per metre. ``road_z`` is the z of a road along x where vehicles drive, if the location has one."""

    objects: list[WorldObject]
    sky_top: RGB
    sky_horizon: RGB
    sun_direction: Array
    sun_color: RGB
    ambient: float
    fog: float
    action_half: float = ACTION_HALF
    road_z: float | None = None


# sRGB ground colour per location kind (space has no ground).
GROUND_COLORS: dict[LocationKind, RGB] = {
    LocationKind.PARK: (0.36, 0.6, 0.26),
    LocationKind.FIELD: (0.5, 0.66, 0.3),
    LocationKind.FOREST: (0.27, 0.45, 0.2),
    LocationKind.STREET: (0.6, 0.6, 0.57),
    LocationKind.CITY: (0.55, 0.55, 0.55),
    LocationKind.BEACH: (0.9, 0.82, 0.6),
    LocationKind.OCEAN: (0.1, 0.38, 0.58),
    LocationKind.DESERT: (0.86, 0.7, 0.45),
    LocationKind.SNOW: (0.92, 0.94, 0.97),
    LocationKind.MOUNTAIN: (0.45, 0.55, 0.32),
    LocationKind.ROOM: (0.62, 0.44, 0.27),
}
WATER: RGB = (0.12, 0.4, 0.62)
SNOW: RGB = GROUND_COLORS[LocationKind.SNOW]
INDOORS = (LocationKind.ROOM, LocationKind.SPACE)
WET = (Weather.RAIN, Weather.STORM)
WET_GROUND = 0.6  # a wet ground's colour, relative to dry
LIT = (TimeOfDay.DUSK, TimeOfDay.NIGHT)  # when lights are on
LIT_KINDS = ("house", "tower")  # what has its windows lit
WINDOW_LIGHT: RGB = (1.0, 0.78, 0.42)
LAMP_LIGHT: RGB = (1.0, 0.88, 0.6)
LIGHT_POOL: RGB = (0.45, 0.37, 0.24)  # lamplight on the ground below a street lamp
NIGHT_WINDOW: RGB = (0.05, 0.07, 0.16)
# A room at night is lit by its lamp: (direction towards the light, light colour, ambient), colours in sRGB.
LAMPLIGHT: tuple[tuple[float, float, float], RGB, float] = ((0.2, 1.0, 0.4), (1.0, 0.8, 0.58), 0.42)

# (sky top, sky horizon, sun direction towards the sun, sun colour, ambient), colours in sRGB.
LIGHTING: dict[TimeOfDay, tuple[RGB, RGB, tuple[float, float, float], RGB, float]] = {
    TimeOfDay.DAY: ((0.32, 0.56, 0.9), (0.78, 0.87, 0.96), (0.4, 0.8, 0.45), (1.0, 0.97, 0.9), 0.35),
    TimeOfDay.DAWN: ((0.38, 0.46, 0.7), (0.98, 0.72, 0.52), (-0.8, 0.3, 0.35), (1.0, 0.78, 0.58), 0.32),
    TimeOfDay.DUSK: ((0.26, 0.25, 0.5), (0.96, 0.56, 0.36), (0.8, 0.25, 0.35), (1.0, 0.62, 0.42), 0.3),
    TimeOfDay.NIGHT: ((0.02, 0.03, 0.08), (0.08, 0.1, 0.2), (-0.3, 0.75, 0.45), (0.4, 0.46, 0.66), 0.14),
}

# (fog density per metre, how far the sky turns grey, how much sunlight remains, brightness of that grey)
WEATHER: dict[Weather, tuple[float, float, float, float]] = {
    Weather.CLEAR: (0.0015, 0.0, 1.0, 1.0),
    Weather.CLOUDY: (0.004, 0.5, 0.7, 1.0),
    Weather.RAIN: (0.012, 0.7, 0.5, 0.85),
    Weather.STORM: (0.02, 0.9, 0.3, 0.5),
    Weather.SNOW: (0.016, 0.6, 0.6, 1.05),
    Weather.FOG: (0.045, 0.8, 0.6, 1.0),
}

# Falling weather: (particles per layer, width and length (along the fall) of one in m, fall speed in m/s, drift
# along x per metre of fall, sRGB colour). Particles fill a box over the action area and the camera corridor.
PRECIPITATION: dict[Weather, tuple[int, float, float, float, float, RGB]] = {
    Weather.SNOW: (3000, 0.2, 0.16, 1.2, 0.25, (1.0, 1.0, 1.0)),
    Weather.RAIN: (2500, 0.02, 0.7, 9.0, 0.05, (0.7, 0.75, 0.82)),
    Weather.STORM: (3500, 0.025, 0.9, 12.0, 0.4, (0.68, 0.72, 0.8)),
}
FALL_BOX = ((-24.0, 0.0, -22.0), (24.0, 14.0, 40.0))


def build_environment(location: Location, seed: int = 0) -> Environment:
    """Ground, dressing and light for ``location``; deterministic for a ``seed``."""
    rng = np.random.default_rng([seed, _stable_hash(location.id)])
    kind = location.kind
    objects: list[WorldObject] = []
    weather = Weather.CLEAR if kind in INDOORS else location.weather
    if kind is not LocationKind.SPACE:
        half = ROOM_HALF if kind is LocationKind.ROOM else GROUND_HALF
        fine = 1.0 if kind is LocationKind.ROOM else 2.0
        objects.append(_ground("ground", _ground_color(location), half, fine, rng))
    road_z = None
    for name, kind_name, count, scale in _DRESSING[kind]:
        dressing = _scatter(name, kind_name, count, scale, rng)
        set_in(location, dressing.asset)
        objects.extend(_in_wind(dressing, weather))
    if kind in (LocationKind.STREET, LocationKind.CITY):
        road_z = 0.0
        objects.append(_road(road_z))
        if location.time_of_day in LIT:
            objects.extend(_street_lamps(road_z))
    if kind is LocationKind.BEACH:
        objects.append(_sea(rng))
    if kind is LocationKind.ROOM:
        objects.extend(_walls(location.time_of_day))
    if kind is LocationKind.SPACE:
        objects.extend(_space(rng))
    if kind in (LocationKind.MOUNTAIN, LocationKind.DESERT, LocationKind.OCEAN):
        objects.append(_distant(kind, rng))
    if weather in (Weather.CLOUDY, *WET):
        objects.append(_clouds(rng))
    if weather is Weather.STORM and kind in (LocationKind.BEACH, LocationKind.OCEAN):
        objects.append(_waves(-18.0 if kind is LocationKind.BEACH else GROUND_HALF))
    if weather in PRECIPITATION:
        objects.append(_precipitation(weather, rng))
    return _lit(location, weather, objects, road_z)


def _ground_color(location: Location) -> RGB:
    """The ground's sRGB colour: snow-covered, darker when wet, else the location kind's own."""
    kind = location.kind
    if snowy(location):
        return SNOW
    if kind in INDOORS or kind is LocationKind.OCEAN or location.weather not in WET:
        return GROUND_COLORS[kind]
    r, g, b = (WET_GROUND * c for c in GROUND_COLORS[kind])
    return (r, g, b)


def _lit(location: Location, weather: Weather, objects: list[WorldObject], road_z: float | None) -> Environment:
    top, horizon, sun, sun_color, ambient = LIGHTING[location.time_of_day]
    fog, grey, sunlight, overcast_brightness = WEATHER[weather]
    if location.kind is LocationKind.SPACE:
        top, horizon, ambient, fog, grey, sunlight = (0.0, 0.0, 0.02), (0.02, 0.02, 0.06), 0.28, 0.0, 0.0, 1.0
    night = 0.3 if location.time_of_day is TimeOfDay.NIGHT else 1.0
    overcast = np.array([0.62, 0.64, 0.68]) * night * overcast_brightness
    top = tuple((1 - grey) * np.asarray(top) + grey * overcast)
    horizon = tuple((1 - grey) * np.asarray(horizon) + grey * overcast)
    if location.kind is LocationKind.ROOM and location.time_of_day is TimeOfDay.NIGHT:
        sun, sun_color, ambient = LAMPLIGHT
    direction = np.asarray(sun, dtype=float)
    return Environment(
        objects=objects,
        sky_top=srgb_to_linear(top),
        sky_horizon=srgb_to_linear(horizon),
        sun_direction=direction / np.linalg.norm(direction),
        sun_color=tuple(float(c) * sunlight for c in srgb_to_linear(sun_color)),  # type: ignore[arg-type]
        ambient=float(min(ambient + 0.12 * grey, 0.6)),
        fog=fog,
        action_half=ROOM_HALF - 2.0 if location.kind is LocationKind.ROOM else ACTION_HALF,
        road_z=road_z,
    )


# --- ground and flat layers -------------------------------------------------------------------------------------


def _ground(
    name: str, color: RGB, half: float, fine: float, rng: np.random.Generator, lift: float = 0.0
) -> WorldObject:
    """A ``2 * half`` square plane of triangles, fine (``fine`` m) in the middle 40 m and 4 m further out, each
    triangle one of a few shades of ``color``: one part per shade. An outdoor ground runs on in ever larger cells
    to 400 m, so no camera sees its edge."""
    middle = min(20.0, half)
    coarse = np.arange(-half, -middle, 4.0)
    skirt = np.array([-400.0, -200.0, -100.0]) if half >= GROUND_HALF else np.zeros(0)  # no edge before the horizon
    edges = np.unique(np.concatenate([skirt, coarse, np.arange(-middle, middle + 1e-9, fine), -coarse, -skirt]))
    x0, z0 = np.meshgrid(edges[:-1], edges[:-1], indexing="ij")
    x1, z1 = np.meshgrid(edges[1:], edges[1:], indexing="ij")
    corners = [
        np.stack([x, np.full_like(x, lift), z], -1).reshape(-1, 3) for x, z in ((x0, z0), (x0, z1), (x1, z1), (x1, z0))
    ]
    a, b, c, d = corners
    triangles = np.concatenate([np.stack([a, b, c], 1), np.stack([a, c, d], 1)])
    shade = rng.integers(0, len(SHADES), len(triangles))
    return _still(
        name, "ground", [(triangles[shade == i], _shade(color, factor, rng)) for i, factor in enumerate(SHADES)]
    )


def _shade(color: RGB, factor: float, rng: np.random.Generator) -> RGB:
    jitter = rng.uniform(-0.02, 0.02, 3)
    r, g, b = np.clip(np.asarray(color) * factor + jitter, 0.0, 1.0)
    return (float(r), float(g), float(b))


def _still(name: str, kind: str, pieces: Sequence[tuple[NDArray[np.float64], RGB]], glow: bool = False) -> WorldObject:
    """An environment object from (triangles (N, 3, 3), sRGB colour) pieces, one part each, glowing or lit."""
    parts = []
    for index, (triangles, color) in enumerate(pieces):
        if not len(triangles):
            continue
        mesh = trimesh.Trimesh(triangles.reshape(-1, 3), np.arange(len(triangles) * 3).reshape(-1, 3), process=False)
        parts.append(Part(name=f"{name}_{index}", mesh=mesh, color=srgb_to_linear(color), glow=glow))
    return WorldObject(name, Asset(kind=kind, parts=parts), Track.still(np.zeros(3)), instance_id=0)


def _quad(x0: float, x1: float, z0: float, z1: float, y: float) -> NDArray[np.float64]:
    """Two upward-facing triangles covering a rectangle at height ``y``."""
    a, b, c, d = (x0, y, z0), (x0, y, z1), (x1, y, z1), (x1, y, z0)
    return np.array([[a, b, c], [a, c, d]], dtype=float)


def _road(z: float) -> WorldObject:
    """A 7 m asphalt road along x with dashed centre line and kerbs."""
    asphalt = _quad(-GROUND_HALF, GROUND_HALF, z - 3.5, z + 3.5, 0.01)
    dashes = np.concatenate(
        [_quad(x, x + 2.0, z - 0.08, z + 0.08, 0.02) for x in np.arange(-GROUND_HALF, GROUND_HALF, 5.0)]
    )
    kerbs = np.concatenate([_quad(-GROUND_HALF, GROUND_HALF, edge, edge + 0.3, 0.02) for edge in (z - 3.8, z + 3.5)])
    return _still(
        "road", "ground", [(asphalt, (0.2, 0.2, 0.22)), (dashes, (0.95, 0.95, 0.9)), (kerbs, (0.75, 0.75, 0.72))]
    )


def _sea(rng: np.random.Generator) -> WorldObject:
    """A sea behind the beach (z < :data:`SEA_EDGE`), just above the sand."""
    sea = _ground("sea", WATER, GROUND_HALF, 2.0, rng, lift=SEA_LEVEL)
    for part in sea.asset.parts:
        vertices = part.mesh.vertices
        keep = np.all(vertices.reshape(-1, 3, 3)[:, :, 2] < SEA_EDGE, axis=1)
        part.mesh = trimesh.Trimesh(vertices, part.mesh.faces[keep], process=False)
    sea.asset.parts = [part for part in sea.asset.parts if len(part.mesh.faces)]
    return sea


def _walls(time: TimeOfDay) -> list[WorldObject]:
    """A room's back and side walls, 3 m high, open towards +z; a window, skirting and two wall lamps on the back
    wall, the lamps glowing when lights are on (and the window dark at night)."""
    h, e = 3.0, ROOM_HALF
    walls = [
        box((2 * e, h, 0.2), (0, h / 2, -e)),
        box((0.2, h, 2 * e), (-e, h / 2, 0)),
        box((0.2, h, 2 * e), (e, h / 2, 0)),
    ]
    window = [box((2.4, 1.3, 0.05), (2.5, 1.6, -e + 0.11))]
    skirting = [box((2 * e, 0.12, 0.05), (0, 0.06, -e + 0.12))]
    glass = NIGHT_WINDOW if time is TimeOfDay.NIGHT else (0.6, 0.78, 0.92)
    pieces = [(walls, (0.9, 0.86, 0.76)), (window, glass), (skirting, (0.4, 0.3, 0.22))]
    lamps = [sphere(0.22, (x, 2.2, -e + 0.1), (1.0, 1.3, 0.6)) for x in (-1.5, 6.0)]
    lamp = LAMP_LIGHT if time in LIT else (0.95, 0.92, 0.85)
    return [
        _still("walls", "wall", [(_triangles(meshes), color) for meshes, color in pieces]),
        _still("lamps", "wall", [(_triangles(lamps), lamp)], glow=time in LIT),
    ]


def _street_lamps(z: float) -> list[WorldObject]:
    """Lamp posts along both sides of a road along x, outside the action area and the camera corridor, their
    lamps and the pools of light below them glowing."""
    spots = [(x, side) for x in (-48.0, -34.0, -20.0, 20.0, 34.0, 48.0) for side in (-1, 1) if side < 0 or abs(x) > 24]
    posts = [cylinder(0.09, 4.2, (x, 2.1, z + 4.6 * side)) for x, side in spots]
    arms = [box((0.08, 0.08, 1.2), (x, 4.15, z + 4.0 * side)) for x, side in spots]
    lamps = [sphere(0.3, (x, 4.0, z + 3.4 * side)) for x, side in spots]
    pools = [cylinder(3.2, 0.02, (x, 0.025, z + 3.4 * side), sections=16) for x, side in spots]
    return [
        _still("lamp_posts", "lamp", [(_triangles(posts + arms), (0.2, 0.21, 0.23))]),
        _still("lamps", "lamp", [(_triangles(lamps), LAMP_LIGHT), (_triangles(pools), LIGHT_POOL)], glow=True),
    ]


def _triangles(meshes: Sequence[trimesh.Trimesh]) -> NDArray[np.float64]:
    return np.concatenate([mesh.vertices[mesh.faces] for mesh in meshes])


# --- scattered dressing -----------------------------------------------------------------------------------------

# Per location kind: (object name, asset kind, count, scale).
_DRESSING: dict[LocationKind, list[tuple[str, str, int, float]]] = {
    LocationKind.PARK: [("trees", "tree", 16, 1.0), ("bushes", "bush", 14, 1.0), ("flowers", "flower", 30, 1.5)],
    LocationKind.FIELD: [("trees", "tree", 5, 1.0), ("rocks", "rock", 8, 1.5), ("flowers", "flower", 40, 1.5)],
    LocationKind.FOREST: [("trees", "tree", 30, 1.2), ("pines", "pine", 26, 1.0), ("bushes", "bush", 16, 1.0)],
    LocationKind.STREET: [("houses", "house", 10, 1.0), ("trees", "tree", 6, 0.8)],
    LocationKind.CITY: [("towers", "tower", 14, 1.0), ("houses", "house", 4, 1.2)],
    LocationKind.BEACH: [("rocks", "rock", 10, 2.0)],
    LocationKind.OCEAN: [],
    LocationKind.DESERT: [("dunes", "dune", 18, 1.0), ("rocks", "rock", 8, 1.5)],
    LocationKind.SNOW: [("pines", "pine", 28, 1.0), ("rocks", "rock", 6, 1.5)],
    LocationKind.MOUNTAIN: [("pines", "pine", 14, 1.0), ("rocks", "rock", 12, 2.0)],
    LocationKind.ROOM: [],
    LocationKind.SPACE: [],
}


def _scatter(name: str, kind: str, count: int, scale: float, rng: np.random.Generator) -> WorldObject:
    """``count`` copies of ``kind`` at random spots outside the action area and the camera corridor, each a little
    larger or smaller and turned at random."""
    template = _dune() if kind == "dune" else assets.build_asset(kind)
    spots = _free_spots(count, rng, template.radius * scale)
    draws = [(scale * rng.uniform(0.75, 1.25), rng.uniform(0, 2 * np.pi)) for _ in spots]
    return _copies(
        name,
        kind,
        template,
        positions=[(x, 0.0, z) for x, z in spots],
        scales=[(size, size, size) for size, _ in draws],
        yaws=[yaw for _, yaw in draws],
    )


def _copies(
    name: str,
    kind: str,
    template: Asset,
    positions: Sequence[Vec3],
    scales: Sequence[Vec3],
    yaws: Sequence[float] | None = None,
) -> WorldObject:
    """Copies of ``template``'s rest pose, each scaled by ``scales`` (x, y, z), turned by ``yaws`` (radians about
    +y; none by default) and moved to ``positions``, merged into one still object with one part per template part
    (so colours stay per part)."""
    placements = []
    for position, scale, yaw in zip(positions, scales, [0.0] * len(positions) if yaws is None else yaws, strict=True):
        c, s = np.cos(yaw), np.sin(yaw)
        place = np.eye(4)
        place[:3, :3] = np.diag(scale) @ np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
        place[:3, 3] = position
        placements.append(place)
    parts = [
        Part(
            name=f"{name}_{part.name}",
            mesh=merge([part.mesh.copy().apply_transform(place @ rest) for place in placements]),
            color=part.color,
        )
        for part, rest in zip(template.parts, template.rest_matrices(), strict=True)
        if placements
    ]
    return WorldObject(name, Asset(kind=kind, parts=parts), Track.still(np.zeros(3)), instance_id=0)


def _free_spots(count: int, rng: np.random.Generator, radius: float = 0.0) -> list[tuple[float, float]]:
    """Points on the ground where something ``radius`` across stays outside the action area and the corridor in
    front of it."""
    spots: list[tuple[float, float]] = []
    while len(spots) < count:
        x, z = rng.uniform(-GROUND_HALF + 3, GROUND_HALF - 3, 2)
        outside = max(abs(x), abs(z)) > KEEP_CLEAR + radius
        corridor = abs(x) < 24.0 and 0.0 < z < 45.0
        if outside and not corridor:
            spots.append((float(x), float(z)))
    return spots


def _dune() -> Asset:
    """A low sand dune, 16 m across."""
    mesh = sphere(8.0, (0, 0, 0), (1.4, 0.28, 1.0), detail=2)
    mesh.apply_translation((0, -mesh.bounds[0, 1] - 0.6, 0))
    return Asset(kind="dune", parts=[Part("sand", mesh, srgb_to_linear((0.88, 0.72, 0.47)))])


def _distant(kind: LocationKind, rng: np.random.Generator) -> WorldObject:
    """Mountains on the horizon: 110-170 m away all round, smaller islands for the ocean."""
    count, scale = (3, 0.25) if kind is LocationKind.OCEAN else (9, 1.0)
    template = assets.build_asset(
        "mountain", Appearance(rgb=(0.62, 0.55, 0.45)) if kind is LocationKind.DESERT else None
    )
    positions, scales = [], []
    for index in range(count):
        angle = 2 * np.pi * (index + rng.uniform(0.0, 0.6)) / count
        distance = rng.uniform(110.0, 170.0)
        size = scale * rng.uniform(0.7, 1.3)
        positions.append((distance * np.sin(angle), 0.0, -distance * np.cos(angle)))
        scales.append((size, size * rng.uniform(0.8, 1.2), size))
    return _copies("mountains", "mountain", template, positions, scales)


def _clouds(rng: np.random.Generator) -> WorldObject:
    """Eight clouds 50-120 m away all round, 28-40 m up."""
    positions = []
    for _ in range(8):
        angle, distance = rng.uniform(0, 2 * np.pi), rng.uniform(50.0, 120.0)
        positions.append((distance * np.sin(angle), rng.uniform(28.0, 40.0), distance * np.cos(angle)))
    return _copies("clouds", "cloud", assets.build_asset("cloud"), positions, [(3.0, 2.0, 3.0)] * len(positions))


def _space(rng: np.random.Generator) -> list[WorldObject]:
    """Stars all round at 150-250 m and a ringed planet in the sky."""
    directions = rng.normal(size=(500, 3))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    centers = directions * rng.uniform(150.0, 250.0, (500, 1))
    stars = [box((s, s, s), c) for c, s in zip(centers, rng.uniform(0.4, 1.0, 500), strict=True)]
    planet = [sphere(45.0, (-130.0, 70.0, -220.0), detail=2)]
    ring = [cylinder(80.0, 0.5, (-130.0, 70.0, -220.0), sections=24)]
    ring[0].apply_transform(_about(np.array([-130.0, 70.0, -220.0]), 0.35))
    return [
        _still("stars", "stars", [(_triangles(stars), (1.0, 1.0, 0.95))]),
        _still("planet", "planet", [(_triangles(planet), (0.8, 0.5, 0.35)), (_triangles(ring), (0.75, 0.7, 0.6))]),
    ]


def _about(center: Array, tilt: float) -> Array:
    """Tilt about the x axis through ``center``."""
    c, s = np.cos(tilt), np.sin(tilt)
    rotate = np.array([[1, 0, 0, 0], [0, c, -s, 0], [0, s, c, 0], [0, 0, 0, 1.0]])
    to, back = np.eye(4), np.eye(4)
    to[:3, 3], back[:3, 3] = -center, center
    return back @ rotate @ to


# --- weather ----------------------------------------------------------------------------------------------------


def set_in(location: Location, asset: Asset) -> Asset:
    """``asset`` (dressing or a prop) as it is at ``location``: a building's windows lit when lights are on, snow
    lying on it where snow lies."""
    if location.time_of_day in LIT and asset.kind in LIT_KINDS:
        for part in asset.parts:
            if part.name.endswith(("window", "windows")):
                part.color, part.glow = srgb_to_linear(WINDOW_LIGHT), True
    return snow_on(asset) if snowy(location) else asset


def snowy(location: Location) -> bool:
    """Whether snow lies at ``location``: a snowy kind or snowing, outdoors on land."""
    outdoors = location.kind not in (*INDOORS, LocationKind.OCEAN)
    return outdoors and (location.kind is LocationKind.SNOW or location.weather is Weather.SNOW)


def snow_on(asset: Asset) -> Asset:
    """``asset`` with snow lying on it: the upward faces of each part whitened, as parts of their own appended
    after the others (so parent indices hold) and riding on the same joints; glowing parts stay as they are."""
    snow = np.asarray(srgb_to_linear(SNOW))
    parts: list[Part] = []
    caps: list[Part] = []
    for part in asset.parts:
        up = part.mesh.face_normals[:, 1] > 0.3
        r, g, b = 0.15 * np.asarray(part.color) + 0.85 * snow
        white = (float(r), float(g), float(b))
        if part.glow or not up.any():
            parts.append(part)
        elif up.all():
            parts.append(replace(part, color=white))
        else:
            mesh = part.mesh
            parts.append(replace(part, mesh=trimesh.Trimesh(mesh.vertices, mesh.faces[~up], process=False)))
            cap = trimesh.Trimesh(mesh.vertices, mesh.faces[up], process=False)
            caps.append(replace(part, name=f"{part.name}_snow", mesh=cap, color=white))
    asset.parts = parts + caps
    return asset


def _in_wind(obj: WorldObject, weather: Weather) -> list[WorldObject]:
    """``obj``, and in a storm the crowns of its trees (parts clear of the ground) as an object swaying on its own."""
    crowns = [part for part in obj.asset.parts if part.mesh.bounds[0, 1] > 0.5]
    if weather is not Weather.STORM or obj.asset.kind not in ("tree", "pine") or not crowns:
        return [obj]
    obj.asset.parts = [part for part in obj.asset.parts if part.mesh.bounds[0, 1] <= 0.5]
    sway = Swing(*_rest(), amplitude=np.array([0.35, 0.0, 0.12]), rate=0.6)
    return [obj, WorldObject(f"{obj.name}_crowns", Asset(kind=obj.asset.kind, parts=crowns), sway, instance_id=0)]


def _waves(z_max: float) -> WorldObject:
    """Storm swell over the sea (z < ``z_max``): ridges along x with foam on their crests, rolling in an ellipse.
    Troughs dip under the flat water, so a boat afloat there sits in the swell rather than under it."""
    xs, zs = np.arange(-GROUND_HALF, GROUND_HALF + 1e-9, 4.0), np.arange(-GROUND_HALF, z_max + 1e-9, 1.0)
    x, z = np.meshgrid(xs, zs, indexing="ij")
    swell = 0.5 + 0.5 * np.sin(2 * np.pi * z / 9.0 + 0.8 * np.sin(2 * np.pi * x / 23.0))
    grid = np.stack([x, 0.7 * swell**2 - 0.3, z], -1)
    a, b, c, d = grid[:-1, :-1], grid[:-1, 1:], grid[1:, 1:], grid[1:, :-1]
    triangles = np.concatenate([np.stack([a, b, c], 2), np.stack([a, c, d], 2)]).reshape(-1, 3, 3)
    crest = triangles[:, :, 1].mean(axis=1) > 0.15
    waves = _still("waves", "ground", [(triangles[~crest], (0.08, 0.27, 0.4)), (triangles[crest], (0.8, 0.86, 0.9))])
    waves.track = Swing(*_rest(), amplitude=np.array([0.0, 0.15, 0.0]), quadrature=np.array([0.0, 0.0, 1.2]))
    waves.blocks_view = False
    return waves


def _precipitation(weather: Weather, rng: np.random.Generator) -> WorldObject:
    """Snowflakes or rain streaks as one object: a small triangle per particle (turned at random about y, drawn out
    along the fall), in two stacked layers so the fall repeats; the object falls on the story's timeline."""
    count, width, length, speed, drift, color = PRECIPITATION[weather]
    low, high = np.asarray(FALL_BOX)
    direction = np.array([drift, -1.0, 0.0])
    layer = rng.uniform(low, high, (count, 3))
    centers = np.concatenate([layer, layer - (high[1] - low[1]) * direction])
    yaw = rng.uniform(0.0, np.pi, len(centers))
    across = 0.5 * width * np.stack([np.cos(yaw), np.zeros_like(yaw), np.sin(yaw)], -1)
    along = 0.5 * length * -direction  # from the middle towards the top, against the fall
    triangles = np.stack([centers + along, centers - along - across, centers - along + across], 1)
    name = "snowfall" if weather is Weather.SNOW else "rainfall"
    fall = _still(name, "weather", [(triangles, color)])
    fall.track = Falling(*_rest(), speed=speed, period=high[1] - low[1], direction=direction)
    fall.blocks_view = False
    return fall


def _rest() -> tuple[Array, Array, Array]:
    """Keyframes (times, positions, yaws) of a root resting at the origin, for the moving tracks."""
    return np.zeros(1), np.zeros((1, 3)), np.zeros(1)


def _stable_hash(text: str) -> int:
    """A hash of ``text`` that does not change between runs (unlike ``hash``)."""
    return zlib.crc32(text.encode("utf-8"))

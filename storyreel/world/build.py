"""A location's :class:`World` from a storyboard: who appears there, the props, the environment, placed and moving
on the story's one timeline. The scene tool (``tools/scene.py``) and the camera training scenes (``envs/``) both
build worlds here, so the policy trains on exactly what the renderer draws."""

from __future__ import annotations

from pathlib import Path

from storyreel.schema import Storyboard
from storyreel.world.assets import build_asset, load_user_assets
from storyreel.world.environment import build_environment, set_in
from storyreel.world.kinds import CHARACTER_KINDS, KINDS
from storyreel.world.layout import build_tracks, place, riders
from storyreel.world.rig import Asset
from storyreel.world.world import World, WorldObject


def build_world(storyboard: Storyboard, location_id: str, *, seed: int = 0, asset_dir: Path | None = None) -> World:
    """The world of ``location_id``: every cast member that appears in a shot there (as subject, actor or
    target), the location's props, and its environment. Instance ids run 1..N, cast first in cast order, then
    props in the location's order; files in ``asset_dir`` replace procedural kinds of the same name. Props are set
    in the location (lit windows, snow)."""
    try:
        location = storyboard.location(location_id)
    except StopIteration:
        names = ", ".join(location.id for location in storyboard.locations)
        raise ValueError(f"no location {location_id!r} in the storyboard; it has: {names}") from None
    user_assets = load_user_assets(asset_dir) if asset_dir is not None else {}
    appearing: set[str] = set()
    for shot in storyboard.shots:
        if shot.location == location_id:
            appearing.update(shot.subjects)
            appearing.update(a.actor for a in shot.actions)
            appearing.update(a.target for a in shot.actions if a.target is not None)

    entities: dict[str, Asset] = {}
    characters: set[str] = set()
    for character in storyboard.cast:
        if character.id in appearing:
            entities[character.id] = build_asset(character.kind, character.appearance, character.name, user_assets)
            characters.add(character.id)
    for prop in location.props:
        known = prop.kind in user_assets or (prop.kind in KINDS and not prop.generic)
        kind = prop.kind if known else "generic"
        entities[prop.id] = set_in(location, build_asset(kind, prop.appearance, prop.name, user_assets))

    environment = build_environment(location, seed)
    placed = place(location, entities, seed=seed, half=environment.action_half, road_z=environment.road_z)
    tracks = build_tracks(storyboard, location_id, entities, placed, half=environment.action_half, seed=seed)
    mounted = riders(location, entities)
    objects = [
        WorldObject(
            name=name,
            asset=asset,
            track=tracks[name],
            instance_id=index,
            is_character=name in characters or asset.kind in CHARACTER_KINDS,
            rides=mounted.get(name, ""),
        )
        for index, (name, asset) in enumerate(entities.items(), start=1)
    ]
    if len(objects) > 255:
        raise ValueError(f"location {location_id!r} has {len(objects)} objects; instance ids fit 255 at most")
    return World(
        location=location,
        objects=objects,
        environment=environment.objects,
        sky_top=environment.sky_top,
        sky_horizon=environment.sky_horizon,
        sun_direction=environment.sun_direction,
        sun_color=environment.sun_color,
        ambient=environment.ambient,
        fog=environment.fog,
        duration=storyboard.duration,
    )

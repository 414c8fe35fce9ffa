"""The asset families: every family draws something of its own shape, people read as who they are, and things
stand where they belong (boats afloat, birds in the air, fish in the water)."""

from __future__ import annotations

import numpy as np
import pytest

from storyreel import geometry
from storyreel.schema import (
    Appearance,
    CameraPath,
    Location,
    LocationKind,
    Placement,
    Relation,
    Resolution,
    Style,
)
from storyreel.tools.render.raster import render_shot
from storyreel.world.assets import build_asset
from storyreel.world.environment import SEA_EDGE, SEA_LEVEL
from storyreel.world.kinds import CHARACTER_KINDS, HABITATS, KINDS, PROP_KINDS
from storyreel.world.layout import FLIGHT, habitat_height, place, top_height
from storyreel.world.rig import Asset, Track
from storyreel.world.world import World, WorldObject

RESOLUTION = Resolution(width=96, height=96)
#: One kind per family, each of which must render a silhouette of its own.
FAMILY_SAMPLES = (
    "person", "fox", "bird", "whale", "bee", "crocodile", "helicopter", "lighthouse", "desk", "palm", "cake",
    "guitar", "umbrella", "teddy",
)  # fmt: skip


def silhouette(asset: Asset, yaw: float = np.pi / 2) -> np.ndarray:
    """The instance mask of ``asset`` alone, scaled to 1 m tall (so shape, not size, is compared), side on."""
    scale = 1.0 / max(asset.height, float(np.ptp(asset.bounds[:, [0, 2]], axis=0).max()))
    obj = WorldObject(asset.kind, asset, Track.still(np.zeros(3), yaw), instance_id=1, scale=scale)
    world = World(Location(id="stage", name="stage"), [obj], [], (0.3, 0.5, 0.8), (0.7, 0.8, 0.9),
                  np.array([0.3, 1.0, 0.4]), (1.0, 1.0, 1.0), 0.4)  # fmt: skip
    eye, target = np.array([0.0, 0.5, 3.0]), np.array([0.0, 0.5, 0.0])
    rotation = tuple(geometry.matrix_to_quaternion(geometry.look_at_rotation(eye, target)))
    path = CameraPath(fps=24, positions=[tuple(eye)], orientations=[rotation], fov_y=[30.0])
    return render_shot(world, path, start=0.0, style=Style.FLAT, resolution=RESOLUTION).instance[0] == 1


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max((a | b).sum(), 1))


def test_kinds_are_characters_or_props_and_habitats_name_kinds() -> None:
    assert not CHARACTER_KINDS & PROP_KINDS
    assert set(HABITATS) <= KINDS
    assert set(HABITATS.values()) == {"air", "water", "underwater"}


def test_assets_are_deterministic() -> None:
    for kind in ("fox", "elder", "bee", "palm"):
        first, second = build_asset(kind), build_asset(kind)
        for a, b in zip(first.parts, second.parts, strict=True):
            assert np.array_equal(a.mesh.vertices, b.mesh.vertices)


def test_every_family_draws_its_own_silhouette() -> None:
    masks = {kind: silhouette(build_asset(kind)) for kind in FAMILY_SAMPLES}
    for kind, mask in masks.items():
        assert mask.sum() > 30, kind
    for i, a in enumerate(FAMILY_SAMPLES):
        for b in FAMILY_SAMPLES[i + 1 :]:
            assert iou(masks[a], masks[b]) < 0.7, (a, b)


def test_a_fox_a_panda_a_horse_and_a_corgi_look_different() -> None:
    kinds = ("fox", "panda", "horse", "corgi")
    masks = {kind: silhouette(build_asset(kind)) for kind in kinds}
    for i, a in enumerate(kinds):
        assert masks[a].sum() > 100, a
        for b in kinds[i + 1 :]:
            assert iou(masks[a], masks[b]) < 0.7, (a, b)
    fox, panda = build_asset("fox"), build_asset("panda")
    assert {"tail_tip", "chest"} <= {part.name for part in fox.parts}
    assert "eye_patches" in {part.name for part in panda.parts}


def test_a_grandmother_is_an_older_woman_and_a_boy_a_boy() -> None:
    grandmother = build_asset("elder", label="Grandmother")
    man = build_asset("person", Appearance(descriptors=["tall"]), label="Tom")
    boy = build_asset("child", label="the boy")
    names = {kind: {part.name for part in asset.parts} for kind, asset in
             (("grandmother", grandmother), ("man", man), ("boy", boy))}  # fmt: skip
    assert {"hair", "skirt", "cane"} <= names["grandmother"]
    assert "hair" in names["man"] and "skirt" not in names["man"] and "skirt" not in names["boy"]
    hair = next(part.color for part in grandmother.parts if part.name == "hair")
    assert min(hair) > 0.5  # grey, not brown
    assert boy.height < man.height
    assert "basket" in {part.name for part in build_asset("elder", Appearance(descriptors=["basket"])).parts}
    rest = grandmother.rest_matrices()
    leg = next(i for i, part in enumerate(grandmother.parts) if part.role == "leg_l")
    feet = float(grandmother.parts[leg].mesh.bounds[0, 1] + rest[leg][1, 3])
    assert feet == pytest.approx(0.0, abs=1e-6)  # she stands on her feet, not on the tip of her cane
    assert iou(silhouette(grandmother, 0.0), silhouette(man, 0.0)) < 0.9
    assert iou(silhouette(grandmother), silhouette(man)) < 0.6  # stooped, in a dress


def _placed(kind: LocationKind, cast: list[tuple[str, str]]) -> tuple[dict, dict]:
    entities = {name: build_asset(asset_kind) for name, asset_kind in cast}
    return place(Location(id="here", name="here", kind=kind), entities, seed=0), entities


def test_boats_float_birds_fly_and_fish_swim() -> None:
    placed, entities = _placed(LocationKind.BEACH, [("ann", "person"), ("boat", "boat"), ("gull", "bird")])
    boat = placed["boat"].position
    assert boat[2] + entities["boat"].radius < SEA_EDGE  # out on the sea, not on the sand
    assert boat[1] == pytest.approx(habitat_height(entities["boat"], SEA_LEVEL))
    assert SEA_LEVEL - 0.5 < boat[1] < SEA_LEVEL  # afloat: a little of the hull below the surface
    assert placed["gull"].position[1] == pytest.approx(FLIGHT["bird"][0])
    assert placed["ann"].position[1] == 0.0

    placed, entities = _placed(LocationKind.OCEAN, [("ship", "ship"), ("nemo", "fish"), ("moby", "whale")])
    for name in ("nemo", "moby"):
        bottom, top = placed[name].position[1], placed[name].position[1] + entities[name].height
        assert bottom < 0.0 < top  # mostly under the surface, its back showing
    assert -1.0 < placed["ship"].position[1] < 0.0

    placed, _ = _placed(LocationKind.PARK, [("boat", "boat"), ("drone", "drone")])
    assert placed["boat"].position[1] == 0.0  # no water: on the ground, not buried
    assert placed["drone"].position[1] > 2.0


def test_a_keeper_stands_on_the_gallery_of_his_lighthouse() -> None:
    entities = {"keeper": build_asset("person"), "lighthouse": build_asset("lighthouse")}
    on = Placement(subject="keeper", relation=Relation.ON, reference="lighthouse")
    location = Location(id="cape", name="cape", kind=LocationKind.BEACH, placements=[on])
    placed = place(location, entities, seed=0)
    keeper, tower = placed["keeper"].position, placed["lighthouse"].position
    assert keeper[1] == pytest.approx(tower[1] + top_height(entities["lighthouse"]))
    assert 10.0 < keeper[1] < 12.0  # the gallery, below the lantern
    assert 0.9 < np.linalg.norm((keeper - tower)[[0, 2]]) < 1.9  # outside the lantern, on the gallery

"""The scene tool: a location's persistent world from a hand-built storyboard, and its GLB export."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from storyreel.schema import Action, Character, Location, LocationKind, Placement, Prop, Relation, Shot, Storyboard
from storyreel.tools.scene import build_world, export_world


def _story() -> Storyboard:
    cast = [
        Character(id="mia", name="Mia", kind="person"),
        Character(id="rex", name="Rex", kind="dog"),
        Character(id="cat", name="Tom", kind="cat"),  # only ever at home
    ]
    park = Location(
        id="park",
        name="the park",
        kind=LocationKind.PARK,
        props=[Prop(id="ball", name="ball", kind="ball"), Prop(id="kite", name="kite", kind="kite", generic=True)],
        placements=[Placement(subject="ball", relation=Relation.IN_FRONT_OF, reference="mia")],
    )
    home = Location(id="home", name="home", kind=LocationKind.ROOM)
    shots = [
        Shot(id="walk", location="park", duration=3.0, subjects=["mia"], actions=[Action(actor="mia", verb="walk")]),
        Shot(id="cat", location="home", duration=2.0, subjects=["cat"], actions=[Action(actor="cat", verb="idle")]),
        Shot(id="run", location="park", duration=2.0, actions=[Action(actor="rex", verb="run", target="mia")]),
    ]
    return Storyboard(title="A day out", cast=cast, locations=[park, home], shots=shots)


def test_world_holds_who_appears_there_with_stable_ids() -> None:
    story = _story()
    world = build_world(story, "park", seed=1)
    assert [obj.name for obj in world.objects] == ["mia", "rex", "ball", "kite"]
    assert [obj.instance_id for obj in world.objects] == [1, 2, 3, 4]
    assert world.object("kite").asset.kind == "generic" and world.object("kite").asset.label == "kite"
    assert world.duration == pytest.approx(7.0)
    assert all(obj.instance_id == 0 for obj in world.environment)
    assert [o.name for o in build_world(story, "home").objects] == ["cat"]
    again = build_world(story, "park", seed=1)
    assert np.allclose(again.part_matrices(np.array([4.0])), world.part_matrices(np.array([4.0])))


def test_state_persists_across_a_shot_elsewhere() -> None:
    story = _story()
    world = build_world(story, "park")
    mia = world.object("mia").track
    end_of_walk, during_other_shot, start_of_run = mia.sample(np.array([3.0, 4.0, 5.0]))[0]
    start = mia.sample(np.array([0.0]))[0][0]
    assert np.linalg.norm(end_of_walk - start) == pytest.approx(3 * 1.4, rel=0.1)
    assert np.allclose(end_of_walk, during_other_shot) and np.allclose(end_of_walk, start_of_run)
    rex = world.object("rex").track
    waiting, entering, running = rex.sample(np.array([0.0, 5.0, 7.0]))[0]
    assert waiting[1] < -50.0 and entering[1] == 0.0  # off stage until its shot names it, then at its place
    assert np.allclose(waiting[[0, 2]], entering[[0, 2]]) and not np.allclose(entering, running)


def test_unknown_location_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no location 'moon'"):
        build_world(_story(), "moon")


def test_glb_export_loads_back_with_one_node_per_part(tmp_path) -> None:
    world = build_world(_story(), "park")
    path = tmp_path / "park.glb"
    export_world(world, path, time=1.0)
    scene = trimesh.load(path, force="scene")
    parts = sum(len(obj.asset.parts) for obj in world.all_objects)
    assert len(scene.graph.nodes_geometry) == parts
    assert any(name.startswith("mia/") for name in scene.graph.nodes_geometry)


def test_user_asset_folder_replaces_a_kind(tmp_path) -> None:
    trimesh.creation.cylinder(radius=0.5, height=3.0).export(tmp_path / "dog.obj")
    world = build_world(_story(), "park", asset_dir=tmp_path)
    rex = world.object("rex")
    assert len(rex.asset.parts) == 1
    assert rex.height() == pytest.approx(1.0, abs=1e-6)  # the cylinder lies along z: 1 m across, 3 m long

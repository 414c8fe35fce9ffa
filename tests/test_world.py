"""The world library: assets, animation, environment and layout, on real trimesh meshes."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from storyreel.geometry import rotation_y
from storyreel.planners.rules import plan_story
from storyreel.schema import (
    Action,
    Appearance,
    Character,
    Location,
    LocationKind,
    Placement,
    Prop,
    Relation,
    Shot,
    Storyboard,
    TimeOfDay,
    Verb,
    Weather,
)
from storyreel.world import animation
from storyreel.world.assets import build_asset, load_user_assets
from storyreel.world.build import build_world
from storyreel.world.environment import KEEP_CLEAR, build_environment
from storyreel.world.kinds import KINDS
from storyreel.world.layout import build_tracks, place, top_height
from storyreel.world.rig import Clip, Falling, Track
from storyreel.world.world import World, WorldObject

HEIGHTS = {"person": (1.6, 1.9), "child": (1.0, 1.35), "dog": (0.45, 0.8), "car": (1.3, 1.8), "house": (5.0, 7.0)}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_builds_a_grounded_closed_low_poly_mesh(kind: str) -> None:
    asset = build_asset(kind)
    triangles = sum(len(part.mesh.faces) for part in asset.parts)
    assert 0 < triangles < 1000
    assert all(part.mesh.is_watertight for part in asset.parts)
    assert asset.bounds[0, 1] == pytest.approx(0.0, abs=1e-6)
    assert len({part.color for part in asset.parts}) >= 2
    low, high = HEIGHTS.get(kind, (0.1, 50.0))
    assert low <= float(np.ptp(asset.bounds, axis=0).max()) and asset.height <= high  # flat things lie, still visible
    if kind in HEIGHTS:
        assert low <= asset.height


def test_appearance_colours_and_scales_the_body() -> None:
    plain = build_asset("dog")
    big_red = build_asset("dog", Appearance(rgb=(1.0, 0.0, 0.0), size=2.0))
    assert big_red.height == pytest.approx(2 * plain.height)
    assert big_red.parts[0].color == pytest.approx((1.0, 0.0, 0.0))
    assert build_asset("generic", label="teapot").label == "teapot"
    with pytest.raises(ValueError, match="unknown asset kind"):
        build_asset("unicorn")


def test_articulated_parts_have_roles_for_the_animation() -> None:
    roles = {kind: {part.role for part in build_asset(kind).parts} for kind in ("person", "dog", "bird", "car")}
    assert {"leg_l", "leg_r", "arm_l", "arm_r", "head"} <= roles["person"]
    assert {"leg_fl", "leg_fr", "leg_bl", "leg_br", "tail", "head"} <= roles["dog"]
    assert {"wing_l", "wing_r"} <= roles["bird"]
    assert "wheel" in roles["car"]


def test_walk_cycle_swings_legs_in_antiphase_and_is_continuous() -> None:
    person = build_asset("person")
    track = Track(
        np.array([0.0, 4.0]),
        np.array([[0, 0, 0], [0, 0, 5.6]], float),
        np.zeros(2),
        clips=[Clip(0.0, 4.0, Verb.WALK, rate=1.0)],
    )
    times = np.linspace(0, 5, 601)
    angles = animation.joint_angles(person, track, times)
    roles = [part.role for part in person.parts]
    left, right = angles[:, roles.index("leg_l")], angles[:, roles.index("leg_r")]
    walking = (times > 0.5) & (times < 3.5)
    assert np.max(np.abs(left[walking])) == pytest.approx(np.radians(25), abs=0.02)
    assert np.allclose(left[walking], -right[walking], atol=1e-9)
    assert np.max(np.abs(np.diff(angles, axis=0))) < 0.05  # no jumps at the clip's ends


@pytest.mark.parametrize(
    ("kind", "verb", "role", "low", "high"),
    [
        ("person", Verb.HANDLE, "arm_r", -1.5, -1.2),  # reaching forward at chest height
        ("person", Verb.CLAP, "arm_l", -1.5, -0.8),  # both forearms forward, beating
        ("person", Verb.CLAP, "arm_r", -1.5, -0.8),
        ("dog", Verb.SHAKE, "body", -0.3, 0.3),  # the trunk shudders about its length
    ],
)
def test_the_limbs_act_out_handling_clapping_and_shaking(kind: str, verb: Verb, role: str, low: float, high: float):
    asset = build_asset(kind)
    track = Track(np.array([0.0]), np.zeros((1, 3)), np.zeros(1), clips=[Clip(0.0, 3.0, verb)])
    times = np.linspace(0.5, 2.5, 97)
    angle = animation.joint_angles(asset, track, times)[:, [part.role for part in asset.parts].index(role)]
    assert low <= angle.min() and angle.max() <= high
    assert np.ptp(angle) > 0.15  # it moves: a viewer sees the work, not a held pose


def test_wheels_roll_by_distance() -> None:
    car = build_asset("car")
    track = Track(np.array([0.0, 2.0]), np.array([[0, 0, 0], [0, 0, 12.0]]), np.zeros(2))
    angles = animation.joint_angles(car, track, np.array([0.0, 1.0]))
    wheel = next(i for i, part in enumerate(car.parts) if part.role == "wheel")
    assert angles[1, wheel] == pytest.approx(6.0 / 0.34, rel=0.02)


def test_user_obj_replaces_a_kind(tmp_path) -> None:
    mesh = trimesh.creation.box(extents=(1.0, 2.0, 1.0))
    mesh.apply_translation((5.0, 3.0, -2.0))
    mesh.visual = trimesh.visual.ColorVisuals(mesh, face_colors=[0, 255, 0, 255])
    mesh.export(tmp_path / "Dog.obj")
    user = load_user_assets(tmp_path)
    asset = build_asset("dog", Appearance(size=0.5), user_assets=user)
    assert list(user) == ["dog"]
    assert asset.height == pytest.approx(1.0)
    assert np.allclose(asset.bounds[:, [0, 2]].mean(axis=0), 0.0, atol=1e-9)
    assert asset.parts[0].color[1] > 0.5 > asset.parts[0].color[0]


@pytest.mark.parametrize("kind", list(LocationKind))
def test_environment_leaves_the_action_area_clear(kind: LocationKind) -> None:
    env = build_environment(Location(id="here", name="here", kind=kind), seed=3)
    assert env.objects and all(obj.instance_id == 0 for obj in env.objects)
    for obj in env.objects:
        if obj.asset.kind in ("ground", "wall"):
            continue
        for part in obj.asset.parts:
            centres = part.mesh.triangles_center
            near = (np.abs(centres[:, 0]) < KEEP_CLEAR - 6) & (np.abs(centres[:, 2]) < KEEP_CLEAR - 6)
            inside = near & (np.abs(centres[:, 1]) < 20.0)
            assert not inside.any(), f"{obj.name} intrudes into the action area"
    assert np.linalg.norm(env.sun_direction) == pytest.approx(1.0)
    ground = [obj for obj in env.objects if obj.name == "ground"]
    assert (kind is LocationKind.SPACE) == (not ground)
    if ground:
        assert len(ground[0].asset.parts) >= 4  # shades of the ground colour: texture for optical flow


def test_night_is_darker_than_day() -> None:
    day = build_environment(Location(id="a", name="a"), 0)
    night = build_environment(Location(id="a", name="a", time_of_day=TimeOfDay.NIGHT), 0)
    assert sum(night.sky_top) < sum(day.sky_top)
    assert sum(night.sun_color) < sum(day.sun_color)
    for kind in (LocationKind.STREET, LocationKind.ROOM):
        lit = build_environment(Location(id="a", name="a", kind=kind, time_of_day=TimeOfDay.NIGHT), 0)
        unlit = build_environment(Location(id="a", name="a", kind=kind), 0)
        assert any(part.glow for obj in lit.objects for part in obj.asset.parts)
        assert not any(part.glow for obj in unlit.objects for part in obj.asset.parts)


def _ground_luma(env) -> float:
    ground = next(obj for obj in env.objects if obj.name == "ground")
    return float(np.mean([np.dot(part.color, (0.2126, 0.7152, 0.0722)) for part in ground.asset.parts]))


def _moves(obj: WorldObject, dt: float = 0.25) -> float:
    """How far ``obj``'s root moves over ``dt`` seconds (at 0.1 s: clear of a falling layer's wrap)."""
    positions, _ = obj.track.sample(np.array([0.1, 0.1 + dt]))
    return float(np.linalg.norm(positions[1] - positions[0]))


def test_snow_whitens_the_ground_caps_the_trees_and_falls() -> None:
    clear = build_environment(Location(id="a", name="a", kind=LocationKind.FOREST), 0)
    snowy = build_environment(Location(id="a", name="a", kind=LocationKind.FOREST, weather=Weather.SNOW), 0)
    assert _ground_luma(snowy) > 2 * _ground_luma(clear)
    trees = next(obj for obj in snowy.objects if obj.name == "trees")
    assert any(part.name.endswith("_snow") for part in trees.asset.parts)
    flakes = next(obj for obj in snowy.objects if obj.name == "snowfall")
    assert not flakes.blocks_view and 1000 <= len(flakes.asset.parts[0].mesh.faces) <= 10000
    assert 0.1 < _moves(flakes) < 1.0
    assert not any(obj.name == "snowfall" for obj in clear.objects)
    indoors = build_environment(Location(id="a", name="a", kind=LocationKind.ROOM, weather=Weather.SNOW), 0)
    assert not any(obj.asset.kind == "weather" for obj in indoors.objects)


def test_rain_darkens_the_ground_and_a_storm_sways_trees_and_rolls_waves() -> None:
    def env(kind: LocationKind, weather: Weather):
        return build_environment(Location(id="a", name="a", kind=kind, weather=weather), 0)

    clear, rain, storm = (env(LocationKind.FOREST, weather) for weather in (Weather.CLEAR, Weather.RAIN, Weather.STORM))
    assert _ground_luma(rain) < 0.7 * _ground_luma(clear)
    assert sum(storm.sky_top) < sum(rain.sky_top) < sum(clear.sky_top)
    streaks = next(obj for obj in rain.objects if obj.name == "rainfall")
    assert _moves(streaks) > 1.5
    crowns = [obj for obj in storm.objects if obj.name.endswith("_crowns")]
    assert crowns and all(_moves(obj) > 0.05 for obj in crowns)
    assert not any(obj.name.endswith("_crowns") for obj in rain.objects)
    waves = next(obj for obj in env(LocationKind.BEACH, Weather.STORM).objects if obj.name == "waves")
    assert _moves(waves) > 0.05


def test_falling_weather_hides_no_one() -> None:
    location = Location(id="a", name="a", weather=Weather.SNOW)
    env = build_environment(location, 0)
    mia = WorldObject("mia", build_asset("person"), Track.still(np.zeros(3)), instance_id=1)
    house = WorldObject("house", build_asset("house"), Track.still(np.array([0, 0, 5.0])), instance_id=2)
    house.blocks_view = False
    world = World(location, [mia, house], env.objects, env.sky_top, env.sky_horizon, env.sun_direction, (1, 1, 1), 0.3)
    eye = np.array([[0.0, 1.0, 14.0]])
    assert world.occlusion(eye, "mia", 0.5)[0] == 0.0  # neither the flakes nor a house that blocks no view
    house.blocks_view = True
    assert world.occlusion(eye, "mia", 0.5)[0] > 0.5


def _board(actions: list[Action], placements: list[Placement] = (), props: list[Prop] = (), duration: float = 4.0):
    cast = [Character(id=i, name=i, kind=k) for i, k in (("ann", "person"), ("rex", "dog"), ("bob", "person"))]
    location = Location(id="park", name="park", kind=LocationKind.PARK, props=list(props), placements=list(placements))
    shots = [Shot(id="one", location="park", duration=duration, actions=actions)]
    return Storyboard(title="t", cast=cast, locations=[location], shots=shots)


def _entities(board: Storyboard) -> dict:
    location = board.locations[0]
    entities = {c.id: build_asset(c.kind) for c in board.cast}
    entities.update({p.id: build_asset(p.kind) for p in location.props})
    return entities


def test_relations_hold_and_footprints_do_not_overlap() -> None:
    props = [
        Prop(id="table", name="table", kind="table"),
        Prop(id="cup", name="cup", kind="box"),
        Prop(id="tree", name="tree", kind="tree"),
    ]
    placements = [
        Placement(subject="rex", relation=Relation.LEFT_OF, reference="ann"),
        Placement(subject="bob", relation=Relation.BEHIND, reference="table"),
        Placement(subject="cup", relation=Relation.ON, reference="table"),
        Placement(subject="tree", relation=Relation.RIGHT_OF, reference="ann"),
    ]
    board = _board([], placements, props)
    entities = _entities(board)
    placed = place(board.locations[0], entities, seed=1)
    assert placed["rex"].position[0] < placed["ann"].position[0]
    assert placed["tree"].position[0] > placed["ann"].position[0]
    assert placed["bob"].position[2] < placed["table"].position[2]
    assert placed["cup"].position[1] == pytest.approx(top_height(entities["table"]))
    assert placed["cup"].position[[0, 2]] == pytest.approx(placed["table"].position[[0, 2]])
    grounded = [n for n, p in placed.items() if p.support is None]
    for i, a in enumerate(grounded):
        for b in grounded[i + 1 :]:
            gap = np.linalg.norm(placed[a].position[[0, 2]] - placed[b].position[[0, 2]])
            assert gap >= entities[a].radius + entities[b].radius, (a, b)
    assert place(board.locations[0], entities, seed=1)["rex"].position == pytest.approx(placed["rex"].position)


def _tracks(board: Storyboard) -> tuple[dict, dict]:
    entities = _entities(board)
    placed = place(board.locations[0], entities, seed=0)
    return build_tracks(board, "park", entities, placed, seed=0), entities


def test_walking_person_moves_at_walking_speed_and_swings_legs() -> None:
    tracks, entities = _tracks(_board([Action(actor="ann", verb=Verb.WALK)]))
    positions, _ = tracks["ann"].sample(np.array([1.0, 3.0]))
    assert np.linalg.norm(positions[1] - positions[0]) == pytest.approx(2 * 1.4, rel=0.1)
    person = WorldObject("ann", entities["ann"], tracks["ann"], 1)
    legs = [i for i, part in enumerate(person.asset.parts) if part.role == "leg_l"]
    matrices = person.part_matrices(np.array([1.0, 1.25]))
    relative = [
        np.linalg.inv(person.root_matrices(np.array([t]))[0]) @ matrices[k, legs[0]] for k, t in enumerate((1.0, 1.25))
    ]
    assert not np.allclose(relative[0][:3, :3], relative[1][:3, :3], atol=1e-3)


def test_a_chase_that_opens_a_shot_starts_close_enough_for_one_frame() -> None:
    """A chaser placed far from its quarry has closed in during the cut: the shot opens with the two together."""
    from storyreel.world.layout import CHASE_GAP, GAP

    board = _board([Action(actor="rex", verb=Verb.CHASE, target="bob")], duration=4.0)
    entities = _entities(board)
    placed = place(board.locations[0], entities, seed=0)
    placed["rex"].position = placed["bob"].position + np.array([12.0, 0.0, 0.0])  # far across the park
    tracks = build_tracks(board, "park", entities, placed, seed=0)
    rex, bob = (tracks[name].sample(np.array([0.0, 2.0]))[0] for name in ("rex", "bob"))
    reach = CHASE_GAP * (entities["rex"].radius + entities["bob"].radius) + GAP
    assert np.linalg.norm((rex - bob)[:, [0, 2]], axis=1).max() <= reach + 0.3


def test_a_fetched_thing_stays_put_then_rides_in_the_mouth() -> None:
    """ "The dog catches the ball and runs off": the dog runs to the ball, takes it up, and from then on the ball
    stays at the front of its head wherever it goes."""
    board = _board(
        [Action(actor="rex", verb=Verb.FETCH, target="ball"), Action(actor="rex", verb=Verb.RUN)],
        props=[Prop(id="ball", name="ball", kind="ball")],
        duration=8.0,
    )
    tracks, entities = _tracks(board)
    ball, rex = tracks["ball"], tracks["rex"]
    start = ball.sample(np.array([0.0]))[0][0]
    assert np.allclose(ball.sample(np.array([0.5]))[0][0], start)  # it waits to be taken
    late = np.linspace(5.0, 8.0, 7)
    carried, dog = ball.sample(late)[0], rex.sample(late)[0]
    assert np.linalg.norm(dog[-1] - dog[0]) > 2.0  # the dog runs on ...
    gap = np.linalg.norm((carried - dog)[:, [0, 2]], axis=1)
    assert gap.max() < entities["rex"].radius + entities["ball"].radius  # ... with the ball at its head
    assert (carried[:, 1] > 0.2).all()  # up off the ground


def test_walk_to_a_target_stops_beside_it() -> None:
    tracks, entities = _tracks(_board([Action(actor="ann", verb=Verb.WALK, target="bob")], duration=8.0))
    end = tracks["ann"].sample(np.array([8.0]))[0][0]
    bob = tracks["bob"].sample(np.array([8.0]))[0][0]
    assert np.linalg.norm(end - bob) < entities["ann"].radius + entities["bob"].radius + 0.5


def test_jump_reaches_its_apex() -> None:
    tracks, entities = _tracks(_board([Action(actor="ann", verb=Verb.JUMP)]))
    heights = tracks["ann"].sample(np.linspace(0, 4, 401))[0][:, 1]
    assert heights.max() == pytest.approx(0.34 * entities["ann"].height, rel=0.05)
    assert heights.min() == pytest.approx(0.0, abs=1e-9)


def test_chaser_keeps_its_distance() -> None:
    tracks, _ = _tracks(_board([Action(actor="rex", verb=Verb.CHASE, target="ann")]))
    times = np.linspace(0.5, 4.0, 30)
    gap = np.linalg.norm(tracks["rex"].sample(times)[0] - tracks["ann"].sample(times)[0], axis=1)
    assert gap.max() - gap.min() < 0.25 * gap.mean()
    assert np.linalg.norm(np.diff(tracks["ann"].sample(np.array([1.0, 2.0]))[0], axis=0)) == pytest.approx(3.5, rel=0.1)


def test_flying_bird_rises_and_stays_in_the_area() -> None:
    board = _board([Action(actor="rex", verb=Verb.FLY)], duration=12.0)
    board.cast[1].kind = "bird"
    tracks, _ = _tracks(board)
    positions = tracks["rex"].sample(np.linspace(2.0, 12.0, 100))[0]
    assert positions[:, 1].min() > 3.0
    assert np.abs(positions[:, [0, 2]]).max() <= 15.0


def test_sitting_person_lowers_and_bends_legs() -> None:
    tracks, entities = _tracks(_board([Action(actor="ann", verb=Verb.SIT)]))
    assert tracks["ann"].sample(np.array([3.0]))[0][0, 1] < -0.7
    angles = animation.joint_angles(entities["ann"], tracks["ann"], np.array([3.0]))
    leg = next(i for i, part in enumerate(entities["ann"].parts) if part.role == "leg_l")
    assert angles[0, leg] < -1.2


def _world(story: str, location: str) -> tuple[Storyboard, dict[str, WorldObject]]:
    board = plan_story(story)
    return board, {obj.name: obj for obj in build_world(board, location).objects}


def test_finding_someone_walks_up_beside_it() -> None:
    board, objects = _world(
        "A young girl named Mia walks through a snowy forest at dusk. She finds a small fox sitting under a pine tree.",
        "forest",
    )
    shot = board.shots[1]
    end = np.array([board.shot_start(shot.id) + shot.duration - 0.05])
    mia, fox = (objects[name].track.sample(end)[0][0] for name in ("mia", "fox"))
    gap = np.linalg.norm((mia - fox)[[0, 2]]) - objects["mia"].asset.radius - objects["fox"].asset.radius
    assert gap < 1.5
    yaw = objects["mia"].track.sample(end)[1][0]
    assert abs(np.degrees(np.arctan2(np.sin(yaw), np.cos(yaw)))) <= 60  # her face turned to the front


def test_talkers_stand_side_by_side_facing_the_front() -> None:
    tracks, entities = _tracks(_board([Action(actor="ann", verb=Verb.TALK, target="bob")], duration=5.0))
    times = np.array([4.0, 4.9])
    (ann, ann_yaw), (bob, bob_yaw) = (tracks[name].sample(times) for name in ("ann", "bob"))
    offset = (bob - ann)[-1]
    assert abs(offset[2]) < 0.3 * abs(offset[0])
    assert abs(offset[0]) - entities["ann"].radius - entities["bob"].radius < 1.0
    assert np.all(np.abs(np.degrees(np.concatenate([ann_yaw, bob_yaw]))) <= 60)  # yaw 0 faces +z, the camera
    assert np.all(np.sign(ann_yaw) == np.sign(offset[0]))  # each towards the other


def test_a_held_kite_rides_in_the_boys_hand() -> None:
    board, objects = _world("A man stands in a field. A boy runs to him with a kite.", "field")
    boy, kite = objects["boy"], objects["kite"]
    times = np.linspace(0.0, board.duration, 23)
    roots, yaws = boy.track.sample(times)
    hands = roots + np.stack(
        [rotation_y(yaw)[:3, :3] @ np.array([-0.16, 0.45, 0.08]) * boy.asset.height for yaw in yaws]
    )
    middles = kite.track.sample(times)[0] + [0.0, kite.asset.height / 2, 0.0]
    assert np.linalg.norm(roots[-1] - roots[0]) > 1.0  # he ran, and it came along
    assert np.linalg.norm(middles - hands, axis=1).max() < 1.0
    assert (middles[:, 1] + kite.asset.height / 2).max() <= boy.asset.height + 1.0


def test_a_raised_sword_rises_with_the_hand_that_holds_it() -> None:
    board, objects = _world("A knight stands in a field. The knight raises his sword.", "field")
    knight, sword = objects["knight"], objects["sword"]
    before, after = board.shot_start("shot_02") - 0.1, board.shot_start("shot_02") + 2.0  # the arm up by then
    height = {t: sword.center(t)[1] for t in (before, after)}
    assert height[after] > knight.asset.height > height[before]  # over his head, from his side
    hand = next(i for i, part in enumerate(knight.asset.parts) if part.name == "hand_r")
    middle = np.append(knight.asset.parts[hand].mesh.bounds.mean(axis=0), 1.0)
    hand_at = (knight.part_matrices(np.array([after]))[0, hand] @ middle)[:3]
    assert np.linalg.norm(sword.center(after) - hand_at) < max(np.ptp(sword.asset.bounds, axis=0)) / 2 + 0.2


def test_a_landing_bird_comes_down_beside_whom_it_lands_by_and_folds_its_wings() -> None:
    board, objects = _world("A cat sits in the park. A bird lands next to it.", "park")
    bird, cat = objects["bird"], objects["cat"]
    end = board.duration - 0.05
    (where,), _ = bird.track.sample(np.array([end]))
    (cat_at,), _ = cat.track.sample(np.array([end]))
    assert abs(where[1] - cat_at[1]) < 0.05  # down where the cat is, not circling overhead
    assert np.linalg.norm((where - cat_at)[[0, 2]]) < bird.asset.radius + cat.asset.radius + 0.5
    wing = next(i for i, part in enumerate(bird.asset.parts) if part.role.startswith("wing"))
    assert animation.joint_angles(bird.asset, bird.track, np.array([end]))[0, wing] < 0  # folded, not spread


def test_two_who_walk_to_one_place_end_side_by_side() -> None:
    board, objects = _world("Anna meets Ben in the park. They walk to the bench together.", "park")
    end = np.array([board.duration - 0.05])
    anna, ben = (objects[name].track.sample(end)[0][0] for name in ("anna", "ben"))
    apart = np.linalg.norm((anna - ben)[[0, 2]])
    assert apart >= objects["anna"].asset.radius + objects["ben"].asset.radius


def test_a_rider_sits_on_the_horse_wherever_it_walks() -> None:
    board, objects = _world("A knight rides a white horse to the barn. The knight raises his sword.", "park")
    knight, horse = objects["knight"], objects["horse"]
    times = np.linspace(0.0, board.duration - 0.1, 15)
    (riding, _), (carrying, yaws) = knight.track.sample(times), horse.track.sample(times)
    assert np.linalg.norm(carrying[-1] - carrying[0]) > 2.0  # the horse went somewhere, and he with it
    assert np.allclose(riding[:, [0, 2]], carrying[:, [0, 2]], atol=0.05)
    assert np.all(
        riding[:, 1] > carrying[:, 1] + 0.5 * horse.asset.height - knight.asset.height / 2
    )  # up in the saddle
    assert np.allclose(knight.track.sample(times)[1], yaws, atol=1e-6)
    leg = next(i for i, part in enumerate(knight.asset.parts) if part.role == "leg_l")
    assert animation.joint_angles(knight.asset, knight.track, times[5:6])[0, leg] < -1.2  # sitting
    arm = next(i for i, part in enumerate(knight.asset.parts) if part.role == "arm_r")
    raised = board.shot_start("shot_02") + 2.0
    assert animation.joint_angles(knight.asset, knight.track, np.array([raised]))[0, arm] < -2.0  # in the saddle


def test_one_the_story_names_later_waits_off_stage_until_then() -> None:
    """ "A dragon flies over the tower" after the knight's shot: no dragon in the knight's shot, then it is there."""
    board, objects = _world("A knight rides a white horse to the castle. A dragon flies over the tower.", "park")
    second = board.shot_start(board.shots[1].id)
    before = objects["dragon"].track.sample(np.linspace(0.0, second - 0.01, 9))[0]
    after = objects["dragon"].track.sample(np.array([second, second + 1.0]))[0]
    assert (before[:, 1] < -50.0).all() and (after[:, 1] >= 0.0).all()
    assert objects["knight"].track.sample(np.array([0.5]))[0][0, 1] > 0.0  # the first shot's cast is there


def test_a_vehicle_that_comes_on_never_drives_in_front_of_whom_it_stops_by() -> None:
    """ "A red bus stops next to him": the bus comes on behind Tom (upstage) and pulls up behind him, so it never
    stands between him and the front, where the camera is."""
    board, objects = _world("Tom waits at the bus stop in the rain. A red bus stops next to him.", "park")
    shot = board.shots[1]
    times = board.shot_start(shot.id) + np.linspace(0.0, shot.duration - 0.05, 30)
    bus, tom = (objects[name].track.sample(times)[0] for name in ("bus", "tom"))
    assert (bus[:, 2] < tom[:, 2]).all()
    assert np.linalg.norm((bus[-1] - tom[-1])[[0, 2]]) < objects["bus"].asset.radius + 2.0  # next to him


def test_a_rider_and_its_mount_hide_nothing_of_each_other() -> None:
    board, objects = _world("A knight rides a white horse to the barn.", "park")
    world = build_world(board, "park")
    assert [obj.name for obj in world.riders_of("horse")] == ["knight"]
    assert [obj.name for obj in world.saddled_with("knight")] == ["horse"]
    time = 1.0
    above = objects["horse"].center(time) + np.array([0.0, 6.0, 0.0])  # looking down through the saddle
    assert world.occlusion(above[None], "horse", time, samples=64)[0] == 0.0
    below = objects["knight"].center(time) + np.array([0.0, -0.9, 4.0])  # from low in front, the horse in between
    assert world.occlusion(below[None], "knight", time, samples=64)[0] == 0.0


def test_falling_precipitation_moves_on_through_its_wrap_a_frame_ahead() -> None:
    """Rain jumps back up every period, unseen (two stacked layers); a frame's forward flow must not see the jump."""
    fall = Falling(np.zeros(1), np.zeros((1, 3)), np.zeros(1), speed=9.0, period=14.0)
    before_wrap = np.array([14.0 / 9.0 - 0.05])  # the next frame, 1/12 s on, lies past the wrap
    now, _ = fall.sample(before_wrap)
    on, _ = fall.sample_ahead(before_wrap, 1 / 12)
    wrapped, _ = fall.sample(before_wrap + 1 / 12)
    assert np.allclose(on - now, [0.0, -9.0 / 12, 0.0])
    assert not np.allclose(wrapped, on)  # sampled plainly, it has jumped back up

"""storyreel/CameraFraming-v0: the checkers of gymnasium and stable-baselines3, and each reward term moving the
right way when the scene or the camera is changed on purpose."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from stable_baselines3.common.env_checker import check_env as sb3_check_env

import storyreel.envs  # noqa: F401  (registers the environment)
from storyreel import geometry
from storyreel.envs.camera_framing import CameraFramingEnv
from storyreel.envs.framing import CameraRig, FramingEpisode, build_task, rotation_from, yaw_pitch_of
from storyreel.envs.scenarios import build_scenario
from storyreel.schema import (
    Action,
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


def _board(move: CameraMove = CameraMove.STATIC, props: list[Prop] | None = None, walk: bool = False) -> Storyboard:
    placements = [Placement(subject=p.id, relation=Relation.IN_FRONT_OF, reference="mia") for p in props or []]
    shot = Shot(
        id="s",
        location="field",
        duration=2.0,
        subjects=["mia"],
        size=ShotSize.FULL,
        move=move,
        actions=[Action(actor="mia", verb=Verb.WALK if walk else Verb.IDLE)],
    )
    location = Location(id="field", name="field", kind=LocationKind.FIELD, props=props or [], placements=placements)
    return Storyboard(title="t", cast=[Character(id="mia", name="Mia", kind="person")], locations=[location],
                      shots=[shot])  # fmt: skip


def _task(board: Storyboard):
    return build_task(build_world(board, board.locations[0].id), board.shots[0], start=0.0, fps=12, aspect=16 / 9)


def _front_rig(task, distance: float | None = None, turn: float = 0.0) -> CameraRig:
    """A camera straight in front of the subject (+z), looking at it, turned by ``turn`` radians."""
    aim = task.aim[0]
    position = aim + np.array([0.0, 0.2, distance or task.distance])
    yaw, pitch = yaw_pitch_of(geometry.look_at_rotation(position, aim))
    return CameraRig(position=position, yaw=yaw + turn, pitch=pitch)


def test_environment_passes_gymnasium_and_sb3_checkers():
    env = CameraFramingEnv(scenarios=[0, 1])
    check_env(env, skip_render_check=True)
    sb3_check_env(CameraFramingEnv(scenarios=[0, 1]), warn=False)


def test_registered_environment_runs_a_whole_episode_with_reproducible_resets():
    env = gym.make("storyreel/CameraFraming-v0", scenarios=[3])
    first, info = env.reset(seed=5)
    again, _ = env.reset(seed=5)
    np.testing.assert_array_equal(first, again)
    assert env.observation_space.contains(first)
    steps, terminated = 0, False
    while not terminated:
        _, reward, terminated, truncated, info = env.step(env.action_space.sample())
        assert np.isfinite(reward) and reward <= 0 and not truncated
        steps += 1
    scenario = build_scenario(3)
    assert steps == round(scenario.shot.duration * info_fps(env)) - 1
    assert set(info["terms"]) == {"position", "size", "out_of_frame", "occlusion", "collision", "jerk", "angle",
                                  "move", "action_rate"}  # fmt: skip


def info_fps(env: gym.Env) -> int:
    episode = env.unwrapped.episode
    assert episode is not None
    return episode.task.fps


def test_subject_pushed_out_of_frame_lowers_the_reward():
    task = _task(_board())
    framed = FramingEpisode(task, _front_rig(task)).terms[0]
    turned_away = FramingEpisode(task, _front_rig(task, turn=1.2)).terms[0]
    assert framed.out_of_frame == 0 and framed.position < 0.05
    assert turned_away.out_of_frame == 1 and turned_away.position > 0.3
    assert turned_away.reward() < framed.reward() - 1.0


def test_an_occluder_raises_the_occlusion_term():
    clear = _task(_board(props=[]))
    blocked = _task(_board(props=[Prop(id="house", name="house", kind="house")]))
    open_view = FramingEpisode(clear, _front_rig(clear, distance=8.0)).terms[0]
    hidden_view = FramingEpisode(blocked, _front_rig(blocked, distance=8.0)).terms[0]
    assert open_view.occlusion < 0.05
    assert hidden_view.occlusion > 0.5
    assert hidden_view.reward() < open_view.reward()


def test_wrong_distance_raises_the_size_term_and_obstacles_the_collision_term():
    task = _task(_board(props=[Prop(id="box", name="box", kind="box")]))
    right = FramingEpisode(task, _front_rig(task)).terms[0]
    far = FramingEpisode(task, _front_rig(task, distance=3 * task.distance)).terms[0]
    assert right.size < 0.1 < far.size
    box = task.capsules[0, 0] + np.array([0.0, 0.3, 0.0])  # inside the box, which stands in front of her
    aim = task.aim[0]
    yaw, pitch = yaw_pitch_of(geometry.look_at_rotation(box, aim))
    inside = FramingEpisode(task, CameraRig(position=box, yaw=yaw, pitch=pitch)).terms[0]
    assert right.collision == 0 and inside.collision >= 1.0


def test_jerk_and_move_terms():
    still = _task(_board(CameraMove.STATIC))
    rig = _front_rig(still)
    episode = FramingEpisode(still, rig)
    for _ in range(5):
        episode.act(np.zeros(5))
    assert max(t.jerk for t in episode.terms) < 1e-9 and max(t.move for t in episode.terms) < 1e-9  # float noise
    episode.act(np.array([1.0, 0, 0, 0, 0]))  # a sudden shove: jerk, and a static shot that moves
    episode.act(np.array([-1.0, 0, 0, 0, 0]))
    assert episode.terms[-1].jerk > 0.1 and episode.terms[-1].move > 0

    dolly = _task(_board(CameraMove.DOLLY_IN))
    backing = FramingEpisode(dolly, _front_rig(dolly))
    forward = FramingEpisode(dolly, _front_rig(dolly))
    for _ in range(4):
        backing.act(np.array([0, 0, -1.0, 0, 0]))  # a dolly-in that moves out
        forward.act(np.array([0, 0, 1.0, 0, 0]))
    assert backing.terms[-1].move > 0.5 and forward.terms[-1].move == 0


def test_orbit_term_rewards_going_round():
    task = _task(_board(CameraMove.ORBIT))
    aim, reach = task.aim[0], task.distance
    still = FramingEpisode(task, _front_rig(task))
    round_ = FramingEpisode(task, _front_rig(task))
    for frame in range(1, task.frames):
        angle = 1.2 * float(geometry.smoothstep(frame / (task.frames - 1)))
        position = aim + reach * np.array([np.sin(angle), 0.05, np.cos(angle)])
        yaw, pitch = yaw_pitch_of(geometry.look_at_rotation(position, task.aim[frame]))
        round_.record(position, rotation_from(yaw, pitch))
        still.record(still.positions[-1], still.rotations[-1])
    assert np.mean([t.move for t in round_.terms]) < 0.1 < np.mean([t.move for t in still.terms])


def test_bad_placement_is_refused():
    with pytest.raises(ValueError, match="placement"):
        CameraFramingEnv(placement="anywhere")

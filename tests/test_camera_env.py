"""storyreel/CameraResidual-v0: the checkers of gymnasium and stable-baselines3, a zero action filming the
baseline's path exactly, and each reward term moving the right way when the scene or the camera is changed on
purpose."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium.utils.env_checker import check_env
from stable_baselines3.common.env_checker import check_env as sb3_check_env

import storyreel.training  # noqa: F401  (registers the environment)
from storyreel import geometry
from storyreel.envs.residual import (
    ACTION_SIZE,
    LENS_LIMIT,
    OFFSET_LIMIT,
    WEIGHTS,
    ResidualEpisode,
    ResidualTask,
    build_residual_task,
    rollout,
    zero_action,
)
from storyreel.schema import (
    Action,
    CameraMove,
    CameraPath,
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
from storyreel.training.residual_camera import CameraResidualEnv, scenario_task
from storyreel.world.build import build_world

FPS, ASPECT = 12, 16 / 9


def _board(move: CameraMove = CameraMove.STATIC, props: list[Prop] | None = None, verb: Verb = Verb.TALK) -> Storyboard:
    placements = [Placement(subject=p.id, relation=Relation.IN_FRONT_OF, reference="mia") for p in props or []]
    shot = Shot(
        id="s",
        location="field",
        duration=2.0,
        subjects=["mia"],
        size=ShotSize.MEDIUM,
        move=move,
        actions=[Action(actor="mia", verb=verb)],
        description="Mia talks.",
    )
    location = Location(id="field", name="field", kind=LocationKind.FIELD, props=props or [], placements=placements)
    return Storyboard(title="t", cast=[Character(id="mia", name="Mia", kind="person")], locations=[location],
                      shots=[shot])  # fmt: skip


def _task(board: Storyboard, distance: float = 3.0, side: float = 1.0, turn: float = 0.0) -> ResidualTask:
    """The residual task with a base path of a still camera ``distance`` in front of Mia (``side`` -1: behind
    her), looking at her head height, turned by ``turn`` radians."""
    world, shot = build_world(board, "field"), board.shots[0]
    frames = round(shot.duration * FPS)
    centre = world.object("mia").center(0.0)
    aim = centre + np.array([0.0, 0.4, 0.0])
    eye = aim + np.array([0.0, 0.2, side * distance])
    turned = np.array([np.sin(turn), 0.0, np.cos(turn)]) * side * distance
    rotation = geometry.look_at_rotation(eye, eye - turned)
    base = CameraPath(
        fps=FPS,
        positions=[tuple(map(float, eye))] * frames,
        orientations=[tuple(map(float, geometry.matrix_to_quaternion(rotation)))] * frames,
        fov_y=[40.0] * frames,
    )
    return build_residual_task(world, shot, base, start=0.0, aspect=ASPECT)


def test_environment_passes_gymnasium_and_sb3_checkers():
    check_env(CameraResidualEnv(scenarios=[0, 1]), skip_render_check=True)
    sb3_check_env(CameraResidualEnv(scenarios=[0, 1]), warn=False)


def test_registered_environment_runs_a_whole_episode_with_reproducible_resets():
    env = gym.make("storyreel/CameraResidual-v0", scenarios=[3], fps=12)
    first, _ = env.reset(seed=5)
    again, _ = env.reset(seed=5)
    np.testing.assert_array_equal(first, again)
    assert env.observation_space.contains(first)
    steps, terminated, info = 0, False, {}
    while not terminated:
        _, reward, terminated, truncated, info = env.step(env.action_space.sample())
        assert np.isfinite(reward) and reward <= 0 and not truncated
        steps += 1
    assert steps == scenario_task(3, 12).frames - 1
    assert set(info["terms"]) == set(WEIGHTS)


def test_zero_action_films_the_baseline_path_exactly():
    task = scenario_task(1_000_003, 12)
    path = rollout(task, zero_action).path()
    assert path == task.base
    moved = rollout(task, lambda _: np.ones(ACTION_SIZE)).path()
    assert moved.positions != task.base.positions and moved.fov_y != task.base.fov_y
    offsets = np.linalg.norm(np.array(moved.positions) - np.array(task.base.positions), axis=1)
    assert offsets.max() <= np.sqrt(3) * OFFSET_LIMIT * task.scale + 1e-9  # corrections stay within their bounds
    lens = np.tan(np.radians(task.base.fov_y) / 2) / np.tan(np.radians(moved.fov_y) / 2)
    assert lens.max() <= LENS_LIMIT + 1e-9 and lens.max() > 1.2


def test_a_subject_turned_out_of_frame_costs_framing_and_shown():
    framed = ResidualEpisode(_task(_board())).terms[0]
    away = ResidualEpisode(_task(_board(), turn=1.2)).terms[0]
    assert framed.framing < 0.5 and framed.shown == 0
    assert away.framing == 1.0 and away.shown == 1.0
    assert away.reward() < framed.reward() - 1.0


def test_a_face_seen_from_behind_costs_face():
    front = ResidualEpisode(_task(_board())).terms[0]
    behind = ResidualEpisode(_task(_board(), side=-1.0)).terms[0]
    assert front.face == 0 and behind.face == 1.0


def test_an_occluder_raises_the_occlusion_term_and_a_camera_inside_it_collision():
    clear = ResidualEpisode(_task(_board(props=[]), distance=8.0)).terms[0]
    board = _board(props=[Prop(id="house", name="house", kind="house")])
    blocked = ResidualEpisode(_task(board, distance=8.0)).terms[0]
    assert clear.occlusion < 0.05 and clear.collision == 0
    assert blocked.occlusion > 0.5
    house = build_world(board, "field").object("house").center(0.0)
    mia = build_world(board, "field").object("mia").center(0.0)
    inside = ResidualEpisode(_task(board, distance=float(np.linalg.norm((house - mia)[[0, 2]])))).terms[0]
    assert inside.collision >= 1.0


def test_jerk_move_and_action_rate_terms():
    task = _task(_board(CameraMove.STATIC))
    episode = ResidualEpisode(task)
    for _ in range(4):
        episode.act(np.zeros(ACTION_SIZE))
    assert max(t.jerk + t.move + t.action_rate for t in episode.terms) == 0
    for sign in (1.0, -1.0, 1.0):  # shoved from side to side: jerk, a static shot that moves, a jumpy action
        episode.act(np.r_[sign, np.zeros(ACTION_SIZE - 1)])
    last = episode.terms[-1]
    assert last.jerk > 0.1 and last.move > 0 and last.action_rate == 1.0

    dolly = _task(_board(CameraMove.DOLLY_IN))
    backing, forward = ResidualEpisode(dolly), ResidualEpisode(dolly)
    for _ in range(4):
        backing.act(np.r_[0.0, 0.0, -1.0, np.zeros(3)])  # a dolly-in that moves out
        forward.act(np.r_[0.0, 0.0, 1.0, np.zeros(3)])
    assert backing.terms[-1].move > 0.5 and forward.terms[-1].move == 0

"""The RL camera: the shipped residual policy corrects the baseline deterministically without torch, the camera
option reaches the run, and a short real training run beats the baseline it corrects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from storyreel.agent.pipeline import RunOptions, make_video
from storyreel.envs.policy import NumpyPolicy
from storyreel.envs.residual import OBSERVATION_SIZE
from storyreel.envs.scenarios import build_scenario
from storyreel.errors import UserError
from storyreel.schema import ShotDirection
from storyreel.tools.camera import direct_camera
from storyreel.tools.camera_policy import POLICY_PATH, film_with_policy, shipped_policy

COLLIDING = 28  # a training scene whose baseline camera stands inside something
TRAINING_STEPS = 6144


def test_shipped_policy_loads_and_gives_the_same_path_for_the_same_seed():
    """``director="rl"`` is the baseline's path (direction and all) corrected by the shipped policy."""
    assert POLICY_PATH.is_file() and (POLICY_PATH.parent / "MODEL_CARD.md").is_file()
    policy = shipped_policy()
    assert policy.weights[0].shape[1] == len(policy.obs_mean) == OBSERVATION_SIZE
    scenario = build_scenario(1_000_003)
    direction = ShotDirection(elevation_offset=15.0)
    one = direct_camera(
        scenario.world, scenario.shot, start=0.0, fps=12, aspect=16 / 9, seed=2, director="rl", direction=direction
    )
    base = direct_camera(scenario.world, scenario.shot, start=0.0, fps=12, aspect=16 / 9, seed=2, direction=direction)
    assert one == film_with_policy(scenario.world, scenario.shot, base, start=0.0, aspect=16 / 9)
    assert one.frames == base.frames == round(scenario.shot.duration * 12)
    assert min(p[1] for p in one.positions) >= 0.3
    assert np.allclose(np.linalg.norm(np.array(one.orientations), axis=1), 1.0)
    assert one != base  # the policy corrects


def test_policy_round_trips_through_npz(tmp_path: Path):
    policy = shipped_policy()
    policy.save(tmp_path / "policy.npz")
    again = NumpyPolicy.load(tmp_path / "policy.npz")
    observation = np.random.default_rng(0).normal(size=OBSERVATION_SIZE)
    np.testing.assert_array_equal(policy.act(observation), again.act(observation))
    assert np.all(np.abs(policy.act(observation * 100)) <= 1.0)


def test_filming_with_the_policy_needs_no_torch():
    code = (
        "import sys; from storyreel.envs.scenarios import build_scenario; from storyreel.tools.camera import "
        "direct_camera; s = build_scenario(1_000_001); "
        "direct_camera(s.world, s.shot, start=0.0, fps=6, aspect=1.5); print('torch' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.strip() == "False"


def test_camera_option_is_part_of_the_run_key_and_checked():
    assert RunOptions(camera="rl").key() != RunOptions(camera="baseline").key()
    with pytest.raises(UserError, match="--camera"):
        make_video("A dog runs in the park.", camera="drone")
    with pytest.raises(ValueError, match="director"):
        scenario = build_scenario(1_000_000)
        direct_camera(scenario.world, scenario.shot, start=0.0, fps=6, aspect=1.5, director="drone")


@pytest.mark.slow
def test_short_training_beats_random_corrections_and_exports_what_sb3_predicts(tmp_path: Path):
    """A few thousand steps on one scene whose baseline camera stands inside something learn corrections better
    than random ones. (Beating the uncorrected baseline takes more: see the README's camera benchmark.)"""
    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import DummyVecEnv, VecNormalize

    from storyreel.training.residual_camera import CameraResidualEnv
    from storyreel.training.train_camera import evaluate, train_camera

    result = train_camera(
        tmp_path,
        steps=TRAINING_STEPS,
        envs=2,
        seed=1,
        scenario_seeds=[COLLIDING],
        evaluation_episodes=2,
        progress=False,
    )
    card = (tmp_path / "MODEL_CARD.md").read_text()
    assert "PPO" in card and f"{TRAINING_STEPS:,}" in card
    policy = NumpyPolicy.load(tmp_path / "policy.npz")
    there = evaluate(policy, [COLLIDING])
    assert there["random"]["return"] < there["rl"]["return"] < 0
    assert result.evaluation["rl"]["return"] > result.evaluation["random"]["return"]

    model = PPO.load(tmp_path / "model.zip", device="cpu")
    env = DummyVecEnv([lambda: CameraResidualEnv([0])])
    normalised = VecNormalize.load(str(tmp_path / "vecnormalize.pkl"), env)
    observations = np.random.default_rng(0).normal(size=(8, OBSERVATION_SIZE)).astype(np.float32)
    expected, _ = model.predict(normalised.normalize_obs(observations), deterministic=True)
    np.testing.assert_allclose(np.stack([policy.act(o) for o in observations]), expected, atol=1e-5)


def test_cli_offers_the_camera_option_and_checks_training_arguments(capsys):
    from storyreel.cli import main

    with pytest.raises(SystemExit):
        main(["make", "--help"])
    assert "--camera {rl,baseline}" in capsys.readouterr().out
    assert main(["train-camera", "--steps", "0"]) == 2
    assert "--steps" in capsys.readouterr().err

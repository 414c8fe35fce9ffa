"""Train the residual camera policy on ``storyreel/CameraResidual-v0`` with stable-baselines3 (PPO or SAC), and
export it.

Training is reproducible for a seed (one torch thread, seeded vectorised environments in one process). The output
folder gets the SB3 model (``model.zip``), its observation normalisation (``vecnormalize.pkl``), the numpy export
the package ships and films with (``policy.npz``), and ``MODEL_CARD.md``: algorithm, steps, seed, training time
and an evaluation on held-out scenarios against the baseline (zero corrections) and random corrections. Needs the
``train`` extra.
"""

from __future__ import annotations

import importlib.util
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from stable_baselines3 import PPO, SAC
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.vec_env import DummyVecEnv, VecNormalize

from storyreel.atomic import write_text
from storyreel.envs.policy import NumpyPolicy
from storyreel.envs.residual import ACTION_SIZE, rollout, summary, zero_action
from storyreel.envs.scenarios import HELD_OUT_SEEDS
from storyreel.errors import UserError
from storyreel.progress import progress_bar
from storyreel.training.residual_camera import CameraResidualEnv, scenario_task

ALGORITHMS = ("ppo", "sac")


@dataclass
class TrainingResult:
    out: Path
    algorithm: str
    steps: int
    seed: int
    seconds: float
    evaluation: dict[str, dict[str, float]]


def train_camera(
    out: Path,
    *,
    algorithm: str = "ppo",
    steps: int = 500_000,
    envs: int = 4,
    seed: int = 0,
    scenarios: int = 256,
    scenario_seeds: Sequence[int] | None = None,
    evaluation_episodes: int = 50,
    tensorboard: Path | None = None,
    progress: bool = True,
    log_std_init: float = -2.0,
    learning_rate: float = 2e-4,
) -> TrainingResult:
    """Train a policy for ``steps`` environment steps on ``scenarios`` training scenes (seeds 0 up, or the given
    ``scenario_seeds``) and write it to ``out``."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm {algorithm!r} is not one of {', '.join(ALGORITHMS)}")
    if tensorboard is not None and importlib.util.find_spec("tensorboard") is None:
        raise UserError("--tensorboard needs the tensorboard package: pip install tensorboard")
    torch.set_num_threads(1)
    out.mkdir(parents=True, exist_ok=True)
    vec = make_vec_env(
        CameraResidualEnv,
        n_envs=envs,
        seed=seed,
        vec_env_cls=DummyVecEnv,
        env_kwargs={"scenarios": list(scenario_seeds or range(scenarios))},
    )
    normalised = VecNormalize(vec, norm_obs=True, norm_reward=True, clip_obs=10.0, gamma=0.98)
    log = str(tensorboard) if tensorboard is not None else None
    model: Any
    if algorithm == "ppo":
        model = PPO(
            "MlpPolicy",
            normalised,
            n_steps=512,
            batch_size=256,
            n_epochs=5,
            gamma=0.98,
            gae_lambda=0.95,
            learning_rate=learning_rate,
            ent_coef=0.0,
            use_sde=True,  # state-dependent exploration: smooth noise, so the jerk term can be learned
            sde_sample_freq=16,
            policy_kwargs={"net_arch": [64, 64], "log_std_init": log_std_init},
            seed=seed,
            device="cpu",
            tensorboard_log=log,
        )
    else:
        model = SAC(
            "MlpPolicy",
            normalised,
            learning_starts=2_000,
            batch_size=256,
            gamma=0.98,
            train_freq=4,
            gradient_steps=1,
            policy_kwargs={"net_arch": [64, 64]},
            seed=seed,
            device="cpu",
            tensorboard_log=log,
        )
    started = time.perf_counter()
    model.learn(total_timesteps=steps, callback=_ProgressBar(steps, progress))
    seconds = time.perf_counter() - started
    model.save(out / "model.zip")
    normalised.save(str(out / "vecnormalize.pkl"))
    policy = export_policy(model, normalised, algorithm)
    policy.save(out / "policy.npz")
    evaluation = evaluate(policy, range(HELD_OUT_SEEDS, HELD_OUT_SEEDS + evaluation_episodes))
    write_text(out / "MODEL_CARD.md", model_card(algorithm, steps, envs, seed, scenarios, seconds, evaluation))
    return TrainingResult(out, algorithm, steps, seed, seconds, evaluation)


def export_policy(model: Any, normalised: Any, algorithm: str) -> NumpyPolicy:
    """The deterministic actor of a trained SB3 model and its observation statistics, as numpy."""
    if algorithm == "ppo":
        layers = [m for m in model.policy.mlp_extractor.policy_net if hasattr(m, "weight")] + [model.policy.action_net]
        activation, squash = "tanh", False
    else:
        layers = [m for m in model.actor.latent_pi if hasattr(m, "weight")] + [model.actor.mu]
        activation, squash = "relu", True
    return NumpyPolicy(
        weights=[layer.weight.detach().cpu().numpy().astype(float) for layer in layers],
        biases=[layer.bias.detach().cpu().numpy().astype(float) for layer in layers],
        activation=activation,
        squash=squash,
        obs_mean=np.asarray(normalised.obs_rms.mean, dtype=float),
        obs_var=np.asarray(normalised.obs_rms.var, dtype=float),
        clip_obs=float(normalised.clip_obs),
        epsilon=float(normalised.epsilon),
    )


def evaluate(policy: NumpyPolicy, seeds: range | list[int], fps: int = 12) -> dict[str, dict[str, float]]:
    """Mean return and cost terms over held-out scenarios for the policy, the baseline (zero corrections) and
    random corrections."""
    rng = np.random.default_rng(0)
    controllers: dict[str, Callable[[NDArray[np.float32]], NDArray[np.float64]]] = {
        "rl": policy.act,
        "baseline": zero_action,
        "random": lambda _: rng.uniform(-1.0, 1.0, ACTION_SIZE),
    }
    results: dict[str, list[dict[str, float]]] = {name: [] for name in controllers}
    for seed in seeds:
        task = scenario_task(seed, fps)
        for name, act in controllers.items():
            results[name].append(summary(rollout(task, act)))
    return {name: {k: float(np.mean([r[k] for r in rows])) for k in rows[0]} for name, rows in results.items()}


def model_card(
    algorithm: str,
    steps: int,
    envs: int,
    seed: int,
    scenarios: int,
    seconds: float,
    evaluation: dict[str, dict[str, float]],
) -> str:
    names = list(next(iter(evaluation.values())))
    header = "| controller | " + " | ".join(names) + " |\n|---|" + "---|" * len(names) + "\n"
    rows = "".join(
        f"| {name} | " + " | ".join(f"{values[k]:.3f}" for k in names) + " |\n" for name, values in evaluation.items()
    )
    return f"""# Camera policy

The residual camera policy behind `--camera rl`: the baseline director plans each shot's path and this policy,
trained on `storyreel/CameraResidual-v0`, corrects it frame by frame (the camera moved in its own frame, turned, its
lens lengthened or shortened, each within a bound), scored by what the shot checks measure: framing, every named
subject shown, owed faces turned to the camera, occlusion, jerk, collision and the requested move. A zero action is
the baseline's path exactly. It runs in numpy from `policy.npz` (actor MLP and observation normalisation); no torch
needed.

| | |
|---|---|
| algorithm | {algorithm.upper()} (stable-baselines3), MLP 64x64 |
| environment steps | {steps:,} |
| vectorised environments | {envs} |
| training scenarios | seeds 0-{scenarios - 1}, half hard cases (evaluation uses seeds from {HELD_OUT_SEEDS:,}) |
| seed | {seed} |
| training time | {seconds / 60:.1f} min on {platform.machine()} CPU, one torch thread |
| reproduce | `storyreel train-camera --algo {algorithm} --steps {steps} --envs {envs} --seed {seed}` |

## Evaluation

Mean episode return and mean cost terms per frame (see the environment's reward table) on held-out scenarios at
12 fps:

{header}{rows}
"baseline" is the baseline director's path uncorrected (a zero action); "random" corrects it at random.
`bench/bench_camera.py` compares them on 100 held-out scenarios with ray-tested occlusion.

## Limits

Trained on one-shot scenes of 2-5 s with one to three actors and up to four props, at 16:9; it sees occlusion of
the main subject only, through ray tests sampled every 0.5 s round it, and corrects within its bounds: it cannot
choose another side of the scene or another shot size (the agent's revisions do that, through the baseline).
"""


class _ProgressBar(BaseCallback):
    """A progress bar of environment steps."""

    def __init__(self, total: int, enabled: bool) -> None:
        super().__init__()
        self.total, self.enabled = total, enabled

    def _on_training_start(self) -> None:
        self.bar = progress_bar(self.total, "train-camera", "step", enabled=self.enabled)

    def _on_step(self) -> bool:
        self.bar.update(self.training_env.num_envs)
        return True

    def _on_training_end(self) -> None:
        self.bar.close()

"""``storyreel/CameraResidual-v0``: correct the baseline director's camera through one shot of a storyreel world.

Each episode is one shot of a random scenario (``envs/scenarios.py``; half of them hard cases: something crossing
in front, a flying subject, a small subject in a wide shot, a subject running out of a standing camera's frame, two
who must share the frame) in a :class:`~storyreel.world.world.World` built by the same asset library, layout and
motion code the renderer draws. The baseline director (``tools/camera.py``) plans the shot's path; the agent
corrects it frame by frame (``envs/residual.py``). A zero action films the baseline's path exactly.

## Action Space

``Box(-1, 1, (6,), float32)``: the six corrections asked for, as shares of their bounds; the corrections follow
the action eased over 0.3 s, as a critically damped spring (3 rad/s, settled in about 1.5 s), so even a jumpy
policy moves the camera without a jolt.

| Num | Correction (camera's own frame) | Bound                                 |
|-----|---------------------------------|---------------------------------------|
| 0   | position offset to the right    | 0.3 x scale (scale: shot distance, >= 2 m) |
| 1   | position offset up              | same                                  |
| 2   | position offset forward         | same                                  |
| 3   | aim turned left/right (yaw)     | 10 degrees                            |
| 4   | aim turned up/down (pitch)      | 10 degrees                            |
| 5   | focal length, longer/shorter    | x1.3                                  |

## Observation Space

``Box(-20, 20, (60,), float32)``; lengths in units of the shot's scale, vectors in the camera's frame (x right,
y up, z backwards), screen positions in NDC of the current camera.

| Num   | Observation                                                                          |
|-------|--------------------------------------------------------------------------------------|
| 0-5   | the corrections so far (each in [-1, 1] of its bound)                                |
| 6-11  | their rates / 3 rad/s                                                                |
| 12-14 | the aim point's screen x, y and the main subject's log size error, now               |
| 15-17 | the same for where the subjects will be in 0.5 s, seen by the camera now             |
| 18-21 | the second named subject's screen x, y; whether it is in frame; whether there is one |
| 22-24 | whether a face is owed; the worst owed face's angle off the camera / 90 - 1, now and in 0.5 s |
| 25-27 | share of the main subject hidden from the camera now, in 0.5 s and in 1 s              |
| 28-33 | look-ahead occlusion at 0.5 s and at 1 s: probes right minus left, up minus down, forward minus back |
| 34-36 | direction to the nearest object, times exp(-clearance / 0.5 m)                       |
| 37    | clearance to the nearest object                                                      |
| 38-40 | the baseline camera's velocity                                                       |
| 41-43 | the subjects' (aim point's) velocity                                                 |
| 44-45 | shot progress (eased, 0..1); 12 / fps                                                |
| 46-53 | requested move, one-hot (static, pan, tilt, dolly-in, dolly-out, track, orbit, crane) |
| 54-59 | previous action                                                                      |

Hidden shares come from ray tests against the world (``World.occlusion``) sampled every 0.5 s round the main
subject, so an occluder moving into the line of sight is seen coming.

## Rewards

Minus the weighted sum of what the shot checks measure of each frame (``residual.Terms``, ``residual.WEIGHTS``):
framing (1.0), named subjects not shown (1.0), owed face turned away (1.0), occlusion (1.0), jerk (0.5),
collision (1.0), straying from the requested move (0.5) and the change of action (0.5).

## Starting State

A random scenario (``scenario`` in ``reset``'s options picks one) at 12 or 24 fps (unless fixed), 16:9; the
corrections at zero, so the first frame is the baseline's.

## Episode End

| Kind        | When                                             |
|-------------|--------------------------------------------------|
| termination | the shot's last frame has been filmed            |
| truncation  | never (every shot ends by itself within 5 s)     |
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from numpy.typing import NDArray

from storyreel.envs.residual import (
    ACTION_SIZE,
    OBSERVATION_LIMIT,
    OBSERVATION_SIZE,
    ResidualEpisode,
    ResidualTask,
    build_residual_task,
)
from storyreel.envs.scenarios import build_scenario
from storyreel.schema import Director
from storyreel.tools.camera import direct_camera

FRAME_RATES = (12, 24)
ASPECT = 16 / 9


@lru_cache(maxsize=1024)
def scenario_task(seed: int, fps: int) -> ResidualTask:
    """The task of scenario ``seed`` at ``fps``, built once per process (the world, the baseline's path and the
    occlusion rays are the slow part)."""
    scenario = build_scenario(seed)
    base = direct_camera(
        scenario.world,
        scenario.shot,
        start=scenario.start,
        fps=fps,
        aspect=ASPECT,
        seed=seed,
        director=Director.BASELINE,
    )
    return build_residual_task(scenario.world, scenario.shot, base, start=scenario.start, aspect=ASPECT)


class CameraResidualEnv(gym.Env[NDArray[np.float32], NDArray[np.float32]]):
    """Correct the baseline's camera through one shot of a random storyreel world; see the module docstring for
    the spaces, reward and ends. ``scenarios`` are the scenario seeds episodes draw from (default: 256 training
    seeds); ``fps`` fixes the frame rate (default: 12 or 24 at random)."""

    metadata = {"render_modes": []}  # noqa: RUF012  (gymnasium reads it from the class)

    def __init__(self, scenarios: Sequence[int] | None = None, fps: int | None = None) -> None:
        self.scenarios = list(scenarios) if scenarios is not None else list(range(256))
        self.fps = fps
        self.action_space = spaces.Box(-1.0, 1.0, (ACTION_SIZE,), np.float32)
        limit = OBSERVATION_LIMIT
        self.observation_space = spaces.Box(-limit, limit, (OBSERVATION_SIZE,), np.float32)
        self.episode: ResidualEpisode | None = None

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[NDArray[np.float32], dict[str, Any]]:
        super().reset(seed=seed)
        options = options or {}
        rng = self.np_random
        scenario = int(options.get("scenario", self.scenarios[int(rng.integers(len(self.scenarios)))]))
        fps = int(options.get("fps", self.fps or rng.choice(FRAME_RATES)))
        self.episode = ResidualEpisode(scenario_task(scenario, fps))
        return self.episode.observe(), {"scenario": scenario, "fps": fps, "terms": self.episode.terms[-1].__dict__}

    def step(self, action: NDArray[np.float32]) -> tuple[NDArray[np.float32], float, bool, bool, dict[str, Any]]:
        if self.episode is None:
            raise RuntimeError("call reset() before step()")
        terms = self.episode.act(np.asarray(action, dtype=float))
        return self.episode.observe(), terms.reward(), self.episode.done, False, {"terms": terms.__dict__}

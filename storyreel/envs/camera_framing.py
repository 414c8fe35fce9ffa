"""``storyreel/CameraFraming-v0``: direct a camera through one shot of a storyreel world.

Each episode is one shot of a random scenario (``envs/scenarios.py``): a :class:`~storyreel.world.world.World`
built by the same asset library, layout and motion code the renderer draws, with moving subjects and props that
can stand in the way, and a requested shot (size, the subject's place across the frame, angle and move). The
agent drives the camera frame by frame; the scoring lives in ``envs/framing.py`` and is shared with the shipped
policy's runtime and the benchmark.

## Action Space

``Box(-1, 1, (5,), float32)``; the camera follows it through :class:`~storyreel.envs.framing.CameraRig`.

| Num | Action                       | Full scale                                      |
|-----|------------------------------|-------------------------------------------------|
| 0   | acceleration to the right    | 1.5 + 0.05 x scale m/s^2 (scale: shot distance) |
| 1   | acceleration up              | same                                            |
| 2   | acceleration forward (level) | same                                            |
| 3   | yaw rate                     | 0.6 rad/s                                       |
| 4   | pitch rate                   | 0.6 rad/s                                       |

The rig follows each action with a 0.35 s lag (first order), so that even a jumpy policy moves smoothly. Actions
are relative to the subject: except in static, pan and tilt shots the camera rides along with the subject's
smoothed motion, and it turns by the change of bearing to the subject, so a zero action holds the starting framing.

Velocity has a drag of 0.5/s; the camera never goes below 0.3 m; pitch stays within +-1.45 rad.

## Observation Space

``Box(-20, 20, (47,), float32)``; lengths are in units of the shot's scale (the nominal camera distance, at
least 2 m), vectors in the camera's frame (x right, y up, z backwards).

| Num   | Observation                                                             |
|-------|-------------------------------------------------------------------------|
| 0-1   | aim point's screen position minus the requested one (NDC; 0 if behind)  |
| 2-4   | unit direction to the aim point                                         |
| 5     | log(subject's share of frame height / requested share)                  |
| 6     | distance to aim / requested distance - 1                                |
| 7     | elevation - requested elevation (rad)                                   |
| 8-10  | camera velocity (besides riding along with the subject)                 |
| 11-12 | yaw and pitch rates / 0.6 rad/s                                         |
| 13-15 | subject (aim point) velocity                                            |
| 16    | occlusion of the main subject from here (share of rays blocked)         |
| 17-19 | occlusion differences: azimuth +/-22.5 deg, elevation +/-20 deg, nearer/farther |
| 20-22 | direction to the nearest object, times exp(-clearance / 0.5 m)          |
| 23    | clearance to the nearest object                                         |
| 24    | camera height                                                           |
| 25    | shot progress, eased (0..1)                                             |
| 26    | 12 / fps                                                                |
| 27    | requested screen x of the aim point (-1 left .. 1 right)                |
| 28-35 | requested move, one-hot (static, pan, tilt, dolly-in, dolly-out, track, orbit, crane) |
| 36-37 | azimuth turned round the aim since the first frame; the orbit's target   |
| 38-42 | previous action                                                         |
| 43    | 1 if the aim point is out of frame                                      |
| 44-46 | the rig's current acceleration (right, up, forward) / full scale        |

## Rewards

Minus the weighted sum of per-frame costs (``framing.WEIGHTS``):

| Term         | Weight | Cost in [0, 1] (collision, jerk up to 2)                                   |
|--------------|--------|----------------------------------------------------------------------------|
| position     | 1.0    | distance of the aim point from its requested screen place, in frame widths |
| size         | 0.5    | abs log of the subject's share of the frame height against the shot size's |
| out_of_frame | 1.0    | 1 if a framed subject's centre is outside the frame or behind the camera   |
| occlusion    | 1.0    | share of rays to the main subject blocked (``World.occlusion`` field)      |
| collision    | 1.0    | 1 - clearance / 0.5 m to the nearest object's capsule, when under 0.5 m    |
| jerk         | 0.5    | max(linear jerk / 10 m/s^3, angular jerk / 4 rad/s^3)                      |
| angle        | 0.3    | elevation error against the requested angle (a crane's rising), / 0.6 rad  |
| move         | 0.5    | static/pan/tilt: camera speed; dolly: moving the wrong way; orbit: lag     |
| action_rate  | 1.0    | min(1, norm of the action's change since the previous frame's)             |

The action-rate term asks for smooth control directly: the jerk term only sees the camera's motion after the rig's
lag, three frames late, while a policy whose actions hop from frame to frame pays for it here at once.

## Starting State

A random scenario (``scenario`` in ``reset``'s options picks one), frame rate 12 or 24 fps unless fixed, aspect
1.33-1.9; the camera on the scene's front side near the requested distance and angle, perturbed (training), or
at the least occluded such view (``placement="clearest"``, as the shipped director starts).

## Episode End

| Kind        | When                                             |
|-------------|--------------------------------------------------|
| termination | the shot's last frame has been filmed            |
| truncation  | never (every shot ends by itself within 5 s)      |
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from numpy.typing import NDArray

from storyreel.envs.framing import (
    ACTION_SIZE,
    OBSERVATION_LIMIT,
    OBSERVATION_SIZE,
    FramingEpisode,
    FramingTask,
    build_task,
    place_camera,
)
from storyreel.envs.scenarios import Scenario, build_scenario

FRAME_RATES = (12, 24)


@lru_cache(maxsize=512)
def cached_scenario(seed: int) -> tuple[Scenario, dict[tuple[str, float], Any]]:
    """A scenario and its occlusion field cache, built once per process (the world and rays are the slow part)."""
    return build_scenario(seed), {}


def scenario_task(seed: int, fps: int, aspect: float, screen_x: float = 0.5) -> FramingTask:
    scenario, field_cache = cached_scenario(seed)
    return build_task(
        scenario.world,
        scenario.shot,
        start=scenario.start,
        fps=fps,
        aspect=aspect,
        screen_x=screen_x,
        field_cache=field_cache,
    )


class CameraFramingEnv(gym.Env[NDArray[np.float32], NDArray[np.float32]]):
    """Film one shot of a random storyreel world; see the module docstring for the spaces, reward and ends.

    ``scenarios`` are the scenario seeds episodes draw from (default: 256 training seeds); ``fps`` fixes the frame
    rate (default: 12 or 24 at random); ``placement`` is "random" (perturbed start, for training), "clearest" (as
    the shipped director starts) or "mixed" (either, half the time each)."""

    metadata = {"render_modes": []}  # noqa: RUF012  (gymnasium reads it from the class)

    def __init__(
        self,
        scenarios: Sequence[int] | None = None,
        fps: int | None = None,
        placement: str = "mixed",
        third_screen_x: float = 0.3,
    ) -> None:
        if placement not in ("random", "clearest", "mixed"):
            raise ValueError(f"placement {placement!r} is not one of random, clearest, mixed")
        self.scenarios = list(scenarios) if scenarios is not None else list(range(256))
        self.fps = fps
        self.placement = placement
        self.third_screen_x = third_screen_x
        self.action_space = spaces.Box(-1.0, 1.0, (ACTION_SIZE,), np.float32)
        limit = OBSERVATION_LIMIT
        self.observation_space = spaces.Box(-limit, limit, (OBSERVATION_SIZE,), np.float32)
        self.episode: FramingEpisode | None = None

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[NDArray[np.float32], dict[str, Any]]:
        super().reset(seed=seed)
        options = options or {}
        rng = self.np_random
        scenario = int(options.get("scenario", self.scenarios[int(rng.integers(len(self.scenarios)))]))
        fps = self.fps or int(rng.choice(FRAME_RATES))
        aspect = float(options.get("aspect", rng.uniform(1.33, 1.9)))
        screen_x = float(
            options.get("screen_x", rng.choice([0.5, 0.5, self.third_screen_x, 1.0 - self.third_screen_x]))
        )
        task = scenario_task(scenario, fps, aspect, screen_x)
        placement = options.get("placement", self.placement)
        if placement == "mixed":
            placement = "random" if rng.random() < 0.5 else "clearest"
        rig = place_camera(task, seed=scenario, rng=rng if placement == "random" else None)
        self.episode = FramingEpisode(task, rig)
        return self.episode.observe(), {"scenario": scenario, "fps": fps, "terms": self.episode.terms[-1].__dict__}

    def step(self, action: NDArray[np.float32]) -> tuple[NDArray[np.float32], float, bool, bool, dict[str, Any]]:
        if self.episode is None:
            raise RuntimeError("call reset() before step()")
        terms = self.episode.act(np.asarray(action, dtype=float))
        return self.episode.observe(), terms.reward(), self.episode.done, False, {"terms": terms.__dict__}

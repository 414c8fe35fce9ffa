"""A trained camera policy as plain numpy: observation normalisation, an MLP, the deterministic action.

Training (``training/train_camera.py``, torch and stable-baselines3) exports the actor's weights and the running
observation statistics to one ``.npz``; filming loads it here, so making a video never needs torch.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyreel.atomic import write_bytes
from storyreel.geometry import Array

ACTIVATIONS: dict[str, Callable[[Array], Array]] = {"tanh": np.tanh, "relu": lambda x: np.maximum(x, 0.0)}


@dataclass
class NumpyPolicy:
    """``act(obs) = squash(W_n(... act(W_1 normalise(obs) + b_1) ...) + b_n)``, clipped to [-1, 1]."""

    weights: list[Array]
    biases: list[Array]
    activation: str
    squash: bool  # SAC squashes its mean with tanh; PPO's mean is clipped
    obs_mean: Array
    obs_var: Array
    clip_obs: float
    epsilon: float = 1e-8

    def act(self, observation: NDArray[np.floating]) -> Array:
        normalised = (np.asarray(observation, dtype=float) - self.obs_mean) / np.sqrt(self.obs_var + self.epsilon)
        x = np.clip(normalised, -self.clip_obs, self.clip_obs)
        hidden = ACTIVATIONS[self.activation]
        for weight, bias in zip(self.weights[:-1], self.biases[:-1], strict=True):
            x = hidden(weight @ x + bias)
        out = self.weights[-1] @ x + self.biases[-1]
        return np.tanh(out) if self.squash else np.clip(out, -1.0, 1.0)

    def save(self, path: Path) -> None:
        """Write the policy as one compressed ``.npz``, atomically."""
        arrays: dict[str, Any] = {f"w{i}": w for i, w in enumerate(self.weights)}
        arrays |= {f"b{i}": b for i, b in enumerate(self.biases)}
        arrays |= {
            "obs_mean": self.obs_mean,
            "obs_var": self.obs_var,
            "meta": np.array([self.activation, str(self.squash), str(self.clip_obs), str(self.epsilon)]),
        }
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        write_bytes(path, buffer.getvalue())

    @classmethod
    def load(cls, path: Path) -> NumpyPolicy:
        with np.load(path, allow_pickle=False) as data:
            layers = sum(1 for name in data.files if name.startswith("w"))
            activation, squash, clip_obs, epsilon = (str(v) for v in data["meta"])
            return cls(
                weights=[data[f"w{i}"].astype(float) for i in range(layers)],
                biases=[data[f"b{i}"].astype(float) for i in range(layers)],
                activation=activation,
                squash=squash == "True",
                obs_mean=data["obs_mean"].astype(float),
                obs_var=data["obs_var"].astype(float),
                clip_obs=float(clip_obs),
                epsilon=float(epsilon),
            )

"""Rigs and tracks: what an asset is made of and how an object moves on the timeline.

An :class:`Asset` is a small rig of rigid :class:`Part` s (a dog's body, head, four legs and tail). A
:class:`Track` says where an object's root is at each instant and which action :class:`Clip` plays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import trimesh

from storyreel import geometry
from storyreel.geometry import Array
from storyreel.schema import Verb


@dataclass
class Part:
    """A rigid piece of an asset. ``mesh`` is in the part's own frame with its joint at the origin; the joint sits
    at ``offset`` in the parent's frame (the object frame for a root part) and turns about ``axis``.
    ``role`` tells the animation what the part is ('leg_fl', 'arm_l', 'wing_r', 'tail', 'head', 'wheel', ...).
    A ``glow`` part is drawn unlit at its colour (lit windows, lamps)."""

    name: str
    mesh: trimesh.Trimesh
    color: tuple[float, float, float]
    parent: int = -1
    offset: Array = field(default_factory=lambda: np.zeros(3))
    axis: Array = field(default_factory=lambda: np.array([1.0, 0.0, 0.0]))
    role: str = ""
    glow: bool = False


@dataclass
class Asset:
    """A kind of thing, built at natural size facing +z with its feet (or base) at y = 0."""

    kind: str
    parts: list[Part]
    animate: bool = False
    label: str = ""

    def rest_matrices(self) -> list[Array]:
        """Each part's part-to-object transform in the rest pose (joints unturned)."""
        rest: list[Array] = []
        for part in self.parts:
            local = geometry.translation(part.offset)
            rest.append(local if part.parent < 0 else rest[part.parent] @ local)
        return rest

    @property
    def bounds(self) -> Array:
        """Axis-aligned (2, 3) bounds of the rest pose in the object frame."""
        rest = self.rest_matrices()
        corners = [
            trimesh.transform_points(part.mesh.bounds, matrix) for part, matrix in zip(self.parts, rest, strict=True)
        ]
        stacked = np.vstack(corners)
        return np.array([stacked.min(0), stacked.max(0)])

    @property
    def height(self) -> float:
        return float(self.bounds[1, 1])

    @property
    def radius(self) -> float:
        """Footprint radius on the ground plane."""
        b = self.bounds
        return float(0.5 * np.hypot(b[1, 0] - b[0, 0], b[1, 2] - b[0, 2]))


@dataclass
class Clip:
    """An action playing on ``[start, end)`` of the timeline; ``rate`` is its cycle frequency in Hz."""

    start: float
    end: float
    verb: Verb
    rate: float = 1.0


@dataclass
class Track:
    """Root motion: position and yaw keyframes (linear in between), a height offset curve for jumps, and clips."""

    times: Array
    positions: Array
    yaws: Array
    clips: list[Clip] = field(default_factory=list)
    hops: list[tuple[float, float, float]] = field(default_factory=list)  # (start, end, apex height) parabolas

    @classmethod
    def still(cls, position: Array, yaw: float = 0.0) -> Track:
        return cls(np.array([0.0]), np.asarray(position, float)[None], np.array([yaw]))

    def sample(self, times: Array) -> tuple[Array, Array]:
        """Root positions (T, 3) and yaws (T,) at ``times``."""
        times = np.asarray(times, dtype=float)
        positions = np.stack([np.interp(times, self.times, self.positions[:, axis]) for axis in range(3)], axis=1)
        yaws = np.interp(times, self.times, np.unwrap(self.yaws))
        for start, end, apex in self.hops:
            u = (times - start) / max(end - start, 1e-6)
            inside = (u >= 0) & (u <= 1)
            positions[inside, 1] += 4 * apex * u[inside] * (1 - u[inside])
        return positions, yaws

    def sample_ahead(self, times: Array, ahead: float) -> tuple[Array, Array]:
        """Root positions and yaws ``ahead`` seconds after each of ``times``, the motion carried on from there
        (what a frame's forward flow needs: a repeating track does not jump back in between)."""
        return self.sample(np.asarray(times, dtype=float) + ahead)


@dataclass
class Falling(Track):
    """A still root falling at ``speed`` m/s along ``direction`` (its y is -1; x and z are drift per metre of
    fall), jumping back up every ``period`` metres of fall: what it carries repeats every ``period`` along the fall
    (precipitation stacked in two layers), so the jump does not show."""

    speed: float = 1.0
    period: float = 10.0
    direction: Array = field(default_factory=lambda: np.array([0.0, -1.0, 0.0]))

    def sample(self, times: Array) -> tuple[Array, Array]:
        positions, yaws = super().sample(times)
        fallen = np.mod(self.speed * np.asarray(times, dtype=float), self.period)
        return positions + fallen[:, None] * self.direction, yaws

    def sample_ahead(self, times: Array, ahead: float) -> tuple[Array, Array]:
        positions, yaws = self.sample(times)  # the root itself rests: only the fall moves it
        return positions + self.speed * ahead * self.direction, yaws


@dataclass
class Swing(Track):
    """A still root swinging about its place: ``amplitude * sin(w t) + quadrature * cos(w t)`` with w = 2 pi
    ``rate`` (a line, or an ellipse when both are set: wind in trees, swell on water)."""

    amplitude: Array = field(default_factory=lambda: np.zeros(3))
    quadrature: Array = field(default_factory=lambda: np.zeros(3))
    rate: float = 0.5

    def sample(self, times: Array) -> tuple[Array, Array]:
        positions, yaws = super().sample(times)
        phase = 2 * np.pi * self.rate * np.asarray(times, dtype=float)[:, None]
        return positions + np.sin(phase) * self.amplitude + np.cos(phase) * self.quadrature, yaws

"""Articulation: the limb angles of an asset while an action clip plays (walk and run cycles, flapping wings).

Each clip's pose is a function of the time since the clip began, by verb and part role, faded in and out over
``BLEND`` seconds so limbs never jump between clips; whatever weight the clips leave goes to a slight idle
motion. Wheels (role ``'wheel'``) roll by the distance the track has travelled, whatever the verb. Sign convention
for parts turning about +x: a negative angle swings a hanging limb forwards (towards +z).
"""

from __future__ import annotations

import numpy as np

from storyreel.geometry import Array, smoothstep
from storyreel.schema import Verb
from storyreel.world.rig import Asset, Clip, Track

BLEND = 0.25  # seconds to fade a clip's pose in and out
LEGS = ("leg_l", "leg_r", "leg_fl", "leg_fr", "leg_bl", "leg_br")
# Gait phase of each leg in cycles: bipeds alternate; quadrupeds trot (diagonal pairs together).
LEG_PHASE = {"leg_l": 0.0, "leg_r": 0.5, "leg_fl": 0.0, "leg_br": 0.0, "leg_fr": 0.5, "leg_bl": 0.5}
ARM_PHASE = {"arm_l": 0.5, "arm_r": 0.0}  # each arm swings against the leg on its side
GAIT_AMPLITUDE = {Verb.WALK: np.radians(25), Verb.RUN: np.radians(45), Verb.CHASE: np.radians(45)}
#: Verbs the limbs play in place, per part role: (rest angle, swing amplitude (radians), swing rate (Hz)).
SWINGS: dict[Verb, dict[str, tuple[float, float, float]]] = {
    # talking: the head and neck move, the right hand shapes the words; an animal wags its tail
    Verb.TALK: {
        "neck": (0.0, 0.12, 1.5),
        "arm_r": (-0.55, -0.25, 0.8),
        "head": (0.0, 0.15, 0.7),
        "tail": (0.0, 0.4, 2.0),
    },
    # the right arm up over the head, waving; an animal wags its tail and nods
    Verb.GESTURE: {"arm_r": (-2.7, 0.3, 1.5), "neck": (0.0, 0.08, 0.75), "tail": (0.0, 0.5, 2.0)},
    # the right arm reaching forward at chest height, working at what it reaches, eyes on the work
    Verb.HANDLE: {"arm_r": (-1.35, 0.12, 1.2), "neck": (0.12, 0.0, 0.0)},
    # both forearms forward, beating together; an animal wags its tail and bobs its head
    Verb.CLAP: {
        "arm_l": (-1.15, 0.3, 2.5),
        "arm_r": (-1.15, 0.3, 2.5),
        "neck": (0.0, 0.06, 1.25),
        "tail": (0.0, 0.5, 2.5),
    },
}
SHAKE_RATE = 3.0  # Hz of a shudder: four frames a cycle at 12 fps


def joint_angles(asset: Asset, track: Track, times: Array) -> Array:
    """(T, P) angle in radians of each part about its axis at each time."""
    times = np.asarray(times, dtype=float)
    roles = [part.role for part in asset.parts]
    angles = np.zeros((len(times), len(roles)))
    idle_weight = np.ones(len(times))
    for clip in track.clips:
        inside = (times >= clip.start) & (times < clip.end)
        if not inside.any():
            continue
        weight = clip_weight(clip, times[inside])
        angles[inside] += weight[:, None] * _pose(clip, roles, times[inside], track)
        idle_weight[inside] -= weight
    idle = Clip(0.0, np.inf, Verb.IDLE, rate=0.3)
    angles += np.clip(idle_weight, 0.0, 1.0)[:, None] * _pose(idle, roles, times, track)
    for index, part in enumerate(asset.parts):
        if part.role == "wheel":
            angles[:, index] = distance_travelled(track, times) / wheel_radius(asset, index)
    return angles


def clip_weight(clip: Clip, times: Array) -> Array:
    """How much of ``clip``'s pose shows at ``times``: 0 at its ends, 1 after ``BLEND`` seconds."""
    ramp = np.minimum(times - clip.start, clip.end - times) / BLEND
    return np.asarray(smoothstep(ramp), dtype=float)


def distance_travelled(track: Track, times: Array) -> Array:
    """Ground distance (metres) the track's root has covered by each time."""
    steps = np.linalg.norm(np.diff(track.positions[:, [0, 2]], axis=0), axis=1)
    return np.interp(times, track.times, np.concatenate([[0.0], np.cumsum(steps)]))


def wheel_radius(asset: Asset, index: int) -> float:
    """Rolling radius of a wheel part (it turns about x): half its extent across y and z."""
    extents = asset.parts[index].mesh.extents
    return max(float(max(extents[1], extents[2])) / 2.0, 1e-3)


def _pose(clip: Clip, roles: list[str], times: Array, track: Track) -> Array:
    """(T, P) unblended angles of ``clip``'s verb at ``times``."""
    local = times - clip.start
    cycle = 2 * np.pi * clip.rate * local
    pose = np.zeros((len(times), len(roles)))
    verb = clip.verb
    for index, role in enumerate(roles):
        pose[:, index] = _role_angle(verb, role, cycle, local, times, track)
    return pose


def _role_angle(verb: Verb, role: str, cycle: Array, local: Array, times: Array, track: Track) -> Array:
    zero = np.zeros_like(cycle)
    if verb in GAIT_AMPLITUDE:
        amplitude = GAIT_AMPLITUDE[verb]
        if role in LEG_PHASE:
            return amplitude * np.sin(cycle + 2 * np.pi * LEG_PHASE[role])
        if role in ARM_PHASE:
            return 0.8 * amplitude * np.sin(cycle + 2 * np.pi * ARM_PHASE[role])
        if role == "tail":
            return 0.3 * np.sin(2 * cycle)
        if role.startswith("wing"):
            return np.full_like(cycle, -0.3)  # folded
        return zero
    if verb is Verb.FLY:
        if role.startswith("wing"):
            return np.radians(50) * np.sin(cycle)
        if role in LEGS:
            return np.full_like(cycle, 0.6)  # tucked back
        if role == "tail":
            return 0.1 * np.sin(cycle)
        return zero
    if verb is Verb.SWIM:
        if role == "tail":
            return np.radians(30) * np.sin(cycle)
        if role in LEGS:
            return np.radians(15) * np.sin(2 * cycle + 2 * np.pi * LEG_PHASE[role])
        if role in ARM_PHASE:
            return -np.pi / 2 + np.radians(40) * np.sin(cycle + 2 * np.pi * ARM_PHASE[role])
        return zero
    if verb is Verb.SIT:  # people sit with legs forward; animals lie down, legs folded under
        if role in ("leg_l", "leg_r", "leg_fl", "leg_fr"):
            return np.full_like(cycle, -np.radians(85))
        if role in ("leg_bl", "leg_br"):
            return np.full_like(cycle, np.radians(85))
        if role in ARM_PHASE:
            return np.full_like(cycle, -0.25)
        if role.startswith("wing"):
            return np.full_like(cycle, -0.3)  # folded, as when walking
        return zero
    if verb is Verb.JUMP:
        tuck = hop_phase(track, times)
        if role in LEGS:
            return -0.9 * tuck
        if role in ARM_PHASE:
            return -2.4 * tuck
        if role.startswith("wing"):
            return 0.6 * tuck
        return zero
    if verb in SWINGS:  # played in place by the limbs: each part swings about its rest angle
        rest, swing, rate = SWINGS[verb].get(role, (0.0, 0.0, 0.0))
        return rest + swing * np.sin(2 * np.pi * rate * local)
    if verb is Verb.SHAKE:  # the body shudders side to side, the head and tail against it
        shudder = np.sin(2 * np.pi * SHAKE_RATE * local)
        if role == "body":
            return 0.18 * shudder
        if role == "head":
            return -0.4 * shudder
        if role == "tail":
            return 0.6 * shudder
        if role in ARM_PHASE:
            return 0.25 * np.sin(2 * np.pi * SHAKE_RATE * local + 2 * np.pi * ARM_PHASE[role])
        return zero
    if verb is Verb.LOOK:
        if role == "head":
            return 0.7 * np.sin(2 * np.pi * 0.2 * local)
        return zero
    # IDLE, DRIVE, ROLL and anything else: breathing and a slow look about.
    if role == "neck":
        return 0.04 * np.sin(2 * np.pi * 0.3 * local)
    if role == "head":
        return 0.1 * np.sin(2 * np.pi * 0.12 * local)
    if role in ARM_PHASE:
        return 0.03 * np.sin(2 * np.pi * 0.25 * local)
    if role == "tail":
        return 0.15 * np.sin(2 * np.pi * 0.5 * local)
    return zero


def hop_phase(track: Track, times: Array) -> Array:
    """0 on the ground, rising to 1 at the apex of each of the track's hops."""
    phase = np.zeros_like(times)
    for start, end, _ in track.hops:
        u = (times - start) / max(end - start, 1e-6)
        inside = (u >= 0) & (u <= 1)
        phase[inside] = np.sin(np.pi * u[inside])
    return phase

"""Gymnasium environments over ``world/``: ``storyreel/CameraFraming-v0`` (camera direction).

Registration needs gymnasium (the ``train`` extra); without it the numpy core (``framing.py``, ``scenarios.py``)
still imports, which is all that filming with the shipped policy uses.
"""

from __future__ import annotations

try:
    from gymnasium.envs.registration import register, registry
except ImportError:  # gymnasium is only needed to train or to run the environment itself
    pass
else:
    if "storyreel/CameraFraming-v0" not in registry:
        register(id="storyreel/CameraFraming-v0", entry_point="storyreel.envs.camera_framing:CameraFramingEnv")

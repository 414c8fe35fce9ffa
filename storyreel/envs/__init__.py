"""Gymnasium environments over ``world/``: ``storyreel/CameraResidual-v0`` (correcting the baseline's camera).

Registration needs gymnasium (the ``train`` extra); without it the numpy core (``framing.py``,
``residual.py``, ``scenarios.py``) still imports, which is all that filming with the shipped policy uses.
"""

from __future__ import annotations

try:
    from gymnasium.envs.registration import register, registry
except ImportError:  # gymnasium is only needed to train or to run the environment itself
    pass
else:
    if "storyreel/CameraResidual-v0" not in registry:
        register(id="storyreel/CameraResidual-v0", entry_point="storyreel.envs.residual_camera:CameraResidualEnv")

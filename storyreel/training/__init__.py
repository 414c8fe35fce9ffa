"""Training the camera policy: ``storyreel/CameraResidual-v0`` (``residual_camera.py``, correcting the baseline
director's camera) and PPO/SAC training with its export (``train_camera.py``).

A floor above ``tools/``: each scenario's shot is planned by the baseline director (``tools/camera.py``) before the
policy corrects it. Importing this package registers the environment with gymnasium (the ``train`` extra).
"""

from __future__ import annotations

try:
    from gymnasium.envs.registration import register, registry
except ImportError:  # gymnasium is only needed to train or to run the environment itself
    pass
else:
    if "storyreel/CameraResidual-v0" not in registry:
        register(id="storyreel/CameraResidual-v0", entry_point="storyreel.training.residual_camera:CameraResidualEnv")

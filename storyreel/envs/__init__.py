"""The numpy core of the camera policy, over ``world/``: shot framing targets (``framing.py``), the residual
correction of the baseline's path with its reward terms (``residual.py``), training scenarios (``scenarios.py``)
and the trained policy as numpy (``policy.py``). The gymnasium environment and its training are in
``storyreel.training`` (they plan with the baseline director of ``tools/``)."""

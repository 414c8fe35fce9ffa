"""Which diffusion weights storyreel uses by default, named without importing torch (the CLI shows them)."""

from pathlib import Path

#: Stable Diffusion 1.5 and its depth ControlNet: the default pair.
DEFAULT_MODEL = "stable-diffusion-v1-5/stable-diffusion-v1-5"
DEFAULT_CONTROLNET = "lllyasviel/control_v11f1p_sd15_depth"
#: The SDXL option: ``--model`` and ``--controlnet`` with these.
SDXL_MODEL = "stabilityai/stable-diffusion-xl-base-1.0"
SDXL_CONTROLNET = "diffusers/controlnet-depth-sdxl-1.0"
#: Where the missing-weights error suggests putting a download.
WEIGHTS_DIRECTORY = Path("models")

"""Every test runs offline: no LLM credentials or endpoints leak in from the environment. Content credentials are
signed with a local key made in a temporary folder (subprocesses inherit it), never the user's own."""

import os
import tempfile

import pytest

os.environ["STORYREEL_CREDENTIALS_DIR"] = tempfile.mkdtemp(prefix="storyreel-credentials-")


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "STORYREEL_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)

"""Every test runs offline: no LLM credentials or endpoints leak in from the environment."""

import pytest


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "STORYREEL_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)

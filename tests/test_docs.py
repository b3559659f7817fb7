"""The README stays true: its commands are what CI and the Docker image run, and every setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    return re.findall(r"```bash\n\s*(python3 -m venv .+?)\n\s*```", README)


def test_readme_has_exactly_two_setup_commands() -> None:
    run, test = readme_commands()
    assert run.endswith("nexus-bot")
    assert "pytest" in test


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    _, test = readme_commands()
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_docker_runs_what_the_readme_runs() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert 'CMD ["nexus-bot"]' in dockerfile
    assert "nexus-bot health" in README or '"health"' in dockerfile
    run, _ = readme_commands()
    assert "pip install -e ." in run and "pip install -e ." in dockerfile


def test_every_setting_is_documented() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        variable = name.upper()
        assert f"| `{variable}` |" in README, variable
        assert f"\n{variable}=" in example, variable


def test_console_script_is_declared() -> None:
    assert 'nexus-bot = "bot.__main__:main"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")

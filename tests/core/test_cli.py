"""The command line's database subcommands and health check, run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path


def nexus(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "DISCORD_TOKEN"}
    env["DATABASE_PATH"] = str(tmp_path / "data" / "nexus.db")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_migrate_check_backup(tmp_path: Path) -> None:
    migrated = nexus(tmp_path, "db", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "data" / "nexus.db").exists()
    assert nexus(tmp_path, "db", "migrate").returncode == 0
    checked = nexus(tmp_path, "db", "check")
    assert checked.returncode == 0, checked.stderr
    assert "ok" in checked.stdout
    backed_up = nexus(tmp_path, "db", "backup", str(tmp_path / "copy.db"))
    assert backed_up.returncode == 0, backed_up.stderr
    env = {**os.environ, "DATABASE_PATH": str(tmp_path / "copy.db")}
    copy_check = subprocess.run(
        [sys.executable, "-m", "bot", "db", "check"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert copy_check.returncode == 0, copy_check.stderr


def test_check_fails_on_a_corrupt_file(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "nexus.db").write_bytes(b"this is not a database" * 100)
    result = nexus(tmp_path, "db", "check")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr


def test_health_follows_the_heartbeat(tmp_path: Path) -> None:
    assert nexus(tmp_path, "health").returncode == 1
    (tmp_path / "data").mkdir()
    heartbeat = tmp_path / "data" / ".heartbeat"
    heartbeat.write_text(datetime.now(UTC).isoformat(), encoding="utf-8")
    assert nexus(tmp_path, "health").returncode == 0
    heartbeat.write_text((datetime.now(UTC) - timedelta(minutes=10)).isoformat(), encoding="utf-8")
    assert nexus(tmp_path, "health").returncode == 1


def test_version_and_help(tmp_path: Path) -> None:
    assert nexus(tmp_path, "--version").stdout.startswith("nexus-bot ")
    help_text = nexus(tmp_path, "--help").stdout
    assert "db" in help_text and "health" in help_text

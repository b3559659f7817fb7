"""`/nexus stats` and `/nexus export` end to end, and export → import → export through the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import NexusBot
from sandbox import Member, StandIn

pytestmark = pytest.mark.asyncio

TITLE, WHAT, SOLUTION, TAGS = "title", "what happened", "solution (optional)", "tags (optional, comma-separated)"


async def log_challenge(standin: StandIn, member: Member, title: str, solution: str = "") -> None:
    opened = await standin.slash(member, "challenge log")
    done = await standin.submit_modal(member, opened, {TITLE: title, WHAT: "It broke @everyone", SOLUTION: solution})
    assert done.message is not None and not done.ephemeral, done.message and done.message.text


def field(embed: dict[str, object], name: str) -> str:
    fields = embed["fields"]
    assert isinstance(fields, list)
    return next(str(item["value"]) for item in fields if item["name"] == name)


async def test_stats_count_what_members_did(standin: StandIn, nexus: NexusBot) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    before = await standin.slash(alice, "nexus stats")
    assert before.message is not None
    [embed] = before.message.embeds
    concepts_before = field(embed, "Concepts")
    assert int(concepts_before.replace(",", "")) >= 45  # the curated set

    await log_challenge(standin, alice, "Migrations clash on deploy")
    await log_challenge(standin, bob, "Slow list endpoint", solution="select_related fixed it")
    joined = await standin.slash(alice, "pair join", role="backend")
    await joined.wait_final()

    after = await standin.slash(bob, "nexus stats")
    assert after.message is not None and not after.ephemeral
    [embed] = after.message.embeds
    # Three curated challenges are present in every guild, solved; the member ones add to them.
    assert field(embed, "Challenges") == "1 open · 4 solved"
    assert field(embed, "Solutions") == "4"
    assert field(embed, "Pairing").startswith("1 waiting")
    assert field(embed, "Concepts") == concepts_before
    assert not after.message.pings


async def test_export_is_a_private_json_file_for_moderators_only(standin: StandIn, nexus: NexusBot) -> None:
    alice = standin.add_member("alice")
    mod = standin.add_member("mod", manage_guild=True)
    await log_challenge(standin, alice, "Docker build cache never hits")

    refused = await standin.slash(alice, "nexus export")
    assert refused.message is not None and refused.ephemeral
    assert "Only moderators" in refused.message.text

    exported = await standin.slash(mod, "nexus export")
    await exported.wait_final()
    message = exported.followups[-1] if exported.followups else exported.message
    assert message is not None and message.ephemeral
    [attachment] = message.files
    assert attachment.filename.startswith(f"nexus-export-{standin.guild.id}-")
    document = json.loads(attachment.text)
    assert document["format"] == "nexus-bot-export"
    assert document["guild_id"] == standin.guild.id
    titles = [row["title"] for row in document["features"]["challenges"]["challenges"]]
    assert "Docker build cache never hits" in titles
    assert set(document["features"]) == {"concepts", "challenges", "pairing", "tips"}


def nexus_cli(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DISCORD_", "DATABASE_"))}
    env["DATABASE_PATH"] = str(database)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def without_timestamp(path: Path) -> dict[str, object]:
    document = json.loads(path.read_text(encoding="utf-8"))
    document.pop("exported_at")
    return document


async def test_export_import_export_gives_the_same_file(
    standin: StandIn, nexus: NexusBot, database_path: Path, tmp_path: Path
) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    mod = standin.add_member("mod", manage_guild=True)
    mentors = standin.add_role("Mentors")
    await standin.slash(mod, "nexus config", moderator_role=mentors)
    await log_challenge(standin, alice, "CORS blocks the frontend", solution="Allow the origin explicitly")
    await log_challenge(standin, bob, "JWT expires mid-session")
    for member, role, topics, zone in (
        (alice, "backend", "django, graphql", "Africa/Lagos"),
        (bob, "frontend", "react, graphql", "Africa/Nairobi"),
    ):
        joined = await standin.slash(member, "pair join", role=role, topics=topics, timezone=zone)
        await joined.wait_final()
    await nexus.close()  # the CLI reads a quiet database

    first, second = tmp_path / "first.json", tmp_path / "second.json"
    exported = nexus_cli(database_path, "export", "--guild", str(standin.guild.id), str(first))
    assert exported.returncode == 0, exported.stderr
    fresh = tmp_path / "moved" / "nexus.db"
    imported = nexus_cli(fresh, "import", str(first))
    assert imported.returncode == 0, imported.stderr
    again = nexus_cli(fresh, "import", str(first))
    assert again.returncode == 1 and "already holds" in again.stderr
    reexported = nexus_cli(fresh, "export", "--guild", str(standin.guild.id), str(second))
    assert reexported.returncode == 0, reexported.stderr

    assert without_timestamp(first) == without_timestamp(second)
    assert first.read_text(encoding="utf-8").count("CORS blocks the frontend") == 1
    assert nexus_cli(fresh, "db", "check").returncode == 0

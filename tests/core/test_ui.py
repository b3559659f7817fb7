"""Shared UI helpers: truncation, code blocks, embed fitting and mention safety."""

from __future__ import annotations

import discord
from hypothesis import given
from hypothesis import strategies as st

from bot.ui import EMBED_TOTAL_LIMIT, code_block, fit_embed, mention_only, one_line, truncate


@given(st.text(), st.integers(min_value=1, max_value=5000), st.text(max_size=40))
def test_truncate_never_exceeds_the_limit(text: str, limit: int, pointer: str) -> None:
    result = truncate(text, limit, pointer)
    assert len(result) <= limit
    if len(text) <= limit:
        assert result == text


def test_truncate_adds_the_pointer() -> None:
    assert truncate("a" * 50, 30, "see /challenge show 4").endswith("…\nsee /challenge show 4")


def test_one_line_collapses_whitespace() -> None:
    assert one_line("a\n\n b\tc", 100) == "a b c"


@given(st.text(max_size=3000))
def test_code_block_stays_closed_and_within_limit(text: str) -> None:
    block = code_block(text, "python", 1024)
    assert len(block) <= 1024
    assert block.startswith("```python\n") and block.endswith("\n```")
    assert block[3:-3].count("```") == 0


def test_fit_embed_respects_the_total() -> None:
    embed = discord.Embed(title="t", description="d" * 4000)
    for index in range(10):
        embed.add_field(name=f"f{index}", value="v" * 1000)
    assert len(fit_embed(embed)) <= EMBED_TOTAL_LIMIT


def test_mention_only_never_allows_everyone_or_roles() -> None:
    allowed = mention_only(discord.Object(7)).to_dict()
    assert allowed["parse"] == []
    assert allowed["users"] == [7]
    assert not allowed.get("roles")

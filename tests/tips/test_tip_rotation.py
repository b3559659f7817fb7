"""The rotation: least recently posted first, and no repeat before every tip has been posted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.tips.rotation import community_key, curated_key, pick_next


def run(pool: list[str], history: dict[str, int], picks: int, start: int = 1000) -> list[str]:
    """Pick `picks` times, recording each pick as the newest post."""
    chosen = []
    last = dict(history)
    for sequence in range(start, start + picks):
        key = pick_next(pool, last)
        assert key is not None
        chosen.append(key)
        last[key] = sequence
    return chosen


@pytest.mark.parametrize(
    ("pool", "last_posted", "expected"),
    [
        ([], {}, None),
        (["a", "b", "c"], {}, "a"),  # never posted: pool order
        (["a", "b", "c"], {"a": 1}, "b"),
        (["a", "b", "c"], {"a": 3, "b": 1, "c": 2}, "b"),  # least recently posted
        (["a", "b", "c"], {"a": 3, "c": 2}, "b"),  # never posted beats any posted
        (["a", "b"], {"a": 1, "b": 2, "gone": 0}, "a"),  # posts of tips no longer in the pool are ignored
    ],
)
def test_pick_next(pool: list[str], last_posted: dict[str, int], expected: str | None) -> None:
    assert pick_next(pool, last_posted) == expected


def test_category_restricts_the_choice() -> None:
    pool = ["a", "b", "c", "d"]
    categories = {"a": "django", "b": "docker", "c": "django", "d": "docker"}
    assert pick_next(pool, {"b": 5}, categories, "docker") == "d"
    assert pick_next(pool, {"a": 1, "c": 2}, categories, "django") == "a"
    assert pick_next(pool, {}, categories, "security") is None


def test_keys() -> None:
    assert curated_key("count-your-queries") == "curated:count-your-queries"
    assert community_key(7) == "community:7"


POOLS = st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=4), min_size=1, max_size=30, unique=True)


@given(POOLS, st.data())
def test_no_repeat_until_every_tip_was_posted(pool: list[str], data: st.DataObject) -> None:
    # Whatever happened before (any subset posted, in any order), the next len(pool) picks are all different.
    posted = data.draw(st.lists(st.sampled_from(pool), unique=True))
    history = {key: index for index, key in enumerate(posted)}
    rounds = data.draw(st.integers(1, 3))
    picks = run(pool, history, len(pool) * rounds)
    for start in range(0, len(picks), len(pool)):
        assert sorted(picks[start : start + len(pool)]) == sorted(pool)
    # Any window of len(pool) consecutive picks is a permutation too, not only the aligned ones.
    for start in range(len(picks) - len(pool) + 1):
        assert len(set(picks[start : start + len(pool)])) == len(pool)
    # Tips never posted before go first.
    never = [key for key in pool if key not in history]
    assert picks[: len(never)] == never


@given(POOLS, st.data())
def test_a_tip_added_mid_cycle_goes_out_before_any_repeat(pool: list[str], data: st.DataObject) -> None:
    done = data.draw(st.integers(0, len(pool) - 1))
    last: dict[str, int] = {}
    first = run(pool, last, done)
    last = {key: 1000 + index for index, key in enumerate(first)}
    newcomer = "new-tip"
    rest = run([*pool, newcomer], last, len(pool) - done + 1, start=5000)
    assert newcomer in rest
    assert len(set(first + rest)) == len(first + rest)  # nothing repeated before everything went out

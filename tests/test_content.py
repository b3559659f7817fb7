"""The curated content in data/ loads, is well connected, and the loader rejects bad content with precise messages."""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot import content as content_module
from bot.content import (
    CATEGORY_LABELS,
    DEFAULT_DATA_DIR,
    KEY_POINTS_MAX_COUNT,
    KEY_POINTS_MIN_COUNT,
    SUMMARY_MAX_LENGTH,
    SUMMARY_MIN_LENGTH,
    Category,
    Concept,
    Content,
    ContentError,
    Level,
    load_content,
    load_default_content,
    slugify,
)

# --- The real data ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> Content:
    return load_content(DEFAULT_DATA_DIR)


def test_default_data_dir_is_the_repository_data_folder() -> None:
    assert Path(__file__).resolve().parent.parent / "data" == DEFAULT_DATA_DIR
    assert (DEFAULT_DATA_DIR / "concepts.toml").is_file()


def test_load_default_content_is_cached() -> None:
    assert load_default_content() is load_default_content()


def test_counts(real: Content) -> None:
    assert len(real.concepts) >= 45
    assert len(real.tips) >= 60
    assert len(real.challenges) == 3


def test_every_category_has_a_concept_and_a_label(real: Content) -> None:
    assert len(Category) <= 25  # a slash-command choice list
    for category in Category:
        assert real.concepts_in(category), f"no concept in {category}"
        assert CATEGORY_LABELS[category] == category.label


def test_every_category_has_a_tip(real: Content) -> None:
    for category in Category:
        assert real.tips_in(category), f"no tip in {category}"


def test_every_reference_resolves(real: Content) -> None:
    slugs = {concept.slug for concept in real.concepts}
    for concept in real.concepts:
        assert set(concept.related) <= slugs, concept.slug
        assert concept.slug not in concept.related
    for tip in real.tips:
        assert tip.concept is None or tip.concept in slugs, tip.slug
    for challenge in real.challenges:
        assert challenge.concept in slugs, challenge.slug


def test_every_concept_is_reachable(real: Content) -> None:
    referenced = {slug for concept in real.concepts for slug in concept.related}
    referenced |= {tip.concept for tip in real.tips if tip.concept}
    referenced |= {challenge.concept for challenge in real.challenges if challenge.concept}
    orphans = [concept.slug for concept in real.concepts if concept.slug not in referenced]
    assert not orphans, f"concepts nobody links to: {orphans}"


def test_every_concept_links_out(real: Content) -> None:
    lonely = [concept.slug for concept in real.concepts if len(concept.related) < 2]
    assert not lonely, f"concepts with fewer than 2 related concepts: {lonely}"


def test_tip_rotation_alternates_categories(real: Content) -> None:
    # The file order is the weekly rotation order: two weeks in a row on the same topic would feel repetitive.
    repeats = [
        (before.slug, after.slug)
        for before, after in zip(real.tips, real.tips[1:], strict=False)
        if before.category is after.category
    ]
    assert not repeats, f"neighbouring tips share a category: {repeats}"


def test_most_tips_point_to_a_concept(real: Content) -> None:
    with_concept = sum(1 for tip in real.tips if tip.concept)
    assert with_concept >= 0.8 * len(real.tips)


def test_curated_challenges_are_the_three_from_the_write_up(real: Content) -> None:
    assert [challenge.concept for challenge in real.challenges] == [
        "django-migrations",
        "select-related-prefetch-related",
        "caching",
    ]


def test_every_term_finds_its_concept(real: Content) -> None:
    for concept in real.concepts:
        for term in concept.terms:
            assert real.find_concept(f"  {term.upper()} ") is concept
        assert real.get_concept(concept.slug) is concept


def test_example_languages_are_ones_discord_highlights(real: Content) -> None:
    allowed = {"", "python", "sql", "yaml", "dockerfile", "shell", "json", "http", "graphql", "javascript", "nginx"}
    allowed |= {"markdown", "toml", "ini"}
    languages = Counter(concept.example_language for concept in real.concepts)
    assert set(languages) <= allowed, languages


def test_resources_use_official_https_sites(real: Content) -> None:
    for concept in real.concepts:
        for resource in concept.resources:
            assert resource.url.scheme == "https"
            assert resource.url.host, resource


# --- Rejections ----------------------------------------------------------------------------------------------

CONCEPT_A = """
[[concept]]
slug = "alpha"
name = "Alpha"
aliases = ["first"]
category = "python"
level = "beginner"
summary = "The first concept of the test data set."
details = "Details about alpha."
key_points = ["one", "two", "three"]
example = "print('alpha')"
resources = [{ title = "Python docs", url = "https://docs.python.org/3/" }]
related = ["beta"]
"""

CONCEPT_B = """
[[concept]]
slug = "beta"
name = "Beta"
aliases = ["second"]
category = "django"
level = "advanced"
summary = "The second concept of the test data set."
details = "Details about beta."
key_points = ["one", "two", "three"]
example = "Prose example."
example_language = ""
resources = [{ title = "Django docs", url = "https://docs.djangoproject.com/en/stable/" }]
related = ["alpha"]
"""

TIP = """
[[tip]]
slug = "a-tip"
title = "A tip"
body = "Do the thing."
category = "python"
concept = "alpha"
"""

CHALLENGE = """
[[challenge]]
slug = "a-challenge"
title = "A challenge"
description = "It broke."
solution = "We fixed it."
tags = ["python", "c++"]
concept = "beta"
"""


def write_data(directory: Path, concepts: str, tips: str = TIP, challenges: str = CHALLENGE) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "concepts.toml").write_text(textwrap.dedent(concepts), encoding="utf-8")
    (directory / "tips.toml").write_text(textwrap.dedent(tips), encoding="utf-8")
    (directory / "challenges.toml").write_text(textwrap.dedent(challenges), encoding="utf-8")
    return directory


def test_minimal_valid_data_loads(tmp_path: Path) -> None:
    loaded = load_content(write_data(tmp_path, CONCEPT_A + CONCEPT_B))
    assert [concept.slug for concept in loaded.concepts] == ["alpha", "beta"]
    assert loaded.concepts[0].example_language == "python"
    assert loaded.concepts[1].example_language == ""
    assert loaded.tips[0].concept == "alpha"
    assert loaded.challenges[0].tags == ("python", "c++")
    assert loaded.find_concept("SECOND") is loaded.concepts[1]
    assert loaded.find_concept("gamma") is None


# Each case: the concepts file text, the file that must be named, then fragments the message must contain.
REJECTIONS = {
    "duplicate slug": (
        CONCEPT_A + CONCEPT_B + CONCEPT_B.replace('name = "Beta"', 'name = "Beta 2"').replace("second", "zweite"),
        "concepts.toml",
        ["concept #3 'beta'", "field 'slug'", "duplicate slug", "concept #2"],
    ),
    "duplicate alias across concepts": (
        CONCEPT_A + CONCEPT_B.replace('aliases = ["second"]', 'aliases = ["FIRST"]'),
        "concepts.toml",
        ["concept #2 'beta'", "field 'aliases'", "'first'", "concept #1 'alpha'"],
    ),
    "alias equal to another concept's name": (
        CONCEPT_A + CONCEPT_B.replace('aliases = ["second"]', 'aliases = ["alpha"]'),
        "concepts.toml",
        ["concept #2 'beta'", "field 'aliases'", "'alpha'", "concept #1 'alpha'"],
    ),
    "related slug that does not exist": (
        CONCEPT_A.replace('related = ["beta"]', 'related = ["beta", "gamma"]') + CONCEPT_B,
        "concepts.toml",
        ["concept #1 'alpha'", "field 'related'", "unknown concept 'gamma'"],
    ),
    "concept related to itself": (
        CONCEPT_A.replace('related = ["beta"]', 'related = ["alpha"]') + CONCEPT_B,
        "concepts.toml",
        ["concept #1 'alpha'", "field 'related'", "itself"],
    ),
    "over-long summary": (
        CONCEPT_A + CONCEPT_B.replace("The second concept of the test data set.", "x" * (SUMMARY_MAX_LENGTH + 1)),
        "concepts.toml",
        ["concept #2 'beta'", "field 'summary'", f"at most {SUMMARY_MAX_LENGTH} characters"],
    ),
    "multi-line summary": (
        CONCEPT_A.replace('summary = "The first concept of the test data set."', 'summary = "two\\nlines here"')
        + CONCEPT_B,
        "concepts.toml",
        ["concept #1 'alpha'", "field 'summary'", "single line"],
    ),
    "malformed URL": (
        CONCEPT_A.replace("https://docs.python.org/3/", "not a url") + CONCEPT_B,
        "concepts.toml",
        ["concept #1 'alpha'", "field 'resources[1].url'", "URL"],
    ),
    "http URL": (
        CONCEPT_A + CONCEPT_B.replace("https://docs.djangoproject.com", "http://docs.djangoproject.com"),
        "concepts.toml",
        ["concept #2 'beta'", "field 'resources[1].url'", "https"],
    ),
    "too few key points": (
        CONCEPT_A.replace('key_points = ["one", "two", "three"]', 'key_points = ["one", "two"]') + CONCEPT_B,
        "concepts.toml",
        ["concept #1 'alpha'", "field 'key_points'", f"at least {KEY_POINTS_MIN_COUNT} items"],
    ),
    "too many key points": (
        CONCEPT_A.replace(
            'key_points = ["one", "two", "three"]', f"key_points = {[str(i) for i in range(KEY_POINTS_MAX_COUNT + 1)]}"
        )
        + CONCEPT_B,
        "concepts.toml",
        ["concept #1 'alpha'", "field 'key_points'", f"at most {KEY_POINTS_MAX_COUNT} items"],
    ),
    "bad slug": (
        CONCEPT_A + CONCEPT_B.replace('slug = "beta"', 'slug = "Beta_Two"'),
        "concepts.toml",
        ["concept #2 'Beta_Two'", "field 'slug'", "pattern"],
    ),
    "unknown category": (
        CONCEPT_A.replace('category = "python"', 'category = "cobol"') + CONCEPT_B,
        "concepts.toml",
        ["concept #1 'alpha'", "field 'category'", "'python'"],
    ),
    "typo in a key": (
        CONCEPT_A.replace("details =", "detials =") + CONCEPT_B,
        "concepts.toml",
        ["concept #1 'alpha'", "field 'detials'", "not permitted"],
    ),
    "malformed TOML": (
        CONCEPT_A + CONCEPT_B + '\n[[concept]]\nslug = "gamma\n',
        "concepts.toml",
        ["invalid TOML", "line"],
    ),
}


@pytest.mark.parametrize(("concepts", "file_name", "fragments"), REJECTIONS.values(), ids=REJECTIONS.keys())
def test_rejections_name_file_entry_and_field(
    tmp_path: Path, concepts: str, file_name: str, fragments: list[str]
) -> None:
    with pytest.raises(ContentError) as caught:
        load_content(write_data(tmp_path, concepts))
    problems = caught.value.problems
    assert len(problems) >= 1
    matching = [line for line in problems if all(fragment in line for fragment in fragments)]
    assert matching, f"no problem line contains all of {fragments}:\n{caught.value}"
    assert all(file_name in line for line in matching)
    assert str(caught.value).splitlines()[1:] == list(problems)


TIP_AND_CHALLENGE_REJECTIONS = {
    "tip concept that does not exist": (
        TIP.replace('concept = "alpha"', 'concept = "omega"'),
        CHALLENGE,
        "tips.toml",
        ["tip #1 'a-tip'", "field 'concept'", "unknown concept 'omega'"],
    ),
    "duplicate tip title": (
        TIP + TIP.replace('slug = "a-tip"', 'slug = "another-tip"').replace("A tip", "a TIP"),
        CHALLENGE,
        "tips.toml",
        ["tip #2 'another-tip'", "field 'title'", "duplicate title", "tip #1"],
    ),
    "duplicate tip slug": (
        TIP + TIP.replace("A tip", "Another tip"),
        CHALLENGE,
        "tips.toml",
        ["tip #2 'a-tip'", "field 'slug'", "duplicate slug"],
    ),
    "http tip link": (
        TIP + 'link = "http://example.com/"\n',
        CHALLENGE,
        "tips.toml",
        ["tip #1 'a-tip'", "field 'link'", "https"],
    ),
    "over-long tip body": (
        TIP.replace("Do the thing.", "x" * 1001),
        CHALLENGE,
        "tips.toml",
        ["tip #1 'a-tip'", "field 'body'", "at most 1000 characters"],
    ),
    "challenge concept that does not exist": (
        TIP,
        CHALLENGE.replace('concept = "beta"', 'concept = "omega"'),
        "challenges.toml",
        ["challenge #1 'a-challenge'", "field 'concept'", "unknown concept 'omega'"],
    ),
    "upper-case challenge tag": (
        TIP,
        CHALLENGE.replace('"c++"', '"Django"'),
        "challenges.toml",
        ["challenge #1 'a-challenge'", "field 'tags[2]'", "pattern"],
    ),
    "too many challenge tags": (
        TIP,
        CHALLENGE.replace('tags = ["python", "c++"]', 'tags = ["a", "b", "c", "d", "e", "f"]'),
        "challenges.toml",
        ["challenge #1 'a-challenge'", "field 'tags'", "at most 5 items"],
    ),
    "malformed challenges TOML": (
        TIP,
        "[[challenge]\n",
        "challenges.toml",
        ["invalid TOML", "line 1"],
    ),
    "tips file with a bare table": (
        '[tip]\nslug = "a-tip"\n',
        CHALLENGE,
        "tips.toml",
        ["[[tip]]"],
    ),
}


@pytest.mark.parametrize(
    ("tips", "challenges", "file_name", "fragments"),
    TIP_AND_CHALLENGE_REJECTIONS.values(),
    ids=TIP_AND_CHALLENGE_REJECTIONS.keys(),
)
def test_tip_and_challenge_rejections(
    tmp_path: Path, tips: str, challenges: str, file_name: str, fragments: list[str]
) -> None:
    with pytest.raises(ContentError) as caught:
        load_content(write_data(tmp_path, CONCEPT_A + CONCEPT_B, tips, challenges))
    matching = [line for line in caught.value.problems if all(fragment in line for fragment in fragments)]
    assert matching, f"no problem line contains all of {fragments}:\n{caught.value}"
    assert all(file_name in line for line in matching)


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    concepts = CONCEPT_A.replace('related = ["beta"]', 'related = ["gamma"]') + CONCEPT_B.replace(
        "https://", "http://"
    ).replace('summary = "The second', 'summary = "' + "y" * 200)
    tips = TIP.replace('concept = "alpha"', 'concept = "omega"')
    with pytest.raises(ContentError) as caught:
        load_content(write_data(tmp_path, concepts, tips))
    text = str(caught.value)
    assert text.startswith("4 problems")
    for fragment in (
        "unknown concept 'gamma'",
        "field 'summary'",
        "field 'resources[1].url'",
        "unknown concept 'omega'",
    ):
        assert fragment in text


def test_invalid_entry_does_not_cascade_into_broken_references(tmp_path: Path) -> None:
    # beta is invalid (summary too short) but exists: alpha's link to it is not reported as well.
    concepts = CONCEPT_A + CONCEPT_B.replace(
        'summary = "The second concept of the test data set."', 'summary = "short"'
    )
    with pytest.raises(ContentError) as caught:
        load_content(write_data(tmp_path, concepts))
    assert len(caught.value.problems) == 1
    assert f"at least {SUMMARY_MIN_LENGTH} characters" in caught.value.problems[0]


def test_missing_file_is_named(tmp_path: Path) -> None:
    write_data(tmp_path, CONCEPT_A + CONCEPT_B)
    (tmp_path / "tips.toml").unlink()
    with pytest.raises(ContentError, match=r"tips\.toml: file not found"):
        load_content(tmp_path)


def test_path_is_shown_relative_to_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_data(tmp_path / "data", CONCEPT_A.replace('level = "beginner"', 'level = "guru"') + CONCEPT_B)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ContentError) as caught:
        load_content(Path("data"))
    assert caught.value.problems[0].startswith("data/concepts.toml: concept #1 'alpha': field 'level': ")


def test_models_are_immutable(tmp_path: Path) -> None:
    loaded = load_content(write_data(tmp_path, CONCEPT_A + CONCEPT_B))
    with pytest.raises(ValidationError):
        loaded.concepts[0].name = "Changed"  # type: ignore[misc]


def test_content_module_imports_neither_discord_nor_the_database() -> None:
    source = Path(content_module.__file__).read_text(encoding="utf-8")
    for forbidden in ("import discord", "from discord", "aiosqlite", "sqlite3", "bot.database"):
        assert forbidden not in source


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Django ORM", "django-orm"), ("N+1 problem", "n-1-problem"), ("  CI/CD  ", "ci-cd"), ("!!!", "")],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


# --- Properties ----------------------------------------------------------------------------------------------

_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
_slugs = st.lists(_words, min_size=1, max_size=4).map("-".join).filter(lambda slug: len(slug) <= 40)
_line = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Zs")), min_size=1, max_size=50
)


@st.composite
def concepts(draw: st.DrawFn) -> dict[str, object]:
    slug = draw(_slugs)
    name = draw(_line)
    aliases = draw(
        st.lists(_line, max_size=8, unique_by=str.casefold).filter(
            lambda items: name.casefold() not in {a.casefold() for a in items}
        )
    )
    return {
        "slug": slug,
        "name": name,
        "aliases": aliases,
        "category": draw(st.sampled_from(list(Category))).value,
        "level": draw(st.sampled_from(list(Level))).value,
        "summary": draw(
            st.text(alphabet="abc xyz.", min_size=10, max_size=150).map(str.strip).filter(lambda s: len(s) >= 10)
        ),
        "details": draw(_line),
        "key_points": draw(st.lists(_line, min_size=3, max_size=6)),
        "example": draw(_line),
        "example_language": draw(st.sampled_from(["python", "sql", "", "yaml"])),
        "resources": [{"title": draw(_line), "url": f"https://example.org/{draw(_words)}"}],
        "related": draw(st.lists(_slugs.filter(lambda other: other != slug), max_size=5, unique=True)),
    }


@given(concepts())
def test_valid_concepts_round_trip(raw: dict[str, object]) -> None:
    concept = Concept.model_validate(raw)
    again = Concept.model_validate(concept.model_dump(mode="json"))
    assert again == concept
    assert concept.slug == raw["slug"]
    assert concept.terms[0] == concept.name


@given(st.text(max_size=80))
def test_slugify_always_returns_a_slug_or_nothing(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or content_module.is_slug(slug)

"""The catalogue a guild sees and the typo-tolerant lookup, autocomplete and suggestions over it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content import SLUG_MAX_LENGTH, Category, Concept, is_slug
from cogs.concepts.catalogue import Catalogue, CommunityRow, Origin, OverrideRow, build_catalogue
from cogs.concepts.matching import (
    AUTOCOMPLETE_LIMIT,
    Match,
    autocomplete,
    choice_label,
    fuzzy_search,
    promote_exact,
    resolve,
)


def community(slug: str, name: str, *aliases: str, category: str = "async") -> CommunityRow:
    return CommunityRow(
        slug=slug,
        name=name,
        aliases=aliases,
        category=category,
        summary=f"{name} in one line for learners.",
        details="Details.",
        created_by=1,
        created_at="2026-01-05T09:00:00+00:00",
    )


def override(slug: str, *, hidden: bool = False, **fields: object) -> OverrideRow:
    values: dict[str, object] = {"name": None, "aliases": None, "category": None, "summary": None, "details": None}
    values.update(fields)
    return OverrideRow(slug=slug, hidden=hidden, updated_by=1, updated_at="2026-01-05T09:00:00+00:00", **values)  # type: ignore[arg-type]


@pytest.fixture
def catalogue(curated: tuple[Concept, ...]) -> Catalogue:
    return build_catalogue(
        curated,
        [override("redis", hidden=True), override("caching", name="Caching strategies", aliases=("cache", "ttl"))],
        [community("celery", "Celery", "task queue"), community("graphql", "GraphQL", category="graphql")],
    )


# --- Catalogue -------------------------------------------------------------------------------------------------------


def test_catalogue_merges_curated_overrides_and_community(catalogue: Catalogue) -> None:
    visible = {entry.slug: entry for entry in catalogue.visible}
    assert "redis" not in visible and catalogue.get("redis") is None
    assert catalogue.get("redis", include_hidden=True) is not None
    assert visible["caching"].name == "Caching strategies"
    assert visible["caching"].origin is Origin.EDITED
    assert visible["caching"].summary == "Keep computed results close to reuse them."  # untouched field stays curated
    assert visible["celery"].origin is Origin.COMMUNITY and visible["celery"].level is None
    assert visible["django"].origin is Origin.CURATED
    assert len(catalogue) == 6


def test_listing_order_is_category_then_name(catalogue: Catalogue) -> None:
    order = list(Category)
    keys = [(order.index(entry.category), entry.name.casefold()) for entry in catalogue.visible]
    assert keys == sorted(keys)


def test_a_community_concept_shadows_a_curated_one_with_its_slug(curated: tuple[Concept, ...]) -> None:
    catalogue = build_catalogue(curated, [], [community("redis", "Our Redis")])
    entry = catalogue.get("redis")
    assert entry is not None and entry.origin is Origin.COMMUNITY and entry.name == "Our Redis"
    assert len([item for item in catalogue.entries if item.slug == "redis"]) == 1


def test_related_skips_hidden_concepts(curated: tuple[Concept, ...]) -> None:
    catalogue = build_catalogue(curated, [override("caching", hidden=True)], [])
    django = catalogue.get("django")
    assert django is not None
    assert [entry.slug for entry in catalogue.related(django)] == ["django-orm"]


@pytest.mark.parametrize(
    ("terms", "exclude", "expected"),
    [
        (["Brand new"], None, None),
        (["django"], None, "“django” is already the name of the concept “Django”"),
        (["QuerySet"], None, "“QuerySet” is already an alias of the concept “Django ORM”"),
        (["database-indexes"], None, "already leads to the concept “Database indexes” (it is that concept's id)"),
        (["Task Queue"], None, "an alias of the concept “Celery”"),
        (["Redis"], None, "hidden in this server: `/concept edit Redis` brings it back"),
        (["Django", "orm"], "django", "“orm” is already an alias of the concept “Django ORM”"),
        (["Django"], "django", None),
    ],
)
def test_clashes_name_the_owner(
    catalogue: Catalogue, terms: list[str], exclude: str | None, expected: str | None
) -> None:
    problem = catalogue.clash(terms, exclude_slug=exclude)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kafka", "kafka"),
        ("Django!", "django-2"),
        ("Celery", "celery-2"),
        ("???", ""),
        ("x" * 60, "x" * SLUG_MAX_LENGTH),
    ],
)
def test_new_slugs_are_free_and_valid(catalogue: Catalogue, name: str, expected: str) -> None:
    slug = catalogue.new_slug(name)
    assert slug == expected
    assert slug == "" or is_slug(slug)


# --- Lookup ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "slug", "exact"),
    [
        ("Django", "django", True),
        ("  DJANGO  ", "django", True),
        ("django-orm", "django-orm", True),
        ("queryset", "django-orm", True),
        ("caching strategies", "caching", True),
        ("djnago", "django", False),  # a transposition
        ("djang orm", "django-orm", False),
        ("celeri", "celery", False),
        ("grapql", "graphql", False),
        ("djan", "django", False),  # close enough, and nothing else is
    ],
)
def test_resolve_finds_exact_names_and_clear_typos(catalogue: Catalogue, typed: str, slug: str, exact: bool) -> None:
    result = resolve(typed, catalogue)
    assert result.entry is not None and result.entry.slug == slug
    assert result.exact is exact


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("kubernetes", []),
        ("", []),
        ("grafql", ["graphql"]),  # too far to open directly
        ("django rest", ["django-restx", "django-resty"]),  # two equally close: the member chooses
    ],
)
def test_resolve_suggests_when_unsure(curated: tuple[Concept, ...], typed: str, suggested: list[str]) -> None:
    catalogue = build_catalogue(
        curated,
        [],
        [
            community("graphql", "GraphQL"),
            community("django-restx", "Django RESTX"),
            community("django-resty", "Django RESTY"),
        ],
    )
    result = resolve(typed, catalogue)
    assert result.entry is None
    assert [entry.slug for entry in result.suggestions][: len(suggested)] == suggested


def test_hidden_concepts_are_found_only_when_asked(catalogue: Catalogue) -> None:
    assert resolve("redis", catalogue).entry is None
    assert all(entry.slug != "redis" for entry in resolve("redis", catalogue).suggestions)
    hidden = resolve("redis", catalogue, include_hidden=True).entry
    assert hidden is not None and hidden.hidden


def test_typos_are_not_guessed_when_not_allowed(catalogue: Catalogue) -> None:
    result = resolve("djnago", catalogue, allow_typos=False)
    assert result.entry is None
    assert [entry.slug for entry in result.suggestions][:1] == ["django"]


# --- Autocomplete ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("django", "django"),  # exact name beats "Django ORM"
        ("dj", "django"),
        ("orm", "django-orm"),  # exact alias
        ("que", "django-orm"),  # alias prefix
        ("strat", "caching"),  # word prefix inside the name
        ("cellery", "celery"),  # fuzzy
        ("INDEX", "database-indexes"),
    ],
)
def test_autocomplete_puts_the_best_match_first(catalogue: Catalogue, typed: str, first: str) -> None:
    assert autocomplete(typed, catalogue)[0].entry.slug == first


def test_empty_autocomplete_offers_beginner_concepts_first(catalogue: Catalogue) -> None:
    choices = autocomplete("", catalogue)
    assert [match.entry.slug for match in choices][:2] == ["django", "django-orm"]
    assert choices[-1].entry.level is None  # community concepts have no level: last
    assert "redis" not in {match.entry.slug for match in choices}
    assert "redis" in {match.entry.slug for match in autocomplete("", catalogue, include_hidden=True)}


def test_autocomplete_never_offers_more_than_25(curated: tuple[Concept, ...]) -> None:
    rows = [community(f"topic-{index}", f"Topic {index}", f"alias {index}") for index in range(200)]
    catalogue = build_catalogue(curated, [], rows)
    assert len(autocomplete("", catalogue)) == AUTOCOMPLETE_LIMIT
    assert len(autocomplete("topic", catalogue)) == AUTOCOMPLETE_LIMIT
    assert len({match.entry.slug for match in autocomplete("top", catalogue)}) == AUTOCOMPLETE_LIMIT


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=120))
def test_autocomplete_takes_any_text(catalogue: Catalogue, typed: str) -> None:
    choices = autocomplete(typed, catalogue)
    assert len(choices) <= AUTOCOMPLETE_LIMIT
    assert len({match.entry.slug for match in choices}) == len(choices)
    assert all(1 <= len(choice_label(match)) <= 100 for match in choices)


@pytest.mark.parametrize(
    ("name", "term", "hidden", "expected"),
    [
        ("Django ORM", "Django ORM", False, "Django ORM"),
        ("Django ORM", "queryset", False, "Django ORM (queryset)"),
        ("Redis", "Redis", True, "Redis · hidden"),
        ("N" * 60, "a" * 60, False, "N" * 60),  # alias dropped rather than overflow
    ],
)
def test_choice_labels(catalogue: Catalogue, name: str, term: str, hidden: bool, expected: str) -> None:
    entry = next(iter(catalogue.entries))
    entry = type(entry)(**{**entry.__dict__, "name": name, "hidden": hidden})
    assert choice_label(Match(entry, term, 1.0)) == expected


def test_choice_labels_stay_within_100_characters(catalogue: Catalogue) -> None:
    entry = next(iter(catalogue.entries))
    entry = type(entry)(**{**entry.__dict__, "name": "x" * 99, "hidden": True})
    assert len(choice_label(Match(entry, "alias", 1.0))) <= 100


@pytest.mark.parametrize(
    ("query", "first"),
    [("celeri", "celery"), ("databse indexes", "database-indexes"), ("zzzzzz", None)],
)
def test_fuzzy_search_fallback(catalogue: Catalogue, query: str, first: str | None) -> None:
    found = fuzzy_search(query, catalogue)
    assert (found[0].slug if found else None) == first


def test_promote_exact_puts_the_named_concept_first(catalogue: Catalogue) -> None:
    found = [entry for entry in catalogue.visible if entry.slug in ("django", "caching")]
    assert promote_exact("cache", found, catalogue)[0].slug == "caching"
    assert promote_exact("nothing exact", found, catalogue) == found
    assert promote_exact("celery", found, catalogue)[0].slug == "celery"  # even when FTS did not rank it

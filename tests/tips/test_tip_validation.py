"""Checks of the /tip suggest fields."""

from __future__ import annotations

import pytest

from bot.content import TIP_BODY_MAX_LENGTH, TIP_TITLE_MAX_LENGTH, Category
from cogs.tips.validation import (
    LINK_MAX_LENGTH,
    check_body,
    check_category,
    check_concept,
    check_link,
    check_suggestion,
    check_title,
    concept_terms,
)

CONCEPTS = concept_terms(
    [
        ("Django migrations", "django-migrations"),
        ("migrations", "django-migrations"),
        ("django-migrations", "django-migrations"),
        ("N+1 queries", "n-plus-one"),
        ("n-plus-one", "n-plus-one"),
        ("bad slug!", "Not A Slug"),
    ]
)


def test_title_and_body_limits() -> None:
    assert check_title("  Use   indexes \n") == "Use indexes"
    assert check_title("x" * TIP_TITLE_MAX_LENGTH) == "x" * TIP_TITLE_MAX_LENGTH
    with pytest.raises(ValueError, match=f"at most {TIP_TITLE_MAX_LENGTH}"):
        check_title("x" * (TIP_TITLE_MAX_LENGTH + 1))
    with pytest.raises(ValueError, match="empty"):
        check_title("   ")
    assert check_body(" line one\nline two ") == "line one\nline two"
    assert len(check_body("y" * TIP_BODY_MAX_LENGTH)) == TIP_BODY_MAX_LENGTH
    with pytest.raises(ValueError, match=f"at most {TIP_BODY_MAX_LENGTH}"):
        check_body("y" * (TIP_BODY_MAX_LENGTH + 1))
    with pytest.raises(ValueError, match="empty"):
        check_body("\n")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("django", Category.DJANGO),
        ("Django", Category.DJANGO),
        ("CI/CD", Category.CICD),
        (" cicd ", Category.CICD),
        ("Databases & SQL", Category.DATABASES),
    ],
)
def test_category_by_value_or_label(text: str, category: Category) -> None:
    assert check_category(text) is category


def test_unknown_category_suggests_and_lists() -> None:
    with pytest.raises(ValueError, match="Did you mean `django`") as caught:
        check_category("djnago")
    assert "`docker`" in str(caught.value)  # the full list is there too
    with pytest.raises(ValueError, match="isn't a tip category"):
        check_category("zzzz")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("", None),
        ("  ", None),
        ("django-migrations", "django-migrations"),
        ("Django Migrations", "django-migrations"),
        ("migrations", "django-migrations"),
        ("N+1 queries", "n-plus-one"),
        ("N Plus One", "n-plus-one"),
    ],
)
def test_concept_by_slug_name_or_alias(text: str, slug: str | None) -> None:
    assert check_concept(text, CONCEPTS) == slug


def test_unknown_concept_suggests() -> None:
    with pytest.raises(ValueError, match="Did you mean `django-migrations`"):
        check_concept("django migraton", CONCEPTS)
    with pytest.raises(ValueError, match="Leave it empty"):
        check_concept("qqqqqqq", CONCEPTS)
    assert "not a slug" not in CONCEPTS.values()


@pytest.mark.parametrize("link", ["https://docs.djangoproject.com/", "https://example.org/a?b=c#d", " https://x.io "])
def test_https_links_pass(link: str) -> None:
    assert check_link(link) == link.strip()


@pytest.mark.parametrize(
    "link",
    [
        "http://example.org",
        "ftp://example.org",
        "example.org",
        "https://",
        "https:// spaced.org",
        "javascript:alert(1)",
        "https://" + "a" * LINK_MAX_LENGTH,
    ],
)
def test_other_links_are_refused(link: str) -> None:
    with pytest.raises(ValueError, match=r"https|at most"):
        check_link(link)


def test_empty_link_is_none() -> None:
    assert check_link("  ") is None


def test_check_suggestion_cleans_every_field() -> None:
    checked = check_suggestion(" Title ", " Body ", "Caching", "", "", CONCEPTS)
    assert (checked.title, checked.body, checked.category, checked.concept, checked.link) == (
        "Title",
        "Body",
        Category.CACHING,
        None,
        None,
    )

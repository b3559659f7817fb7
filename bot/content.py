"""Curated content: the concepts, tips and challenges kept as TOML in ``data/``, and the models that validate them.

This module is pure: it imports neither discord nor the database, so the cogs, the command line and the tests can all
use it. The limits are module constants because the cogs apply the same limits to what moderators type into modals.

Files and tables:

- ``concepts.toml``: ``[[concept]]`` tables, one per :class:`Concept`;
- ``tips.toml``: ``[[tip]]`` tables, one per :class:`Tip`;
- ``challenges.toml``: ``[[challenge]]`` tables, one per :class:`CuratedChallenge`.

:func:`load_content` validates every entry and the references between them, and raises one :class:`ContentError` that
lists every problem found (one per line, naming the file, the entry and the field), so a reviewer fixes them all in
one pass rather than one per start.
"""

from __future__ import annotations

import functools
import logging
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails

log = logging.getLogger(__name__)

# --- Limits (shared with the cogs, which apply them to moderators' modal input) ---------------------------------------

SLUG_PATTERN: Final = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_MAX_LENGTH: Final = 40

CONCEPT_NAME_MAX_LENGTH: Final = 60
ALIAS_MAX_LENGTH: Final = 60
ALIASES_MAX_COUNT: Final = 8
SUMMARY_MIN_LENGTH: Final = 10
SUMMARY_MAX_LENGTH: Final = 150
DETAILS_MAX_LENGTH: Final = 1500
KEY_POINTS_MIN_COUNT: Final = 3
KEY_POINTS_MAX_COUNT: Final = 6
KEY_POINT_MAX_LENGTH: Final = 200
EXAMPLE_MAX_LENGTH: Final = 900
EXAMPLE_LANGUAGE_PATTERN: Final = r"^[a-z0-9+#-]*$"
EXAMPLE_LANGUAGE_MAX_LENGTH: Final = 20
DEFAULT_EXAMPLE_LANGUAGE: Final = "python"
RESOURCES_MIN_COUNT: Final = 1
RESOURCES_MAX_COUNT: Final = 4
RESOURCE_TITLE_MAX_LENGTH: Final = 100
RELATED_MAX_COUNT: Final = 5

TIP_TITLE_MAX_LENGTH: Final = 100
TIP_BODY_MAX_LENGTH: Final = 1000

CHALLENGE_TITLE_MAX_LENGTH: Final = 100
CHALLENGE_DESCRIPTION_MAX_LENGTH: Final = 4000
CHALLENGE_SOLUTION_MAX_LENGTH: Final = 4000
TAGS_MAX_COUNT: Final = 5
TAG_MAX_LENGTH: Final = 30
TAG_PATTERN: Final = r"^[a-z0-9][a-z0-9+#.-]*$"

CONCEPTS_FILE: Final = "concepts.toml"
TIPS_FILE: Final = "tips.toml"
CHALLENGES_FILE: Final = "challenges.toml"

DEFAULT_DATA_DIR: Final = Path(__file__).resolve().parent.parent / "data"

_SLUG_RE: Final = re.compile(SLUG_PATTERN)
_NON_SLUG_CHARS_RE: Final = re.compile(r"[^a-z0-9]+")


class ContentError(Exception):
    """The curated content is invalid; the message lists every problem, one per line.

    ``problems`` holds the same lines as a tuple, for callers (and tests) that want them one by one.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the curated content:"
        super().__init__("\n".join((header, *self.problems)))


class Category(StrEnum):
    """What a concept or a tip is about. The values feed a slash-command choice list, so keep them at most 25."""

    PYTHON = "python"
    DJANGO = "django"
    APIS = "apis"
    GRAPHQL = "graphql"
    DATABASES = "databases"
    DOCKER = "docker"
    CICD = "cicd"
    ASYNC = "async"
    CACHING = "caching"
    SECURITY = "security"
    SCALABILITY = "scalability"
    TESTING = "testing"
    OPERATIONS = "operations"
    COLLABORATION = "collaboration"

    @property
    def label(self) -> str:
        """The human name shown to members, e.g. "CI/CD"."""
        return CATEGORY_LABELS[self]


CATEGORY_LABELS: Final[Mapping[Category, str]] = {
    Category.PYTHON: "Python",
    Category.DJANGO: "Django",
    Category.APIS: "APIs (REST & OpenAPI)",
    Category.GRAPHQL: "GraphQL",
    Category.DATABASES: "Databases & SQL",
    Category.DOCKER: "Docker & containers",
    Category.CICD: "CI/CD",
    Category.ASYNC: "Async & background work",
    Category.CACHING: "Caching",
    Category.SECURITY: "Security",
    Category.SCALABILITY: "Scalability",
    Category.TESTING: "Testing",
    Category.OPERATIONS: "Operations & monitoring",
    Category.COLLABORATION: "Collaboration & Git",
}


class Level(StrEnum):
    """How far into the programme a learner usually meets a concept."""

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"

    @property
    def label(self) -> str:
        """The human name shown to members, e.g. "Beginner"."""
        return self.value.capitalize()


# --- Field types ----------------------------------------------------------------------------------------------

Slug = Annotated[str, StringConstraints(strip_whitespace=True, max_length=SLUG_MAX_LENGTH, pattern=SLUG_PATTERN)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, max_length=TAG_MAX_LENGTH, pattern=TAG_PATTERN)]


ConceptName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=CONCEPT_NAME_MAX_LENGTH)]
Alias = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ALIAS_MAX_LENGTH)]
Summary = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=SUMMARY_MIN_LENGTH, max_length=SUMMARY_MAX_LENGTH)
]
Details = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=DETAILS_MAX_LENGTH)]
KeyPoint = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=KEY_POINT_MAX_LENGTH)]


def _trim_code(text: str) -> str:
    """Drop blank lines around a code example and trailing spaces, but keep the first line's indentation."""
    lines = text.splitlines()
    while lines and not lines[0].strip():
        del lines[0]
    trimmed = "\n".join(lines).rstrip()
    if not trimmed:
        raise ValueError("must not be empty")
    return trimmed


# Examples are code: leading indentation on the first line is meaningful, so it is not stripped.
Example = Annotated[str, StringConstraints(max_length=EXAMPLE_MAX_LENGTH), AfterValidator(_trim_code)]
ExampleLanguage = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=EXAMPLE_LANGUAGE_MAX_LENGTH, pattern=EXAMPLE_LANGUAGE_PATTERN),
]
ResourceTitle = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=RESOURCE_TITLE_MAX_LENGTH)
]
TipTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TIP_TITLE_MAX_LENGTH)]
TipBody = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TIP_BODY_MAX_LENGTH)]
ChallengeTitle = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=CHALLENGE_TITLE_MAX_LENGTH)
]
ChallengeDescription = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=CHALLENGE_DESCRIPTION_MAX_LENGTH)
]
ChallengeSolution = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=CHALLENGE_SOLUTION_MAX_LENGTH)
]

_T = TypeVar("_T")


def _require_unique(values: Iterable[_T], what: str, key: Any = None) -> None:
    """Raise ValueError naming the first value that appears twice (compared through ``key`` when given)."""
    seen: set[Any] = set()
    for value in values:
        marker = key(value) if key is not None else value
        if marker in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(marker)


def _require_https(url: HttpUrl | None) -> HttpUrl | None:
    """Refuse plain-http links: members click them, and every official resource we point to serves https."""
    if url is not None and url.scheme != "https":
        raise ValueError(f"URL must use https, not {url.scheme}")
    return url


def slugify(text: str, max_length: int = SLUG_MAX_LENGTH) -> str:
    """Turn a display name into a slug that matches :data:`SLUG_PATTERN` ("Django ORM" -> "django-orm").

    Returns an empty string when ``text`` holds no letter or digit; the caller decides what that means.
    """
    slug = _NON_SLUG_CHARS_RE.sub("-", text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def is_slug(text: str) -> bool:
    """Whether ``text`` is a valid slug (pattern and length)."""
    return len(text) <= SLUG_MAX_LENGTH and _SLUG_RE.fullmatch(text) is not None


# --- Models ---------------------------------------------------------------------------------------------------


class _Model(BaseModel):
    """Common configuration: immutable (the loaded content is cached and shared), unknown keys are typos."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Resource(_Model):
    """An official page that explains a concept further."""

    title: ResourceTitle
    url: HttpUrl

    @field_validator("url")
    @classmethod
    def _https_only(cls, url: HttpUrl) -> HttpUrl:
        checked = _require_https(url)
        assert checked is not None
        return checked


class Concept(_Model):
    """One entry of the backend knowledge base (``/concept show``)."""

    slug: Slug
    name: ConceptName
    aliases: tuple[Alias, ...] = Field(default=(), max_length=ALIASES_MAX_COUNT)
    category: Category
    level: Level
    summary: Summary
    details: Details
    key_points: tuple[KeyPoint, ...] = Field(min_length=KEY_POINTS_MIN_COUNT, max_length=KEY_POINTS_MAX_COUNT)
    example: Example
    example_language: ExampleLanguage = DEFAULT_EXAMPLE_LANGUAGE
    resources: tuple[Resource, ...] = Field(min_length=RESOURCES_MIN_COUNT, max_length=RESOURCES_MAX_COUNT)
    related: tuple[Slug, ...] = Field(default=(), max_length=RELATED_MAX_COUNT)

    @field_validator("summary")
    @classmethod
    def _one_line(cls, summary: str) -> str:
        if "\n" in summary or "\r" in summary:
            raise ValueError("must be a single line")
        return summary

    @field_validator("aliases")
    @classmethod
    def _distinct_aliases(cls, aliases: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        _require_unique(aliases, "alias", key=str.casefold)
        name = info.data.get("name")
        for alias in aliases:
            if name is not None and alias.casefold() == name.casefold():
                raise ValueError(f"alias {alias!r} repeats the concept's name")
        return aliases

    @field_validator("related")
    @classmethod
    def _distinct_related(cls, related: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        _require_unique(related, "related slug")
        if info.data.get("slug") in related:
            raise ValueError("a concept cannot be related to itself")
        return related

    @property
    def terms(self) -> tuple[str, ...]:
        """Everything a member may type to find this concept: the name, the aliases, then the slug."""
        return (self.name, *self.aliases, self.slug)


class Tip(_Model):
    """A weekly tip (``/tip now`` and the scheduled post)."""

    slug: Slug
    title: TipTitle
    body: TipBody
    category: Category
    concept: Slug | None = None
    link: HttpUrl | None = None

    @field_validator("link")
    @classmethod
    def _https_only(cls, link: HttpUrl | None) -> HttpUrl | None:
        return _require_https(link)


class CuratedChallenge(_Model):
    """A challenge from the programme's own write-up, present in every guild's challenge log."""

    slug: Slug
    title: ChallengeTitle
    description: ChallengeDescription
    solution: ChallengeSolution
    tags: tuple[Tag, ...] = Field(default=(), max_length=TAGS_MAX_COUNT)
    concept: Slug | None = None

    @field_validator("tags")
    @classmethod
    def _distinct_tags(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        _require_unique(tags, "tag")
        return tags


class Content(_Model):
    """Everything in ``data/``, validated, in file order."""

    concepts: tuple[Concept, ...] = ()
    tips: tuple[Tip, ...] = ()
    challenges: tuple[CuratedChallenge, ...] = ()

    def get_concept(self, slug: str) -> Concept | None:
        """The concept with this slug, or None."""
        return self._concepts_by_slug.get(slug)

    def find_concept(self, term: str) -> Concept | None:
        """The concept whose slug, name or alias equals ``term`` (case-insensitive, spaces trimmed), or None.

        Exact only: the cogs do the fuzzy matching.
        """
        return self._concepts_by_term.get(term.strip().casefold())

    def concepts_in(self, category: Category) -> tuple[Concept, ...]:
        """The concepts of one category, in file order."""
        return tuple(concept for concept in self.concepts if concept.category is category)

    def tips_in(self, category: Category) -> tuple[Tip, ...]:
        """The tips of one category, in file order."""
        return tuple(tip for tip in self.tips if tip.category is category)

    def get_tip(self, slug: str) -> Tip | None:
        """The tip with this slug, or None."""
        return next((tip for tip in self.tips if tip.slug == slug), None)

    def get_challenge(self, slug: str) -> CuratedChallenge | None:
        """The curated challenge with this slug, or None."""
        return next((challenge for challenge in self.challenges if challenge.slug == slug), None)

    @functools.cached_property
    def _concepts_by_slug(self) -> dict[str, Concept]:
        return {concept.slug: concept for concept in self.concepts}

    @functools.cached_property
    def _concepts_by_term(self) -> dict[str, Concept]:
        index: dict[str, Concept] = {}
        for concept in self.concepts:
            for term in concept.terms:
                index.setdefault(term.casefold(), concept)
        return index


# --- Loading --------------------------------------------------------------------------------------------------

_ModelT = TypeVar("_ModelT", bound=BaseModel)


class _Problems:
    """Collects problem lines in a uniform format."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def file(self, path: str, message: str) -> None:
        self.lines.append(f"{path}: {message}")

    def entry(self, path: str, kind: str, index: int, slug: str | None, field: str | None, message: str) -> None:
        where = f"{kind} #{index}" + (f" {slug!r}" if slug else "")
        if field is not None:
            where += f": field {field!r}"
        self.lines.append(f"{path}: {where}: {message}")


def _display_path(path: Path) -> str:
    """The path as a reader of the log knows it: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _format_loc(loc: tuple[int | str, ...]) -> str | None:
    """``("resources", 0, "url")`` -> ``"resources[1].url"``; positions count from 1, like the entries."""
    if not loc:
        return None
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else part
    return text


def _format_message(error: Mapping[str, Any]) -> str:
    message = str(error["msg"])
    # Our own validators raise ValueError; pydantic prefixes those with "Value error, ", which reads as noise here.
    return message.removeprefix("Value error, ")


def _without_echoes(errors: Sequence[ErrorDetails]) -> list[ErrorDetails]:
    """Drop "too short" errors on a list whose items failed: the invalid item was discarded, hence "too short"."""
    failed_parents = {
        error["loc"][:position]
        for error in errors
        for position, part in enumerate(error["loc"])
        if isinstance(part, int)
    }
    return [error for error in errors if not (error["type"] == "too_short" and error["loc"] in failed_parents)]


def _read_tables(path: Path, key: str, problems: _Problems) -> list[Any] | None:
    """The ``[[key]]`` tables of one TOML file, or None (with the reason recorded) when the file is unusable."""
    shown = _display_path(path)
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        problems.file(shown, "file not found")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.file(shown, f"cannot read the file: {exc}")
        return None
    except tomllib.TOMLDecodeError as exc:
        problems.file(shown, f"invalid TOML: {exc}")
        return None

    unexpected = sorted(name for name in document if name != key)
    if unexpected:
        problems.file(shown, f"unexpected top-level key(s) {', '.join(map(repr, unexpected))}: use [[{key}]] tables")
    tables = document.get(key, [])
    if not isinstance(tables, list):
        problems.file(shown, f"{key!r} must be an array of tables ([[{key}]])")
        return None
    return tables


def _validate_entries(
    path: Path, kind: str, tables: list[Any], model: type[_ModelT], problems: _Problems
) -> list[tuple[int, str | None, _ModelT | None]]:
    """Validate each table; returns (1-based index, raw slug, model or None when invalid) for every entry."""
    shown = _display_path(path)
    entries: list[tuple[int, str | None, _ModelT | None]] = []
    for index, table in enumerate(tables, start=1):
        if not isinstance(table, dict):
            problems.entry(shown, kind, index, None, None, f"expected a [[{kind}]] table")
            entries.append((index, None, None))
            continue
        raw_slug = table.get("slug")
        slug = raw_slug.strip() if isinstance(raw_slug, str) else None
        try:
            entries.append((index, slug, model.model_validate(table)))
        except ValidationError as exc:
            for error in _without_echoes(exc.errors()):
                problems.entry(shown, kind, index, slug, _format_loc(error["loc"]), _format_message(error))
            entries.append((index, slug, None))
    return entries


def _check_unique_slugs(shown: str, kind: str, entries: list[tuple[int, str | None, Any]], problems: _Problems) -> None:
    first: dict[str, int] = {}
    for index, slug, _ in entries:
        if slug is None:
            continue
        if slug in first:
            problems.entry(shown, kind, index, slug, "slug", f"duplicate slug (already used by {kind} #{first[slug]})")
        else:
            first[slug] = index


def _check_concept_terms(
    shown: str, entries: list[tuple[int, str | None, Concept | None]], problems: _Problems
) -> None:
    """A name, alias or slug must lead to exactly one concept (case-insensitive)."""
    owners: dict[str, tuple[int, str, str]] = {}  # term -> (index, slug, "name" / "alias" / "slug")
    for index, slug, concept in entries:
        if concept is None:
            continue
        own: dict[str, str] = {}
        own.setdefault(concept.name.casefold(), "name")
        for alias in concept.aliases:
            own.setdefault(alias.casefold(), "aliases")
        own.setdefault(concept.slug.casefold(), "slug")
        for term, field in own.items():
            owner = owners.get(term)
            if owner is None:
                owners[term] = (index, concept.slug, "alias" if field == "aliases" else field)
                continue
            owner_index, owner_slug, owner_field = owner
            if field == "slug" and owner_field == "slug":
                continue  # reported as a duplicate slug
            problems.entry(
                shown,
                "concept",
                index,
                slug,
                field,
                f"{term!r} is already the {owner_field} of concept #{owner_index} {owner_slug!r}",
            )


def _check_references(
    shown: str,
    kind: str,
    entries: list[tuple[int, str | None, Any]],
    field: str,
    known: set[str],
    problems: _Problems,
) -> None:
    """Every slug in ``field`` (a single slug or a tuple of slugs) must name a concept."""
    for index, slug, item in entries:
        if item is None:
            continue
        value = getattr(item, field)
        targets = value if isinstance(value, tuple) else (value,)
        for target in targets:
            if target is not None and target not in known:
                problems.entry(shown, kind, index, slug, field, f"unknown concept {target!r}")


def _check_unique_titles(shown: str, entries: list[tuple[int, str | None, Tip | None]], problems: _Problems) -> None:
    first: dict[str, int] = {}
    for index, slug, tip in entries:
        if tip is None:
            continue
        key = tip.title.casefold()
        if key in first:
            problems.entry(shown, "tip", index, slug, "title", f"duplicate title (already used by tip #{first[key]})")
        else:
            first[key] = index


def load_content(data_dir: Path) -> Content:
    """Read, validate and cross-check ``concepts.toml``, ``tips.toml`` and ``challenges.toml`` in ``data_dir``.

    Raises ContentError listing every problem when anything is wrong.
    """
    problems = _Problems()
    paths = {name: data_dir / name for name in (CONCEPTS_FILE, TIPS_FILE, CHALLENGES_FILE)}
    shown = {name: _display_path(path) for name, path in paths.items()}

    concept_tables = _read_tables(paths[CONCEPTS_FILE], "concept", problems)
    tip_tables = _read_tables(paths[TIPS_FILE], "tip", problems)
    challenge_tables = _read_tables(paths[CHALLENGES_FILE], "challenge", problems)

    concepts = _validate_entries(paths[CONCEPTS_FILE], "concept", concept_tables or [], Concept, problems)
    tips = _validate_entries(paths[TIPS_FILE], "tip", tip_tables or [], Tip, problems)
    challenges = _validate_entries(
        paths[CHALLENGES_FILE], "challenge", challenge_tables or [], CuratedChallenge, problems
    )

    _check_unique_slugs(shown[CONCEPTS_FILE], "concept", concepts, problems)
    _check_concept_terms(shown[CONCEPTS_FILE], concepts, problems)
    _check_unique_slugs(shown[TIPS_FILE], "tip", tips, problems)
    _check_unique_titles(shown[TIPS_FILE], tips, problems)
    _check_unique_slugs(shown[CHALLENGES_FILE], "challenge", challenges, problems)

    # An entry that failed validation still "exists" for references: reporting every link to it as broken would only
    # bury the real problem. When the concepts file itself is unusable, references cannot be checked at all.
    if concept_tables is not None:
        known = {slug for _, slug, _ in concepts if slug is not None}
        _check_references(shown[CONCEPTS_FILE], "concept", concepts, "related", known, problems)
        _check_references(shown[TIPS_FILE], "tip", tips, "concept", known, problems)
        _check_references(shown[CHALLENGES_FILE], "challenge", challenges, "concept", known, problems)

    if problems.lines:
        raise ContentError(problems.lines)

    content = Content(
        concepts=tuple(item for _, _, item in concepts if item is not None),
        tips=tuple(item for _, _, item in tips if item is not None),
        challenges=tuple(item for _, _, item in challenges if item is not None),
    )
    log.info(
        "Loaded curated content from %s: %d concepts, %d tips, %d challenges",
        data_dir,
        len(content.concepts),
        len(content.tips),
        len(content.challenges),
    )
    return content


@functools.cache
def load_default_content() -> Content:
    """The content of the repository's ``data/`` folder, loaded once per process (raises ContentError)."""
    return load_content(DEFAULT_DATA_DIR)

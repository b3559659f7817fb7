"""First small projects for a new pair: an API from the backend learner, a page that uses it from the frontend one.

Pure: no discord, no database. The idea is picked from the pair's shared topics first, then from either learner's
topics, so a pair that both named `graphql` gets the GraphQL idea; the pair id breaks ties so that a round does not
hand the same idea to everyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProjectIdea:
    """One idea: what each side builds, and the topics it exercises."""

    slug: str
    title: str
    api: str
    page: str
    topics: frozenset[str]


PROJECT_IDEAS: tuple[ProjectIdea, ...] = (
    ProjectIdea(
        "task-board",
        "Team task board",
        "a REST API for boards and tasks (create, move, assign) with token authentication",
        "a drag-and-drop board that loads, moves and edits tasks through the API",
        frozenset({"rest", "django", "django rest framework", "authentication", "react", "javascript", "typescript"}),
    ),
    ProjectIdea(
        "recipe-graphql",
        "Recipe finder on GraphQL",
        "a GraphQL schema for recipes and ingredients with filtering and pagination",
        "a search page with filters that asks exactly the fields it shows",
        frozenset({"graphql", "apis", "react", "vue", "next.js", "databases"}),
    ),
    ProjectIdea(
        "live-chat",
        "Realtime chat room",
        "a WebSocket endpoint (Django Channels or FastAPI) with rooms and message history",
        "a chat window that streams messages live and loads older ones on scroll",
        frozenset({"websockets", "async", "redis", "react", "javascript", "vue"}),
    ),
    ProjectIdea(
        "weather-cache",
        "Weather dashboard with caching",
        "an API that proxies a public weather service, caches answers in Redis and rate-limits clients",
        "a dashboard of a few cities that shows when data came from the cache",
        frozenset({"caching", "redis", "rate limiting", "performance", "scalability", "apis", "ui/ux"}),
    ),
    ProjectIdea(
        "url-shortener",
        "Dockerised URL shortener",
        "a shortener API with click counts, packaged with Docker Compose and tested in CI",
        "a page to shorten links and see a chart of clicks per day",
        frozenset({"docker", "ci/cd", "testing", "databases", "postgresql", "typescript"}),
    ),
    ProjectIdea(
        "job-board",
        "Job board with search",
        "a jobs API with full-text search, filters, ordering and cursor pagination",
        "a job list with search-as-you-type, filters in the URL and infinite scroll",
        frozenset({"databases", "postgresql", "search", "performance", "next.js", "react", "accessibility"}),
    ),
    ProjectIdea(
        "auth-playground",
        "Sign-up and login flow",
        "registration, login, refresh tokens and password reset, with throttling on the sensitive endpoints",
        "sign-up, login and profile pages that keep the session and handle expired tokens",
        frozenset({"authentication", "security", "django", "rest", "react", "forms"}),
    ),
    ProjectIdea(
        "expense-tracker",
        "Shared expense tracker",
        "an API for groups, expenses and who-owes-whom balances, with aggregate queries",
        "a page to add expenses and see balances as a chart",
        frozenset({"databases", "django", "python", "charts", "javascript", "tailwind"}),
    ),
    ProjectIdea(
        "event-rsvp",
        "Event RSVP with reminders",
        "an events API that sends reminder e-mails from a background task queue (Celery)",
        "an event page with an RSVP form, a guest list and a countdown",
        frozenset({"celery", "async", "python", "django", "forms", "ui/ux"}),
    ),
    ProjectIdea(
        "movie-watchlist",
        "Movie watchlist",
        "an API that stores watchlists and enriches them from a public movie database, with tests",
        "a watchlist page with posters, ratings and a mobile-friendly layout",
        frozenset({"apis", "testing", "python", "react", "vue", "tailwind", "ui/ux"}),
    ),
)


def suggest_project(shared: Iterable[str], either: Iterable[str], seed: int) -> ProjectIdea:
    """The idea that best uses the pair's shared topics (then anyone's topics); `seed` varies ties."""
    shared_set, either_set = frozenset(shared), frozenset(either)

    def fit(idea: ProjectIdea) -> tuple[int, int]:
        return len(idea.topics & shared_set), len(idea.topics & either_set)

    best = max(fit(idea) for idea in PROJECT_IDEAS)
    tied = [idea for idea in PROJECT_IDEAS if fit(idea) == best]
    return tied[seed % len(tied)]


def project_by_slug(slug: str) -> ProjectIdea:
    """The idea stored with a pair (the first idea if the list changed since)."""
    return next((idea for idea in PROJECT_IDEAS if idea.slug == slug), PROJECT_IDEAS[0])

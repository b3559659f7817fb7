"""What a learner wants to work on: free text → at most 10 normalised topics. Pure: no discord, no database.

"Django, REST APIs; docker" and "django rest-api Docker" should find each other, so topics are lower-cased,
stripped of stray punctuation, and common spellings are folded into one name (`k8s` → `kubernetes`).
"""

from __future__ import annotations

import re

TOPICS_INPUT_LIMIT = 200
MAX_TOPICS = 10
TOPIC_LENGTH_LIMIT = 32

# Different spellings of the same thing. Keys and values are already normalised.
TOPIC_ALIASES: dict[str, str] = {
    "js": "javascript",
    "ts": "typescript",
    "py": "python",
    "python3": "python",
    "drf": "django rest framework",
    "django-rest-framework": "django rest framework",
    "rest api": "rest",
    "rest apis": "rest",
    "rest-api": "rest",
    "restful": "rest",
    "gql": "graphql",
    "graph ql": "graphql",
    "postgres": "postgresql",
    "psql": "postgresql",
    "mongo": "mongodb",
    "k8s": "kubernetes",
    "ci": "ci/cd",
    "cd": "ci/cd",
    "cicd": "ci/cd",
    "ci cd": "ci/cd",
    "ci-cd": "ci/cd",
    "github actions": "ci/cd",
    "db": "databases",
    "database": "databases",
    "cache": "caching",
    "redis cache": "redis",
    "asyncio": "async",
    "asynchronous": "async",
    "auth": "authentication",
    "jwt": "authentication",
    "oauth": "authentication",
    "reactjs": "react",
    "react.js": "react",
    "nextjs": "next.js",
    "next": "next.js",
    "vuejs": "vue",
    "vue.js": "vue",
    "tailwindcss": "tailwind",
    "websocket": "websockets",
    "ws": "websockets",
    "test": "testing",
    "tests": "testing",
    "unit tests": "testing",
    "tdd": "testing",
    "scaling": "scalability",
    "scalable": "scalability",
    "perf": "performance",
    "a11y": "accessibility",
    "ux": "ui/ux",
    "ui": "ui/ux",
}

_SEPARATORS = re.compile(r"[,;\n|]+")
_NOT_ALLOWED = re.compile(r"[^a-z0-9+#./\- ]+")


class TopicsError(ValueError):
    """The topics text breaks a limit; the message is the sentence the member reads."""


def normalise_topic(raw: str) -> str:
    """One topic, lower-case, single spaces, only letters, digits and `+#./-`; aliases folded. May return ""."""
    topic = _NOT_ALLOWED.sub(" ", raw.lower())
    topic = re.sub(r"\s+", " ", topic).strip(" ./-")
    return TOPIC_ALIASES.get(topic, topic)


def parse_topics(text: str | None) -> tuple[str, ...]:
    """Split on commas or semicolons (or on spaces when there are none), normalise, de-duplicate in order.

    Raises TopicsError when the text is over 200 characters, gives more than 10 topics, or one topic is too long.
    """
    if text is None or not text.strip():
        return ()
    if len(text) > TOPICS_INPUT_LIMIT:
        raise TopicsError(
            f"Topics can be at most {TOPICS_INPUT_LIMIT} characters (you wrote {len(text)}). "
            "List a few keywords, separated by commas, e.g. `django, docker, react`."
        )
    parts = _SEPARATORS.split(text) if _SEPARATORS.search(text) else text.split()
    topics: list[str] = []
    for part in parts:
        topic = normalise_topic(part)
        if not topic:
            continue
        if len(topic) > TOPIC_LENGTH_LIMIT:
            raise TopicsError(
                f"Each topic can be at most {TOPIC_LENGTH_LIMIT} characters; `{topic[:TOPIC_LENGTH_LIMIT]}…` is "
                "longer. Separate topics with commas, e.g. `django, docker, react`."
            )
        if topic not in topics:
            topics.append(topic)
    if len(topics) > MAX_TOPICS:
        raise TopicsError(
            f"You can give at most {MAX_TOPICS} topics (you gave {len(topics)}). Keep the ones you care about most."
        )
    return tuple(topics)


def format_topics(topics: tuple[str, ...] | frozenset[str] | list[str]) -> str:
    """`django, docker` or `none given`."""
    return ", ".join(topics) if topics else "none given"

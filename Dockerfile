# syntax=docker/dockerfile:1
# Build stage: a virtual environment with the bot installed (editable, so the curated data/ stays beside the code).
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY data/*.toml ./data/
RUN /opt/venv/bin/pip install -e .

# Runtime stage: no build tools, a non-root user, the database on a volume.
FROM python:3.11-slim
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    DATABASE_PATH=/data/nexus.db
RUN groupadd --gid 10001 nexus \
    && useradd --create-home --uid 10001 --gid 10001 nexus \
    && mkdir /data \
    && chown nexus:nexus /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER 10001:10001
VOLUME ["/data"]
# The bot refreshes /data/.heartbeat every 30 s while connected; `nexus-bot health` checks its age.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 CMD ["nexus-bot", "health"]
CMD ["nexus-bot"]

-- 0001: the core. Key-value metadata (e.g. the hash of the last command sync) and per-guild settings.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE guild_settings (
    guild_id           INTEGER PRIMARY KEY,
    challenge_channel_id INTEGER,
    pairing_channel_id INTEGER,
    moderator_role_id  INTEGER,
    updated_at         TEXT NOT NULL
);

-- Paginated answers keep their query here, so that page buttons still work after a restart.
CREATE TABLE page_state (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX page_state_created ON page_state (created_at);

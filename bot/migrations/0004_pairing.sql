-- 0004: /pair, backend × frontend pairing. Why these tables:
-- * pair_queue holds who waits. Its rowid is the join order (smaller = waited longer). An unknown time zone is ''
--   so that the matcher can select by `timezone IN (...)` on the index. `topics` is ",a,b," (normalised topics,
--   which never contain commas) so that SQLite counts shared topics with instr() while it scans the index.
-- * pair_pairs holds every pairing ever made; ended_at IS NULL means it is current. Two partial unique indexes make
--   "nobody is in two current pairs" a database rule, on top of the one transaction that decides each match.
--   The learners' profiles are copied in, so an introduction can be (re)posted and history shown after they left.
-- * pair_checkins holds the answers to "did you meet?" a week after the match (feeds /nexus stats).
-- * pair_schedules holds one weekly round per guild; pair_slot_runs records each round and reminder by slot, in
--   the same transaction as the round, so a restart never runs a week's round twice.

CREATE TABLE pair_queue (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    display_name TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('backend', 'frontend')),
    topics       TEXT NOT NULL DEFAULT '',
    timezone     TEXT NOT NULL DEFAULT '',
    channel_id   INTEGER,
    joined_at    TEXT NOT NULL,
    UNIQUE (guild_id, user_id)
);
-- The instant matcher reads (timezone, topics, user_id) for one role from this index without touching the table.
CREATE INDEX pair_queue_match ON pair_queue (guild_id, role, timezone, topics, user_id);
-- Queue positions: count a role's rows with a smaller rowid.
CREATE INDEX pair_queue_order ON pair_queue (guild_id, role);

CREATE TABLE pair_pairs (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    backend_id        INTEGER NOT NULL,
    backend_name      TEXT NOT NULL,
    backend_topics    TEXT NOT NULL DEFAULT '',
    backend_timezone  TEXT NOT NULL DEFAULT '',
    backend_joined_at TEXT NOT NULL,
    frontend_id       INTEGER NOT NULL,
    frontend_name     TEXT NOT NULL,
    frontend_topics   TEXT NOT NULL DEFAULT '',
    frontend_timezone TEXT NOT NULL DEFAULT '',
    frontend_joined_at TEXT NOT NULL,
    source            TEXT NOT NULL CHECK (source IN ('join', 'round')),
    score             INTEGER NOT NULL,
    project           TEXT NOT NULL,
    channel_id        INTEGER,
    thread_id         INTEGER,
    intro_message_id  INTEGER,
    intro_status      TEXT NOT NULL DEFAULT 'pending' CHECK (intro_status IN ('pending', 'thread', 'channel', 'failed')),
    matched_at        TEXT NOT NULL,
    checkin_due_at    TEXT NOT NULL,
    checkin_posted_at TEXT,
    ended_at          TEXT,
    ended_by          INTEGER,
    CHECK (backend_id <> frontend_id)
);
CREATE UNIQUE INDEX pair_pairs_current_backend ON pair_pairs (guild_id, backend_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX pair_pairs_current_frontend ON pair_pairs (guild_id, frontend_id) WHERE ended_at IS NULL;
CREATE INDEX pair_pairs_backend ON pair_pairs (guild_id, backend_id);
CREATE INDEX pair_pairs_frontend ON pair_pairs (guild_id, frontend_id);
CREATE INDEX pair_pairs_intro_pending ON pair_pairs (id) WHERE intro_status = 'pending';
CREATE INDEX pair_pairs_checkin_due ON pair_pairs (checkin_due_at) WHERE checkin_posted_at IS NULL AND ended_at IS NULL;

CREATE TABLE pair_checkins (
    pair_id     INTEGER NOT NULL REFERENCES pair_pairs (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    answer      TEXT NOT NULL CHECK (answer IN ('yes', 'not_yet')),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (pair_id, user_id)
) WITHOUT ROWID;

CREATE TABLE pair_schedules (
    guild_id   INTEGER PRIMARY KEY,
    weekday    INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    time       TEXT NOT NULL,
    timezone   TEXT NOT NULL,
    channel_id INTEGER NOT NULL,
    set_by     INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE pair_slot_runs (
    guild_id INTEGER NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('round', 'reminder')),
    slot     TEXT NOT NULL,
    done_at  TEXT NOT NULL,
    pairs    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, kind, slot)
) WITHOUT ROWID;
